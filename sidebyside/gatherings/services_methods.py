"""Writes to the method library and to gatherings' agendas: atomic, validated, audited.

A method's steps and a gathering's agenda are both ``Step`` rows, kept in order by
``position`` (1, 2, 3... with no gaps): every write here renumbers what it touches, so moving
and removing never leave two items in the same place.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from sidebyside.accounts.models import User
from sidebyside.core.archiving import set_archived
from sidebyside.core.audit import audit
from sidebyside.gatherings.models import Gathering, Method, Registration, Step
from sidebyside.hubs.models import Programme

MAX_MINUTES = 240

Direction = Literal["up", "down"]


class RecordChanged(Exception):
    """Someone else saved the gathering after this edit began."""


class MethodHasNoSteps(Exception):
    """A method with nothing in it cannot be put on an agenda."""


# Methods --------------------------------------------------------------------------------------


def name_taken(programme: Programme, name: str, method: Method | None = None) -> bool:
    """Has another method of the programme this name, whatever its case (accents too, on any database)?"""
    others = Method.objects.filter(programme=programme)
    if method is not None:
        others = others.exclude(pk=method.pk)
    wanted = name.strip().casefold()
    return any(other.casefold() == wanted for other in others.values_list("name", flat=True))


def _check_name(programme: Programme, name: str, method: Method | None = None) -> None:
    if name_taken(programme, name, method):
        raise ValidationError({"name": f"There is already a method called {name} in this programme"})


@transaction.atomic
def method_create(*, actor: User, programme: Programme, name: str, purpose: str, group_size: str) -> Method:
    _check_name(programme, name)
    method = Method(programme=programme, name=name, purpose=purpose, group_size=group_size)
    method.full_clean()
    method.save()
    audit(actor=actor, action="method.created", obj=method)
    return method


@transaction.atomic
def method_update(*, actor: User, method: Method, **fields: Any) -> Method:
    unknown = set(fields) - {"name", "purpose", "group_size"}
    if unknown:
        raise TypeError(f"Not fields of a method: {sorted(unknown)}")
    if "name" in fields:
        _check_name(method.programme, fields["name"], method)
    changed = sorted(k for k, v in fields.items() if getattr(method, k) != v)
    for key, value in fields.items():
        setattr(method, key, value)
    method.full_clean()
    method.save()
    audit(actor=actor, action="method.changed", obj=method, fields=changed)
    return method


@transaction.atomic
def method_archive(*, actor: User, method: Method) -> Method:
    """Archived methods stay in the library, and on agendas, but are not offered any more."""
    set_archived(actor=actor, obj=method, archived=True)
    return method


@transaction.atomic
def method_restore(*, actor: User, method: Method) -> Method:
    set_archived(actor=actor, obj=method, archived=False)
    return method


# Steps of a method or items of an agenda ------------------------------------------------------


def _check_minutes(minutes: int, minutes_each: int | None) -> None:
    errors: dict[str, str] = {}
    if not 1 <= minutes <= MAX_MINUTES:
        errors["minutes"] = f"Minutes must be between 1 and {MAX_MINUTES}"
    if minutes_each is not None:
        if not 1 <= minutes_each <= MAX_MINUTES:
            errors["minutes_each"] = f"Minutes each must be between 1 and {MAX_MINUTES}"
        elif minutes < minutes_each:
            errors["minutes"] = "The total time must be at least as long as one person's turn"
    if errors:
        raise ValidationError(errors)


def _siblings(*, method_id: int | None, gathering_id: int | None) -> QuerySet[Step]:
    if method_id is not None:
        return Step.objects.filter(method_id=method_id)
    if gathering_id is not None:
        return Step.objects.filter(gathering_id=gathering_id)
    raise TypeError("A step belongs to a method or to a gathering")


def _in_order(*, method_id: int | None, gathering_id: int | None) -> list[Step]:
    """The steps, locked against a second writer, in their order."""
    rows = _siblings(method_id=method_id, gathering_id=gathering_id).select_for_update()
    return list(rows.order_by("position", "pk"))


def _renumber(steps: list[Step]) -> None:
    moved = []
    for position, step in enumerate(steps, start=1):
        if step.position != position:
            step.position = position
            moved.append(step)
    Step.objects.bulk_update(moved, ["position"])


def _audit_step(actor: User, step: Step, what: str, **detail: Any) -> None:
    if step.method_id is not None:
        audit(actor=actor, action=f"method.step_{what}", obj=step.method, step=step.pk, **detail)
    else:
        audit(actor=actor, action=f"agenda.item_{what}", obj=step.gathering, step=step.pk, **detail)


@transaction.atomic
def step_add(
    *,
    actor: User,
    method: Method | None = None,
    gathering: Gathering | None = None,
    title: str,
    minutes: int,
    guidance: str = "",
    minutes_each: int | None = None,
) -> Step:
    """Add a step to the end of a method, or an item to the end of a gathering's agenda."""
    if (method is None) == (gathering is None):
        raise TypeError("A step belongs to a method or to a gathering")
    _check_minutes(minutes, minutes_each)
    existing = _in_order(
        method_id=method.pk if method else None, gathering_id=gathering.pk if gathering else None
    )
    _renumber(existing)
    step = Step(
        method=method,
        gathering=gathering,
        position=len(existing) + 1,
        title=title,
        guidance=guidance,
        minutes=minutes,
        minutes_each=minutes_each,
    )
    step.full_clean()
    step.save()
    _audit_step(actor, step, "added")
    return step


