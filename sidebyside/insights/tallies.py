"""The counts behind the pictures, kept per theme, hub and day, and refreshed by the worker.

Counting a million tags on every page view would take seconds; reading a programme's tallies
takes milliseconds at any size. The price is that the pictures are a little behind: a change to
themes or tags marks the programme's tallies as changed and asks the worker for a refresh, and a
page that finds them older than ``MAX_AGE`` asks too (that is how changes made elsewhere, such as
a contribution hidden or raised for safeguarding, reach them). The pages say how old they are.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.tasks import task
from django.utils import timezone

from sidebyside.insights.models import DayTally, Tag, TallyState
from sidebyside.voices.models import Contribution

MAX_AGE = datetime.timedelta(minutes=15)
REQUEUE_AFTER = datetime.timedelta(minutes=5)  # a refresh asked for this long ago is asked again


def changed(programme_id: int) -> None:
    """Something the tallies count changed: refresh them once the change is saved."""
    now = timezone.now()
    TallyState.objects.update_or_create(programme_id=programme_id, defaults={"changed_at": now})
    transaction.on_commit(lambda: _ask(programme_id, now))


def _ask(programme_id: int, now: datetime.datetime) -> None:
    TallyState.objects.filter(programme_id=programme_id).update(queued_at=now)
    refresh_tallies.enqueue(programme_id)


def ensure(programme_id: int) -> TallyState:
    """The programme's tally state, worked out now if it never was, and a refresh asked for if
    they are out of date (unless one was asked for a moment ago)."""
    state = TallyState.objects.filter(programme_id=programme_id).first()
    if state is None or state.refreshed_at is None:
        refresh(programme_id)
        return TallyState.objects.get(programme_id=programme_id)
    now = timezone.now()
    stale = state.changed_at is not None or state.refreshed_at < now - MAX_AGE
    asked = state.queued_at is not None and state.queued_at > now - REQUEUE_AFTER
    if stale and not asked:
        _ask(programme_id, now)
    return state


def refresh(programme_id: int) -> None:
    """Count again, in one transaction: the pages see the old tallies or the new, never half."""
    started = timezone.now()
    rows = (
        Tag.objects.filter(theme__programme_id=programme_id, contribution__safeguarding_at__isnull=True)
        .exclude(contribution__state=Contribution.State.HIDDEN)
        .annotate(day=TruncDate("contribution__said_at"))
        .values_list("theme_id", "contribution__hub_id", "day")
        .annotate(n=Count("pk", filter=Q(confirmed=True)), unsure=Count("pk", filter=Q(confirmed=False)))
    )
    with transaction.atomic():
        DayTally.objects.filter(programme_id=programme_id).delete()
        DayTally.objects.bulk_create(
            (
                DayTally(
                    programme_id=programme_id,
                    theme_id=theme_id,
                    hub_id=hub_id,
                    day=day,
                    count=n,
                    unsure=unsure,
                )
                for theme_id, hub_id, day, n, unsure in rows
            ),
            batch_size=5_000,
        )
        state, _ = TallyState.objects.select_for_update().get_or_create(programme_id=programme_id)
        state.refreshed_at = started
        if state.changed_at is not None and state.changed_at <= started:
            state.changed_at = None  # counted; a change made while counting asks for another
        state.queued_at = None
        state.save()


@task()
def refresh_tallies(programme_id: int) -> None:
    """The worker's part; a refresh that finds nothing changed since the last one does nothing."""
    state = TallyState.objects.filter(programme_id=programme_id).first()
    fresh = (
        state is not None
        and state.changed_at is None
        and state.refreshed_at is not None
        and state.refreshed_at > timezone.now() - MAX_AGE
    )
    if fresh:
        TallyState.objects.filter(programme_id=programme_id).update(queued_at=None)
        return
    refresh(programme_id)
