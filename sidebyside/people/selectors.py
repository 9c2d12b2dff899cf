"""Reads of people's records. Lists are a fixed number of queries, however many people."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from sidebyside.accounts.models import User
from sidebyside.hubs.models import Hub, Membership, Programme
from sidebyside.people.consent import in_force
from sidebyside.people.models import Consent, Person, PersonRequest, SupportNeeds, WellbeingPlan

FOLLOW_UP_CONSENT_DAYS = 30


@dataclass(frozen=True)
class PeopleFilters:
    query: str = ""
    hub_id: int | None = None
    expertise: str = ""
    status: str = ""
    follow_up: bool = False


def _follow_up_annotations() -> dict[str, Any]:
    """Why a coordinator should look at someone soon, as annotations on ``Person``."""
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=FOLLOW_UP_CONSENT_DAYS)
    open_request = PersonRequest.objects.filter(person=OuterRef("pk"), done_at__isnull=True)
    latest_review = (
        WellbeingPlan.objects.filter(person=OuterRef("pk")).order_by("-version").values("review_on")
    )
    consent_ending = Consent.objects.filter(in_force(today), person=OuterRef("pk"), expires_on__lte=soon)
    return {
        "has_open_request": Exists(open_request),
        "plan_review_on": Subquery(latest_review[:1]),
        "consent_ending": Exists(consent_ending),
    }


def needs_follow_up(today: datetime.date | None = None) -> Q:
    """The same reasons as ``_follow_up_annotations``, as a filter (no annotation needed)."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=FOLLOW_UP_CONSENT_DAYS)
    latest = WellbeingPlan.objects.filter(person=OuterRef("pk")).order_by("-version").values("review_on")[:1]
    review_due = Exists(
        WellbeingPlan.objects.filter(person=OuterRef("pk"), review_on__lte=today, review_on=Subquery(latest))
    )
    return (
        Exists(PersonRequest.objects.filter(person=OuterRef("pk"), done_at__isnull=True))
        | review_due
        | Exists(Consent.objects.filter(in_force(today), person=OuterRef("pk"), expires_on__lte=soon))
        | Q(retention_warned_at__isnull=False)
    )


def with_follow_up(page: Iterable[Person]) -> list[Person]:
    """Set the follow-up flags on one page of people: one query, whatever the size of the list.

    Computing them only for the page shown keeps a long list as fast as a short one.
    """
    people = list(page)
    annotations = _follow_up_annotations()
    rows = Person.objects.filter(pk__in=[p.pk for p in people]).only("pk").annotate(**annotations)
    flags = {row.pk: {name: getattr(row, name) for name in annotations} for row in rows}
    for person in people:
        for name, value in flags.get(person.pk, {}).items():
            setattr(person, name, value)
    return people


def people_for(hubs: Iterable[Hub], filters: PeopleFilters | None = None) -> QuerySet[Person]:
    """The people with an active membership in any of ``hubs``, filtered, each once.

    One query for the list (names are joined); the follow-up flags of the page shown come
    from ``with_follow_up``.
    """
    filters = filters or PeopleFilters()
    hub_ids = [h.pk for h in hubs]
    if filters.hub_id is not None:
        hub_ids = [h for h in hub_ids if h == filters.hub_id]
    in_hubs = Membership.objects.filter(user=OuterRef("user"), hub_id__in=hub_ids, ended_at__isnull=True)
    people = Person.objects.filter(Exists(in_hubs), erased_at__isnull=True).select_related("user")
    if filters.query:
        words = filters.query.split()
        for word in words:
            digits = "".join(ch for ch in word if ch.isdigit())
            match = (
                Q(user__full_name__icontains=word)
                | Q(user__known_as__icontains=word)
                | Q(user__email__icontains=word)
            )
            if len(digits) >= 4:
                # Phones are stored as +44…: match the digits after any leading 0.
                match |= Q(phone__contains=digits.lstrip("0"))
            people = people.filter(match)
    if filters.expertise:
        people = people.filter(user__expertise=filters.expertise)
    if filters.status:
        people = people.filter(status=filters.status)
    if filters.follow_up:
        people = people.filter(needs_follow_up())
    return people.order_by("user__full_name", "pk")


def hubs_of(people: Iterable[Person], within: Iterable[Hub]) -> dict[int, list[Hub]]:
    """For a page of people, the hubs (of ``within``) each belongs to. One query."""
    hubs = {h.pk: h for h in within}
    by_user: dict[int, list[Hub]] = {}
    people = list(people)
    rows = Membership.objects.filter(
        user_id__in=[p.user_id for p in people], hub_id__in=list(hubs), ended_at__isnull=True
    ).values_list("user_id", "hub_id")
    for user_id, hub_id in rows:
        found = by_user.setdefault(user_id, [])
        if hubs[hub_id] not in found:
            found.append(hubs[hub_id])
    return {p.pk: by_user.get(p.user_id, []) for p in people}


def possible_duplicates(
    programme: Programme, *, email: str | None, phone: str, exclude: Person | None = None
) -> QuerySet[Person]:
    """People in the programme with the same email address or phone number."""
    same = Q()
    if email:
        same |= Q(user__email__iexact=email)
    if phone:
        same |= Q(phone=phone)
    if not same:
        return Person.objects.none()
    in_programme = Membership.objects.filter(
        user=OuterRef("user"), programme=programme, ended_at__isnull=True
    )
    found = Person.objects.filter(same, Exists(in_programme), erased_at__isnull=True).select_related("user")
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found


def email_taken(email: str, exclude_user: User | None = None) -> bool:
    taken = User.objects.filter(email__iexact=email)
    if exclude_user is not None:
        taken = taken.exclude(pk=exclude_user.pk)
    return taken.exists()


def support_needs_for(person_ids: Iterable[int]) -> dict[int, SupportNeeds]:
    """Support needs of the given people, for the facilitator of a session they are registered for.

    Callers (gatherings) decide who is registered and must audit the read; only people
    who agreed to their needs being kept appear. Two queries for any number of people.
    """
    ids = list(person_ids)
    agreed = set(
        Consent.objects.filter(
            in_force(), person_id__in=ids, purpose=Consent.Purpose.STORE_SUPPORT
        ).values_list("person_id", flat=True)
    )
    records = SupportNeeds.objects.filter(person_id__in=agreed)
    return {r.person_id: r for r in records if not r.is_empty}
