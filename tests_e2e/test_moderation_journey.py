"""Moderation: a text message with a phone number in it arrives through Notify's callback and
waits to be checked; the coordinator chooses the hub's safeguarding lead, removes the number
with one click, takes out a place's name by hand and allows the words; axe on every page."""

from __future__ import annotations

import json
import re

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from sidebyside.hubs.models import Hub
from sidebyside.notify.models import OutboxMessage
from sidebyside.voices.models import Contribution, InboundNumber, SafeguardingLead
from tests_e2e.conftest import check_page
from tests_e2e.helpers import load_demo, sign_in_with_password, staff_with_password

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "coordinator.cambridge-south@example.org"
TOKEN = "a-long-random-callback-token-for-the-journey"
WORDS = "The evening group at Blue Door helped me a lot. Ring me on 07700 900123 if you need a volunteer."


@override_settings(NOTIFY_CALLBACK_TOKEN=TOKEN)
def test_a_coordinator_removes_a_phone_number_and_allows_the_words(page: Page) -> None:
    load_demo()
    hub = Hub.objects.get(name="Cambridge & South")
    SafeguardingLead.objects.filter(hub=hub).delete()  # as for a hub choosing its first lead
    InboundNumber.objects.create(number="+447700900500", hub=hub)

    # Notify posts the text it received: the wrong token is refused, the right one stores it.
    body = {
        "id": "b1a7c0de-0000-4000-8000-00000000e2e1",
        "source_number": "447700900999",
        "destination_number": "447700900500",
        "message": WORDS,
        "date_received": "2025-05-14T12:15:30.000000Z",
    }
    refused = page.request.post(
        "/voices/inbound-sms/", data=json.dumps(body), headers={"Authorization": "Bearer wrong"}
    )
    assert refused.status == 403
    stored = page.request.post(
        "/voices/inbound-sms/",
        data=json.dumps(body),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    assert stored.status == 200
    contribution = Contribution.objects.get(channel="sms", hub=hub)
    assert contribution.state == "pending"

    coordinator = staff_with_password(COORDINATOR)
    sign_in_with_password(page, COORDINATOR, coordinator)
    page.goto(f"/hubs/{hub.pk}/contributions/check/")
    expect(page.get_by_role("heading", name="Check what people said", level=1)).to_be_visible()
    card = page.locator(f"#contribution-{contribution.pk}")
    expect(card).to_contain_text("07700 900123")

    # No safeguarding lead yet: the page says so, and the coordinator chooses one.
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has no safeguarding lead")
    check_page(page, "moderation-queue")
    page.get_by_role("link", name="Choose the safeguarding lead now").click()
    expect(page.get_by_role("heading", name="Safeguarding lead", level=1)).to_be_visible()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who the safeguarding lead is")
    check_page(page, "moderation-lead-error")
    page.get_by_label(coordinator.full_name).check()
    check_page(page, "moderation-lead")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "is now the safeguarding lead"
    )
    assert SafeguardingLead.objects.get(hub=hub).user == coordinator

    # One click removes the number; the words stay waiting until allowed.
    card = page.locator(f"#contribution-{contribution.pk}")
    card.get_by_role("button", name=re.compile("Remove personal details")).click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Personal details removed")
    card = page.locator(f"#contribution-{contribution.pk}")
    expect(card).to_contain_text("Ring me on [removed] if you need a volunteer")
    assert "07700 900123" not in page.content()
    check_page(page, "moderation-queue-redacted")

    # The contribution page: the coordinator may look at what was written before (audited).
    card.get_by_role("link", name=re.compile("Open")).click()
    expect(page.get_by_role("heading", name="What was said", level=1)).to_be_visible()
    assert "07700 900123" not in page.content()
    check_page(page, "moderation-contribution")
    page.get_by_role("link", name="Show what was written before personal details were removed").click()
    expect(page.get_by_role("heading", name="Before personal details were removed")).to_be_visible()
    check_page(page, "moderation-contribution-original")

    # A place's name that one click cannot know is taken out by hand.
    page.get_by_role("link", name="Take out those words").click()
    expect(page.get_by_role("heading", name="Take out words", level=1)).to_be_visible()
    page.get_by_role("button", name="Take out these words").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the words to take out")
    check_page(page, "moderation-remove-words-error")
    page.get_by_label("Words to take out").fill("Red Door")
    page.get_by_role("button", name="Take out these words").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("“Red Door” is not in what was said")
    expect(page.get_by_label("Words to take out")).to_have_value("Red Door")  # kept as typed
    page.get_by_label("Words to take out").fill("blue door")
    check_page(page, "moderation-remove-words")
    page.get_by_role("button", name="Take out these words").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Words taken out (1 place)")
    expect(page.get_by_role("heading", name="What was said", level=1)).to_be_visible()
    expect(page.locator(".govuk-inset-text").first).to_contain_text("The evening group at [removed] helped")

    # The safeguarding form (looked at, not sent) then allow from the contribution page.
    page.get_by_role("link", name=re.compile("Raise a safeguarding concern")).click()
    expect(page.get_by_role("heading", name="Raise a safeguarding concern", level=1)).to_be_visible()
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select what the concern is")
    check_page(page, "moderation-safeguarding-error")
    page.get_by_role("link", name="Back", exact=True).click()
    page.get_by_role("button", name=re.compile("^Allow")).click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Allowed")
    expect(page.get_by_role("heading", name="What was said", level=1)).to_be_visible()
    check_page(page, "moderation-contribution-allowed")

    contribution.refresh_from_db()
    assert contribution.state == "shown"
    assert contribution.text == WORDS.replace("07700 900123", "[removed]").replace("Blue Door", "[removed]")
    assert contribution.original == WORDS

    page.get_by_role("link", name="Back to checking").click()
    expect(page.get_by_role("heading", name="Check what people said", level=1)).to_be_visible()
    expect(page.locator(f"#contribution-{contribution.pk}")).to_have_count(0)

    # A worrying text: the concern is raised from the queue, the lead is told without the words.
    worrying = {
        **body,
        "id": "b1a7c0de-0000-4000-8000-00000000e2e2",
        "message": "I have nowhere safe tonight",
    }
    page.request.post(
        "/voices/inbound-sms/",
        data=json.dumps(worrying),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    second = Contribution.objects.exclude(pk=contribution.pk).get(channel="sms", hub=hub)
    page.reload()
    page.locator(f"#contribution-{second.pk}").get_by_role(
        "link", name=re.compile("Raise a safeguarding")
    ).click()
    page.get_by_label("They may be at risk of harming themselves").check()
    check_page(page, "moderation-safeguarding")
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "safeguarding lead has been told"
    )
    expect(page.locator(f"#contribution-{second.pk}")).to_contain_text("Safeguarding concern")
    check_page(page, "moderation-queue-concern")
    message = OutboxMessage.objects.get(template="safeguarding")
    assert message.to == COORDINATOR
    assert "nowhere" not in message.personalisation


