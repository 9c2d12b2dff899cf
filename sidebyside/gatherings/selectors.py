from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils import timezone

from sidebyside.gatherings.models import Gathering


def sessions_held_by_hub(hub_ids: Iterable[int]) -> dict[int, int]:
    """How many gatherings each hub has held (started, not cancelled): one query."""
    now = timezone.now()
    rows = (
        Gathering.objects.filter(hub_id__in=list(hub_ids), cancelled_at__isnull=True)
        .values("hub_id")
        .annotate(held=Count("pk", filter=Q(starts_at__lte=now)))
    )
    return {row["hub_id"]: row["held"] for row in rows}


def upcoming_for_hub(hub_id: int, limit: int = 5) -> list[Gathering]:
    return list(
        Gathering.objects.filter(
            hub_id=hub_id, cancelled_at__isnull=True, starts_at__gt=timezone.now()
        ).order_by("starts_at")[:limit]
    )


def recent_for_hub(hub_id: int, limit: int = 5) -> list[Gathering]:
    return list(
        Gathering.objects.filter(
            hub_id=hub_id, cancelled_at__isnull=True, starts_at__lte=timezone.now()
        ).order_by("-starts_at")[:limit]
    )
