"""The one way views fetch enquiries, actions and messages to leaders for a user.

Someone who may not know the programme (or the enquiry) gets 404; someone who may see it but not
do this gets 403; staff must pass two-step verification before linking evidence, since that shows
what people said in full.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from sidebyside.core.exceptions import VerificationRequired
from sidebyside.enquiries.models import Action, Enquiry, LeaderMessage
from sidebyside.enquiries.rules import PERSONAL_DATA_PERMISSIONS
from sidebyside.hubs.models import Hub, Membership, Programme
from sidebyside.hubs.roles import roles_of

ProgrammeNeed = Literal["view", "add", "actions", "messages"]
EnquiryNeed = Literal["view", "change", "evidence"]
_PROGRAMME = {
    "view": "enquiries.view_enquiries",
    "add": "enquiries.add_enquiry",
    "actions": "enquiries.view_actions",
    "messages": "enquiries.view_messages",
}
_ENQUIRY = {
    "view": "enquiries.view_enquiry",
    "change": "enquiries.change_enquiry",
    "evidence": "enquiries.link_evidence",
}
R = Membership.Role


def _require(user: Any, obj: Any, view_perm: str, need_perm: str) -> None:
    if not user.has_perm(view_perm, obj):
        raise Http404
    if need_perm != view_perm and not user.has_perm(need_perm, obj):
        raise PermissionDenied
    if need_perm in PERSONAL_DATA_PERMISSIONS and not user.is_verified():
        raise VerificationRequired


def get_enquiries_programme_for(user: Any, programme_id: int, need: ProgrammeNeed = "view") -> Programme:
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None or not user.has_perm("enquiries.view_enquiries", programme):
        raise Http404
    if not user.has_perm(_PROGRAMME[need], programme):
        raise PermissionDenied
    return programme


def _preload(enquiry: Enquiry) -> Enquiry:
    enquiry._hub_ids = set(enquiry.hubs.values_list("pk", flat=True))  # type: ignore[attr-defined]
    enquiry._co_lead_ids = set(enquiry.co_leads.values_list("pk", flat=True))  # type: ignore[attr-defined]
    return enquiry


def get_enquiry_for(user: Any, enquiry_id: int, need: EnquiryNeed = "view") -> Enquiry:
    enquiry = Enquiry.objects.select_related("programme").filter(pk=enquiry_id).first()
    if enquiry is None:
        raise Http404
    _preload(enquiry)
    _require(user, enquiry, _ENQUIRY["view"], _ENQUIRY[need])
    return enquiry


def get_action_for(user: Any, action_id: int, need: Literal["view", "update", "change"] = "view") -> Action:
    """``update``: say how it stands (its owners too); ``change``: change or delete it (an
    enquiry's action, by those who change the enquiry; a commitment is the leader's own)."""
    action = (
        Action.objects.select_related("programme", "enquiry", "message", "owner", "organisation")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise Http404
    if action.enquiry is not None:
        _preload(action.enquiry)
        visible = user.has_perm("enquiries.view_enquiry", action.enquiry)
    else:
        visible = user.has_perm("enquiries.view_messages", action.programme)
    if not visible and not user.has_perm("enquiries.update_action", action):
        raise Http404
    if need == "update" and not user.has_perm("enquiries.update_action", action):
        raise PermissionDenied
    if need == "change" and (
        action.enquiry is None or not user.has_perm("enquiries.change_enquiry", action.enquiry)
    ):
        raise PermissionDenied
    return action


def get_you_said_hub_for(user: Any, hub_id: int) -> Hub:
    hub = Hub.objects.select_related("programme").filter(pk=hub_id).first()
    if hub is None or not user.has_perm("enquiries.view_you_said", hub):
        raise Http404
    return hub


def get_messages_hub_for(user: Any, hub_id: int) -> Hub:
    """A hub whose messages to leaders the user writes and sends."""
    hub = Hub.objects.select_related("programme").filter(pk=hub_id).first()
    if hub is None or not user.has_perm("hubs.view_hub", hub):
        raise Http404
    if not user.has_perm("enquiries.write_messages", hub):
        raise PermissionDenied
    return hub


def get_message_for(
    user: Any, message_id: int, need: Literal["view", "change", "reply"] = "view"
) -> LeaderMessage:
    message = (
        LeaderMessage.objects.select_related("programme", "hub", "leader", "leader_organisation")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        raise Http404
    roles = roles_of(user)
    staff = user.has_perm(
        "enquiries.write_messages", message.hub
    ) or R.PROGRAMME_ADMIN in roles.programme_roles.get(message.programme_id, frozenset())
    leader = message.leader_id is not None and message.leader_id == getattr(user, "pk", None)
    if not (staff or leader):
        raise Http404
    if need == "change" and not staff:
        raise PermissionDenied
    if need == "reply" and not user.has_perm("enquiries.reply_message", message):
        raise PermissionDenied
    return message


def visible_enquiries(user: Any, programme: Programme) -> QuerySet[Enquiry]:
    """The programme's enquiries this user may follow: all for staff and leaders; for members, those of
    their hubs and those they co-lead."""
    enquiries = Enquiry.objects.filter(programme=programme)
    roles = roles_of(user).in_programme(programme.pk)
    if roles & {R.PROGRAMME_ADMIN, R.LEADER, R.COORDINATOR, R.FACILITATOR}:
        return enquiries
    mine = [hub_id for hub_id, pid in roles_of(user).hub_programme.items() if pid == programme.pk]
    return enquiries.filter(Q(hubs__in=mine) | Q(co_leads=user)).distinct()


def shows_names(user: Any, programme_id: int) -> bool:
    """Whether quotes carry the names people agreed to: not for partners and leaders, who never see
    personal details, unless they also work in one of the programme's hubs."""
    roles = roles_of(user).in_programme(programme_id)
    return bool(roles - {R.LEADER})
