"""The weekly digest: one message gathering the updates owed to a person, at most once a week.

The worker calls ``send_due`` every few seconds (``settings.WORKER_LOOPS``); with ``worker`` set it
looks at most every REMINDER_CHECK_SECONDS. For each person with updates not yet in a digest
(``Notice`` rows whose ``digest`` is empty):

- if a digest went to their outbox less than seven days ago, the updates wait for next week's;
- in their quiet hours, they wait until the hours end;
- otherwise a text or an email goes into the notify outbox, by the person's preferred channel,
  with a ``Digest`` row (queued) that the notices now point to;
- someone we may not contact that way (paused, left, no consent to the channel, no number or
  address, prefers a call, a letter or their key worker) gets a ``Digest`` row saying why
  (not sent), so the same updates are not tried again. They stay on the person's own page, and
  come with the next digest that can be sent (after they agree, say, or come back).

Each person is done in one transaction that locks their waiting notices first, so two workers
running at once never send the same updates twice. Logs carry counts only, never who.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from sidebyside.core.worker_loops import Throttle
from sidebyside.enquiries.models import Digest, Notice
from sidebyside.gatherings.reminders import in_quiet_hours
from sidebyside.hubs.models import Membership
from sidebyside.notify.services import message_enqueue
from sidebyside.people.consent import contactable
from sidebyside.people.models import Person

logger = logging.getLogger(__name__)

WEEK = datetime.timedelta(days=7)
TEMPLATE = "digest"
WAIT = "wait"
Channel = Person.Channel
Outcome = Digest.Outcome

NOT_ACTIVE_REASONS = {
    Person.Status.PAUSED: "Paused their involvement",
    Person.Status.LEFT: "Has left",
}
OTHER_WAY_REASONS = {
    Channel.PHONE: "Prefers a phone call: tell them about the updates that way",
    Channel.POST: "Prefers contact by letter: tell them about the updates that way",
    Channel.WORKER: "Prefers contact through their key worker: tell them about the updates that way",
}


@dataclass(frozen=True)
class Decision:
    outcome: str  # an Outcome, or WAIT
    channel: str
    reason: str = ""
    to: str = ""


def decide(person: Person, now: datetime.datetime, agreed: set[int]) -> Decision:
    """What to do with a person's waiting updates now. ``agreed``: the ids of the people who may be
    contacted by their preferred channel (``people.consent.contactable``)."""
    channel = person.preferred_channel
    if person.is_erased:
        return Decision(Outcome.NOT_SENT, channel, "Their record was erased")
    if person.status != Person.Status.ACTIVE:
        return Decision(Outcome.NOT_SENT, channel, NOT_ACTIVE_REASONS[Person.Status(person.status)])
    if person.pk not in agreed:
        return Decision(
            Outcome.NOT_SENT, channel, f"Has not agreed to contact by {Channel(channel).label.lower()}"
        )
    if channel in OTHER_WAY_REASONS:
        return Decision(Outcome.NOT_SENT, channel, OTHER_WAY_REASONS[Channel(channel)])
    if channel == Channel.SMS and not person.phone:
        return Decision(Outcome.NOT_SENT, channel, "No mobile number")
    if channel == Channel.EMAIL and not person.user.email:
        return Decision(Outcome.NOT_SENT, channel, "No email address")
    if in_quiet_hours(person, now):
        return Decision(WAIT, channel)
    to = person.phone if channel == Channel.SMS else person.user.email or ""
    return Decision(Outcome.QUEUED, channel, to=to)


def personalisation(person: Person, count: int, hub_name: str) -> dict[str, str]:
    user = person.user
    return {
        "name": user.known_as or (user.full_name.split() or [""])[0],
        "count": str(count),
        "hub": hub_name,
        "link": settings.SITE_URL.rstrip("/") + reverse("enquiries:my_impact"),
    }


def _hub_names(user_ids: Iterable[int]) -> dict[int, str]:
    """Each person's hub (the first by name if several), by user id. One query."""
    rows = (
        Membership.objects.filter(user_id__in=list(user_ids), hub__isnull=False, ended_at__isnull=True)
        .order_by("hub__name", "pk")
        .values_list("user_id", "hub__name")
    )
    names: dict[int, str] = {}
    for user_id, name in rows:
        names.setdefault(user_id, name)
    return names


def _send_one(person: Person, decision: Decision, hub_name: str, now: datetime.datetime) -> Digest | None:
    """One person's digest, in one transaction; None if another worker got there first (or sent one
    this week)."""
    with transaction.atomic():
        # New notices; and, when a digest can go, those that could not be sent before (no consent
        # then, paused), which come with them.
        owed = Q(digest__isnull=True)
        if decision.outcome == Outcome.QUEUED:
            owed |= Q(digest__outcome=Outcome.NOT_SENT)
        rows = list(
            Notice.objects.select_for_update(of=("self",))
            .filter(owed, person_id=person.pk)
            .order_by("pk")
            .values_list("pk", "digest_id")
        )
        if all(digest_id is not None for _, digest_id in rows):
            return None  # nothing new (another worker sent it, or there never was)
        waiting = [pk for pk, _ in rows]
        if (
            decision.outcome == Outcome.QUEUED
            and Digest.objects.filter(
                person_id=person.pk, outcome=Outcome.QUEUED, created_at__gt=now - WEEK
            ).exists()
        ):
            return None
        message = None
        if decision.outcome == Outcome.QUEUED:
            message = message_enqueue(
                user=person.user,
                channel=decision.channel,
                to=decision.to,
                template=TEMPLATE,
                personalisation=personalisation(person, len(waiting), hub_name),
            )
        digest = Digest.objects.create(
            person=person,
            created_at=now,
            channel=decision.channel,
            outcome=decision.outcome,
            reason=decision.reason,
            count=len(waiting),
            message=message,
        )
        Notice.objects.filter(pk__in=waiting).update(digest=digest)
        return digest


_throttle = Throttle()


def send_due(*, worker: str = "", now: datetime.datetime | None = None) -> int:
    """Send (or record why not) the digests due now. Returns how many ``Digest`` rows were written.

    Called by a worker (``worker`` set), it looks at most every REMINDER_CHECK_SECONDS.
    """
    if not _throttle.due(worker):
        return 0
    now = now or timezone.now()
    sent_this_week = Digest.objects.filter(outcome=Outcome.QUEUED, created_at__gt=now - WEEK).values(
        "person_id"
    )
    person_ids = set(
        Notice.objects.filter(digest__isnull=True)
        .exclude(person_id__in=sent_this_week)
        .values_list("person_id", flat=True)
        .distinct()
    )
    if not person_ids:
        return 0
    people = list(Person.objects.select_related("user").filter(pk__in=sorted(person_ids)).order_by("pk"))
    agreed: set[int] = set()
    for channel in {p.preferred_channel for p in people}:
        agreed |= contactable([p for p in people if p.preferred_channel == channel], channel)
    hubs = _hub_names(p.user_id for p in people)
    written = {Outcome.QUEUED: 0, Outcome.NOT_SENT: 0}
    for person in people:
        decision = decide(person, now, agreed)
        if decision.outcome == WAIT:
            continue
        digest = _send_one(person, decision, hubs.get(person.user_id, ""), now)
        if digest is not None:
            written[Outcome(digest.outcome)] += 1
    total = sum(written.values())
    if total:
        logger.info(
            "digests written: %d to the outbox, %d not sent",
            written[Outcome.QUEUED],
            written[Outcome.NOT_SENT],
            extra={"event": "enquiries.digests", "count": total},
        )
    return total
