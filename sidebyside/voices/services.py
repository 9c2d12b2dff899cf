"""Storing contributions: once each, whatever the network does.

Every way in calls ``contribution_add`` (or ``contribution_store``) with the UUID made where the
words were written. The insert is ``INSERT … ON CONFLICT (uuid) DO NOTHING``, so five copies of
one submission arriving at once store one row, and a resend after a lost answer is simply
acknowledged.

The insert is one prepared SQL statement rather than the ORM's ``bulk_create``: answers from
phones are the busiest write of a session, and building the ORM's insert cost more than the
database took to run it (ADR 16). The row is still a model instance, validated by
``full_clean``, and every value goes through its field's own conversion for the database.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from sidebyside.core.audit import audit
from sidebyside.core.db import prepared_cursor
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


_INSERT_SQL: dict[tuple[str, str], tuple[str, list[Any]]] = {}


def field_of(name: str) -> models.Field[Any, Any]:
    """A contribution's column, as a model field (to name it in SQL and convert values for it)."""
    field = Contribution._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


@dataclass(frozen=True)
class Unless:
    """When a phone's answer is not stored: the same words from the same phone to the same
    question since ``resent_since`` (a resend from a reloaded page), or ``limit`` answers from
    the phone since ``counted_since`` already. Decided in the insert itself."""

    device: str
    gathering_id: int | None
    prompt_id: int | None
    text: str
    resent_since: datetime.datetime
    counted_since: datetime.datetime
    limit: int


def _insert_statement(kind: str) -> tuple[str, list[Any]]:
    """The insert for every column but the id, made once per database and kind.

    - ``plain``: ``INSERT … VALUES (…) ON CONFLICT (uuid) DO NOTHING``.
    - ``unless`` / ``unless-no-prompt``: ``INSERT … SELECT … FROM (the phone's answers of the last
      ten minutes: the same words among them? how many this minute?) WHERE none are the same
      words and fewer than the limit ON CONFLICT (uuid) DO NOTHING``: an answer from a phone in
      one statement (``Unless``). Values chosen by SELECT have no column to take their type
      from, so on PostgreSQL each is cast to its column's type, without a length (as Django's own
      bulk insert does): a value too long is an error, never cut.

    ``state`` comes last, as ``COALESCE(<subquery>, %s)``: the subquery is given when the state
    is the join code's to decide (``state_of_join``), so the decision is read in the insert."""
    vendor = connection.vendor
    if (vendor, kind) not in _INSERT_SQL:
        meta = Contribution._meta
        fields = [f for f in meta.concrete_fields if not f.primary_key and f.name != "state"]
        q = connection.ops.quote_name
        table = q(meta.db_table)
        columns = ", ".join(q(str(f.column)) for f in [*fields, field_of("state")])
        joins = q(JoinCode._meta.db_table)
        # Only names from the models' own metadata go into the text; every value is a parameter.
        moderated, pk, uuid_column = q("moderated"), q("id"), q(str(field_of("uuid").column))
        state = (
            f"COALESCE((SELECT CASE WHEN {moderated} THEN %s ELSE %s END FROM {joins} WHERE {pk} = %s), %s)"  # noqa: S608
        )
        if kind == "plain":
            placeholders = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}, {state}) ON CONFLICT ({uuid_column}) DO NOTHING"  # noqa: S608
        else:
            if vendor == "postgresql":
                typed = [f"CAST(%s AS {str(f.db_type(connection)).split('(')[0]})" for f in fields]
            else:
                typed = ["%s"] * len(fields)
            c = {
                name: q(str(field_of(name).column))
                for name in ("device", "created_at", "gathering", "prompt", "text")
            }
            prompt = f"{c['prompt']} IS NULL" if kind == "unless-no-prompt" else f"{c['prompt']} = %s"
            # One pass over the phone's rows of the last minutes, on its (device, created_at)
            # index: the only condition outside the CASEs is the one that index answers, so the
            # planner cannot prefer another index on a guess about very recent rows.
            sql = (
                f"INSERT INTO {table} ({columns}) SELECT {', '.join(typed)}, {state} "  # noqa: S608
                f"FROM (SELECT COALESCE(MAX(CASE WHEN {c['gathering']} = %s AND {prompt} AND {c['text']} = %s "
                f"THEN 1 ELSE 0 END), 0) AS resent, "
                f"COALESCE(SUM(CASE WHEN {c['created_at']} >= %s THEN 1 ELSE 0 END), 0) AS lately "
                f"FROM {table} WHERE {c['device']} = %s AND {c['created_at']} >= %s) AS mine "
                f"WHERE mine.resent = 0 AND mine.lately < %s "
                f"ON CONFLICT ({uuid_column}) DO NOTHING"
            )
        _INSERT_SQL[(vendor, kind)] = (sql, fields)
    return _INSERT_SQL[(vendor, kind)]


def _insert_once(row: Contribution, *, state_of_join: int | None, unless: Unless | None = None) -> bool:
    """Insert ``row`` unless its UUID is stored (or ``unless`` holds). True if this stored it."""
    kind = "plain" if unless is None else ("unless" if unless.prompt_id is not None else "unless-no-prompt")
    sql, fields = _insert_statement(kind)
    values = [f.get_db_prep_save(f.pre_save(row, add=True), connection) for f in fields]
    pending, shown = Contribution.State.PENDING, Contribution.State.SHOWN
    params = [*values, pending, shown, state_of_join, row.state]
    if unless is not None:
        created_at = field_of("created_at")
        resent = created_at.get_db_prep_value(unless.resent_since, connection)
        counted = created_at.get_db_prep_value(unless.counted_since, connection)
        prompt = [] if unless.prompt_id is None else [unless.prompt_id]
        params += [unless.gathering_id, *prompt, unless.text, counted, unless.device, resent, unless.limit]
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        return bool(cursor.rowcount == 1)


def contribution_store(
    *,
    uuid_value: uuid.UUID,
    hub_id: int,
    text: str,
    channel: str,
    state_of_join: int | None = None,
    unless: Unless | None = None,
    **fields: Any,
) -> tuple[Contribution, bool]:
    """Insert a contribution unless one with this UUID is already stored: one query.

    With ``state_of_join`` (a join code's id), whether the row waits to be checked is decided by
    that join code as the row is inserted, so a change a moment ago is never missed. With
    ``unless``, neither is it stored when that says so (an answer from a phone).

    Returns the row as written here, without its id, and whether this call stored it; callers
    that need the stored row use ``contribution_add``.
    """
    text = clean_text(text)
    fields.setdefault("said_at", timezone.now())
    row = Contribution(uuid=uuid_value, hub_id=hub_id, text=text, channel=channel, **fields)
    row.full_clean(exclude=["uuid", "hub", "gathering", "prompt", "author", "entered_by", "import_job"])
    return row, _insert_once(row, state_of_join=state_of_join, unless=unless)


def contribution_add(*, uuid_value: uuid.UUID, hub_id: int, text: str, channel: str, **fields: Any) -> Stored:
    """Store a contribution once. Returns it, and whether this call stored it."""
    _, created = contribution_store(
        uuid_value=uuid_value, hub_id=hub_id, text=text, channel=channel, **fields
    )
    return Stored(Contribution.objects.get(uuid=uuid_value), created)


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
