"""The one way views fetch gatherings and methods for a user.

Someone who may not see a gathering gets 404; someone who may see it but not do ``need``
gets 403; staff asking for personal data (who is coming, their support needs) before
two-step verification are sent to verify first.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404

from sidebyside.core.exceptions import VerificationRequired
from sidebyside.gatherings.models import Gathering, Method
from sidebyside.gatherings.rules import PERSONAL_DATA_PERMISSIONS

GatheringNeed = Literal["view", "plan", "run", "attendees", "needs"]
MethodNeed = Literal["view", "change"]

_GATHERING_PERMS: dict[str, str] = {
    "view": "gatherings.view_gathering",
    "plan": "gatherings.plan_gathering",
    "run": "gatherings.run_gathering",
    "attendees": "gatherings.view_attendees",
    "needs": "gatherings.view_attendee_needs",
}
_METHOD_PERMS: dict[str, str] = {"view": "gatherings.view_methods", "change": "gatherings.change_methods"}


def _require(user: Any, obj: Any, view_perm: str, need_perm: str) -> None:
    if not user.has_perm(view_perm, obj):
        raise Http404
    if not user.has_perm(need_perm, obj):
        raise PermissionDenied
    if need_perm in PERSONAL_DATA_PERMISSIONS and not user.is_verified():
        raise VerificationRequired


def check_gathering(user: Any, gathering: Gathering, need: GatheringNeed = "view") -> None:
    _require(user, gathering, _GATHERING_PERMS["view"], _GATHERING_PERMS[need])


def get_gathering_for(user: Any, gathering_id: int, need: GatheringNeed = "view") -> Gathering:
    gathering = Gathering.objects.select_related("hub__programme", "series").filter(pk=gathering_id).first()
    if gathering is None:
        raise Http404
    check_gathering(user, gathering, need)
    return gathering


def get_method_for(user: Any, method_id: int, need: MethodNeed = "view") -> Method:
    method = Method.objects.select_related("programme").filter(pk=method_id).first()
    if method is None:
        raise Http404
    _require(user, method, _METHOD_PERMS["view"], _METHOD_PERMS[need])
    return method
