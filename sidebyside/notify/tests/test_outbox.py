"""The outbox: written with the change that causes it, delivered once, retried when it can be."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from sidebyside.notify import delivery, senders
from sidebyside.notify.models import OutboxMessage
from sidebyside.notify.services import NotInTransaction, message_enqueue, message_retry

S = OutboxMessage.Status


class ScriptedSender:
    """Answers sends from a script (``"ok"``, ``"retry"``, ``"unknown"``, ``"rejected"``), then "ok".

    ``accepted`` is what "Notify" has received: an ``unknown`` answer is received, not answered.
    """

    def __init__(self, *script: str) -> None:
        self.script = list(script)
        self.accepted: dict[str, str] = {}
        self.sends = 0
        self.finds = 0

    def send(
        self, *, channel: str, to: str, template_id: str, personalisation: dict[str, Any], reference: str
    ) -> senders.Sent:
        self.sends += 1
        step = self.script.pop(0) if self.script else "ok"
        if step == "retry":
            raise senders.Retry("GOV.UK Notify answered 500")
        if step == "rejected":
            raise senders.Rejected("GOV.UK Notify answered 400 (ValidationError)")
        self.accepted[reference] = f"id-{reference}"
        if step == "unknown":
            raise senders.Unknown("GOV.UK Notify answered no answer")
        return senders.Sent(self.accepted[reference])

    def find(self, reference: str) -> senders.Sent | None:
        self.finds += 1
        return senders.Sent(self.accepted[reference]) if reference in self.accepted else None


def enqueue(**extra: Any) -> OutboxMessage:
    with transaction.atomic():
        return message_enqueue(
            user=None,
            channel="sms",
            to="+447700900123",
            template="reminder",
            personalisation={"a": "b"},
            **extra,
        )


def later(minutes: int) -> Any:
    return time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=False)


def test_a_message_needs_the_transaction_of_its_change(transactional_db: Any) -> None:
    with pytest.raises(NotInTransaction):
        message_enqueue(user=None, channel="sms", to="+447700900123", template="reminder")


def test_a_rolled_back_change_sends_nothing(db: Any) -> None:
    @transaction.atomic
    def change_that_fails() -> None:
        message_enqueue(user=None, channel="sms", to="+447700900123", template="reminder")
        raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not OutboxMessage.objects.exists()


def test_sent_once_with_the_outbox_reference(db: Any) -> None:
    message = enqueue()
    sender = ScriptedSender()
    assert delivery.deliver_due(sender=sender) == 1
    assert delivery.deliver_due(sender=sender) == 0
    message.refresh_from_db()
    assert message.status == S.SENT
    assert message.notify_id == f"id-outbox-{message.pk}"
    assert sender.sends == 1


@override_settings(NOTIFY_RETRY_BASE_SECONDS=30)
def test_busy_notify_is_retried_later_with_backoff(db: Any) -> None:
    message = enqueue()
    sender = ScriptedSender("retry", "retry")
    delivery.deliver_due(sender=sender)
    message.refresh_from_db()
    assert message.status == S.QUEUED
    assert message.failure == "GOV.UK Notify answered 500"
    wait = message.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=14) <= wait <= datetime.timedelta(seconds=31)
    assert delivery.deliver_due(sender=sender) == 0  # not due yet
    with later(1):
        delivery.deliver_due(sender=sender)
    with later(5):
        delivery.deliver_due(sender=sender)
    message.refresh_from_db()
    assert message.status == S.SENT
    assert message.attempts == 3
    assert len(sender.accepted) == 1


def test_no_answer_means_look_it_up_before_sending_again(db: Any) -> None:
    message = enqueue()
    sender = ScriptedSender("unknown")
    delivery.deliver_due(sender=sender)
    message.refresh_from_db()
    assert message.status == S.QUEUED
    assert message.check_first
    with later(10):
        delivery.deliver_due(sender=sender)
    message.refresh_from_db()
    assert message.status == S.SENT
    assert sender.sends == 1  # found at Notify, not sent again
    assert sender.finds == 1


def test_rejected_messages_fail_at_once_and_can_be_sent_again(db: Any, personas: Any) -> None:
    message = enqueue()
    delivery.deliver_due(sender=ScriptedSender("rejected"))
    message.refresh_from_db()
    assert message.status == S.FAILED
    assert "400" in message.failure
    message_retry(actor=personas["programme_admin"], message=message)
    delivery.deliver_due(sender=ScriptedSender())
    message.refresh_from_db()
    assert message.status == S.SENT


@override_settings(NOTIFY_MAX_ATTEMPTS=3, NOTIFY_RETRY_BASE_SECONDS=0)
def test_gives_up_after_the_last_try(db: Any) -> None:
    message = enqueue()
    sender = ScriptedSender("retry", "retry", "retry", "retry")
    for _ in range(5):
        delivery.deliver_due(sender=sender)
    message.refresh_from_db()
    assert message.status == S.FAILED
    assert message.failure.startswith("Gave up after 3 tries")
    assert sender.sends == 3


def test_a_dead_workers_claim_expires_and_is_checked_before_resending(db: Any) -> None:
    message = enqueue()
    sender = ScriptedSender()
    (claimed,) = delivery.claim(worker="dies")
    # It sent the message, then died before recording that.
    sender.send(
        channel="sms", to=claimed.to, template_id="t", personalisation={}, reference=claimed.reference
    )
    assert delivery.deliver_due(worker="other", sender=sender) == 0  # still leased
    with later(3):
        assert delivery.deliver_due(worker="other", sender=sender) == 1
    message.refresh_from_db()
    assert message.status == S.SENT
    assert sender.sends == 1
    assert sender.finds == 1


def test_contact_details_are_encrypted_in_the_outbox(db: Any) -> None:
    from django.db import connection

    message = enqueue()
    with connection.cursor() as cursor:
        cursor.execute('SELECT "to", personalisation FROM notify_outboxmessage WHERE id = %s', [message.pk])
        to, personalisation = cursor.fetchone()
    assert to.startswith("gAAAA")
    assert "7700900123" not in to
    assert personalisation.startswith("gAAAA")