@transaction.atomic
def step_update(
    *, actor: User, step: Step, title: str, minutes: int, guidance: str = "", minutes_each: int | None = None
) -> Step:
    _check_minutes(minutes, minutes_each)
    fields = {"title": title, "minutes": minutes, "guidance": guidance, "minutes_each": minutes_each}
    changed = sorted(k for k, v in fields.items() if getattr(step, k) != v)
    for key, value in fields.items():
        setattr(step, key, value)
    step.full_clean()
    step.save()
    _audit_step(actor, step, "changed", fields=changed)
    return step


@transaction.atomic
def step_remove(*, actor: User, step: Step) -> None:
    method_id, gathering_id = step.method_id, step.gathering_id
    _audit_step(actor, step, "removed")
    step.delete()
    _renumber(_in_order(method_id=method_id, gathering_id=gathering_id))


@transaction.atomic
def step_move(*, actor: User, step: Step, direction: Direction) -> bool:
    """Swap the step with the one before or after it. Returns False if it is already at that end."""
    steps = _in_order(method_id=step.method_id, gathering_id=step.gathering_id)
    index = next((i for i, s in enumerate(steps) if s.pk == step.pk), None)
    if index is None:
        return False
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(steps):
        _renumber(steps)
        return False
    steps[index], steps[other] = steps[other], steps[index]
    _renumber(steps)
    step.position = other + 1
    _audit_step(actor, step, "moved", direction=direction)
    return True


# Agendas --------------------------------------------------------------------------------------


def coming_count(gathering: Gathering) -> int:
    """How many are registered as coming."""
    return Registration.objects.filter(gathering=gathering, status=Registration.Status.REGISTERED).count()


def speakers_for(gathering: Gathering) -> int:
    """How many take turns: those registered as coming, and at least one."""
    return max(coming_count(gathering), 1)


def minutes_with(step: Step, speakers: int) -> int:
    """A step's time for this many people: a step in turns gives each speaker ``minutes_each``."""
    if step.minutes_each:
        return step.minutes_each * speakers
    return step.minutes


@transaction.atomic
def agenda_add_method(*, actor: User, gathering: Gathering, method: Method) -> list[Step]:
    """Copy the method's steps, in order, to the end of the agenda.

    A step in turns is timed for everyone registered as coming (at least one speaker).
    """
    method_steps = list(method.steps.order_by("position", "pk"))
    if not method_steps:
        raise MethodHasNoSteps
    speakers = speakers_for(gathering)
    existing = _in_order(method_id=None, gathering_id=gathering.pk)
    _renumber(existing)
    copies = [
        Step(
            gathering=gathering,
            from_method=method,
            position=len(existing) + offset,
            title=step.title,
            guidance=step.guidance,
            minutes=minutes_with(step, speakers),
            minutes_each=step.minutes_each,
        )
        for offset, step in enumerate(method_steps, start=1)
    ]
    for copy in copies:
        copy.full_clean()
    Step.objects.bulk_create(copies)
    audit(
        actor=actor,
        action="agenda.method_added",
        obj=gathering,
        method=method.pk,
        steps=len(copies),
        speakers=speakers,
    )
    return copies


@transaction.atomic
def ground_rules_save(
    *, actor: User, gathering: Gathering, expected_version: int | None, ground_rules: str
) -> Gathering:
    current = Gathering.objects.select_for_update().get(pk=gathering.pk)
    if expected_version is not None and current.lock_version != expected_version:
        raise RecordChanged
    current.ground_rules = ground_rules
    current.lock_version += 1
    current.save(update_fields=["ground_rules", "lock_version", "updated_at"])
    audit(actor=actor, action="gathering.ground_rules_changed", obj=current)
    return current
