"""The one way views fetch a person's record for a user.

Someone who may see no part of the record gets 404; someone who may see part of it
but not do ``need`` gets 403. Seeing anyone else's record needs two-step
verification, whatever the role; a person's own record (``get_own_person``) does not.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404

from sidebyside.core.exceptions import VerificationRequired
from sidebyside.hubs.access import get_hub_for
from sidebyside.hubs.models import Hub
from sidebyside.people.models import Person

PersonNeed = Literal[
    "view", "change", "erase", "history", "view_needs", "change_needs", "view_plan", "change_plan"
]
_PERMS: dict[str, str] = {
    "view": "people.view_person",
    "change": "people.change_person",
    "erase": "people.erase_person",
    "history": "people.view_history",
    "view_needs": "people.view_support_needs",
    "change_needs": "people.change_support_needs",
    "view_plan": "people.view_plan",
    "change_plan": "people.change_plan",
}
_ANY_VIEW = ("people.view_person", "people.view_support_needs", "people.view_plan")


def get_person_for(user: Any, person_id: int, need: PersonNeed = "view") -> Person:
    person = (
        Person.objects.select_related("user", "key_worker__user", "buddy__user").filter(pk=person_id).first()
    )
    # Your own record is at "Your details" (``get_own_person``), not among the people you look after.
    if person is None or person.is_erased or person.user_id == getattr(user, "pk", None):
        raise Http404
    if not any(user.has_perm(perm, person) for perm in _ANY_VIEW):
        raise Http404
    if not user.has_perm(_PERMS[need], person):
        raise PermissionDenied
    if not user.is_verified():
        raise VerificationRequired
    return person


def get_own_person(user: Any) -> Person:
    """The signed-in person's own record."""
    if not user.is_authenticated:
        raise PermissionDenied
    person = (
        Person.objects.select_related("user", "key_worker__user", "buddy__user").filter(user=user).first()
    )
    if person is None or person.is_erased:
        raise Http404
    return person


def get_people_hub_for(user: Any, hub_id: int, need: Literal["list", "add"] = "list") -> Hub:
    """A hub whose people list (or add-a-person form) the user wants."""
    hub = get_hub_for(user, hub_id)
    perm = "people.view_people" if need == "list" else "people.add_person"
    if not user.has_perm(perm, hub):
        raise PermissionDenied
    if not user.is_verified():
        raise VerificationRequired
    return hub
