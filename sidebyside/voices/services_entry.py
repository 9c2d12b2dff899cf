"""Writes for the live wall and for rapid entry.

* ``contribution_wall_set``: a facilitator hides something from the shared screen, or lets it on.
* ``contributions_enter``: a facilitator types up sticky notes, one a line, many at a time. Each
  line's UUID comes from the form's UUID (made when the page was drawn) and the line's number, so
  pressing "Add" twice, or a resend after a lost answer, stores each line once.
* ``contribution_undo``: take back a line typed in the last few minutes by the same person.

Audit rows hold ids and counts only, never the words.
"""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sidebyside.core.audit import audit
from sidebyside.voices.models import MAX_TEXT, Contribution

MAX_LINES = 200
UNDO_MINUTES = 10
TAGS_MAX = 200
TAG_MAX = 40
_TAGS_AT_END = re.compile(r"(?:^|\s)(#[^\s#]\S*(?:\s+#[^\s#]\S*)*)\s*$")


class EntryError(ValueError):
    """What was typed cannot be stored as it is; the message says why, in plain words."""


class NotAllowed(ValueError):
    """The change cannot be made to this contribution; the message says why."""


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, as people count lines
    text: str
    tags: list[str] = field(default_factory=list)


# --- The live wall ---------------------------------------------------------------------------


@transaction.atomic
def contribution_wall_set(*, actor: Any, contribution: Contribution, show: bool) -> Contribution:
    """Let a contribution onto the wall (``show``) or hide it from the wall."""
    if show and contribution.safeguarding_at is not None:
        raise NotAllowed("This has been flagged as a safeguarding concern, so it cannot go on the wall")
    state = Contribution.State.SHOWN if show else Contribution.State.HIDDEN
    if contribution.state != state:
        Contribution.objects.filter(pk=contribution.pk).update(
            state=state, lock_version=F("lock_version") + 1, updated_at=timezone.now()
        )
        audit(
            actor=actor,
            action="voices.wall_shown" if show else "voices.wall_hidden",
            obj=contribution,
            gathering=contribution.gathering_id,
        )
        contribution.state = state
    return contribution


# --- Rapid entry -----------------------------------------------------------------------------


def split_tags(line: str) -> tuple[str, list[str]]:
    """``"More buses at night #transport #evenings"`` → the words, and ``["transport", "evenings"]``.

    Only "#words" at the end of the line are tags: a "#" in the middle is part of what was said.
    """
    match = _TAGS_AT_END.search(line)
    if match is None:
        return line.strip(), []
    tags: list[str] = []
    for word in match.group(1).split():
        tag = word.lstrip("#").strip(".,;:!?").lower()[:TAG_MAX]
        if tag and tag not in tags:
            tags.append(tag)
    return line[: match.start(1)].strip(), tags


def parse_lines(text: str) -> list[Line]:
    """Each non-blank line is one contribution. Raises ``EntryError`` naming the line at fault."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    lines: list[Line] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        if len(raw) > MAX_TEXT:
            raise EntryError(
                f"Line {number} is too long: keep each note under {MAX_TEXT:,} characters, "
                "or split it over more lines"
            )
        words, tags = split_tags(raw)
        if not words:
            raise EntryError(f"Line {number} has only tags: type the words of the note before them")
        lines.append(Line(number, words, tags))
    if not lines:
        raise EntryError("Type at least one note: one note a line")
    if len(lines) > MAX_LINES:
        raise EntryError(f"That is {len(lines)} notes: add up to {MAX_LINES} at a time")
    return lines


def line_uuid(form_uuid: uuid.UUID, number: int) -> uuid.UUID:
    return uuid.uuid5(form_uuid, str(number))


def _tags_field(tags: list[str]) -> str:
    kept: list[str] = []
    for tag in tags:
        if len(", ".join([*kept, tag])) > TAGS_MAX:
            break
        kept.append(tag)
    return ", ".join(kept)


@transaction.atomic
def contributions_enter(
    *,
    actor: Any,
    hub: Any,
    form_uuid: uuid.UUID,
    lines: list[Line],
    channel: str = Contribution.Channel.FACILITATOR,
    gathering: Any = None,
    prompt: Any = None,
) -> int:
    """Store the typed-up lines, once each, in one INSERT. Returns how many were new."""
    if channel not in (Contribution.Channel.FACILITATOR, Contribution.Channel.PAPER):
        raise EntryError("Choose where the notes came from")
    now = timezone.now()
    said_at = min(now, gathering.starts_at) if gathering is not None else now
    rows = []
    for line in lines:
        row = Contribution(
            uuid=line_uuid(form_uuid, line.number),
            hub=hub,
            gathering=gathering,
            prompt=prompt,
            text=line.text,
            tags=_tags_field(line.tags),
            said_at=said_at,
            channel=channel,
            identify_as=Contribution.Identify.ANONYMOUS,
            state=Contribution.State.SHOWN,
            entered_by=actor,
            created_at=now,
            updated_at=now,
        )
        row.full_clean(
            exclude=["uuid", "hub", "gathering", "prompt", "author", "entered_by", "import_job"],
            validate_unique=False,
            validate_constraints=False,
        )
        rows.append(row)
    Contribution.objects.bulk_create(rows, ignore_conflicts=True)
    # Rows this call stored carry its own timestamp; a resend finds the earlier ones.
    stored = Contribution.objects.filter(uuid__in=[row.uuid for row in rows], created_at=now).count()
    if stored:
        audit(
            actor=actor,
            action="voices.entered",
            obj=hub,
            count=stored,
            gathering=getattr(gathering, "pk", None),
            prompt=getattr(prompt, "pk", None),
        )
    return stored


def undo_until(now: datetime.datetime | None = None) -> datetime.datetime:
    """Rows created after this moment may still be undone."""
    return (now or timezone.now()) - datetime.timedelta(minutes=UNDO_MINUTES)


@transaction.atomic
def contribution_undo(*, actor: Any, contribution: Contribution) -> None:
    """Delete a contribution this person typed up in the last few minutes."""
    if contribution.entered_by_id != actor.pk or contribution.created_at < undo_until():
        raise NotAllowed(
            f"That note can no longer be undone: only your own notes, for {UNDO_MINUTES} minutes after adding them"
        )
    audit(actor=actor, action="voices.entry_undone", obj=contribution.hub, contribution=contribution.pk)
    contribution.delete()
