"""Who may do what, as data: django-rules predicates per role.

The same table, in words, is ``docs/roles-and-permissions.md``; the permission
matrix test checks every view against it for every role.
"""

from __future__ import annotations

from typing import Any

import rules

from sidebyside.hubs.models import Hub, Membership, Organisation, Programme
from sidebyside.hubs.roles import roles_of

R = Membership.Role


def _programme_id(obj: Any) -> int | None:
    if isinstance(obj, Programme):
        return obj.pk
    if isinstance(obj, (Hub, Organisation)):
        return obj.programme_id
    return None


def _programme_role(*wanted: str):
    @rules.predicate
    def predicate(user: Any, obj: Any) -> bool:
        programme_id = _programme_id(obj)
        if programme_id is None:
            return False
        return bool(roles_of(user).programme_roles.get(programme_id, frozenset()) & set(wanted))

    return predicate


def _hub_role(*wanted: str):
    @rules.predicate
    def predicate(user: Any, obj: Any) -> bool:
        if not isinstance(obj, Hub):
            return False
        return bool(roles_of(user).in_hub(obj.pk) & set(wanted))

    return predicate


def _any_hub_role_in_programme(*wanted: str):
    @rules.predicate
    def predicate(user: Any, obj: Any) -> bool:
        programme_id = _programme_id(obj)
        if programme_id is None:
            return False
        roles = roles_of(user)
        return any(
            roles.hub_roles.get(hub_id, frozenset()) & set(wanted)
            for hub_id, programme in roles.hub_programme.items()
            if programme == programme_id
        )

    return predicate


is_programme_admin = _programme_role(R.PROGRAMME_ADMIN)
is_leader = _programme_role(R.LEADER)
is_hub_coordinator = _hub_role(R.COORDINATOR)
is_hub_facilitator = _hub_role(R.FACILITATOR)
is_hub_member = _hub_role(R.MEMBER)
is_coordinator_in_programme = _any_hub_role_in_programme(R.COORDINATOR)
is_hub_staff_in_programme = _any_hub_role_in_programme(R.COORDINATOR, R.FACILITATOR)

# Programme: the dashboard holds counts only, no personal data.
rules.add_perm("hubs.view_programme", is_programme_admin | is_leader | is_hub_staff_in_programme)
rules.add_perm("hubs.change_programme", is_programme_admin)
rules.add_perm("hubs.add_hub", is_programme_admin)

# Hubs.
rules.add_perm(
    "hubs.view_hub",
    is_programme_admin | is_leader | is_hub_coordinator | is_hub_facilitator | is_hub_member,
)
rules.add_perm("hubs.change_hub", is_programme_admin | is_hub_coordinator)
rules.add_perm("hubs.archive_hub", is_programme_admin)
# Personal data: who belongs to a hub. Never leaders, never other members.
rules.add_perm("hubs.view_hub_people", is_programme_admin | is_hub_coordinator | is_hub_facilitator)

# Organisations (partners): not personal data.
rules.add_perm("hubs.view_organisations", is_programme_admin | is_leader | is_hub_staff_in_programme)
rules.add_perm("hubs.add_organisation", is_programme_admin | is_coordinator_in_programme)
rules.add_perm("hubs.change_organisation", is_programme_admin | is_coordinator_in_programme)
rules.add_perm("hubs.archive_organisation", is_programme_admin)

# Which permissions show personal data, and so need two-step verification for staff.
PERSONAL_DATA_PERMISSIONS = frozenset({"hubs.view_hub_people"})
