"""Invitations and reminders: who gets what, by which channel, and when.

The worker calls ``plan_due`` every few seconds (``settings.WORKER_LOOPS``). For each person
invited to or coming to an upcoming gathering it decides, once per reminder time the hub has
set, what to do, and records it as a ``Reminder`` row in the same transaction:

- a text or an email goes into the notify outbox, by the person's preferred channel;
- someone who prefers a phone call becomes a task for the facilitator ("To phone");
- someone we may not contact (paused, left, no consent for that channel, no number) gets a
  row saying why, shown on the gathering page: nobody is dropped silently;
- someone in their quiet hours is left until those hours end, unless the session starts first.

If a gathering moves, reminders are worked out again for the new time (``for_start``).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sidebyside.core.dates import time_of_day
from sidebyside.core.worker_loops import Throttle
from sidebyside.gatherings.models import Gathering, Registration, Reminder, ReminderSettings
from sidebyside.notify.services import message_enqueue
from sidebyside.people.consent import cannot_reach
from sidebyside.people.models import Person

logger = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
Channel = Person.Channel
Outcome = Reminder.Outcome


def hours_for(hub_id: int, cache: dict[int, tuple[int, ...]] | None = None) -> tuple[int, ...]:
    """The hub's reminder times, in hours before the start, largest first."""
    if cache is not None and hub_id in cache:
        return cache[hub_id]
    row = ReminderSettings.objects.filter(hub_id=hub_id).first()
    hours = tuple(sorted(row.hours_before if row else ReminderSettings.DEFAULT_HOURS, reverse=True))
    if cache is not None:
        cache[hub_id] = hours
    return hours


def in_quiet_hours(person: Person, moment: datetime.datetime) -> bool:
    """Is ``moment`` inside the times the person asked not to be contacted (London time)?"""
    start, end = person.quiet_from, person.quiet_until
    if start is None and end is None:
        return False
    local = timezone.localtime(moment, LONDON).time()
    if start is not None and end is not None:
        if start <= end:
            return start <= local < end
        return local >= start or local < end  # overnight, e.g. 21:00 to 09:00
    if start is not None:
        return local >= start
    assert end is not None
    return local < end


