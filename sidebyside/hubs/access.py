"""The one way views fetch programmes, hubs and organisations for a user.

A user who may not see an object gets 404 (its existence is not confirmed);
one who may see it but not do ``need`` gets 403; anyone asking for personal
data before two-step verification is sent to verify first.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404

from sidebyside.core.exceptions import VerificationRequired
from sidebyside.hubs.models import Hub, Organisation, Programme
from sidebyside.hubs.rules import PERSONAL_DATA_PERMISSIONS

ProgrammeNeed = Literal["view", "change", "add_hub", "view_organisations", "add_organisation"]
HubNeed = Literal["view", "change", "archive", "people"]
OrganisationNeed = Literal["view", "change", "archive"]

_PROGRAMME_PERMS: dict[str, str] = {
    "view": "hubs.view_programme",
    "change": "hubs.change_programme",
    "add_hub": "hubs.add_hub",
    "view_organisations": "hubs.view_organisations",
    "add_organisation": "hubs.add_organisation",
}
_HUB_PERMS: dict[str, str] = {
    "view": "hubs.view_hub",
    "change": "hubs.change_hub",
    "archive": "hubs.archive_hub",
    "people": "hubs.view_hub_people",
}
_ORGANISATION_PERMS: dict[str, str] = {
    "view": "hubs.view_organisations",
    "change": "hubs.change_organisation",
    "archive": "hubs.archive_organisation",
}


def _require(user: Any, obj: Any, view_perm: str, need_perm: str) -> None:
    if not user.has_perm(view_perm, obj):
        raise Http404
    if need_perm != view_perm and not user.has_perm(need_perm, obj):
        raise PermissionDenied
    # Anyone granted personal data, whatever their role (a superuser too), must be verified.
    if need_perm in PERSONAL_DATA_PERMISSIONS and not user.is_verified():
        raise VerificationRequired


def get_programme_for(user: Any, programme_id: int, need: ProgrammeNeed = "view") -> Programme:
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        raise Http404
    # The organisations pages are a view of the programme of their own.
    organisations = need in ("view_organisations", "add_organisation")
    view_perm = _PROGRAMME_PERMS["view_organisations" if organisations else "view"]
    _require(user, programme, view_perm, _PROGRAMME_PERMS[need])
    return programme


def get_hub_for(user: Any, hub_id: int, need: HubNeed = "view") -> Hub:
    hub = Hub.objects.select_related("programme").filter(pk=hub_id).first()
    if hub is None:
        raise Http404
    _require(user, hub, _HUB_PERMS["view"], _HUB_PERMS[need])
    return hub


def get_organisation_for(user: Any, organisation_id: int, need: OrganisationNeed = "view") -> Organisation:
    organisation = Organisation.objects.select_related("programme").filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    _require(user, organisation, _ORGANISATION_PERMS["view"], _ORGANISATION_PERMS[need])
    return organisation
