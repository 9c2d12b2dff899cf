"""The one way views fetch contributions, imports, prompts and join codes for a user.

Someone who may not see the hub gets 404; someone who may see it but not do ``need`` gets 403;
staff need two-step verification first, since contributions are personal data. The join page
needs no account: ``find_open_code`` is its way in.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from sidebyside.core.exceptions import VerificationRequired
from sidebyside.hubs.access import get_hub_for
from sidebyside.hubs.models import Hub
from sidebyside.voices.models import CODE_LENGTH, Contribution, ImportJob, JoinCode
from sidebyside.voices.rules import PERSONAL_DATA_PERMISSIONS

VoicesNeed = Literal["view", "enter", "moderate", "import", "original", "safeguarding_lead", "text_number"]

_PERMS: dict[str, str] = {
    "view": "voices.view_contributions",
    "enter": "voices.enter_contributions",
    "moderate": "voices.moderate",
    "import": "voices.import",
    "original": "voices.view_original",
    "safeguarding_lead": "voices.set_safeguarding_lead",
    "text_number": "voices.set_text_number",
}


def check(user: Any, obj: Any, need: VoicesNeed) -> None:
    """``obj`` is a hub, or something of a hub: may ``user`` do ``need`` with it?"""
    if not user.has_perm(_PERMS[need], obj):
        raise PermissionDenied
    if _PERMS[need] in PERSONAL_DATA_PERMISSIONS and not user.is_verified():
        raise VerificationRequired


def get_voices_hub_for(user: Any, hub_id: int, need: VoicesNeed = "view") -> Hub:
    hub = get_hub_for(user, hub_id)  # 404 for those who may not know the hub
    check(user, hub, need)
    return hub


def get_contribution_for(user: Any, contribution_id: int, need: VoicesNeed = "view") -> Contribution:
    contribution = (
        Contribution.objects.select_related("hub__programme", "gathering", "prompt", "author__user")
        .filter(pk=contribution_id)
        .first()
    )
    if contribution is None or not user.has_perm("hubs.view_hub", contribution.hub):
        raise Http404
    check(user, contribution, need)
    return contribution


def get_import_for(user: Any, job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("hub__programme").filter(pk=job_id).first()
    if job is None or not user.has_perm("hubs.view_hub", job.hub):
        raise Http404
    check(user, job, "import")
    return job


def normalise_code(text: str) -> str:
    """What someone typed as a join code, as stored: capitals, no spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch.isalnum())[: CODE_LENGTH * 2]


def find_code(text: str) -> JoinCode | None:
    code = normalise_code(text)
    if not code:
        return None
    return JoinCode.objects.select_related("gathering__hub").filter(code=code).first()


def is_open(join: JoinCode) -> bool:
    return join.open_until > timezone.now() and join.gathering.cancelled_at is None
