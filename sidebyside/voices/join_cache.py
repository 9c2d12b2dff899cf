"""What a phone needs to know about a join code, kept for a few seconds in each server process.

Every answer from a phone needs the code's gathering, hub and questions. In a room of 300 phones
they are the same few rows read hundreds of times a minute, and building those model instances is
most of what an answer costs. So each server process keeps them, by code, for
``JOIN_CACHE_SECONDS`` (5 by default; 0 turns it off):

- a change made in this process (saving or deleting a join code, question, prompt, gathering or
  hub) empties this process's copy at once;
- a change made in another process reaches phones here within ``JOIN_CACHE_SECONDS``: a new
  question, new opening times, or a session closed early.

Whether answers are checked before the wall shows them is never taken from here: the insert
reads it from the join code itself (``services_join.phone_contribution_add``), so turning checking
on holds back the very next answer.

The instances handed out are shared between requests: read them, never change them.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub
from sidebyside.voices.access import find_code, normalise_code
from sidebyside.voices.models import JoinCode, Prompt, Question


@dataclass(frozen=True)
class PhoneSession:
    join: JoinCode
    questions: tuple[Question, ...]
    thanks_url: str  # the thank-you page, without the question


@dataclass(frozen=True)
class _Entry:
    session: PhoneSession | None
    until: float


_entries: dict[str, _Entry] = {}
_lock = threading.Lock()
_loading = threading.Lock()
_MAX_ENTRIES = 1000  # codes in use at once are a handful; this only bounds a flood of made-up ones


def _load(code: str) -> PhoneSession | None:
    join = find_code(code)
    if join is None:
        return None
    questions = Question.objects.filter(gathering_id=join.gathering_id).select_related("prompt")
    thanks = reverse("voices:join_thanks", kwargs={"code": join.code})
    return PhoneSession(join, tuple(questions.order_by("position", "pk")), thanks)


def phone_session(typed: str) -> PhoneSession | None:
    """The join code typed (any case, spaces or dashes) with its questions in order; None if there
    is no such code. Whether it is still open is the caller's question (``access.is_open``)."""
    code = normalise_code(typed)
    if not code:
        return None
    seconds = settings.JOIN_CACHE_SECONDS
    if seconds <= 0:
        return _load(code)
    entry = _entries.get(code)
    if entry is not None and entry.until > time.monotonic():
        return entry.session
    # One load at a time: when a copy runs out, a room's worth of answers arrive together, and
    # they should not all read the same rows. While one request reads them again, the others
    # carry on with the copy that just ran out; with no copy at all, they wait for it.
    if not _loading.acquire(blocking=entry is None):
        assert entry is not None
        return entry.session
    try:
        entry = _entries.get(code)
        if entry is not None and entry.until > time.monotonic():
            return entry.session
        session = _load(code)
        with _lock:
            if len(_entries) >= _MAX_ENTRIES:
                _entries.clear()
            _entries[code] = _Entry(session, time.monotonic() + seconds)
        return session
    finally:
        _loading.release()


def forget(**_: Any) -> None:
    """Empty this process's copy (a signal receiver, so it takes any arguments)."""
    with _lock:
        _entries.clear()


def connect() -> None:
    for model in (JoinCode, Question, Prompt, Gathering, Hub):
        post_save.connect(forget, sender=model, dispatch_uid=f"voices.join_cache.{model.__name__}.save")
        post_delete.connect(forget, sender=model, dispatch_uid=f"voices.join_cache.{model.__name__}.delete")
