"""Run mode: a coordinator runs an Over A Brew on a shared screen, by keyboard, on a fake clock.

One minute to think, two minutes each in turns for three people, then ten minutes to reflect.
Time is driven by Playwright's clock, so "after two minutes" takes no time at all; the network
is cut half way through to show that nothing more is needed once the page has loaded.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from sidebyside.accounts.models import User
from sidebyside.gatherings.models import Gathering, Registration, Step
from sidebyside.hubs.models import Hub
from tests_e2e.conftest import SCREENSHOTS, check_page, tab_to
from tests_e2e.helpers import (
    STAFF_PASSWORD,
    current_code,
    load_demo,
    sign_in_with_password,
    staff_with_password,
)

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "coordinator.cambridge-south@example.org"
RULES = "Listen to understand, not to answer\nNo fixing: just be alongside each other\nIt's OK to disagree, kindly"
T0 = datetime.datetime(2026, 3, 10, 10, 30, tzinfo=datetime.UTC)


def over_a_brew() -> Gathering:
    hub = Hub.objects.get(name="Cambridge & South")
    starts = timezone.now() + datetime.timedelta(days=2)
    gathering = Gathering.objects.create(
        hub=hub,
        kind="over_a_brew",
        title="Over A Brew: what is missing?",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=30),
        ground_rules=RULES,
    )
    Step.objects.create(
        gathering=gathering,
        position=1,
        title="Think",
        guidance="Everyone thinks about the question on their own, quietly.",
        minutes=1,
    )
    Step.objects.create(
        gathering=gathering,
        position=2,
        title="Have your say",
        guidance="Each person answers in turn while everyone else listens.",
        minutes=6,
        minutes_each=2,
    )
    Step.objects.create(
        gathering=gathering,
        position=3,
        title="Reflect",
        guidance="Talk about what you heard. Nobody tries to fix anything.",
        minutes=10,
    )
    for full_name in ("Alia Brennan", "Jo Kowalczyk", "Mo Sandhu"):
        user = User.objects.create_user(email=None, full_name=full_name)
        Registration.objects.create(gathering=gathering, person=user.person)
    return gathering


def press(page: Page, name: str, key: str = "Enter") -> None:
    """Reach a control with Tab from wherever the focus is, and press it.

    Words in a visually hidden span may come out of ``innerText`` on a line of their own.
    """
    tab_to(page, "^" + r"\s+".join(re.escape(word) for word in name.split()) + "$")
    page.keyboard.press(key)


def clock(page: Page) -> Any:
    return expect(page.locator("[data-run-clock]"))


def axe(page: Page, name: str) -> None:
    """axe needs timers that run, so let the fake clock flow for the scan, then hold it again.

    Only called where a little time passing changes nothing that is checked afterwards.
    """
    page.clock.resume()
    check_page(page, name)
    now = page.evaluate("Date.now()")
    page.clock.pause_at(datetime.datetime.fromtimestamp(now / 1000 + 1, tz=datetime.UTC))


def shoot(page: Page, name: str, width: int, height: int) -> None:
    """What the room sees: a laptop or projector (1366×768) and a phone (390×844)."""
    page.set_viewport_size({"width": width, "height": height})
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"run-mode-{name}-{width}.png"))


def test_a_coordinator_runs_over_a_brew_by_keyboard(page: Page) -> None:
    load_demo()
    gathering = over_a_brew()
    coordinator = staff_with_password(COORDINATOR)
    sign_in_with_password(page, COORDINATOR, coordinator)
    expect(page.get_by_role("heading", name="Cambridgeshire & Peterborough Co-production")).to_be_visible()

    page.clock.install(time=T0)
    page.goto(f"/gatherings/{gathering.pk}/run/")
    page.clock.pause_at(T0 + datetime.timedelta(minutes=5))
    # From here on, nothing may need the network.
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    stage = page.locator("[data-run-stage]")
    live = page.locator("[data-run-announce]")
    expect(stage.get_by_role("heading", name="Think", level=2)).to_be_visible()
    expect(page.get_by_text("Step 1 of 3")).to_be_visible()
    expect(page.get_by_role("link", name="Finish: who came and notes")).to_be_hidden()  # only at the end
    expect(page.locator("[data-run-nojs]")).to_be_hidden()
    clock(page).to_have_text("01:00")
    rules = page.get_by_role("region", name="Group agreement")
    expect(rules).to_contain_text("No fixing: just be alongside each other")
    axe(page, "run-mode-ready")
    shoot(page, "ready", 1366, 768)
    page.set_viewport_size({"width": 1280, "height": 900})
    # Full screen shows run mode alone, and gives the screen back.
    press(page, "Full screen")
    expect(page.get_by_role("button", name="Leave full screen")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "run-mode-full-screen.png"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Full screen")).to_be_visible()

    # Step 1: one minute to think.
    press(page, "Start")
    expect(page.locator("[data-run-toggle]")).to_have_text("Pause")
    page.clock.fast_forward(30_000)
    clock(page).to_have_text("00:30")
    # Pause holds the time; carrying on counts from where it stopped.
    page.keyboard.press("Space")
    expect(page.locator("[data-run-toggle]")).to_have_text("Continue")
    page.clock.fast_forward(45_000)
    clock(page).to_have_text("00:30")
    page.keyboard.press("Space")
    page.clock.fast_forward(30_000)
    clock(page).to_have_text("00:00")
    expect(page.locator("[data-run-up]")).to_contain_text("Time is up")
    expect(page.locator(".sbs-run__timer--up")).to_be_visible()
    expect(live).to_have_text("Time is up for this step.")
    axe(page, "run-mode-time-up")

    # Step 2: in turns, two minutes each, for the three people coming (first names only).
    press(page, "Next step", key="Space")
    expect(stage.get_by_role("heading", name="Have your say", level=2)).to_be_visible()
    expect(live).to_contain_text("Step 2 of 3: Have your say")
    speakers = page.locator("[data-run-speakers] > li")
    expect(speakers).to_have_count(3)
    expect(page.locator("[data-run-speakers] .sbs-run__speaker-name")).to_have_text(["Alia", "Jo", "Mo"])
    current = page.locator("[data-run-speakers] [aria-current='true']")
    expect(current).to_contain_text("Alia")
    expect(current).to_contain_text("Speaking now")
    expect(page.locator("[data-run-timer-label]")).to_have_text("Time left for Alia")
    clock(page).to_have_text("02:00")
    page.clock.fast_forward(1_000)
    clock(page).to_have_text("01:59")
    shoot(page, "turns", 1366, 768)
    shoot(page, "turns", 390, 844)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.clock.fast_forward(119_000)
    expect(page.locator("[data-run-up]")).to_contain_text("Time is up for Alia")
    expect(page.locator(".sbs-run__speaker--up")).to_contain_text("Alia")
    expect(live).to_have_text("Time is up for Alia.")
    shoot(page, "time-up", 1366, 768)
    page.set_viewport_size({"width": 1280, "height": 900})
    axe(page, "run-mode-turns-time-up")

    press(page, "Next speaker")
    expect(current).to_contain_text("Jo")
    expect(speakers.first).to_contain_text("Had their turn")
    expect(live).to_have_text("Now speaking: Jo.")
    clock(page).to_have_text("02:00")
    page.clock.fast_forward(10_000)
    clock(page).to_have_text("01:50")

    # The network goes; the session carries on.
    page.context.set_offline(True)

    # Someone arrives late: add them; someone has to leave: remove them; fix a name.
    tab_to(page, r"^run-add-name$", attribute="id")
    page.keyboard.type("Pat")
    page.keyboard.press("Enter")
    expect(speakers).to_have_count(4)
    expect(live).to_have_text("Pat added to the end of the list.")
    press(page, "Remove Mo")
    expect(speakers).to_have_count(3)
    expect(page.locator("[data-run-speakers] .sbs-run__speaker-name")).to_have_text(["Alia", "Jo", "Pat"])
    press(page, "Change the name Pat")
    expect(page.get_by_label("New name for Pat")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("Patrice")
    page.keyboard.press("Enter")
    expect(page.locator("[data-run-speakers] .sbs-run__speaker-name")).to_have_text(["Alia", "Jo", "Patrice"])
    expect(page.get_by_role("button", name="Change the name Patrice")).to_be_focused()
    # Jo still has the floor, and the time kept going through all that.
    expect(current).to_contain_text("Jo")
    clock(page).to_have_text("01:50")
    axe(page, "run-mode-turns-edited")

    # The group agreement can be hidden and shown again.
    press(page, "Hide")
    expect(page.locator("#run-rules-list")).to_be_hidden()
    expect(page.locator("[data-run-rules-toggle]")).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(page.locator("#run-rules-list")).to_be_visible()

    # Sound is off until the facilitator turns it on.
    expect(page.get_by_label("Play a soft sound when time is up")).not_to_be_checked()
    tab_to(page, r"^run-sound$", attribute="id")
    page.keyboard.press("Space")
    expect(page.get_by_label("Play a soft sound when time is up")).to_be_checked()

    # The last two turns; then the clock stops until the facilitator moves on.
    press(page, "Next speaker")
    expect(current).to_contain_text("Patrice")
    page.keyboard.press("Enter")
    expect(page.locator("[data-run-timer-label]")).to_have_text("Everyone has had a turn")
    expect(live).to_have_text("Everyone has had a turn.")
    expect(page.get_by_role("button", name="Next speaker")).to_be_disabled()
    expect(page.get_by_role("button", name="Next step")).to_be_focused()

    # Step 3: reflect.
    page.keyboard.press("Enter")
    expect(stage.get_by_role("heading", name="Reflect", level=2)).to_be_visible()
    expect(live).to_have_text("Step 3 of 3: Reflect. 10 minutes.")
    expect(page.locator("[data-run-turns]")).to_be_hidden()
    expect(page.get_by_role("button", name="Next step")).to_be_disabled()
    expect(page.get_by_role("link", name="Finish: who came and notes")).to_be_visible()
    expect(page.get_by_role("button", name="Previous step")).to_be_focused()
    clock(page).to_have_text("10:00")
    press(page, "Start", key="Space")
    page.clock.run_for(61_000)
    clock(page).to_have_text("08:59")
    expect(page.locator("[data-run-agenda-item][aria-current='step']")).to_contain_text("Reflect")
    shoot(page, "reflect", 1366, 768)
    shoot(page, "reflect", 390, 844)
    page.set_viewport_size({"width": 1280, "height": 900})
    axe(page, "run-mode-reflect")

    # The browser itself may ask for the tab's icon again at any time: that is not the page's doing.
    requests = [url for url in requests if not url.endswith("/favicon.svg")]
    assert requests == [], f"run mode used the network after loading: {requests}"

    # Back online, leave run mode for the session's page.
    page.context.set_offline(False)
    page.get_by_role("link", name="Leave run mode").click()
    expect(page.get_by_role("heading", name="Over A Brew: what is missing?", level=1)).to_be_visible()


def test_an_empty_agenda_says_so(page: Page) -> None:
    load_demo()
    gathering = over_a_brew()
    gathering.agenda.all().delete()
    coordinator = staff_with_password(COORDINATOR)
    sign_in_with_password(page, COORDINATOR, coordinator)
    page.goto(f"/gatherings/{gathering.pk}/run/")
    expect(page.get_by_text("this session has no agenda")).to_be_visible()
    check_page(page, "run-mode-empty")
    page.get_by_role("link", name="Go back to Over A Brew: what is missing?").click()
    expect(page.get_by_role("heading", name="Over A Brew: what is missing?", level=1)).to_be_visible()


def test_without_javascript_run_mode_is_the_plan(browser: Browser, live_server: Any) -> None:
    load_demo()
    gathering = over_a_brew()
    coordinator = staff_with_password(COORDINATOR)
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 1366, "height": 768}
    )
    page = context.new_page()
    try:
        page.goto("/sign-in/")
        page.get_by_label("Email address").fill(COORDINATOR)
        page.get_by_label("Password").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Code from your authenticator app").fill(current_code(coordinator, confirmed=False))
        page.get_by_role("button", name="Continue").click()
        page.goto(f"/gatherings/{gathering.pk}/run/")
        expect(page.get_by_text("The timers need JavaScript")).to_be_visible()
        expect(page.locator("[data-run-stage]")).to_be_hidden()
        for control in ("Full screen", "Hide", "Start", "Next step"):
            expect(page.get_by_role("button", name=control)).to_be_hidden()
        agenda = page.get_by_role("region", name="Agenda")
        expect(agenda.get_by_role("listitem")).to_have_count(3)
        expect(agenda).to_contain_text("1 minute")
        expect(agenda).to_contain_text("2 minutes each, in turns")
        expect(agenda).to_contain_text("Nobody tries to fix anything.")
        expect(page.get_by_role("region", name="Group agreement")).to_contain_text("Listen to understand")
        page.screenshot(path=str(SCREENSHOTS / "run-mode-no-js-1366.png"), full_page=True)
    finally:
        context.close()
