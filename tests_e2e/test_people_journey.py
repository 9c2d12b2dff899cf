"""People: a coordinator adds someone, records their verbal consent and support needs; that
person then follows a sign-in link, corrects their phone number, withdraws consent to be
quoted and pauses their involvement."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sidebyside.people import consent
from sidebyside.people.models import Person, SupportNeeds
from tests_e2e.conftest import check_page
from tests_e2e.helpers import load_demo, sign_in_with_password, staff_with_password

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "coordinator.cambridge-south@example.org"


def record_consent(page: Page, purpose: str, *, level: str | None = None, screenshot: str = "") -> None:
    row = page.locator(".govuk-summary-list__row", has=page.get_by_text(purpose, exact=True))
    row.get_by_role("link", name=re.compile("Record consent")).click()
    if level:
        page.get_by_label(level).check()
    page.get_by_label("Said out loud, recorded by a member of staff").check()
    today = timezone.localdate()
    given = page.get_by_role("group", name="Date consent was given")
    given.get_by_label("Day").fill(str(today.day))
    given.get_by_label("Month").fill(str(today.month))
    given.get_by_label("Year").fill(str(today.year))
    if screenshot:
        check_page(page, screenshot)
    page.get_by_role("button", name="Record consent").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Consent recorded")


def coordinator_adds_a_person(page: Page) -> tuple[Person, str]:
    """Returns the person and the path of the sign-in link on the card printed for them."""
    coordinator = staff_with_password(COORDINATOR)
    sign_in_with_password(page, COORDINATOR, coordinator)
    page.get_by_role("link", name="Cambridge & South", exact=True).click()
    expect(page.get_by_role("heading", name="Cambridge & South", level=1)).to_be_visible()
    page.get_by_role("link", name="People in this hub").click()
    expect(page.get_by_role("heading", name="People", level=1)).to_be_visible()
    check_page(page, "people-list")
    page.get_by_role("link", name="Add a person").click()
    check_page(page, "person-add")

    # A phone number that is too short first: the error is specific and nothing typed is lost.
    page.get_by_label("Full name").fill("Rowan Ellery-Marsh")
    page.get_by_label("The name they like to be called (optional)").fill("Ro")
    page.get_by_label("Expert by experience", exact=True).check()
    page.get_by_label("Phone number (optional)").fill("07700 9001")
    page.get_by_label("Text message").check()
    page.get_by_role("button", name="Add person").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a UK phone number with the right number of digits")
    expect(page.get_by_label("Full name")).to_have_value("Rowan Ellery-Marsh")
    check_page(page, "person-add-error")
    page.get_by_label("Phone number (optional)").fill("07700 900 461")
    page.get_by_role("button", name="Add person").click()

    # Consent, said out loud and recorded by the coordinator.
    expect(page.get_by_role("heading", name="Rowan Ellery-Marsh")).to_be_visible()
    check_page(page, "person-consents-empty")
    record_consent(page, "Contact me by text message")
    record_consent(page, "Quote what I say in reports", level="With their first name only")
    record_consent(
        page,
        "Keep a record of my support needs and my plan",
        screenshot="person-consent-form",
    )
    check_page(page, "person-consents")

    # Support needs.
    tabs = page.get_by_role("navigation", name="Parts of this record")
    tabs.get_by_role("link", name="Support needs").click()
    page.get_by_role("link", name="Change support needs").click()
    page.get_by_label("Step-free access").check()
    page.get_by_label("Reminders by phone call").check()
    page.get_by_label("Anything else that helps (optional)").fill("Prefers a seat near the door.")
    check_page(page, "person-needs-form")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Support needs saved")
    expect(page.get_by_text("Step-free access")).to_be_visible()
    check_page(page, "person-needs")

    # The record's history shows who looked at the needs.
    tabs.get_by_role("link", name="History").click()
    expect(page.get_by_text("Looked at support needs").first).to_be_visible()
    check_page(page, "person-history")

    # A printed card with a single-use link, for someone with no email address.
    tabs.get_by_role("link", name="Details").click()
    page.get_by_role("link", name="Print a sign-in card").click()
    page.get_by_role("button", name="Make the card").click()
    expect(page.locator(".sbs-qr svg")).to_be_visible()
    check_page(page, "person-sign-in-card")
    link = page.locator(".sbs-link-text").inner_text().strip()
    page.get_by_role("button", name="Sign out").click()

    person = Person.objects.get(user__full_name="Rowan Ellery-Marsh")
    assert person.phone == "+447700900461"
    assert SupportNeeds.objects.get(person=person).needs == ["step_free", "phone_reminders"]
    assert consent.may_quote(person, "first_name")
    return person, "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_the_member_corrects_their_phone_withdraws_quoting_and_pauses(page: Page, phone: Page) -> None:
    load_demo()
    person, card_link = coordinator_adds_a_person(page)

    phone.goto(card_link)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", name="Cambridge & South", level=1)).to_be_visible()
    # Your details sit in the account bar above the menu: no Menu button to find first.
    phone.get_by_role("navigation", name="Account").get_by_role("link", name="Your details").click()
    expect(phone.get_by_role("heading", name="Your details and choices")).to_be_visible()
    check_page(phone, "me")

    # Correct the phone number: a mistake first, which is explained and keeps what was typed.
    phone.get_by_role("link", name="Change your details").click()
    field = phone.get_by_label("Mobile or phone number (optional)")
    expect(field).to_have_value("07700 900461")
    field.fill("07700 90046")
    phone.get_by_role("button", name="Save").click()
    expect(phone.locator(".govuk-error-summary")).to_contain_text("right number of digits")
    expect(field).to_have_value("07700 90046")
    check_page(phone, "me-details-error")
    field.fill("07700 900 462")
    phone.get_by_role("button", name="Save").click()
    expect(phone.locator(".govuk-notification-banner")).to_be_visible()
    expect(phone.get_by_text("07700 900462")).to_be_visible()

    # Stop being quoted.
    phone.get_by_role("link", name=re.compile(r"^Change\W+Quote what I say in reports$")).click()
    check_page(phone, "me-consent-quote")
    phone.get_by_label("No", exact=True).check()
    phone.get_by_role("button", name="Save your answer").click()
    expect(phone.locator(".govuk-notification-banner")).to_contain_text("We will not quote you")
    assert not consent.may_quote(Person.objects.get(pk=person.pk))

    # Pause.
    phone.get_by_role("link", name="Pause your involvement").click()
    check_page(phone, "me-pause")
    phone.get_by_role("button", name="Pause my involvement").click()
    expect(phone.get_by_text("You are not taking part at the moment").first).to_be_visible()
    check_page(phone, "me-paused")

    person.refresh_from_db()
    assert person.phone == "+447700900462"
    assert person.status == Person.Status.PAUSED
    assert not consent.may_contact(person, "sms")
