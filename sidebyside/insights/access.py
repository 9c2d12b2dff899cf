"""The one way views fetch themes and theming runs for a user.

Someone who may not know the programme gets 404; programme staff without the permission get
403; staff need two-step verification first, since themes show what people said.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404

from sidebyside.core.exceptions import VerificationRequired
from sidebyside.hubs.access import get_programme_for
from sidebyside.hubs.models import Membership, Programme
from sidebyside.hubs.roles import roles_of
from sidebyside.insights.models import Tag, Theme, ThemingRun

Need = Literal["view", "change"]
_PERMS = {"view": "insights.view_themes", "change": "insights.change_themes"}


def check(user: Any, obj: Any, need: Need) -> None:
    if not user.has_perm(_PERMS[need], obj):
        raise PermissionDenied
    if not user.is_verified():
        raise VerificationRequired


def get_themes_programme_for(user: Any, programme_id: int, need: Need = "view") -> Programme:
    programme = get_programme_for(user, programme_id)  # 404 for those who may not know it
    check(user, programme, need)
    return programme


def get_run_for(user: Any, run_id: int, need: Need = "view") -> ThemingRun:
    run = ThemingRun.objects.select_related("programme", "hub", "gathering").filter(pk=run_id).first()
    if run is None or not user.has_perm("hubs.view_programme", run.programme):
        raise Http404
    check(user, run.programme, need)
    return run


def get_theme_for(user: Any, theme_id: int, need: Need = "view") -> Theme:
    theme = Theme.objects.select_related("programme").filter(pk=theme_id).first()
    if theme is None or not user.has_perm("hubs.view_programme", theme.programme):
        raise Http404
    check(user, theme.programme, need)
    return theme


def readable_hubs(user: Any, programme_id: int) -> set[int] | None:
    """The hubs whose contributions this user may read in a theme (those they run); None: all of
    the programme's (its admins). Themes are programme-wide; what people said stays with the hub."""
    roles = roles_of(user)
    if Membership.Role.PROGRAMME_ADMIN in roles.programme_roles.get(programme_id, frozenset()):
        return None
    runs = {Membership.Role.FACILITATOR, Membership.Role.COORDINATOR}
    return {
        hub_id
        for hub_id, programme in roles.hub_programme.items()
        if programme == programme_id and roles.in_hub(hub_id) & runs
    }


def get_tag_for(user: Any, tag_id: int) -> Tag:
    """A tag to change (move, remove, confirm): the theme's programme's staff, and only for a
    contribution of a hub they may read."""
    tag = Tag.objects.select_related("theme__programme", "contribution").filter(pk=tag_id).first()
    if tag is None or not user.has_perm("hubs.view_programme", tag.theme.programme):
        raise Http404
    check(user, tag.theme.programme, "change")
    hubs = readable_hubs(user, tag.theme.programme_id)
    if hubs is not None and tag.contribution.hub_id not in hubs:
        raise Http404
    return tag
