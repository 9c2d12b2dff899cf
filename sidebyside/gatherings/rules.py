"""Who may do what with gatherings and the method library, as django-rules predicates.

A gathering belongs to a hub: the hub's people see it; its staff (coordinators and
facilitators) and the programme's admins plan, run and record it. Who is coming, and what
support they need, is personal data. The table in words is ``docs/roles-and-permissions.md``.
"""

from __future__ import annotations

from typing import Any

import rules

from sidebyside.gatherings.models import Gathering, Method
from sidebyside.hubs.models import Hub, Membership, Programme
from sidebyside.hubs.roles import roles_of

R = Membership.Role


def _hub_and_programme(obj: Any) -> tuple[int | None, int | None]:
    if isinstance(obj, Gathering):
        return obj.hub_id, obj.hub.programme_id
    if isinstance(obj, Hub):
        return obj.pk, obj.programme_id
    if isinstance(obj, Method):
        return None, obj.programme_id
    if isinstance(obj, Programme):
        return None, obj.pk
    # Anything else that belongs to a hub (a contribution, an import) or to a programme (a prompt).
    if getattr(obj, "hub_id", None) is not None:
        return obj.hub_id, obj.hub.programme_id
    if getattr(obj, "programme_id", None) is not None:
        return None, obj.programme_id
    return None, None


def role(*wanted: str, programme_wide: tuple[str, ...] = ()):
    """Has the user one of ``wanted`` in the object's hub, or one of ``programme_wide`` in its programme?"""

    @rules.predicate
    def predicate(user: Any, obj: Any) -> bool:
        hub_id, programme_id = _hub_and_programme(obj)
        roles = roles_of(user)
        if programme_id is not None and roles.programme_roles.get(programme_id, frozenset()) & set(
            programme_wide
        ):
            return True
        return hub_id is not None and bool(roles.in_hub(hub_id) & set(wanted))

    return predicate


@rules.predicate
def is_staff_in_programme(user: Any, obj: Any) -> bool:
    _, programme_id = _hub_and_programme(obj)
    if programme_id is None:
        return False
    return bool(roles_of(user).in_programme(programme_id) & {R.PROGRAMME_ADMIN, R.COORDINATOR, R.FACILITATOR})


sees_hub = role(R.MEMBER, R.FACILITATOR, R.COORDINATOR, programme_wide=(R.PROGRAMME_ADMIN, R.LEADER))
runs_hub = role(R.FACILITATOR, R.COORDINATOR, programme_wide=(R.PROGRAMME_ADMIN,))
is_programme_admin = role(programme_wide=(R.PROGRAMME_ADMIN,))

rules.add_perm("gatherings.view_gathering", sees_hub)
rules.add_perm("gatherings.plan_gathering", runs_hub)
rules.add_perm("gatherings.run_gathering", runs_hub)
# Personal data: who is invited or coming, attendance, support needs.
rules.add_perm("gatherings.view_attendees", runs_hub)
rules.add_perm("gatherings.view_attendee_needs", runs_hub)
rules.add_perm("gatherings.view_methods", is_staff_in_programme)
rules.add_perm("gatherings.change_methods", is_programme_admin)

PERSONAL_DATA_PERMISSIONS = frozenset({"gatherings.view_attendees", "gatherings.view_attendee_needs"})
