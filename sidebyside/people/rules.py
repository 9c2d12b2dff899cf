"""Who may see and change what of someone's record, as django-rules predicates.

The person themselves, their named supporters (key worker, buddy), and the staff of
the hubs they belong to see different parts; leaders see none of it. The table in
words is ``docs/roles-and-permissions.md``.
"""

from __future__ import annotations

from typing import Any

import rules

from sidebyside.hubs.models import Hub, Membership
from sidebyside.hubs.roles import roles_of
from sidebyside.people.models import Person

R = Membership.Role
_SCOPE_ATTR = "_people_scope"


def person_scope(person: Person) -> tuple[frozenset[int], frozenset[int]]:
    """The hubs and programmes someone belongs to (active memberships), loaded once per object."""
    cached = getattr(person, _SCOPE_ATTR, None)
    if cached is None:
        rows = Membership.objects.filter(user_id=person.user_id, ended_at__isnull=True).values_list(
            "hub_id", "programme_id"
        )
        hubs = frozenset(hub for hub, _ in rows if hub is not None)
        programmes = frozenset(programme for _, programme in rows)
        cached = (hubs, programmes)
        setattr(person, _SCOPE_ATTR, cached)
    return cached


def _staff_of(*wanted: str):
    @rules.predicate
    def predicate(user: Any, person: Any) -> bool:
        if not isinstance(person, Person):
            return False
        roles = roles_of(user)
        hubs, _ = person_scope(person)
        return any(roles.in_hub(hub) & set(wanted) for hub in hubs)

    return predicate


@rules.predicate
def is_programme_admin_of(user: Any, person: Any) -> bool:
    if not isinstance(person, Person):
        return False
    roles = roles_of(user)
    _, programmes = person_scope(person)
    return any(R.PROGRAMME_ADMIN in roles.programme_roles.get(p, frozenset()) for p in programmes)


@rules.predicate
def is_self(user: Any, person: Any) -> bool:
    return isinstance(person, Person) and user.is_authenticated and person.user_id == user.pk


@rules.predicate
def is_supporter(user: Any, person: Any) -> bool:
    """The person named them as their trusted person / key worker or their buddy."""
    if not isinstance(person, Person) or not user.is_authenticated:
        return False
    mine = getattr(user, "person", None)
    return mine is not None and mine.pk in (person.key_worker_id, person.buddy_id)


is_coordinator_of = _staff_of(R.COORDINATOR)
is_facilitator_of = _staff_of(R.FACILITATOR)


@rules.predicate
def is_hub_people_staff(user: Any, hub: Any) -> bool:
    if not isinstance(hub, Hub):
        return False
    roles = roles_of(user)
    return bool(roles.in_hub(hub.pk) & {R.COORDINATOR, R.FACILITATOR}) or R.PROGRAMME_ADMIN in (
        roles.programme_roles.get(hub.programme_id, frozenset())
    )


@rules.predicate
def is_hub_coordinator_or_admin(user: Any, hub: Any) -> bool:
    if not isinstance(hub, Hub):
        return False
    roles = roles_of(user)
    return R.COORDINATOR in roles.in_hub(hub.pk) or R.PROGRAMME_ADMIN in (
        roles.programme_roles.get(hub.programme_id, frozenset())
    )


staff_in_charge = is_coordinator_of | is_programme_admin_of

# The record: contact details, preferences, consents, about me.
rules.add_perm("people.view_person", staff_in_charge | is_facilitator_of)
rules.add_perm("people.change_person", staff_in_charge)
rules.add_perm("people.erase_person", staff_in_charge)
rules.add_perm("people.view_history", staff_in_charge)
# Special category: support needs. Facilitators see them only for sessions people are
# registered for, through ``people.selectors.support_needs_for``.
rules.add_perm("people.view_support_needs", staff_in_charge | is_supporter)
rules.add_perm("people.change_support_needs", staff_in_charge)
# Special category: the wellbeing plan. Only the hub coordinator and the named supporters.
rules.add_perm("people.view_plan", is_coordinator_of | is_supporter)
rules.add_perm("people.change_plan", is_coordinator_of | is_supporter)

# Per hub: the people list, adding someone.
rules.add_perm("people.view_people", is_hub_people_staff)
rules.add_perm("people.add_person", is_hub_coordinator_or_admin)
rules.add_perm("people.view_hub_history", is_hub_coordinator_or_admin)

PERSONAL_DATA_PERMISSIONS = frozenset(
    {
        "people.view_person",
        "people.change_person",
        "people.erase_person",
        "people.view_history",
        "people.view_support_needs",
        "people.change_support_needs",
        "people.view_plan",
        "people.change_plan",
        "people.view_people",
        "people.add_person",
        "people.view_hub_history",
    }
)
