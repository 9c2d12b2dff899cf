"""A co-production manager signs in (password, then two-step set-up), reads the dashboard,
opens a hub, adds a hub with one invalid submission first, and changes it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sidebyside.hubs.models import Hub
from tests_e2e.conftest import check_page
from tests_e2e.helpers import load_demo, sign_in_with_password, staff_with_password

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_signs_in_browses_and_manages_hubs(page: Page) -> None:
    load_demo()
    manager = staff_with_password("manager@example.org")
    sign_in_with_password(page, "manager@example.org", manager)

    # The dashboard: the five hubs with their stages.
    expect(page.get_by_role("heading", name="Cambridgeshire & Peterborough Co-production")).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Two-step verification is set up")
    table = page.locator("table")
    for hub, stage in [
        ("Cambridge & South", "Established"),
        ("Peterborough", "Started"),
        ("East Cambs", "Started"),
        ("Wisbech", "Planning"),
        ("Huntingdon", "Pre-planning"),
    ]:
        row = table.locator("tr", has=page.get_by_role("link", name=hub, exact=True))
        expect(row).to_contain_text(stage)
    check_page(page, "dashboard")

    # A hub page, and the people in it (personal data, open after two-step verification).
    page.get_by_role("link", name="Peterborough", exact=True).click()
    expect(page.get_by_role("heading", name="Peterborough", level=1)).to_be_visible()
    expect(page.get_by_text("Being listened to at the GP surgery")).to_be_visible()
    check_page(page, "hub-peterborough")
    page.get_by_role("link", name="People in this hub").click()
    expect(page.get_by_role("heading", name="People")).to_be_visible()
    check_page(page, "hub-people")

    # Add a hub: one invalid submission first.
    page.get_by_role("link", name="Dashboard").click()
    page.get_by_role("link", name="Add a hub").click()
    check_page(page, "hub-add")
    page.get_by_label("Locality").fill("St Neots")
    page.get_by_label("Started", exact=True).check()
    page.get_by_role("button", name="Add hub").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the hub's name")
    expect(summary).to_contain_text("Enter the date the hub started")
    expect(page).to_have_title("Error: Add a hub – Side by Side")
    # What was typed is kept.
    expect(page.locator("#id_locality")).to_have_value("St Neots")
    expect(page.get_by_label("Started", exact=True)).to_be_checked()
    check_page(page, "hub-add-errors")
    # The summary links to the fields.
    summary.get_by_role("link", name="Enter the hub's name").click()
    expect(page.locator("#id_name")).to_be_focused()

    page.locator("#id_name").fill("St Neots")
    page.get_by_label("Day", exact=True).fill("3")
    page.get_by_label("Month", exact=True).fill("2")
    page.get_by_label("Year", exact=True).fill("2025")
    page.get_by_role("button", name="Add hub").click()
    expect(page.get_by_role("heading", name="St Neots", level=1)).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("St Neots hub added")
    check_page(page, "hub-added")

    # Change it.
    page.get_by_role("link", name="Change hub details").click()
    expect(page.locator("#id_name")).to_have_value("St Neots")
    check_page(page, "hub-edit")
    page.get_by_label("Areas of work open").fill("Getting to appointments by bus\nA place to meet")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Hub details saved")
    expect(page.get_by_text("Getting to appointments by bus")).to_be_visible()
    check_page(page, "hub-edited")
    hub = Hub.objects.get(name="St Neots")
    assert hub.stage == "started"
    assert hub.started_on is not None
    assert len(hub.areas_of_work_list) == 2

    # Partner organisations: the results follow what is typed (htmx), and the address keeps the search.
    page.get_by_role("link", name="Organisations").click()
    expect(page.locator("table")).to_contain_text("Constabulary")
    page.get_by_label("Search organisations").press_sequentially("nhs", delay=50)
    expect(page.locator("table")).not_to_contain_text("Constabulary")
    expect(page.locator("table")).to_contain_text("NHS Foundation Trust")
    expect(page).to_have_url(re.compile(r"q=nhs"))
    check_page(page, "organisations-search")
