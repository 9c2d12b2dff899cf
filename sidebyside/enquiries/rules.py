"""Who may do what with enquiries, actions, updates and messages to leaders (django-rules).

Enquiries are the programme's shared work: its staff (admins, coordinators and facilitators)
start and run them, with the co-leads named on each. Members of an enquiry's hubs follow it
(without anyone's personal details); partners and leaders see the programme's enquiries and keep
their own actions up to date: those they own, or that their organisation owns. The table in
words is ``docs/roles-and-permissions.md``.
"""

from __future__ import annotations

from typing import Any

import rules

from sidebyside.gatherings.rules import is_staff_in_programme, role, runs_hub, sees_hub
from sidebyside.hubs.models import Membership
from sidebyside.hubs.roles import roles_of

R = Membership.Role

is_admin = role(programme_wide=(R.PROGRAMME_ADMIN,))
is_leader = role(programme_wide=(R.LEADER,))


def hub_ids_of(enquiry: Any) -> set[int]:
    """The enquiry's hubs, read once per object (the access helper usually preloads them)."""
    cached = getattr(enquiry, "_hub_ids", None)
    if cached is None:
        cached = set(enquiry.hubs.values_list("pk", flat=True))
        enquiry._hub_ids = cached
    return cached


def co_lead_ids_of(enquiry: Any) -> set[int]:
    cached = getattr(enquiry, "_co_lead_ids", None)
    if cached is None:
        cached = set(enquiry.co_leads.values_list("pk", flat=True))
        enquiry._co_lead_ids = cached
    return cached


def _enquiry(obj: Any) -> Any:
    from sidebyside.enquiries.models import Action, Enquiry

    if isinstance(obj, Enquiry):
        return obj
    if isinstance(obj, Action):
        return obj.enquiry
    return None


@rules.predicate
def in_enquiry_hub(user: Any, obj: Any) -> bool:
    enquiry = _enquiry(obj)
    if enquiry is None:
        return False
    mine = set(roles_of(user).hub_roles)
    return bool(mine & hub_ids_of(enquiry))


@rules.predicate
def is_co_lead(user: Any, obj: Any) -> bool:
    enquiry = _enquiry(obj)
    return enquiry is not None and user.is_authenticated and user.pk in co_lead_ids_of(enquiry)


@rules.predicate
def in_programme(user: Any, obj: Any) -> bool:
    """Anyone with any role in the programme (members then see only their hubs' enquiries)."""
    from sidebyside.hubs.models import Programme

    programme_id = obj.pk if isinstance(obj, Programme) else getattr(obj, "programme_id", None)
    return programme_id is not None and bool(roles_of(user).in_programme(programme_id))


@rules.predicate
def owns_action(user: Any, obj: Any) -> bool:
    """The action's owner, or a partner or leader of the organisation that owns it, or the leader a
    commitment was made by."""
    from sidebyside.enquiries.models import Action

    if not isinstance(obj, Action) or not user.is_authenticated:
        return False
    if obj.owner_id == user.pk:
        return True
    if obj.message is not None and obj.message.leader_id == user.pk:
        return True
    if obj.organisation_id is None:
        return False
    return obj.organisation_id in leader_organisations(user, obj.programme_id)


def leader_organisations(user: Any, programme_id: int) -> set[int]:
    """The organisations the user is a partner or leader for in the programme: read once a request."""
    cache: dict[int, set[int]] = user.__dict__.setdefault("_sidebyside_leader_orgs", {})
    if programme_id not in cache:
        cache[programme_id] = set(
            Membership.objects.filter(
                user_id=user.pk,
                programme_id=programme_id,
                role=R.LEADER,
                organisation__isnull=False,
                ended_at__isnull=True,
            ).values_list("organisation_id", flat=True)
        )
    return cache[programme_id]


@rules.predicate
def is_messages_leader(user: Any, obj: Any) -> bool:
    from sidebyside.enquiries.models import LeaderMessage

    return isinstance(obj, LeaderMessage) and user.is_authenticated and obj.leader_id == user.pk


# The programme's board of enquiries: anyone in the programme (members see their hubs' only).
rules.add_perm("enquiries.view_enquiries", is_admin | is_leader | is_staff_in_programme | in_programme)
rules.add_perm("enquiries.add_enquiry", is_admin | is_staff_in_programme)
rules.add_perm(
    "enquiries.view_enquiry", is_admin | is_leader | is_staff_in_programme | in_enquiry_hub | is_co_lead
)
rules.add_perm("enquiries.change_enquiry", is_admin | is_staff_in_programme | is_co_lead)
# Linking contributions means reading them: the programme's staff only.
rules.add_perm("enquiries.link_evidence", is_admin | is_staff_in_programme)
rules.add_perm("enquiries.update_action", is_admin | is_staff_in_programme | is_co_lead | owns_action)
# Overdue actions across the programme.
rules.add_perm("enquiries.view_actions", is_admin | is_leader | is_staff_in_programme)
# "You said, we did" for a hub: everyone in the hub, its staff, the programme's admins and leaders.
rules.add_perm("enquiries.view_you_said", sees_hub)
# Messages to senior leaders: written and sent by a hub's staff; read and answered by the leader.
rules.add_perm("enquiries.write_messages", runs_hub)
rules.add_perm("enquiries.view_messages", is_admin | is_leader | is_staff_in_programme)
rules.add_perm("enquiries.reply_message", is_admin | is_messages_leader)

PERSONAL_DATA_PERMISSIONS = frozenset({"enquiries.link_evidence"})
