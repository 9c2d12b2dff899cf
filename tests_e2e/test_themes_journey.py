"""Themes: a coordinator asks the machine to suggest themes for a drop-in's 150 contributions,
then reviews them: accepts two under new names, merges one into another, turns one down, moves
one contribution to another theme (and sees it can undo that); then new contributions arrive and
the machine sorts them into the confirmed themes, each with a confidence; then the machine shows
how one theme could be split and the coordinator makes one group a theme. axe on every page."""

from __future__ import annotations

import datetime
import random
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub
from sidebyside.insights.evaluate import read_tsv
from sidebyside.insights.models import Tag, Theme, ThemingRun
from sidebyside.insights.tests.test_engine import SMALL
from sidebyside.voices.models import Contribution
from tests_e2e.conftest import check_page
from tests_e2e.helpers import load_demo, sign_in_with_password, staff_with_password

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "coordinator.cambridge-south@example.org"
EVALUATION = SMALL.parent.parent.parent / "evaluation" / "comments.tsv"


def a_drop_in_with_150_contributions() -> Gathering:
    hub = Hub.objects.get(name="Cambridge & South")
    start = timezone.now() - datetime.timedelta(days=2)
    gathering = Gathering.objects.create(
        hub=hub,
        kind="workshop",
        title="Drop-in: what gets in the way?",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    _, texts = read_tsv(EVALUATION)
    chosen = random.Random(4).sample(texts, 150)  # noqa: S311 - test data
    Contribution.objects.bulk_create(
        [
            Contribution(
                hub=hub, gathering=gathering, text=text, said_at=start, channel="paper", state="shown"
            )
            for text in chosen
        ]
    )
    return gathering


def test_suggest_and_review_themes(page: Page) -> None:
    load_demo()
    gathering = a_drop_in_with_150_contributions()
    programme = gathering.hub.programme
    sign_in_with_password(page, COORDINATOR, staff_with_password(COORDINATOR))

    page.goto(f"/programmes/{programme.pk}/themes/")
    expect(page.get_by_role("heading", name="Themes", exact=True)).to_be_visible()
    check_page(page, "themes-empty")

    # Asking for more themes than makes sense is refused plainly, and the choices are kept.
    page.get_by_label("Hub (optional)").select_option(label="Cambridge & South")
    page.get_by_label("Gathering (optional)").select_option(value=str(gathering.pk))
    page.get_by_label("About how many themes (optional)").fill("40")
    page.get_by_role("button", name="Suggest themes").click()
    expect(page.get_by_text("Ask for 30 themes or fewer").first).to_be_visible()
    expect(page.get_by_label("Gathering (optional)")).to_have_value(str(gathering.pk))
    check_page(page, "themes-error")

    page.get_by_label("About how many themes (optional)").fill("6")
    page.get_by_role("button", name="Suggest themes").click()
    expect(page.get_by_role("heading", name="Suggested themes to review")).to_be_visible()
    check_page(page, "themes-review")
    run = ThemingRun.objects.get()
    assert (run.state, run.total) == ("done", 150)
    first, second, third, fourth = list(Theme.objects.filter(run=run).order_by("pk"))[:4]

    page.get_by_label(f"Name for “{first.name}”").fill("Being heard")
    page.get_by_role("button", name=f"Accept “{first.name}”").click()
    expect(page.get_by_text("Theme accepted: Being heard")).to_be_visible()

    page.get_by_label(f"Name for “{second.name}”").fill("Getting help")
    page.get_by_role("button", name=f"Accept “{second.name}”").click()
    expect(page.get_by_text("Theme accepted: Getting help")).to_be_visible()

    page.get_by_label(f"Merge “{third.name}” into").select_option(label="Being heard")
    page.get_by_role("button", name=f"Merge “{third.name}”").click()
    expect(page.get_by_text(f"Merged {third.name} into Being heard")).to_be_visible()

    page.get_by_role("button", name=f"Turn down “{fourth.name}”").click()
    expect(page.get_by_text(f"Suggestion turned down: {fourth.name}")).to_be_visible()
    check_page(page, "themes-reviewed")

    accepted = Theme.objects.get(name="Being heard")
    assert accepted.status == "confirmed"
    assert Tag.objects.filter(theme=accepted).count() > 0
    assert (
        Tag.objects.filter(theme=accepted, confirmed=False).count()
        == Tag.objects.filter(theme=accepted, source="machine", confirmed=False).count()
    )
    assert not Theme.objects.filter(pk=fourth.pk).exists()

    # One contribution is in the wrong theme: move it, from the theme's own page.
    page.get_by_role("link", name="Back to the themes").click()
    expect(page.get_by_role("cell", name="Being heard")).to_be_visible()
    check_page(page, "themes-list")
    page.get_by_role("link", name="Getting help").click()
    expect(page.get_by_role("heading", name="Getting help")).to_be_visible()
    check_page(page, "theme-page")
    helping = Tag.objects.filter(theme__name="Getting help").count()
    page.get_by_label("Move contribution 1 to").select_option(label="Being heard")
    page.get_by_role("button", name="Move contribution 1", exact=True).click()
    expect(page.get_by_text("Moved to Being heard.")).to_be_visible()
    expect(page.get_by_role("button", name="Undo")).to_be_visible()
    check_page(page, "theme-moved")
    assert Tag.objects.filter(theme__name="Getting help").count() == helping - 1
    # A search kept in an address past its time (or altered) asks for the words again.
    theme_address = page.url.split("?")[0]
    page.goto(theme_address + "?find=no-longer-readable")
    expect(page.locator(".govuk-error-summary")).to_contain_text("That search has ended")
    check_page(page, "theme-search-ended")
    page.get_by_label("Search this theme").fill("help")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    assert "help" not in page.url
    # So does "find contributions to add" to it, in the same error summary.
    page.goto(theme_address + "add/?find=no-longer-readable")
    expect(page.locator(".govuk-error-summary")).to_contain_text("That search has ended")
    expect(page).to_have_title(re.compile("^Error: "))
    check_page(page, "theme-add-search-ended")
    page.locator(".govuk-error-summary a").click()
    expect(page.get_by_label("Words to look for")).to_be_focused()
    page.goto(theme_address)

    # New contributions come in; the machine sorts them into the confirmed themes.
    _, texts = read_tsv(EVALUATION)
    now = timezone.now()
    Contribution.objects.bulk_create(
        [
            Contribution(
                hub=gathering.hub, gathering=gathering, text=text, said_at=now, channel="paper", state="shown"
            )
            for text in random.Random(9).sample(texts, 20)  # noqa: S311 - test data
        ]
    )
    page.get_by_role("link", name="Back to the themes").click()
    page.get_by_role("button", name="Sort new contributions into themes").click()
    expect(page.get_by_text("sorted into themes")).to_be_visible()
    check_page(page, "themes-sorted")
    sorting = ThemingRun.objects.filter(kind="assign").get()
    assert sorting.state == "done"
    machine = Tag.objects.filter(contribution__said_at=now, source="machine", confirmed=False)
    assert machine.exists()
    assert all(tag.confidence is not None for tag in machine)
    one = machine.select_related("theme").first()
    assert one is not None
    page.goto(f"/themes/{one.theme_id}/")
    expect(page.get_by_text("Put here by the machine").first).to_be_visible()
    expect(page.get_by_text("confidence").first).to_be_visible()
    check_page(page, "theme-sorted")

    # The machine's idea of how that theme could be two; the coordinator makes one group a theme,
    # leaving one of its contributions where it was.
    before = Tag.objects.filter(theme_id=one.theme_id).count()
    page.get_by_role("link", name="See how the machine would split it in two").click()
    expect(page.get_by_role("heading", name="Group 2", exact=False)).to_be_visible()
    check_page(page, "theme-split-suggest")
    group = page.locator("form.sbs-split-group").nth(1)
    group.get_by_role("checkbox").first.uncheck()
    # A mistake first: no name. The page comes back with the error and the unticked one unticked.
    group.get_by_label("Name for the new theme").fill("")
    group.get_by_role("button", name="Make group 2 a new theme").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the new theme")
    check_page(page, "theme-split-suggest-error")
    group = page.locator("form.sbs-split-group").nth(1)
    expect(group.get_by_role("checkbox").first).not_to_be_checked()
    group.get_by_label("Name for the new theme").fill("Split off by hand")
    group.get_by_role("button", name="Make group 2 a new theme").click()
    expect(page.get_by_role("heading", name="Split off by hand")).to_be_visible()
    split = Theme.objects.get(programme=programme, name="Split off by hand")
    moved = Tag.objects.filter(theme=split).count()
    assert moved >= 1
    assert Tag.objects.filter(theme_id=one.theme_id).count() == before - moved

    # Pictures for the report: the word cloud, the themes month by month and by hub.
    page.goto(f"/programmes/{programme.pk}/themes/")
    page.get_by_role("link", name="Pictures of what people said").click()
    expect(page.get_by_role("heading", name="Words said most")).to_be_visible()
    expect(page.get_by_role("heading", name="Themes by hub")).to_be_visible()
    check_page(page, "pictures")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the word cloud as a picture (PNG)").click()
    assert download.value.suggested_filename == "cloud.png"
    page.get_by_label("Theme (optional)").select_option(label="Being heard")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Words said most")).to_be_visible()
    check_page(page, "pictures-theme")

    # Search across the hubs and the themes.
    page.goto(f"/programmes/{programme.pk}/themes/")
    page.get_by_role("link", name="Search what people said").click()
    page.get_by_label("Words to look for").fill("appointment")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("matching “appointment”")).to_be_visible()
    assert "appointment" not in page.url  # the words travel sealed
    expect(page.locator("mark.sbs-found").first).to_contain_text("appointment")
    check_page(page, "search")
    # A quote found leads to what happened to it.
    # (Chromium puts a space before the visually hidden part of the name: "it : contribution 1".)
    page.get_by_role("link", name=re.compile(r"^What happened to it\s*: contribution 1$")).click()
    expect(page.get_by_role("heading", name="What happened to it", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("appointment")
    check_page(page, "search-journey")
    # …and back to the search as it was, not to a hub's list.
    page.get_by_role("link", name="Back to the search").click()
    expect(page.get_by_text("matching “appointment”")).to_be_visible()

    # A theme made by hand: a mistake first (no name), then the theme, then its "add" page.
    page.goto(f"/programmes/{programme.pk}/themes/")
    page.get_by_role("link", name="Make a theme yourself").click()
    expect(page.get_by_role("heading", name="Make a theme", exact=True)).to_be_visible()
    check_page(page, "theme-new")
    page.get_by_label("Description (optional)").fill("Getting to sessions by bus")
    page.get_by_role("button", name="Make the theme").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the theme")
    expect(page.get_by_label("Description (optional)")).to_have_value("Getting to sessions by bus")
    check_page(page, "theme-new-error")
    page.get_by_label("Name", exact=True).fill("Travel")
    page.get_by_role("button", name="Make the theme").click()
    expect(page.get_by_text("Theme made: Travel")).to_be_visible()
    check_page(page, "theme-new-add")
    assert Theme.objects.filter(programme=programme, name="Travel", status="confirmed").exists()
