"""Reminders to the owners of actions: a week before the due date, then once a week while overdue.

The worker calls ``send_due`` every few seconds (``settings.WORKER_LOOPS``); with ``worker`` set it
looks at most every REMINDER_CHECK_SECONDS. For each action not done (nor "won't do") with a due
date, the people to remind are its owner or, with no owner, the leaders of its owning
organisation. Each gets:

- "due soon" once, when the due date is DUE_SOON_DAYS or fewer days away, unless the action was
  made or changed (a new date, a new status) that close to it: they know already;
- "overdue" the day after the due date, then once a week, OVERDUE_WEEKS times at most.

A reminder is an email into the notify outbox, recorded as an ``ActionReminder`` row in the same
transaction; the row's unique key (action, person, kind, due date, week) means two workers never
send the same reminder twice, and a new due date starts afresh. Someone who cannot be reminded
(account closed, no email address; a member who has not agreed to email or has paused) gets a row
saying why, shown on the action's page. Staff and leaders are reminded at their sign-in address:
the action is part of their work. Logs carry counts only, never who.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from sidebyside.accounts.models import User
from sidebyside.core.worker_loops import Throttle
from sidebyside.enquiries.models import DUE_SOON_DAYS, Action, ActionReminder
from sidebyside.gatherings.reminders import in_quiet_hours
from sidebyside.hubs.models import Membership
from sidebyside.notify.services import message_enqueue
from sidebyside.people.consent import may_contact

logger = logging.getLogger(__name__)

TEMPLATE = "action_reminder"
OVERDUE_WEEKS = 4
WAIT = "wait"
Kind = ActionReminder.Kind
Outcome = ActionReminder.Outcome


@dataclass(frozen=True)
class Due:
    """A reminder owed now: which kind, and for overdue ones which week after the due date."""

    kind: str
    week: int = 0


def due_now(action: Action, today: datetime.date) -> Due | None:
    """Which reminder, if any, the action's owners are owed today."""
    if action.is_closed or action.due_on is None:
        return None
    days_left = (action.due_on - today).days
    if days_left < 0:
        week = (-days_left - 1) // 7
        return Due(Kind.OVERDUE, week) if week < OVERDUE_WEEKS else None
    if days_left <= DUE_SOON_DAYS:
        window_opened = action.due_on - datetime.timedelta(days=DUE_SOON_DAYS)
        if timezone.localdate(action.updated_at) >= window_opened:
            return None  # made or changed inside the week before: a reminder now would be noise
        return Due(Kind.DUE_SOON)
    return None


@dataclass(frozen=True)
class Decision:
    outcome: str  # an Outcome, or WAIT
    reason: str = ""


def decide(user: User, *, works_here: bool, now: datetime.datetime) -> Decision:
    """Whether ``user`` can be reminded by email now. ``works_here``: they have a role other than
    member in the action's programme (staff or leader), so their sign-in address is for work."""
    if not user.is_active:
        return Decision(Outcome.NOT_SENT, "Their account is closed")
    if not user.email:
        return Decision(Outcome.NOT_SENT, "No email address")
    if works_here:
        return Decision(Outcome.QUEUED)
    person = getattr(user, "person", None)
    if person is None or not may_contact(person, "email"):
        return Decision(Outcome.NOT_SENT, "Has not agreed to contact by email, or has paused")
    if in_quiet_hours(person, now):
        return Decision(WAIT)
    return Decision(Outcome.QUEUED)


def _when(action: Action, today: datetime.date) -> str:
    assert action.due_on is not None
    days = (action.due_on - today).days
    if days > 1:
        return f"is due in {days} days"
    if days == 1:
        return "is due tomorrow"
    if days == 0:
        return "is due today"
    return "was due yesterday" if days == -1 else f"was due {-days} days ago"


def personalisation(user: User, action: Action, today: datetime.date) -> dict[str, str]:
    assert action.due_on is not None
    return {
        "name": user.known_as or (user.full_name.split() or [""])[0],
        "what": action.what,
        "when": _when(action, today),
        "due": format_date(action.due_on, "j F Y"),
        "link": settings.SITE_URL.rstrip("/") + reverse("enquiries:action", args=[action.pk]),
    }


