"""Storing contributions: once each, whatever the network does.

Every way in calls ``contribution_add`` with the UUID made where the words were written. The
insert is ``ON CONFLICT DO NOTHING`` on that UUID (``bulk_create(ignore_conflicts=True)``), so
five copies of one submission arriving at once store one row, and a resend after a lost answer
is simply acknowledged.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sidebyside.core.audit import audit
from sidebyside.voices.models import MAX_TEXT, Contribution, JoinCode, new_code

# Answers one phone may send in a minute (setting JOIN_SUBMISSIONS_PER_MINUTE, 20 by default).
SUBMISSIONS_PER_MINUTE = settings.JOIN_SUBMISSIONS_PER_MINUTE


class Invalid(ValueError):
    """The contribution cannot be stored as it is; the message says why, in plain words."""


@dataclass(frozen=True)
class Stored:
    contribution: Contribution
    created: bool


def device_digest(cookie_value: str) -> str:
    """A keyed digest of the phone's cookie: enough to count, nothing to identify."""
    return hmac.new(settings.SECRET_KEY.encode(), cookie_value.encode(), hashlib.sha256).hexdigest()


def clean_text(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not text:
        raise Invalid("Write something before sending")
    if len(text) > MAX_TEXT:
        raise Invalid(f"That is too long to send in one go: keep it under {MAX_TEXT:,} characters")
    return text


def parse_uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise Invalid("Something went wrong with this page: reload it and try again") from None


def too_many(device: str, *, now: datetime.datetime | None = None) -> bool:
    if not device:
        return False
    since = (now or timezone.now()) - datetime.timedelta(minutes=1)
    return Contribution.objects.filter(device=device, created_at__gte=since).count() >= (
        settings.JOIN_SUBMISSIONS_PER_MINUTE
    )


def contribution_store(
    *, uuid_value: uuid.UUID, hub_id: int, text: str, channel: str, **fields: Any
) -> Contribution:
    """Insert a contribution unless one with this UUID is already stored: one query.

    Returns the row as written here (without its id on PostgreSQL); callers that need the stored
    row use ``contribution_add``.
    """
    text = clean_text(text)
    fields.setdefault("said_at", timezone.now())
    row = Contribution(uuid=uuid_value, hub_id=hub_id, text=text, channel=channel, **fields)
    row.full_clean(exclude=["uuid", "hub", "gathering", "prompt", "author", "entered_by", "import_job"])
    Contribution.objects.bulk_create([row], ignore_conflicts=True)
    return row


def contribution_add(*, uuid_value: uuid.UUID, hub_id: int, text: str, channel: str, **fields: Any) -> Stored:
    """Store a contribution once. Returns it, and whether this call stored it."""
    row = contribution_store(uuid_value=uuid_value, hub_id=hub_id, text=text, channel=channel, **fields)
    stored = Contribution.objects.get(uuid=uuid_value)
    created = stored.created_at == row.created_at and stored.text == row.text
    return Stored(stored, created)


@transaction.atomic
def join_code_open(*, actor: Any, gathering: Any, days_after: int = 7) -> JoinCode:
    """Give a gathering a join code (or keep its own), open until some days after it ends."""
    join = JoinCode.objects.filter(gathering=gathering).first()
    until = gathering.ends_at + datetime.timedelta(days=days_after)
    if join is None:
        for _ in range(10):
            code = new_code()
            if not JoinCode.objects.filter(code=code).exists():
                break
        join = JoinCode.objects.create(gathering=gathering, code=code, open_until=until)
        audit(actor=actor, action="voices.join_code_opened", obj=gathering)
    elif join.open_until < until:
        join.open_until = until
        join.save(update_fields=["open_until", "updated_at"])
    return join
