"""Saving a form about a person, shared by the staff pages and the person's own pages.

Both must handle the same three outcomes: saved; bad input (the form shows it); and someone
else saved first, when the page says so, shows what is saved now, keeps what was typed, and
carries the newer version so that saving again goes ahead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sidebyside.accounts.models import User
from sidebyside.people import services
from sidebyside.people.forms import CHANGED_MESSAGE, VersionedForm, carry_version, saved_now_rows
from sidebyside.people.models import Person

NOT_FIELDS = ("lock_version", "not_duplicate")


def clash(form: Any, saved: dict[str, Any], version_field: str) -> list[tuple[str, str]]:
    """Someone else saved first: tell the form, carry their version, return what is saved now."""
    form.add_error(None, CHANGED_MESSAGE)
    carry_version(form, version_field, saved[version_field])
    return saved_now_rows(form, saved)


def save_person_form(
    *,
    actor: User,
    person: Person,
    form: VersionedForm,
    initial_for: Callable[[Person], dict[str, Any]],
) -> tuple[bool, list[tuple[str, str]]]:
    """Validate ``form`` and save it with ``person_update``. Returns (saved, what is saved now)."""
    if not form.is_valid():
        return False, []
    fields = {k: v for k, v in form.cleaned_data.items() if k not in NOT_FIELDS}
    try:
        services.person_update(
            actor=actor, person=person, expected_version=form.cleaned_data["lock_version"], **fields
        )
    except services.RecordChanged:
        fresh = Person.objects.select_related("user").get(pk=person.pk)
        return False, clash(form, initial_for(fresh), "lock_version")
    return True, []