def _recipients(actions: list[Action]) -> dict[int, list[User]]:
    """Who to remind of each action: its owner, or the leaders of its organisation. One query for
    the leaders of all of them."""
    by_organisation: dict[tuple[int, int], list[User]] = {}
    wanted = {
        (a.programme_id, a.organisation_id) for a in actions if a.owner_id is None and a.organisation_id
    }
    if wanted:
        leaders = (
            Membership.objects.filter(
                role=Membership.Role.LEADER,
                ended_at__isnull=True,
                programme_id__in={p for p, _ in wanted},
                organisation_id__in={o for _, o in wanted},
            )
            .select_related("user__person")
            .order_by("user_id")
        )
        for membership in leaders:
            key = (membership.programme_id, membership.organisation_id or 0)
            if key in wanted:
                by_organisation.setdefault(key, []).append(membership.user)
    found: dict[int, list[User]] = {}
    for action in actions:
        if action.owner is not None:
            found[action.pk] = [action.owner]
        elif action.organisation_id:
            found[action.pk] = by_organisation.get((action.programme_id, action.organisation_id), [])
    return found


def _working(pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """Of (programme, user) pairs, those where the user has a role other than member. One query."""
    pairs = set(pairs)
    if not pairs:
        return set()
    rows = (
        Membership.objects.filter(
            ended_at__isnull=True,
            programme_id__in={p for p, _ in pairs},
            user_id__in={u for _, u in pairs},
        )
        .exclude(role=Membership.Role.MEMBER)
        .values_list("programme_id", "user_id")
    )
    return {row for row in rows if row in pairs}


def _remind(
    action: Action, user: User, due: Due, decision: Decision, today: datetime.date, now: datetime.datetime
) -> bool:
    """Write one reminder (and its email); False if it was written already (another worker)."""
    assert action.due_on is not None
    try:
        with transaction.atomic():
            row = ActionReminder.objects.create(
                action=action,
                user=user,
                kind=due.kind,
                due_on=action.due_on,
                week=due.week,
                created_at=now,
                outcome=decision.outcome,
                reason=decision.reason,
            )
            if decision.outcome == Outcome.QUEUED:
                row.message = message_enqueue(
                    user=user,
                    channel="email",
                    to=user.email or "",  # decide() found one
                    template=TEMPLATE,
                    personalisation=personalisation(user, action, today),
                )
                row.save(update_fields=["message"])
    except IntegrityError:
        return False
    return True


_throttle = Throttle()


def send_due(*, worker: str = "", now: datetime.datetime | None = None) -> int:
    """Remind the owners of actions due soon or overdue. Returns how many rows were written.

    Called by a worker (``worker`` set), it looks at most every REMINDER_CHECK_SECONDS.
    """
    if not _throttle.due(worker):
        return 0
    now = now or timezone.now()
    today = timezone.localdate(now)
    earliest = today - datetime.timedelta(days=7 * OVERDUE_WEEKS)
    actions = list(
        Action.objects.filter(due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS), due_on__gt=earliest)
        .exclude(status__in=Action.CLOSED)
        .filter(Q(owner__isnull=False) | Q(organisation__isnull=False))
        .select_related("owner__person")
        .order_by("due_on", "pk")
    )
    owed = {a.pk: due for a in actions if (due := due_now(a, today)) is not None}
    actions = [a for a in actions if a.pk in owed]
    if not actions:
        return 0
    done = set(
        ActionReminder.objects.filter(action_id__in=list(owed)).values_list(
            "action_id", "user_id", "kind", "due_on", "week"
        )
    )
    recipients = _recipients(actions)
    working = _working((a.programme_id, u.pk) for a in actions for u in recipients.get(a.pk, []))
    written = {Outcome.QUEUED: 0, Outcome.NOT_SENT: 0}
    for action in actions:
        due = owed[action.pk]
        for user in recipients.get(action.pk, []):
            if (action.pk, user.pk, due.kind, action.due_on, due.week) in done:
                continue
            decision = decide(user, works_here=(action.programme_id, user.pk) in working, now=now)
            if decision.outcome == WAIT:
                continue
            if _remind(action, user, due, decision, today, now):
                written[Outcome(decision.outcome)] += 1
    total = sum(written.values())
    if total:
        logger.info(
            "action reminders written: %d to the outbox, %d not sent",
            written[Outcome.QUEUED],
            written[Outcome.NOT_SENT],
            extra={"event": "enquiries.action_reminders", "count": total},
        )
    return total
