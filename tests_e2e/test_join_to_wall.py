"""From a phone to the shared screen: someone answers by code on their phone, and the wall the
facilitator is showing has their words within five seconds, without anyone reloading it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub
from sidebyside.voices.models import Contribution, JoinCode, Prompt, Question
from tests_e2e.conftest import check_page
from tests_e2e.helpers import load_demo, sign_in_with_password, staff_with_password

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "coordinator.cambridge-south@example.org"
WORDS = "Evening sessions so people who work can come"


def test_an_answer_from_a_phone_reaches_the_wall_within_five_seconds(page: Page, phone: Page) -> None:
    load_demo()
    hub = Hub.objects.get(name="Cambridge & South")
    starts = timezone.now() - datetime.timedelta(minutes=20)
    gathering = Gathering.objects.create(
        hub=hub,
        kind="over_a_brew",
        title="Over A Brew: what is missing?",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )
    prompt = Prompt.objects.get_or_create(programme=hub.programme, text="What is missing for you here?")[0]
    Question.objects.create(gathering=gathering, prompt=prompt)
    # Shown at once: this session does not ask a facilitator to check first.
    join = JoinCode.objects.create(gathering=gathering, open_until=gathering.ends_at, moderated=False)

    coordinator = staff_with_password(COORDINATOR)
    sign_in_with_password(page, COORDINATOR, coordinator)
    page.goto(f"/gatherings/{gathering.pk}/wall/?screen=1")
    expect(page.get_by_text(join.code)).to_be_visible()

    phone.goto(f"/j/{join.code}/")
    phone.get_by_label("What is missing for you here?").fill(WORDS)
    phone.get_by_role("button", name="Send").tap()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Thank you")

    expect(page.get_by_text(WORDS)).to_be_visible(timeout=5000)
    check_page(page, "wall-from-phone")
    assert Contribution.objects.filter(gathering=gathering, text=WORDS).count() == 1
