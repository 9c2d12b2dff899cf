"""The outbox against a fake GOV.UK Notify, through the real Notify client.

Whatever Notify does (an error, a rate limit, an answer that never comes although the message
arrived), each message reaches it exactly once.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from sidebyside.notify import delivery
from sidebyside.notify.models import OutboxMessage
from sidebyside.notify.services import message_enqueue
from tests.fakes.notify import FakeNotify

S = OutboxMessage.Status
TEMPLATE = str(uuid.uuid4())


@pytest.fixture
def notify(fake_notify: FakeNotify) -> Iterator[FakeNotify]:
    with override_settings(
        NOTIFY_SENDER="notify",
        NOTIFY_API_KEY=fake_notify.api_key,
        NOTIFY_BASE_URL=fake_notify.base_url,
        NOTIFY_TEMPLATES={"reminder": TEMPLATE},
        NOTIFY_TIMEOUT_SECONDS=1,
        NOTIFY_RETRY_BASE_SECONDS=0,
    ):
        yield fake_notify


def enqueue(n: int = 1, *, to: str = "07700 900123") -> list[OutboxMessage]:
    with transaction.atomic():
        return [
            message_enqueue(
                user=None, channel="sms", to=to, template="reminder", personalisation={"when": "Tuesday"}
            )
            for _ in range(n)
        ]


def drain_until_settled(rounds: int = 10) -> None:
    """Run the worker's loop as time passes, as the worker would."""
    moment = timezone.now()
    for _ in range(rounds):
        with time_machine.travel(moment, tick=False):
            delivery.drain(worker="test-worker")
        if not OutboxMessage.objects.exclude(status=S.SENT).exists():
            return
        moment += datetime.timedelta(minutes=5)  # past any backoff and any lease


def test_a_message_is_sent_with_its_template_and_reference(db: Any, notify: FakeNotify) -> None:
    (message,) = enqueue()

    assert delivery.drain(worker="w") == 1

    message.refresh_from_db()
    (received,) = notify.received
    assert message.status == S.SENT
    assert received["id"] == message.notify_id
    assert received["reference"] == message.reference
    assert received["template_id"] == TEMPLATE
    assert received["personalisation"] == {"when": "Tuesday"}


@pytest.mark.parametrize("status", [500, 429])
def test_an_error_from_notify_is_retried_and_sent_once(db: Any, notify: FakeNotify, status: int) -> None:
    messages = enqueue(3)
    notify.fail_next(2, status=status)

    drain_until_settled()

    counts = notify.received_by_reference()
    assert {m.reference: counts[m.reference] for m in messages} == {m.reference: 1 for m in messages}
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {S.SENT}


def test_a_message_received_but_unanswered_is_looked_up_not_sent_again(db: Any, notify: FakeNotify) -> None:
    (message,) = enqueue()
    notify.time_out_next(1, seconds=3)  # Notify takes it, the answer never comes in time

    delivery.deliver_due(worker="w")
    message.refresh_from_db()
    assert message.status == S.QUEUED
    assert message.check_first
    assert message.failure == "GOV.UK Notify did not answer in time"

    drain_until_settled()

    message.refresh_from_db()
    assert message.status == S.SENT
    assert notify.received_by_reference()[message.reference] == 1
    assert message.notify_id == notify.received[0]["id"]


def test_a_dropped_connection_that_lost_the_message_sends_it_again(db: Any, notify: FakeNotify) -> None:
    (message,) = enqueue()
    notify.drop_next(1, record=False)  # the connection broke before Notify took it

    drain_until_settled()

    message.refresh_from_db()
    assert message.status == S.SENT
    assert notify.received_by_reference()[message.reference] == 1


def test_a_number_notify_refuses_fails_at_once_without_echoing_it(db: Any, notify: FakeNotify) -> None:
    (message,) = enqueue(to="01632 960001")  # a landline

    delivery.deliver_due(worker="w")

    message.refresh_from_db()
    assert message.status == S.FAILED
    assert message.attempts == 1
    assert message.failure == "GOV.UK Notify answered 400 (ValidationError)"
    assert "01632" not in message.failure
    assert notify.received == []


def test_a_wrong_api_key_is_not_retried_for_ever(db: Any, notify: FakeNotify) -> None:
    (message,) = enqueue()

    with override_settings(NOTIFY_API_KEY=f"wrong-{uuid.uuid4()}-{uuid.uuid4()}"):
        delivery.drain(worker="w")

    message.refresh_from_db()
    assert message.status == S.FAILED
    assert message.failure == "GOV.UK Notify answered 403 (AuthError)"
