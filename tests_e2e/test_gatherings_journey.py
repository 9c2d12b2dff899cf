"""Gatherings: a coordinator plans a monthly Over A Brew series (with a mistake first), builds its
agenda from the method library, invites people, and on the day records who came for twenty
people on a phone, adding someone who walked in."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sidebyside.accounts.models import User
from sidebyside.gatherings.models import Gathering, Registration
from sidebyside.hubs.models import Hub, Membership
from tests_e2e.conftest import check_page
from tests_e2e.helpers import load_demo, sign_in_with_password, staff_with_password

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "coordinator.cambridge-south@example.org"
HUB = "Cambridge & South"


def test_a_coordinator_plans_a_monthly_over_a_brew_series(page: Page) -> None:
    load_demo()
    coordinator = staff_with_password(COORDINATOR)
    sign_in_with_password(page, COORDINATOR, coordinator)
    page.get_by_role("link", name=HUB, exact=True).click()
    page.get_by_role("link", name="All gatherings").click()
    expect(page.get_by_role("heading", name="Gatherings", level=1)).to_be_visible()
    check_page(page, "gatherings-list")
    page.get_by_role("link", name="Add a gathering").click()
    check_page(page, "gathering-add")

    first = timezone.localdate() + datetime.timedelta(days=10)
    page.get_by_label("Over A Brew").check()
    page.get_by_label("Title").fill("Over A Brew at the library")
    date = page.get_by_role("group", name="Date")
    date.get_by_label("Day").fill(str(first.day))
    date.get_by_label("Month").fill(str(first.month))
    date.get_by_label("Year").fill(str(first.year))
    # The end before the start, and a place with no address: both named, nothing typed lost.
    page.get_by_label("Start time").fill("2pm")
    page.get_by_label("End time").fill("1pm")
    page.get_by_label("Place", exact=True).fill("Central Library, meeting room 2")
    page.get_by_label("Every month, on the same weekday").check()
    page.get_by_label("How many times in all?").fill("3")
    page.get_by_role("button", name="Add gathering").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The end time must be after the start time")
    expect(summary).to_contain_text("Enter the address of Central Library, meeting room 2, or an online link")
    expect(page.get_by_label("Title")).to_have_value("Over A Brew at the library")
    check_page(page, "gathering-add-errors")

    page.get_by_label("End time").fill("3:30pm")
    page.get_by_label("Address", exact=True).fill("7 Lion Yard\nCambridge")
    page.get_by_label("Access (optional)").fill("Step-free entrance and a lift. Hearing loop.")
    page.get_by_label("Food and drink (optional)").fill("Tea, coffee and cake")
    page.get_by_role("button", name="Add gathering").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("3 gatherings added")
    expect(page.get_by_role("heading", name="Over A Brew at the library", level=1)).to_be_visible()
    check_page(page, "gathering-page")

    series = list(Gathering.objects.filter(title="Over A Brew at the library").order_by("starts_at"))
    assert len(series) == 3
    assert {timezone.localtime(g.starts_at).strftime("%H:%M %A") for g in series} == {f"14:00 {first:%A}"}

    # The agenda: Over A Brew from the method library.
    page.get_by_role("link", name="Agenda and group agreement").click()
    check_page(page, "agenda-empty")
    method = page.get_by_label("Method", exact=True)
    over_a_brew = method.locator("option", has_text="Over A Brew").get_attribute("value")
    method.select_option(value=over_a_brew)
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.locator("main")).to_contain_text("Think quietly", ignore_case=True)
    page.get_by_label("Group agreement").fill("One person speaks at a time\nListen without fixing")
    page.get_by_role("button", name="Save group agreement").click()
    check_page(page, "agenda-over-a-brew")

    # Invite two people from the hub.
    page.goto(f"/gatherings/{series[0].pk}/")
    page.get_by_role("link", name="Who is invited and coming").click()
    boxes = page.locator(".govuk-checkboxes__input")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_label("Invite them (they get an invitation)").check()
    page.get_by_role("button", name="Add").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("2 people added")
    check_page(page, "gathering-people")
    assert Registration.objects.filter(gathering=series[0], status="invited").count() == 2


def test_attendance_for_twenty_people_on_a_phone(page: Page, phone: Page) -> None:
    load_demo()
    coordinator = staff_with_password(COORDINATOR)
    hub = Hub.objects.get(name=HUB)
    start = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=30)
    gathering = Gathering.objects.create(
        hub=hub,
        kind="meeting",
        title="Monthly hub meeting",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        venue="Riverside",
        address="1 Quay Street",
    )
    for i in range(20):
        user = User.objects.create_user(email=None, full_name=f"Attendee {i + 1:02}")
        Membership.objects.create(user=user, programme=hub.programme, hub=hub, role="member")
        Registration.objects.create(gathering=gathering, person=user.person)

    sign_in_with_password(phone, COORDINATOR, coordinator)
    phone.goto(f"/gatherings/{gathering.pk}/attendance/")
    expect(phone.get_by_role("heading", name="Who came")).to_be_visible()
    check_page(phone, "attendance-phone")

    # One tap each: seventeen came, two sent apologies, one did not come.
    for i in range(20):
        row = phone.get_by_role("group", name=f"Attendee {i + 1:02}")
        label = "Came" if i < 17 else "Apologies" if i < 19 else "Absent"
        row.get_by_label(label).tap()
    phone.get_by_role("button", name="Save who came").tap()
    expect(phone.locator(".govuk-notification-banner")).to_contain_text("Attendance saved")

    # Someone new walked in.
    phone.get_by_label("Their name").fill("Sam Newcombe")
    phone.get_by_label("Expert by experience", exact=True).tap()
    phone.get_by_role("button", name="Add and mark as came").tap()
    expect(phone.locator(".govuk-notification-banner")).to_contain_text("Sam Newcombe added")
    expect(phone.locator("main")).to_contain_text("18 came")
    check_page(phone, "attendance-phone-saved")

    marks = list(Registration.objects.filter(gathering=gathering).values_list("attendance", flat=True))
    assert (marks.count("attended"), marks.count("apologies"), marks.count("absent")) == (18, 2, 1)

    # Every answer and button is at least 24 by 24 CSS pixels (WCAG 2.2 target size).
    small = phone.evaluate(
        """() => [...document.querySelectorAll('main input[type=radio], main button')]
            .map(el => el.type === 'radio' ? el.closest('.govuk-radios__item') : el)
            .filter(el => { const r = el.getBoundingClientRect(); return r.width < 24 || r.height < 24; })
            .map(el => el.outerHTML.slice(0, 80))"""
    )
    assert small == []
