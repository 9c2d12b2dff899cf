"""A member signs in with a single-use link, sees their hub, and cannot see the programme."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from sidebyside.accounts.models import User
from sidebyside.hubs.models import Hub
from tests_e2e.conftest import check_page
from tests_e2e.helpers import load_demo, sign_in_link_path

pytestmark = pytest.mark.django_db(transaction=True)


def test_member_signs_in_with_a_link_and_sees_their_hub(phone: Page) -> None:
    load_demo()
    member = User.objects.get(email="cambridge-south.2@example.org")
    link = sign_in_link_path(member)

    phone.goto(link)
    expect(phone.get_by_role("heading", name="Sign in to Side by Side")).to_be_visible()
    check_page(phone, "member-link")
    phone.get_by_role("button", name="Sign in").click()

    expect(phone.get_by_role("heading", name="Cambridge & South", level=1)).to_be_visible()
    expect(phone.get_by_text("Coming up")).to_be_visible()
    # A member manages nothing and sees nobody's details.
    expect(phone.get_by_role("link", name="Change hub details")).to_have_count(0)
    expect(phone.get_by_role("link", name="People in this hub")).to_have_count(0)
    check_page(phone, "member-hub")

    # Another hub, and the programme dashboard, are not theirs.
    other = Hub.objects.get(name="Peterborough")
    response = phone.goto(f"/hubs/{other.pk}/")
    assert response is not None
    assert response.status == 404
    expect(phone.get_by_role("heading", name="Page not found")).to_be_visible()
    check_page(phone, "member-not-found")

    # The link worked once only.
    phone.context.clear_cookies()
    phone.goto(link)
    expect(phone.get_by_role("heading", name="This sign-in link does not work")).to_be_visible()
    check_page(phone, "member-link-used")