def quiet_ends(person: Person, moment: datetime.datetime) -> datetime.datetime | None:
    """When the quiet hours that contain ``moment`` end, or None if the person is not in them."""
    if not in_quiet_hours(person, moment):
        return None
    local = timezone.localtime(moment, LONDON)
    if person.quiet_until is None:  # quiet from an hour until midnight
        return (local + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    end = datetime.datetime.combine(local.date(), person.quiet_until, tzinfo=LONDON)
    if end <= local:
        end = datetime.datetime.combine(
            local.date() + datetime.timedelta(days=1), person.quiet_until, tzinfo=LONDON
        )
    return end


def when_text(gathering: Gathering) -> str:
    """'Tuesday 3 March at 10am', in London time, as people say it."""
    local = timezone.localtime(gathering.starts_at, LONDON)
    return f"{local.strftime('%A')} {local.day} {local.strftime('%B')} at {time_of_day(local.time())}"


def where_text(gathering: Gathering) -> str:
    parts = [gathering.venue, gathering.address.replace("\n", ", ")]
    place = ", ".join(p for p in parts if p)
    if gathering.online_link:
        return f"{place} or online: {gathering.online_link}" if place else f"Online: {gathering.online_link}"
    return place


def personalisation(gathering: Gathering, person: Person) -> dict[str, str]:
    user = person.user
    return {
        "name": user.known_as or user.full_name.split(" ")[0],
        "title": gathering.title,
        "when": when_text(gathering),
        "where": where_text(gathering),
        "hub": gathering.hub.name,
        "link": settings.SITE_URL.rstrip("/") + f"/gatherings/{gathering.pk}/",
    }


@dataclass(frozen=True)
class Decision:
    outcome: str  # an Outcome, or "wait"
    channel: str
    reason: str = ""
    to: str = ""


def decide(person: Person, gathering: Gathering, now: datetime.datetime) -> Decision:
    channel = person.preferred_channel
    if reason := cannot_reach(person, channel):
        return Decision(Outcome.NOT_SENT, channel, reason)
    if channel in (Channel.POST, Channel.WORKER):
        return Decision(
            Outcome.NOT_SENT,
            channel,
            f"Prefers contact {'by letter' if channel == Channel.POST else 'through their key worker'}: remind them that way",
        )
    if channel == Channel.PHONE:
        return Decision(Outcome.CALL, channel)  # the facilitator calls at a sensible time
    if in_quiet_hours(person, now):
        ends = quiet_ends(person, now)
        if ends is not None and ends < gathering.starts_at:
            return Decision("wait", channel)
        return Decision(Outcome.NOT_SENT, channel, "In their quiet hours until the session starts")
    to = person.phone if channel == Channel.SMS else person.user.email or ""
    return Decision(Outcome.QUEUED, channel, to=to)


def _record(
    registration: Registration, *, kind: str, hours: int, decision: Decision, template: str
) -> Reminder | None:
    """Write the reminder row (and its message) in one transaction; None if another worker did."""
    gathering, person = registration.gathering, registration.person
    try:
        with transaction.atomic():
            message = None
            if decision.outcome == Outcome.QUEUED:
                message = message_enqueue(
                    user=person.user,
                    channel=decision.channel,
                    to=decision.to,
                    template=template,
                    personalisation=personalisation(gathering, person),
                )
            return Reminder.objects.create(
                registration=registration,
                kind=kind,
                hours_before=hours,
                for_start=gathering.starts_at,
                channel=decision.channel,
                outcome=decision.outcome,
                reason=decision.reason,
                message=message,
            )
    except IntegrityError:
        return None  # already recorded by another worker


_throttle = Throttle()


def plan_due(*, worker: str = "", now: datetime.datetime | None = None) -> int:
    """Decide every invitation and reminder due now. Returns how many rows were written.

    Called by a worker (``worker`` set), it looks at most every REMINDER_CHECK_SECONDS.
    """
    if not _throttle.due(worker):
        return 0
    now = now or timezone.now()
    cache: dict[int, tuple[int, ...]] = {}
    horizon = now + datetime.timedelta(hours=max(_all_hours(), default=0) + 1)
    registrations = (
        Registration.objects.filter(
            gathering__cancelled_at__isnull=True,
            gathering__starts_at__gt=now,
            gathering__starts_at__lte=horizon,
            status__in=[Registration.Status.INVITED, Registration.Status.REGISTERED],
        )
        .select_related("gathering__hub", "person__user")
        .order_by("gathering__starts_at", "pk")
    )
    existing = _existing(registrations)
    written = 0
    for registration in registrations:
        gathering, person = registration.gathering, registration.person
        if person.is_erased:
            continue
        for kind, hours, template in _wanted(registration, hours_for(gathering.hub_id, cache), now):
            if (registration.pk, kind, hours, gathering.starts_at) in existing:
                continue
            decision = decide(person, gathering, now)
            if decision.outcome == "wait":
                continue
            if _record(registration, kind=kind, hours=hours, decision=decision, template=template):
                written += 1
    return written


def _all_hours() -> list[int]:
    hours = [h for row in ReminderSettings.objects.values_list("hours_before", flat=True) for h in row]
    return [*hours, *ReminderSettings.DEFAULT_HOURS]


def _wanted(
    registration: Registration, hours: tuple[int, ...], now: datetime.datetime
) -> list[tuple[str, int, str]]:
    """The invitation (for someone invited) or the latest reminder time passed (for someone coming).

    A reminder time that passed before a later one is superseded: someone who registers an hour
    before the session gets the last reminder only, not all of them at once.
    """
    if registration.status == Registration.Status.INVITED:
        return [(Reminder.Kind.INVITATION, 0, "invitation")]
    start = registration.gathering.starts_at
    due = [h for h in hours if start - datetime.timedelta(hours=h) <= now]
    if not due:
        return []
    return [(Reminder.Kind.REMINDER, min(due), "reminder")]


def _existing(registrations: Any) -> set[tuple[int, str, int, datetime.datetime]]:
    rows = Reminder.objects.filter(registration__in=registrations).values_list(
        "registration_id", "kind", "hours_before", "for_start"
    )
    return set(rows)
