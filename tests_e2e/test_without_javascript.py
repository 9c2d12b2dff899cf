"""The same URLs work with JavaScript turned off."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from sidebyside.hubs.models import Programme
from tests_e2e.conftest import SCREENSHOTS
from tests_e2e.helpers import STAFF_PASSWORD, current_code, load_demo, staff_with_password

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_and_search_work_without_javascript(browser: Browser, live_server: Any) -> None:
    load_demo()
    manager = staff_with_password("manager@example.org")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/sign-in/")
        page.get_by_label("Email address").fill("manager@example.org")
        page.get_by_label("Password").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Code from your authenticator app").fill(current_code(manager, confirmed=False))
        page.get_by_role("button", name="Continue").click()
        expect(
            page.get_by_role("heading", name="Cambridgeshire & Peterborough Co-production")
        ).to_be_visible()

        programme = Programme.objects.get()
        page.goto(f"/programmes/{programme.pk}/organisations/")
        page.get_by_label("Search organisations").fill("probation")
        page.get_by_role("button", name="Search").click()
        expect(page.locator("table")).to_contain_text("Probation Service")
        expect(page.locator("table")).not_to_contain_text("Constabulary")
        # axe needs JavaScript, so it checks these same server-rendered pages in the other journeys.
        page.screenshot(path=str(SCREENSHOTS / "no-js-organisations.png"), full_page=True)

        # The people search is posted, and leads to an address with the name sealed.
        from sidebyside.accounts.models import User

        member = User.objects.get(email="cambridge-south.2@example.org")
        surname = member.full_name.split()[-1]
        page.goto(f"/programmes/{programme.pk}/people/")
        page.get_by_label("Search by name, email or phone").fill(surname)
        page.get_by_role("button", name="Search").click()
        expect(page.locator("table")).to_contain_text(member.full_name)
        assert "find=" in page.url
        assert surname not in page.url
        assert surname.lower() not in page.url
        page.reload()  # going back to it, or reloading, keeps the search
        expect(page.get_by_label("Search by name, email or phone")).to_have_value(surname)
        expect(page.locator("table")).to_contain_text(member.full_name)
    finally:
        context.close()


def test_a_member_changes_a_choice_without_javascript(browser: Browser, live_server: Any) -> None:
    from sidebyside.accounts.models import User
    from sidebyside.people import consent
    from tests_e2e.helpers import sign_in_link_path

    load_demo()
    member = User.objects.get(email="cambridge-south.2@example.org")
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        page.goto(sign_in_link_path(member))
        page.get_by_role("button", name="Sign in").click()
        page.goto("/me/")
        expect(page.get_by_role("heading", name="Your details and choices")).to_be_visible()
        page.goto("/me/consents/photos/")
        page.get_by_role("button", name="Save your answer").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Select yes or no")
        page.get_by_label("Yes", exact=True).check()
        page.get_by_role("button", name="Save your answer").click()
        expect(page.locator(".govuk-notification-banner")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "no-js-me-consent.png"), full_page=True)
        assert consent.may_use_photos(member.person)
    finally:
        context.close()
