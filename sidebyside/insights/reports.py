"""The numbers behind the pictures: words said most, themes month by month, themes by hub.

Each works on the contributions a person chose (``scope``) among those they may read, never on
safeguarding concerns or hidden contributions. The word cloud reads the most recent
``CLOUD_SAMPLE`` contributions of the choice, so it costs the same however many there are; the
counts come from the programme's day-by-day tallies (``tallies``), which the worker keeps.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from sidebyside.accounts.models import User
from sidebyside.hubs.models import Hub, Membership
from sidebyside.insights.models import DayTally, Theme
from sidebyside.voices import wordcloud
from sidebyside.voices.models import Contribution
from sidebyside.voices.wordcloud import Cloud

CLOUD_SAMPLE = 5_000
MONTHS = 24  # the timeline shows at most this many months, the latest


@dataclass(frozen=True)
class Scope:
    programme_id: int
    hubs: set[int] | None  # readable hubs; None: all of the programme's
    hub: Hub | None = None
    theme: Theme | None = None
    said_from: datetime.date | None = None
    said_to: datetime.date | None = None


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def hub_ids(scope: Scope) -> list[int]:
    """The hubs in scope, as a list: filtering contributions by it (rather than by a join to the
    programme) lets the database use the hub indexes, so a small programme beside a big one costs
    what a small programme should."""
    if scope.hub is not None:
        wanted = [scope.hub.pk] if scope.hubs is None or scope.hub.pk in scope.hubs else []
        return wanted if scope.hub.programme_id == scope.programme_id else []
    ids = Hub.objects.filter(programme_id=scope.programme_id).values_list("pk", flat=True)
    return [pk for pk in ids if scope.hubs is None or pk in scope.hubs]


def contributions(scope: Scope) -> QuerySet[Contribution]:
    rows = Contribution.objects.filter(hub_id__in=hub_ids(scope), safeguarding_at__isnull=True).exclude(
        state=Contribution.State.HIDDEN
    )
    if scope.theme is not None:
        rows = rows.filter(theme_tags__theme=scope.theme)
    if scope.said_from:
        rows = rows.filter(said_at__gte=_day_start(scope.said_from))
    if scope.said_to:
        rows = rows.filter(said_at__lt=_day_start(scope.said_to + datetime.timedelta(days=1)))
    return rows


def name_words(scope: Scope) -> set[str]:
    """Every word of the names of people in the hubs in scope: never drawn in a cloud."""
    members = Membership.objects.filter(ended_at__isnull=True, hub__programme_id=scope.programme_id)
    if scope.hubs is not None:
        members = members.filter(hub_id__in=scope.hubs)
    names = User.objects.filter(pk__in=members.values("user_id")).values_list("full_name", "known_as")
    return wordcloud.name_words(name for pair in names for name in pair if name)


@dataclass(frozen=True)
class CloudResult:
    cloud: Cloud
    read: int  # contributions read
    sampled: bool  # the most recent CLOUD_SAMPLE only


def word_cloud(scope: Scope) -> CloudResult:
    texts = list(
        contributions(scope).order_by("-said_at", "-pk").values_list("text", flat=True)[: CLOUD_SAMPLE + 1]
    )
    sampled = len(texts) > CLOUD_SAMPLE
    texts = texts[:CLOUD_SAMPLE]
    cloud = wordcloud.word_cloud(texts, leave_out=name_words(scope))
    return CloudResult(cloud, len(texts), sampled)


@dataclass(frozen=True)
class Timeline:
    periods: list[str]  # "Mar 2026"
    series: list[tuple[Theme, list[int]]]  # each confirmed theme with its count a month

    @property
    def rows(self) -> list[tuple[str, list[int], int]]:
        """For the table: each period with each theme's count and the total."""
        return [
            (period, [counts[i] for _, counts in self.series], sum(counts[i] for _, counts in self.series))
            for i, period in enumerate(self.periods)
        ]


def _confirmed(scope: Scope) -> list[Theme]:
    themes = Theme.objects.filter(programme_id=scope.programme_id, status=Theme.Status.CONFIRMED)
    if scope.theme is not None:
        themes = themes.filter(pk=scope.theme.pk)
    return list(themes.order_by("name"))


def _tallies(scope: Scope, themes: list[Theme]) -> QuerySet[DayTally]:
    rows = DayTally.objects.filter(programme_id=scope.programme_id, theme__in=themes)
    if scope.hubs is not None:
        rows = rows.filter(hub_id__in=scope.hubs)
    if scope.hub is not None:
        rows = rows.filter(hub=scope.hub)
    if scope.said_from:
        rows = rows.filter(day__gte=scope.said_from)
    if scope.said_to:
        rows = rows.filter(day__lte=scope.said_to)
    return rows


def timeline(scope: Scope) -> Timeline:
    """From the programme's tallies (``tallies.ensure`` first)."""
    themes = _confirmed(scope)
    rows = (
        _tallies(scope, themes)
        .annotate(month=TruncMonth("day"))
        .values_list("theme_id", "month")
        .annotate(n=Sum("count"))
    )
    by_theme: dict[int, dict[datetime.date, int]] = defaultdict(dict)
    months: set[datetime.date] = set()
    for theme_id, month, n in rows:
        day = month.date() if isinstance(month, datetime.datetime) else month
        by_theme[theme_id][day] = n
        months.add(day)
    if not months:
        return Timeline([], [])
    first, last = min(months), max(months)
    span: list[datetime.date] = []
    day = first
    while day <= last:
        span.append(day)
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    span = span[-MONTHS:]
    series = [(t, [by_theme[t.pk].get(m, 0) for m in span]) for t in themes if by_theme.get(t.pk)]
    return Timeline([f"{m:%b %Y}" for m in span], series)


@dataclass(frozen=True)
class Heat:
    themes: list[Theme]
    hubs: list[Hub]
    counts: list[list[int]]  # [theme][hub]


def heat(scope: Scope) -> Heat:
    """From the programme's tallies (``tallies.ensure`` first)."""
    themes = _confirmed(scope)
    rows = _tallies(scope, themes).values_list("theme_id", "hub_id").annotate(n=Sum("count"))
    found: dict[tuple[int, int], int] = {(t, h): n for t, h, n in rows}
    hub_ids = {h for _, h in found}
    hubs = list(Hub.objects.filter(pk__in=hub_ids).order_by("name"))
    kept = [t for t in themes if any(found.get((t.pk, h.pk)) for h in hubs)]
    return Heat(kept, hubs, [[found.get((t.pk, h.pk), 0) for h in hubs] for t in kept])
