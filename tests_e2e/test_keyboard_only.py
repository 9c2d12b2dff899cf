"""The same journeys with the keyboard alone: no mouse clicks, only Tab, Enter, Space and typing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from sidebyside.accounts.models import User
from tests_e2e.conftest import check_page, follow, tab_to
from tests_e2e.helpers import STAFF_PASSWORD, current_code, load_demo, sign_in_link_path, staff_with_password

pytestmark = pytest.mark.django_db(transaction=True)


def test_member_journey_by_keyboard(page: Page) -> None:
    load_demo()
    member = User.objects.get(email="peterborough.3@example.org")
    page.goto(sign_in_link_path(member))
    # The skip link is the first stop.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.innerText").strip() == "Skip to main content"
    check_page(page, "keyboard-member-link")
    tab_to(page, r"^Sign in$")
    follow(page)
    expect(page.get_by_role("heading", name="Peterborough", level=1)).to_be_visible()
    check_page(page, "keyboard-member-hub")
    tab_to(page, r"^Your account$")
    follow(page)
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    check_page(page, "keyboard-member-account")
    tab_to(page, r"^Sign out$")
    follow(page)
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    check_page(page, "keyboard-signed-out")


def test_coordinator_edits_a_hub_by_keyboard(page: Page) -> None:
    load_demo()
    manager = staff_with_password("manager@example.org")
    page.goto("/sign-in/")
    tab_to(page, r"^id_username$", attribute="id")
    page.keyboard.type("manager@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(STAFF_PASSWORD)
    follow(page)
    expect(page.get_by_role("heading", name="Set up two-step verification")).to_be_visible()
    tab_to(page, r"^id_code$", attribute="id")
    page.keyboard.type(current_code(manager, confirmed=False))
    follow(page)
    expect(page.get_by_role("heading", name="Cambridgeshire & Peterborough Co-production")).to_be_visible()

    # Add a hub: an empty submission first, then the real one.
    tab_to(page, r"^Add a hub$")
    follow(page)
    check_page(page, "keyboard-hub-add")
    tab_to(page, r"^Add hub$")
    follow(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the hub's name")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check_page(page, "keyboard-hub-add-errors")
    tab_to(page, r"^Enter the hub's name$")  # the link in the error summary
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_name"
    page.keyboard.type("Ramsey")
    page.keyboard.press("Tab")
    page.keyboard.type("Ramsey and the fens")
    tab_to(page, r"^Add hub$")
    follow(page)
    expect(page.get_by_role("heading", name="Ramsey", level=1)).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Ramsey hub added")
    check_page(page, "keyboard-hub-added")
    tab_to(page, r"^Dashboard$")
    follow(page)

    tab_to(page, r"^Wisbech$")
    follow(page)
    expect(page.get_by_role("heading", name="Wisbech", level=1)).to_be_visible()
    tab_to(page, r"^Change hub details$")
    follow(page)
    check_page(page, "keyboard-hub-edit")
    # Move the stage on with the keyboard: Tab into the radio group, arrows to choose.
    tab_to(page, r"^stage$", attribute="name")
    for _ in range(3):
        if page.evaluate("document.activeElement.value") == "started":
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "started"
    page.keyboard.press("Space")
    # Submitting without a start date shows the error; the summary takes focus.
    tab_to(page, r"^Save changes$")
    follow(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date the hub started")
    check_page(page, "keyboard-hub-edit-error")
    tab_to(page, r"^id_started_on_0$", attribute="id")
    page.keyboard.type("14")
    page.keyboard.press("Tab")
    page.keyboard.type("1")
    page.keyboard.press("Tab")
    page.keyboard.type("2024")
    tab_to(page, r"^Save changes$")
    follow(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Hub details saved")
    check_page(page, "keyboard-hub-edited")
    expect(page.locator(".govuk-summary-list")).to_contain_text("14 January 2024")


def test_member_corrects_details_withdraws_quoting_and_pauses_by_keyboard(page: Page) -> None:
    from sidebyside.people import consent
    from sidebyside.people.models import Person

    load_demo()
    member = User.objects.get(email="cambridge-south.2@example.org")
    page.goto(sign_in_link_path(member))
    tab_to(page, r"^Sign in$")
    follow(page)
    tab_to(page, r"^Your details$")
    follow(page)
    expect(page.get_by_role("heading", name="Your details and choices")).to_be_visible()
    check_page(page, "keyboard-me")

    tab_to(page, r"^Change\s+your details$")
    follow(page)
    tab_to(page, r"^id_phone$", attribute="id")
    page.keyboard.press("Control+A")
    page.keyboard.type("07700 900 999")
    tab_to(page, r"^Save$")
    follow(page)
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    check_page(page, "keyboard-me-saved")

    tab_to(page, r"^Change\W+Quote what I say in reports$")
    follow(page)
    tab_to(page, r"^answer$", attribute="name")
    for _ in range(5):
        if page.evaluate("document.activeElement.value") == "no":
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.checked && document.activeElement.value") == "no"
    check_page(page, "keyboard-me-consent")
    tab_to(page, r"^Save your answer$")
    follow(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("We will not quote you")

    tab_to(page, r"^Pause your involvement$")
    follow(page)
    tab_to(page, r"^Pause my involvement$")
    follow(page)
    expect(page.get_by_text("You are not taking part at the moment").first).to_be_visible()
    check_page(page, "keyboard-me-paused")

    person = Person.objects.get(user=member)
    assert person.phone == "+447700900999"
    assert person.status == Person.Status.PAUSED
    assert not consent.may_quote(person)


def test_coordinator_records_verbal_consent_by_keyboard(page: Page) -> None:
    from django.utils import timezone

    from sidebyside.people import consent
    from sidebyside.people.models import Person

    load_demo()
    coordinator = staff_with_password("coordinator.cambridge-south@example.org")
    page.goto("/sign-in/")
    tab_to(page, r"^id_username$", attribute="id")
    page.keyboard.type("coordinator.cambridge-south@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(STAFF_PASSWORD)
    follow(page)
    tab_to(page, r"^id_code$", attribute="id")
    page.keyboard.type(current_code(coordinator, confirmed=False))
    follow(page)
    tab_to(page, r"^Cambridge & South$")
    follow(page)
    tab_to(page, r"^People in this hub$")
    follow(page)
    expect(page.get_by_role("heading", name="People", level=1)).to_be_visible()
    member = Person.objects.get(user__email="cambridge-south.2@example.org")
    tab_to(page, f"^{member.user.full_name}$")
    follow(page)
    tab_to(page, r"^Consent$")
    follow(page)
    tab_to(page, r"^Record consent\W+Use photos of me$")
    follow(page)
    check_page(page, "keyboard-consent-form")
    # An empty submission first: the error summary takes focus and links to the questions.
    tab_to(page, r"^Record consent$")
    follow(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select how consent was given")
    tab_to(page, r"^how$", attribute="name")
    for _ in range(3):
        if page.evaluate("document.activeElement.value") == "verbal":
            break
        page.keyboard.press("ArrowDown")
    today = timezone.localdate()
    tab_to(page, r"^id_given_on_0$", attribute="id")
    for part in (today.day, today.month, today.year):
        page.keyboard.type(str(part))
        page.keyboard.press("Tab")
    tab_to(page, r"^Record consent$")
    follow(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Consent recorded")
    check_page(page, "keyboard-consent-recorded")
    assert consent.may_use_photos(member)


def test_member_says_they_are_coming_by_keyboard(page: Page) -> None:
    load_demo()
    # Invited to the next drop-in (the demo invites some members and registers others).
    member = User.objects.get(email="peterborough.2@example.org")
    page.goto(sign_in_link_path(member))
    tab_to(page, r"^Sign in$")
    follow(page)
    tab_to(page, r"^Your gatherings$")
    follow(page)
    expect(page.get_by_role("heading", name="Your gatherings")).to_be_visible()
    check_page(page, "keyboard-member-gatherings")
    tab_to(page, r"^Drop-in workshop")
    follow(page)
    expect(
        page.get_by_role("heading", name="Are you coming?").or_(
            page.get_by_role("heading", name="You are invited")
        )
    ).to_be_visible()
    tab_to(page, r"^I am coming$")
    follow(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("See you there")
    expect(page.get_by_role("heading", name="You said you are coming")).to_be_visible()
    check_page(page, "keyboard-member-coming")
