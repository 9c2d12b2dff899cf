"""Reads for the dashboard and hub pages. Each is a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from sidebyside.accounts.models import User
from sidebyside.gatherings.selectors import sessions_held_by_hub
from sidebyside.hubs.models import Hub, Membership, Programme


@dataclass
class HubFigures:
    hub: Hub
    sessions_held: int = 0
    by_experience: int = 0
    by_profession: int = 0
    people: int = 0
    areas_of_work: list[str] = field(default_factory=list)


_EXPERIENCE = [User.Expertise.EXPERIENCE, User.Expertise.BOTH]
_PROFESSION = [User.Expertise.PROFESSION, User.Expertise.BOTH]
_PEOPLE_COUNTS = {
    "experience": Count("user", distinct=True, filter=Q(user__expertise__in=_EXPERIENCE)),
    "profession": Count("user", distinct=True, filter=Q(user__expertise__in=_PROFESSION)),
    "people": Count("user", distinct=True),
}


def _active_memberships(hub_ids: Iterable[int]) -> QuerySet[Membership]:
    return Membership.objects.filter(hub_id__in=list(hub_ids), ended_at__isnull=True, user__is_active=True)


def people_by_expertise(hub_ids: Iterable[int]) -> dict[int, tuple[int, int, int]]:
    """Per hub: (experts by experience, by profession, everyone). One aggregate query.

    Someone who is both kinds of expert counts in both columns, once in the total.
    """
    rows = _active_memberships(hub_ids).values_list("hub_id").annotate(**_PEOPLE_COUNTS).order_by()
    return {hub_id: (experience, profession, people) for hub_id, experience, profession, people in rows}


def people_across(hub_ids: Iterable[int]) -> tuple[int, int, int]:
    """The same counts across all the hubs given, each person once however many hubs they are in."""
    totals = _active_memberships(hub_ids).aggregate(**_PEOPLE_COUNTS)
    return totals["experience"], totals["profession"], totals["people"]


def hub_figures(hubs: list[Hub]) -> list[HubFigures]:
    ids = [hub.pk for hub in hubs]
    sessions = sessions_held_by_hub(ids)
    people = people_by_expertise(ids)
    figures = []
    for hub in hubs:
        experience, profession, total = people.get(hub.pk, (0, 0, 0))
        figures.append(
            HubFigures(
                hub=hub,
                sessions_held=sessions.get(hub.pk, 0),
                by_experience=experience,
                by_profession=profession,
                people=total,
                areas_of_work=hub.areas_of_work_list,
            )
        )
    return figures


_STAGE_ORDER = {stage: index for index, stage in enumerate(reversed(Hub.Stage.values))}


def programme_overview(programme: Programme) -> dict[str, object]:
    hubs = sorted(
        Hub.objects.filter(programme=programme, archived_at__isnull=True),
        key=lambda h: (_STAGE_ORDER.get(h.stage, 99), h.started_on or programme.created_at.date(), h.name),
    )
    figures = hub_figures(hubs)
    experience, profession, people = people_across(hub.pk for hub in hubs)
    archived = list(Hub.objects.filter(programme=programme, archived_at__isnull=False).order_by("name"))
    return {
        "figures": figures,
        "archived_hubs": archived,
        "totals": {
            "hubs": len(figures),
            "sessions_held": sum(f.sessions_held for f in figures),
            "areas_of_work": sum(len(f.areas_of_work) for f in figures),
            "people": people,
            "by_experience": experience,
            "by_profession": profession,
        },
        "stage_counts": [
            (label, sum(1 for f in figures if f.hub.stage == value)) for value, label in Hub.Stage.choices
        ],
    }
