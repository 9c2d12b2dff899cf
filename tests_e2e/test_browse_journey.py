"""Browsing what people said: a coordinator searches and filters a hub's contributions, downloads
them, and adds a question to the programme; axe on every page, the list also at phone width."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sidebyside.hubs.models import Hub
from sidebyside.voices.models import Contribution
from sidebyside.voices.prompt_library import LIBRARY, seed_prompts
from tests_e2e.conftest import check_page
from tests_e2e.helpers import load_demo, sign_in_with_password, staff_with_password

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "coordinator.cambridge-south@example.org"


def test_a_coordinator_searches_downloads_and_adds_a_question(page: Page) -> None:
    load_demo()
    hub = Hub.objects.get(name="Cambridge & South")
    seed_prompts(hub.programme)
    prompt = hub.programme.prompts.get(text=LIBRARY[4].text)
    gathering = hub.gatherings.order_by("-starts_at").first()
    now = timezone.now()
    said = [
        ("Listen to us, and give us the time to say it properly", "named"),
        ("The bus fare to get here is more than I can afford", "first_name"),
        ('=HYPERLINK("http://example.com") <b>not bold</b>', "anonymous"),
        ("Meetings in the evening would let working people come", "anonymous"),
    ]
    for i, (text, identify_as) in enumerate(said):
        Contribution.objects.create(
            hub=hub,
            gathering=gathering,
            prompt=prompt,
            text=text,
            said_at=now - datetime.timedelta(hours=i),
            channel="phone",
            state="shown",
            identify_as=identify_as,
            name_given="Robin Example",
        )
    Contribution.objects.create(
        hub=hub,
        text="Something at home is not right",
        said_at=now,
        channel="sms",
        state="hidden",
        safeguarding_at=now,
    )

    coordinator = staff_with_password(COORDINATOR)
    sign_in_with_password(page, COORDINATOR, coordinator)
    page.goto(f"/hubs/{hub.pk}/contributions/")
    expect(page.get_by_role("heading", name="What people said", level=1)).to_be_visible()
    expect(page.get_by_text("<b>not bold</b>", exact=False)).to_be_visible()
    expect(page.get_by_text("Safeguarding concern")).to_be_visible()
    check_page(page, "browse-list")

    # Search: other forms of a word match.
    page.get_by_label("Search the words").fill("listening")
    page.get_by_role("button", name="Show results").click()
    expect(page.get_by_role("heading", name="1 contribution matching “listening”")).to_be_visible()
    assert "find=" in page.url  # what was searched for travels sealed, never as typed
    assert "listening" not in page.url
    page.goto(page.url.split("?")[0] + "?find=no-longer-readable")
    expect(page.locator(".govuk-error-summary")).to_contain_text("That search has ended")
    check_page(page, "browse-search-ended")
    check_page(page, "browse-search")

    # A date that does not exist is named; what was typed stays.
    page.get_by_label("Search the words").fill("bus")
    page.get_by_text("Gathering, question, dates and more").click()  # folded until one is set
    page.get_by_role("group", name="From").get_by_label("Day").fill("31")
    page.get_by_role("group", name="From").get_by_label("Month").fill("2")
    page.get_by_role("group", name="From").get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Show results").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("From must be a real date")
    expect(page.get_by_label("Search the words")).to_have_value("bus")
    check_page(page, "browse-date-error")

    # Download what the filters show.
    page.get_by_role("group", name="From").get_by_label("Day").fill("1")
    page.get_by_role("button", name="Show results").click()
    with page.expect_download() as caught:
        page.get_by_role("link", name="Download as CSV").click()
    rows = list(csv.reader(io.StringIO(caught.value.path().read_text(encoding="utf-8-sig"))))
    assert [row[4] for row in rows[1:]] == ["The bus fare to get here is more than I can afford"]
    assert rows[1][5] == "Robin"

    # The programme's questions: a repeat is refused by name, a new one is added.
    page.goto(f"/programmes/{hub.programme_id}/prompts/")
    expect(page.get_by_role("heading", name="Questions", level=1)).to_be_visible()
    check_page(page, "prompts-list")
    page.get_by_role("link", name="Add a question").click()
    page.get_by_label("Question").fill(LIBRARY[0].text.upper())
    page.get_by_role("button", name="Add question").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The programme already asks")
    check_page(page, "prompts-duplicate")
    page.get_by_label("Question").fill("What would make it easier to come along?")
    page.get_by_role("button", name="Add question").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Question added")
    page.get_by_role("link", name="Change “What would make it easier to come along?”").click()
    check_page(page, "prompts-change")


def test_the_list_at_phone_width(phone: Page) -> None:
    load_demo()
    hub = Hub.objects.get(name="Cambridge & South")
    for i in range(3):
        Contribution.objects.create(
            hub=hub,
            text=f"A longer thought, number {i}, about what would help people come back next month",
            said_at=timezone.now(),
            channel="paper",
        )
    coordinator = staff_with_password(COORDINATOR)
    sign_in_with_password(phone, COORDINATOR, coordinator)
    phone.goto(f"/hubs/{hub.pk}/contributions/")
    expect(phone.get_by_role("heading", name="What people said", level=1)).to_be_visible()
    check_page(phone, "browse-phone")