def test_on_a_phone_a_coordinator_removes_a_phone_number(phone: Page) -> None:
    load_demo()
    hub = Hub.objects.get(name="Cambridge & South")
    contribution = Contribution.objects.create(
        hub=hub, text=WORDS, said_at=timezone.now(), channel="phone", state="pending"
    )
    coordinator = staff_with_password(COORDINATOR)
    sign_in_with_password(phone, COORDINATOR, coordinator)
    phone.goto(f"/hubs/{hub.pk}/contributions/check/")
    expect(phone.get_by_role("heading", name="Check what people said", level=1)).to_be_visible()
    check_page(phone, "moderation-queue-phone")

    card = phone.locator(f"#contribution-{contribution.pk}")
    card.get_by_role("button", name=re.compile("Remove personal details")).tap()
    expect(phone.locator(".govuk-notification-banner--success")).to_contain_text("Personal details removed")
    expect(phone.locator(f"#contribution-{contribution.pk}")).to_contain_text("Ring me on [removed]")
    assert "07700 900123" not in phone.content()
    phone.locator(f"#contribution-{contribution.pk}").get_by_role("button", name=re.compile("^Allow")).tap()
    expect(phone.locator(".govuk-notification-banner--success")).to_be_visible()
    check_page(phone, "moderation-queue-phone-done")

    contribution.refresh_from_db()
    assert contribution.state == "shown"
    assert "07700 900123" not in contribution.text
    assert "07700 900123" in contribution.original
