"""Delivering the outbox: claim due messages, send each once, retry what can be retried.

Several workers may run at once. A worker claims a batch inside one transaction: on
PostgreSQL with ``SELECT … FOR UPDATE SKIP LOCKED``, on SQLite under the write lock its
IMMEDIATE transaction takes. A claim is a lease: a worker that dies leaves its messages to
expire and be claimed again, and since it may have sent one before dying, the next worker
looks it up at Notify by its reference before sending it again. Never twice, never lost.
"""

from __future__ import annotations

import json
import logging
import random
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from sidebyside.notify import senders
from sidebyside.notify.models import OutboxMessage

logger = logging.getLogger(__name__)

S = OutboxMessage.Status


def _lease() -> timedelta:
    return timedelta(seconds=settings.NOTIFY_LEASE_SECONDS)


def _due(now: Any) -> Q:
    waiting = Q(status=S.QUEUED, next_attempt_at__lte=now)
    abandoned = Q(status=S.SENDING, lease_until__lt=now)  # its worker died mid-send
    return waiting | abandoned


def claim(*, worker: str, limit: int = 50) -> list[OutboxMessage]:
    now = timezone.now()
    with transaction.atomic():
        due = OutboxMessage.objects.filter(_due(now)).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        # A message whose lease ran out may have been sent before its worker died.
        OutboxMessage.objects.filter(pk__in=ids, status=S.SENDING).update(check_first=True)
        OutboxMessage.objects.filter(pk__in=ids).update(
            status=S.SENDING,
            leased_by=worker,
            lease_until=now + _lease(),
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    return list(OutboxMessage.objects.filter(pk__in=ids, leased_by=worker).order_by("pk"))


def _backoff(attempts: int) -> timedelta:
    base = settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    capped = min(base, 6 * 60 * 60)
    return timedelta(seconds=capped * random.uniform(0.5, 1.0))  # noqa: S311 - jitter, not security


def _finish(message: OutboxMessage, worker: str, **values: Any) -> None:
    """Record the outcome, if this worker still holds the message."""
    values |= {"leased_by": "", "lease_until": None, "updated_at": timezone.now()}
    OutboxMessage.objects.filter(pk=message.pk, leased_by=worker).update(**values)


def _sent(message: OutboxMessage, worker: str, notify_id: str) -> None:
    _finish(message, worker, status=S.SENT, notify_id=notify_id, sent_at=timezone.now(), check_first=False)


def _again(message: OutboxMessage, worker: str, reason: str, *, check_first: bool) -> None:
    if message.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        _fail(message, worker, f"Gave up after {message.attempts} tries. Last answer: {reason}")
        return
    _finish(
        message,
        worker,
        status=S.QUEUED,
        next_attempt_at=timezone.now() + _backoff(message.attempts),
        failure=reason,
        check_first=check_first,
    )


def _fail(message: OutboxMessage, worker: str, reason: str) -> None:
    _finish(message, worker, status=S.FAILED, failure=reason[:200], failed_at=timezone.now())
    logger.warning("message failed", extra={"outbox_id": message.pk, "reason": reason[:200]})


def deliver(message: OutboxMessage, *, worker: str, sender: senders.Sender) -> None:
    reference = message.reference
    try:
        if message.check_first:
            found = sender.find(reference)
            if found is not None:
                _sent(message, worker, found.notify_id)
                return
        template_id = settings.NOTIFY_TEMPLATES.get(message.template, message.template)
        sent = sender.send(
            channel=message.channel,
            to=message.to,
            template_id=template_id,
            personalisation=json.loads(message.personalisation or "{}"),
            reference=reference,
        )
    except senders.Rejected as error:
        _fail(message, worker, error.reason)
    except senders.Unknown as error:
        _again(message, worker, error.reason, check_first=True)
    except senders.Retry as error:
        _again(message, worker, error.reason, check_first=message.check_first)
    else:
        _sent(message, worker, sent.notify_id)


def release(messages: list[OutboxMessage], *, worker: str) -> None:
    """Hand back claimed messages this worker will not get to, untried."""
    OutboxMessage.objects.filter(pk__in=[m.pk for m in messages], leased_by=worker, status=S.SENDING).update(
        status=S.QUEUED,
        leased_by="",
        lease_until=None,
        attempts=F("attempts") - 1,
        updated_at=timezone.now(),
    )


def deliver_due(*, worker: str | None = None, limit: int = 50, sender: senders.Sender | None = None) -> int:
    """Claim and send one batch. Returns how many messages were tried.

    A send is only started while the lease has time for it to finish (a slow Notify could
    otherwise outlast the lease, and another worker would take the message mid-send): what is
    left is handed back for the next claim.
    """
    worker = worker or f"worker-{uuid.uuid4().hex[:12]}"
    batch = claim(worker=worker, limit=limit)
    if not batch:
        return 0
    sender = sender or senders.get_sender()
    needed = timedelta(seconds=2 * settings.NOTIFY_TIMEOUT_SECONDS)
    for done, message in enumerate(batch):
        if message.lease_until is not None and timezone.now() + needed > message.lease_until:
            release(batch[done:], worker=worker)
            return done
        deliver(message, worker=worker, sender=sender)
    return len(batch)


def drain(*, worker: str | None = None, limit: int = 50) -> int:
    """Send everything due now (tests, the demo, the benchmark). Returns how many were tried."""
    total = 0
    sender = senders.get_sender()
    while tried := deliver_due(worker=worker, limit=limit, sender=sender):
        total += tried
    return total
