"""Answering from a phone: a coordinator opens a session for phones and chooses two questions;
someone in the room joins by code on a 390×844 phone and answers both, the second while the
network is cut (the answer waits on the phone and is sent when the signal is back); each is
stored exactly once. Then the same without JavaScript, a code for a session that has ended, and
an answer the service could not take for a moment (kept on the phone and sent again).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub
from sidebyside.voices.models import Contribution, JoinCode
from tests_e2e.conftest import check_page
from tests_e2e.helpers import load_demo, sign_in_with_password, staff_with_password

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "coordinator.cambridge-south@example.org"
FIRST = "What has got in the way of working together?"
SECOND = "What is your message to senior leaders?"


def a_session() -> Gathering:
    hub = Hub.objects.get(name="Cambridge & South")
    starts = timezone.now() - datetime.timedelta(minutes=30)
    return Gathering.objects.create(
        hub=hub,
        kind="workshop",
        title="Drop-in: what gets in the way?",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )


def test_join_by_code_and_answer_two_questions_one_offline(page: Page, phone: Page) -> None:
    load_demo()
    gathering = a_session()
    coordinator = staff_with_password(COORDINATOR)
    sign_in_with_password(page, COORDINATOR, coordinator)

    # The coordinator opens the session for phones and writes two questions.
    page.goto(f"/gatherings/{gathering.pk}/phones/")
    expect(page.get_by_role("heading", name="Answers from phones")).to_be_visible()
    check_page(page, "join-setup-closed")
    page.get_by_role("button", name="Open for answers from phones").click()
    expect(page.locator("#join-code")).to_be_visible()
    for question in (FIRST, SECOND):
        page.get_by_label(re.compile(r"write a (new )?question", re.I)).fill(question)
        page.get_by_role("button", name="Add question").click()
        expect(page.get_by_text(question, exact=True)).to_be_visible()
    check_page(page, "join-setup-open")
    code = JoinCode.objects.get(gathering=gathering).code
    expect(page.locator("#join-code")).to_have_text(code)
    page.get_by_role("link", name="Print a poster with the code").click()
    expect(page.get_by_role("heading", name="Tell us what you think, from your phone")).to_be_visible()
    check_page(page, "join-poster")

    # On a phone: type the code in small letters with a space.
    phone.goto("/join/")
    check_page(phone, "join-start")
    phone.get_by_label("Type the code").fill(f"{code[:3].lower()} {code[3:].lower()}")
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("heading", name=FIRST)).to_be_visible()
    expect(phone.get_by_text("Question 1 of 2")).to_be_visible()
    check_page(phone, "join-question-1")

    # Sending nothing says what to do.
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_text("Write something before sending").first).to_be_visible()
    check_page(phone, "join-error")

    phone.get_by_label(FIRST).fill("Meetings are always in office hours 🕘")
    phone.get_by_label("Your name").fill("Sam")
    phone.get_by_label("Use my first name").check()
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("heading", name="Thank you: your answer has been sent")).to_be_visible()
    expect(phone.get_by_text("within a month")).to_be_visible()
    check_page(phone, "join-thanks")

    phone.get_by_role("link", name="Answer the next question").click()
    expect(phone.get_by_role("heading", name=SECOND)).to_be_visible()
    phone.get_by_label(SECOND).fill("Come and listen, <b>not</b> just talk")

    # The signal drops as they press Send: the answer waits on the phone.
    phone.context.set_offline(True)
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_text("Saved on your phone, sending when you have signal")).to_be_visible()
    check_page(phone, "join-saved-offline")
    assert Contribution.objects.filter(gathering=gathering).count() == 1

    # Back in signal: it is sent (same UUID) and the thank-you page follows.
    phone.context.set_offline(False)
    expect(phone.get_by_role("heading", name="Thank you: your answer has been sent")).to_be_visible(
        timeout=15000
    )
    expect(phone.get_by_role("link", name="Answer the next question")).to_have_count(0)

    stored = list(Contribution.objects.filter(gathering=gathering).order_by("said_at"))
    assert [c.text for c in stored] == [
        "Meetings are always in office hours 🕘",
        "Come and listen, <b>not</b> just talk",
    ]
    assert [c.prompt.text for c in stored if c.prompt] == [FIRST, SECOND]
    assert all(c.channel == "phone" and c.state == "pending" for c in stored)
    assert stored[0].identify_as == "first_name"
    assert stored[0].name_given == "Sam"
    assert stored[1].identify_as == "anonymous"
    assert stored[0].device
    assert stored[0].device == stored[1].device

    # Not sure it went, they go back and send the same words again: thanked, stored once.
    phone.go_back()
    expect(phone.get_by_role("heading", name=SECOND)).to_be_visible()
    phone.get_by_label(SECOND).fill("Come and listen, <b>not</b> just talk")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("heading", name="Thank you: your answer has been sent")).to_be_visible()
    assert Contribution.objects.filter(gathering=gathering).count() == 2


def test_answering_without_javascript(browser: Browser, live_server: Any) -> None:
    load_demo()
    gathering = a_session()
    join = JoinCode.objects.create(
        gathering=gathering, open_until=gathering.ends_at + datetime.timedelta(days=7)
    )
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        page.goto(f"/j/{join.code}/")
        expect(page.get_by_role("heading", name="What would you like to tell us?")).to_be_visible()
        page.get_by_label("What would you like to tell us?").fill("נדרשת עזרה בערבים")
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("heading", name="Thank you: your answer has been sent")).to_be_visible()
        page.get_by_role("link", name="Add another answer").click()
        page.get_by_label("What would you like to tell us?").fill("Second thought")
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("heading", name="Thank you: your answer has been sent")).to_be_visible()
        # The browser's "resend" of the last form: still stored once.
        page.go_back()
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("heading", name="Thank you: your answer has been sent")).to_be_visible()
    finally:
        context.close()
    assert sorted(Contribution.objects.filter(gathering=gathering).values_list("text", flat=True)) == [
        "Second thought",
        "נדרשת עזרה בערבים",
    ]


def test_an_ended_session_says_how_else_to_reach_the_hub(phone: Page) -> None:
    load_demo()
    gathering = a_session()
    join = JoinCode.objects.create(
        gathering=gathering, open_until=timezone.now() - datetime.timedelta(hours=1)
    )
    phone.goto(f"/j/{join.code.lower()}/")
    expect(phone.get_by_role("heading", name="This session has ended")).to_be_visible()
    expect(phone.get_by_text("You can still tell Cambridge & South what you think")).to_be_visible()
    check_page(phone, "join-ended")
    phone.goto("/join/?code=NOSUCH")
    expect(phone.get_by_text("We cannot find a session with that code").first).to_be_visible()
    check_page(phone, "join-not-found")


def test_an_answer_the_service_could_not_take_is_kept_and_sent_again(phone: Page) -> None:
    """The database restarts as someone presses Send: the service answers 503. The words stay on
    the phone and go again a few seconds later (the same UUID): stored once, thank-you shown."""
    load_demo()
    gathering = a_session()
    join = JoinCode.objects.create(
        gathering=gathering, open_until=gathering.ends_at + datetime.timedelta(days=7)
    )
    refused = []

    def once_unavailable(route: Any) -> None:
        if route.request.method == "POST" and not refused:
            refused.append(route.request.post_data)
            route.fulfill(
                status=503, headers={"Retry-After": "5"}, body="Sorry, we could not do that just now"
            )
        else:
            route.continue_()

    phone.route(re.compile(r".*/j/[^/]+/$"), once_unavailable)
    phone.goto(f"/j/{join.code}/")
    phone.get_by_label("What would you like to tell us?").fill("Evening sessions, please")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_text("Saved on your phone, sending when you have signal")).to_be_visible()
    expect(phone.get_by_label("What would you like to tell us?")).to_have_value("Evening sessions, please")
    expect(phone.get_by_role("heading", name="Thank you: your answer has been sent")).to_be_visible(
        timeout=15000
    )
    assert len(refused) == 1
    assert list(Contribution.objects.filter(gathering=gathering).values_list("text", flat=True)) == [
        "Evening sessions, please"
    ]
