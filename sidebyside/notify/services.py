"""Putting messages in the outbox. Call inside the transaction of the change that causes them:
if that change rolls back, so does the message; if it commits, the message will be sent."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from sidebyside.core.audit import audit
from sidebyside.notify.models import OutboxMessage


class NotInTransaction(RuntimeError):
    """Messages must be written with the change that causes them."""


def message_enqueue(
    *, user: Any | None, channel: str, to: str, template: str, personalisation: dict[str, Any] | None = None
) -> OutboxMessage:
    if not transaction.get_connection().in_atomic_block:
        raise NotInTransaction("Put messages in the outbox inside the transaction that causes them.")
    if settings.NOTIFY_SENDER == "notify" and template not in settings.NOTIFY_TEMPLATES:
        raise ImproperlyConfigured(
            f"No GOV.UK Notify template is set for {template!r} (NOTIFY_TEMPLATE_...)."
        )
    message = OutboxMessage(
        user=user,
        channel=OutboxMessage.Channel(channel),
        to=to,
        template=template,
        personalisation=json.dumps(personalisation or {}),
        next_attempt_at=timezone.now(),
    )
    message.full_clean()
    message.save()
    return message


@transaction.atomic
def message_retry(*, actor: Any, message: OutboxMessage) -> OutboxMessage:
    """Send a failed message again, from the start (someone fixed the number, or Notify is back)."""
    if message.status != OutboxMessage.Status.FAILED:
        return message
    message.status = OutboxMessage.Status.QUEUED
    message.attempts = 0
    message.failure = ""
    message.failed_at = None
    message.next_attempt_at = timezone.now()
    message.save()
    audit(actor=actor, action="notify.message_retried", obj=message)
    return message


RECEIPT_FAILURES = {
    "permanent-failure": "The number or address does not exist or cannot receive messages",
    "temporary-failure": "The phone was off or the inbox full for too long",
    "technical-failure": "GOV.UK Notify had a technical problem",
}


@transaction.atomic
def receipt_record(*, message_id: int, status: str, notify_id: str) -> bool:
    """What Notify's delivery receipt says happened to a message. False if there is no such message."""
    message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None:
        return False
    now = timezone.now()
    if status == "delivered":
        # Delivered: who it went to and what it said are no longer needed.
        message.status, message.delivered_at = OutboxMessage.Status.DELIVERED, now
        message.to, message.personalisation = "-", ""
    elif status in RECEIPT_FAILURES:
        message.status, message.failed_at = OutboxMessage.Status.FAILED, now
        message.failure = RECEIPT_FAILURES[status]
    else:
        return True  # still on its way ("sending", "pending"): nothing to record yet
    message.notify_id = message.notify_id or notify_id
    message.save()
    return True
