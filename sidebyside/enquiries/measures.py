"""Is the loop closing? Per hub and for a programme: the share of contributions linked to an
enquiry, the share whose enquiry told people what happened ("we did"), the median days from a
contribution to the first such update, and overdue actions.

A fixed number of queries however many enquiries there are (the dashboard pins it).
"""

from __future__ import annotations

import datetime
import statistics
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from sidebyside.enquiries.models import Action, Evidence, Update, overdue
from sidebyside.insights.models import Tag
from sidebyside.voices.models import Contribution


@dataclass
class Loop:
    contributions: int = 0
    linked: int = 0
    told: int = 0
    median_days: float | None = None
    overdue_actions: int = 0

    @property
    def linked_percent(self) -> int:
        return round(100 * self.linked / self.contributions) if self.contributions else 0

    @property
    def told_percent(self) -> int:
        return round(100 * self.told / self.contributions) if self.contributions else 0


def loop_closure(
    programme_id: int, hub_ids: Iterable[int], today: datetime.date | None = None
) -> tuple[dict[int, Loop], Loop]:
    """The figures for each of ``hub_ids``, and across them all."""
    hubs = list(hub_ids)
    today = today or timezone.localdate()
    figures = {hub_id: Loop() for hub_id in hubs}
    total = Loop()
    for hub_id, n in (
        Contribution.objects.filter(hub_id__in=hubs).values_list("hub_id").annotate(n=Count("pk")).order_by()
    ):
        figures[hub_id].contributions = n
        total.contributions += n

    evidence = list(
        Evidence.objects.filter(enquiry__programme_id=programme_id).values_list(
            "enquiry_id", "theme_id", "contribution_id"
        )
    )
    updates: dict[int, list[datetime.datetime]] = defaultdict(list)
    for enquiry_id, at in (
        Update.objects.filter(enquiry__programme_id=programme_id, tell_contributors=True)
        .values_list("enquiry_id", "created_at")
        .order_by("created_at")
    ):
        updates[enquiry_id].append(at)
    by_theme: dict[int, set[int]] = defaultdict(set)
    direct: dict[int, set[int]] = defaultdict(set)
    for enquiry_id, theme_id, contribution_id in evidence:
        if theme_id is not None:
            by_theme[theme_id].add(enquiry_id)
        else:
            direct[contribution_id].add(enquiry_id)

    # Each linked contribution once: its hub, when it was said, and the enquiries it feeds.
    linked: dict[int, tuple[int, datetime.datetime, set[int]]] = {}
    # (Subqueries, not lists: the same two queries run whether or not anything is linked yet.)
    of_programme = Evidence.objects.filter(enquiry__programme_id=programme_id)
    for pk, hub_id, said_at in Contribution.objects.filter(
        pk__in=of_programme.filter(contribution__isnull=False).values("contribution_id"), hub_id__in=hubs
    ).values_list("pk", "hub_id", "said_at"):
        linked[pk] = (hub_id, said_at, set(direct[pk]))
    for pk, theme_id, hub_id, said_at in Tag.objects.filter(
        theme_id__in=of_programme.filter(theme__isnull=False).values("theme_id"),
        confirmed=True,
        contribution__hub_id__in=hubs,
    ).values_list("contribution_id", "theme_id", "contribution__hub_id", "contribution__said_at"):
        entry = linked.setdefault(pk, (hub_id, said_at, set()))
        entry[2].update(by_theme[theme_id])

    days: dict[int, list[float]] = defaultdict(list)
    for hub_id, said_at, enquiries in linked.values():
        figures[hub_id].linked += 1
        first: datetime.datetime | None = None
        for enquiry_id in enquiries:
            times = updates.get(enquiry_id, [])
            index = bisect_left(times, said_at)  # the first update after it was said
            if index < len(times) and (first is None or times[index] < first):
                first = times[index]
        if first is not None:
            figures[hub_id].told += 1
            days[hub_id].append((first - said_at).total_seconds() / 86400)
    everything: list[float] = []
    for hub_id, loop in figures.items():
        total.linked += loop.linked
        total.told += loop.told
        if days[hub_id]:
            loop.median_days = round(statistics.median(days[hub_id]), 1)
            everything.extend(days[hub_id])
    if everything:
        total.median_days = round(statistics.median(everything), 1)

    # Overdue actions: an enquiry's count for each of its hubs; a commitment's for its message's hub.
    late = Action.objects.filter(Q(programme_id=programme_id) & overdue(today))
    for hub_id, n in (
        late.filter(enquiry__hubs__in=hubs).values_list("enquiry__hubs").annotate(n=Count("pk")).order_by()
    ):
        figures[hub_id].overdue_actions += n
    for hub_id, n in (
        late.filter(message__hub_id__in=hubs)
        .values_list("message__hub_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        figures[hub_id].overdue_actions += n
    total.overdue_actions = late.count()
    return figures, total
