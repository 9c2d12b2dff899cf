"""The live wall and rapid entry: a coordinator puts the wall up, sees new words arrive without
reloading, hides one, and types up ten sticky notes with the keyboard alone.
"""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub
from sidebyside.voices.models import Contribution, JoinCode
from tests_e2e.conftest import SCREENSHOTS, check_page, tab_to
from tests_e2e.helpers import load_demo, sign_in_with_password, staff_with_password

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "coordinator.cambridge-south@example.org"
WORDS = [
    "The buses stop too early in the evening",
    "Nobody calls back when you ask for help with housing",
    "Being listened to made a real difference",
    "More drop-in sessions in the evening please",
    "Housing forms are too long and confusing",
]


def workshop() -> Gathering:
    hub = Hub.objects.get(name="Cambridge & South")
    starts = timezone.now() - datetime.timedelta(minutes=20)
    gathering = Gathering.objects.create(
        hub=hub,
        kind="workshop",
        title="Drop-in: what is missing?",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )
    JoinCode.objects.create(
        gathering=gathering, open_until=starts + datetime.timedelta(days=7), moderated=True
    )
    for number, text in enumerate(WORDS):
        Contribution.objects.create(
            hub=hub,
            gathering=gathering,
            text=text,
            said_at=timezone.now(),
            channel="phone",
            state="shown",
            identify_as="first_name" if number % 2 else "anonymous",
            name_given="Sam Example" if number % 2 else "",
        )
    return gathering


def say(gathering: Gathering, text: str, state: str = "shown") -> Contribution:
    return Contribution.objects.create(
        uuid=uuid.uuid4(),
        hub=gathering.hub,
        gathering=gathering,
        text=text,
        said_at=timezone.now(),
        channel="phone",
        state=state,
    )


def test_the_wall_updates_live_and_notes_are_typed_up_by_keyboard(page: Page) -> None:
    load_demo()
    gathering = workshop()
    coordinator = staff_with_password(COORDINATOR)
    sign_in_with_password(page, COORDINATOR, coordinator)
    expect(page.get_by_role("heading", name="Cambridgeshire & Peterborough Co-production")).to_be_visible()

    # The wall, at a laptop's width, with the facilitator's buttons.
    page.goto(f"/gatherings/{gathering.pk}/wall/")
    expect(page.get_by_role("heading", name="Drop-in: what is missing?")).to_be_visible()
    expect(page.get_by_text(WORDS[0], exact=True)).to_be_visible()
    expect(page.locator(".sbs-cloud")).to_be_visible()
    say(gathering, "Waiting for a check", state="pending")
    expect(page.get_by_role("heading", name="Waiting to be checked (1)")).to_be_visible(timeout=5000)
    check_page(page, "wall")

    # Something new arrives: it is on the wall within 5 seconds, with no reload.
    page.evaluate("window.sbsNotReloaded = true")
    arrived = say(gathering, "Free bus passes for volunteers <b>please</b>")
    expect(page.get_by_text("Free bus passes for volunteers <b>please</b>", exact=True)).to_be_visible(
        timeout=5000
    )
    assert page.evaluate("window.sbsNotReloaded") is True
    expect(page.get_by_role("heading", name=re.compile(r"What people said \(6\)"))).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("1 new on the wall")

    # The one waiting is let on; the new one is hidden again.
    page.get_by_role("button", name=re.compile("^Show on the wall")).click()
    expect(page.get_by_text("Now showing on the wall")).to_be_visible()
    page.locator(f"#wall-hide-{arrived.pk}").click()
    expect(page.get_by_text("Hidden from the wall", exact=True)).to_be_visible()
    expect(page.locator(".sbs-wall__list").get_by_text("Free bus passes")).to_have_count(0)
    arrived.refresh_from_db()
    assert arrived.state == "hidden"

    # What the room sees on a projector.
    page.goto(f"/gatherings/{gathering.pk}/wall/?screen=1")
    page.set_viewport_size({"width": 1366, "height": 768})
    expect(page.get_by_role("button", name=re.compile("Hide from the wall"))).to_have_count(0)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "wall-screen-1366.png"))
    page.screenshot(path=str(SCREENSHOTS / "wall-screen-1366-full.png"), full_page=True)
    check_page(page, "wall-screen")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Rapid entry, keyboard only: the box has the focus, ten notes, Ctrl+Enter sends them.
    page.goto(f"/hubs/{gathering.hub.pk}/contributions/new/?gathering={gathering.pk}")
    expect(page.get_by_role("heading", name="Type up notes")).to_be_visible()
    check_page(page, "rapid-entry")
    box = page.get_by_label("Notes, one on each line")
    expect(box).to_be_focused()
    for number in range(1, 6):
        page.keyboard.type(f"Sticky note {number} #round1")
        page.keyboard.press("Enter")
    expect(page.get_by_text("5 notes to add")).to_be_visible()
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("5 notes added")).to_be_visible()
    expect(box).to_be_focused()
    # Five more, sent with the button, reached by Tab.
    for number in range(6, 11):
        page.keyboard.type(f"Sticky note {number}")
        page.keyboard.press("Enter")
    tab_to(page, "^Add notes$")
    page.keyboard.press("Enter")
    # The first batch's "5 notes added" is still on screen until the answer comes, so wait
    # for what only the second answer shows: the tenth note in the list of those just added.
    just_added = page.get_by_role("list", name="Just added")
    expect(just_added.get_by_text("Sticky note 10", exact=True)).to_be_visible()
    expect(page.get_by_text("5 notes added")).to_be_visible()
    typed = Contribution.objects.filter(text__startswith="Sticky note", gathering=gathering)
    assert typed.count() == 10
    assert typed.filter(tags="round1").count() == 5
    assert set(typed.values_list("channel", flat=True)) == {"facilitator"}
    check_page(page, "rapid-entry-added")

    # Undo the last one, by keyboard.
    tab_to(page, "^Undo")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Note taken back")).to_be_visible()
    assert typed.count() == 9

    # A bad line: explained, what was typed kept.
    page.get_by_label("Notes, one on each line").fill("#only #tags")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Line 1 has only tags")
    expect(page.get_by_label("Notes, one on each line")).to_have_value("#only #tags")
    check_page(page, "rapid-entry-error")
