"""Writes to people's records: atomic, validated, audited, and safe against two people editing at once.

Every write names the person whose data it touched as the audit row's ``subject``.
Records that two people might edit at the same time carry a ``lock_version``: a write
based on an older version raises ``RecordChanged`` instead of overwriting.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from sidebyside.accounts.models import User
from sidebyside.core.audit import audit
from sidebyside.hubs.models import Hub, Membership
from sidebyside.hubs.services import membership_add
from sidebyside.people import consent as consent_selectors
from sidebyside.people.models import (
    PLAN_FIELDS,
    CatchUp,
    Consent,
    Person,
    PersonRequest,
    SupportNeeds,
    WellbeingPlan,
)

USER_FIELDS = ("full_name", "known_as", "email", "expertise")
PERSON_FIELDS = (
    "pronouns",
    "phone",
    "address",
    "preferred_channel",
    "quiet_from",
    "quiet_until",
    "contact_notes",
    "how_came",
    "key_worker",
    "buddy",
    "about_communication",
    "about_know",
    "about_counted_on",
    "about_learn",
)


class RecordChanged(Exception):
    """Someone else saved the record after this edit began."""


class ConsentMissing(Exception):
    """The person has not agreed to what this write needs."""


def _apply(obj: Any, fields: dict[str, Any]) -> list[str]:
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    for name, value in fields.items():
        setattr(obj, name, value)
    return changed


def _check_version(model: type[Person] | type[SupportNeeds], pk: int, expected: int | None) -> None:
    """Lock the row and compare versions, inside the caller's transaction."""
    current = model.objects.select_for_update().filter(pk=pk).values_list("lock_version", flat=True).first()
    if expected is not None and current is not None and current != expected:
        raise RecordChanged


def _touch(person: Person) -> None:
    person.last_active_on = timezone.localdate()
    person.retention_warned_at = None


@transaction.atomic
def person_create(
    *,
    actor: User,
    hub: Hub,
    full_name: str,
    known_as: str = "",
    email: str | None = None,
    expertise: str = User.Expertise.EXPERIENCE,
    role: str = Membership.Role.MEMBER,
    **person_fields: Any,
) -> Person:
    """Add someone to a hub: their user (no password: members sign in by link), record and membership."""
    user = User.objects.create_user(
        email=email or None, full_name=full_name, known_as=known_as, expertise=expertise
    )
    person = Person.objects.get(user=user)
    _apply(person, person_fields)
    _touch(person)
    person.full_clean()
    person.save()
    membership_add(actor=actor, user=user, programme=hub.programme, hub=hub, role=role)
    audit(actor=actor, action="person.created", obj=person, subject=user, hub=hub.pk)
    return person


@transaction.atomic
def person_update(*, actor: User, person: Person, expected_version: int | None, **fields: Any) -> Person:
    """Change someone's details. ``fields`` may hold user fields (name, email…) and person fields."""
    _check_version(Person, person.pk, expected_version)
    user = person.user
    user_changes = _apply(user, {k: v for k, v in fields.items() if k in USER_FIELDS})
    unknown = set(fields) - set(USER_FIELDS) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Not fields of a person: {sorted(unknown)}")
    if "email" in user_changes and not user.email:
        user.email = None
    person_changes = _apply(person, {k: v for k, v in fields.items() if k in PERSON_FIELDS})
    if user_changes:
        user.full_clean(exclude=["password"])
        user.save()
    person.lock_version += 1
    if actor.pk == user.pk:
        _touch(person)
    person.full_clean()
    person.save()
    audit(
        actor=actor, action="person.updated", obj=person, subject=user, fields=user_changes + person_changes
    )
    return person


@transaction.atomic
def person_set_status(*, actor: User, person: Person, status: str) -> Person:
    """Pause someone's involvement, bring them back, or record that they left."""
    if person.status == status:
        return person
    _check_version(Person, person.pk, None)
    person.status = Person.Status(status)
    person.status_changed_at = timezone.now()
    person.lock_version += 1
    if actor.pk == person.user_id:
        _touch(person)
    person.full_clean()
    person.save()
    audit(actor=actor, action="person.status_changed", obj=person, subject=person.user, status=status)
    return person


@transaction.atomic
def support_needs_update(
    *, actor: User, person: Person, needs: list[str], details: str, expected_version: int | None
) -> SupportNeeds:
    if not consent_selectors.may_store_support(person):
        raise ConsentMissing
    record, _ = SupportNeeds.objects.get_or_create(person=person)
    _check_version(SupportNeeds, record.pk, expected_version)
    record.refresh_from_db()
    record.needs = needs
    record.details = details.strip()
    record.updated_by = actor
    record.lock_version += 1
    record.full_clean()
    record.save()
    audit(actor=actor, action="person.support_needs_changed", obj=person, subject=person.user)
    return record


def current_plan(person: Person) -> WellbeingPlan | None:
    return person.plans.order_by("-version").first()


@transaction.atomic
def plan_save(*, actor: User, person: Person, base_version: int | None, **fields: Any) -> WellbeingPlan:
    """Save the plan as a new version. ``base_version`` is the version the editor started from."""
    if not consent_selectors.may_store_support(person):
        raise ConsentMissing
    Person.objects.select_for_update().filter(pk=person.pk).first()
    latest = person.plans.aggregate(v=Max("version"))["v"] or 0
    if (base_version or 0) != latest:
        raise RecordChanged
    unknown = set(fields) - {*PLAN_FIELDS, "review_on"}
    if unknown:
        raise TypeError(f"Not fields of a plan: {sorted(unknown)}")
    plan = WellbeingPlan(person=person, version=latest + 1, written_by=actor, **fields)
    plan.full_clean()
    plan.save()
    audit(actor=actor, action="person.plan_saved", obj=person, subject=person.user, version=plan.version)
    return plan


@transaction.atomic
def catch_up_add(*, actor: User, person: Person, held_on: datetime.date, notes: str) -> CatchUp:
    if not consent_selectors.may_store_support(person):
        raise ConsentMissing
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "The date of the catch-up must be today or in the past"})
    catch_up = CatchUp(person=person, held_on=held_on, notes=notes.strip(), recorded_by=actor)
    catch_up.full_clean()
    catch_up.save()
    audit(actor=actor, action="person.catch_up_added", obj=person, subject=person.user)
    return catch_up


@transaction.atomic
def consent_give(
    *,
    actor: User,
    person: Person,
    purpose: str,
    how: str,
    given_on: datetime.date,
    level: str = "",
    expires_on: datetime.date | None = None,
) -> Consent:
    """Record the person's answer for ``purpose``; it replaces any earlier answer for the same purpose."""
    errors: dict[str, str] = {}
    if given_on > timezone.localdate():
        errors["given_on"] = "The date consent was given must be today or in the past"
    if expires_on is not None and expires_on < given_on:
        errors["expires_on"] = "The date it ends must be on or after the date it was given"
    if how == Consent.How.VERBAL and actor.pk == person.user_id:
        errors["how"] = "Consent said out loud must be recorded by a member of staff"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    replaced = Consent.objects.filter(person=person, purpose=purpose, ended_at__isnull=True)
    replaced.update(ended_at=now, ended_reason=Consent.EndReason.REPLACED, ended_by=actor, updated_at=now)
    consent = Consent(
        person=person,
        purpose=purpose,
        level=level if purpose in Consent.LEVELLED else "",
        how=how,
        given_on=given_on,
        expires_on=expires_on,
        recorded_by=actor,
    )
    consent.full_clean()
    consent.save()
    if actor.pk == person.user_id:
        _touch(person)
        person.save(update_fields=["last_active_on", "retention_warned_at", "updated_at"])
    audit(
        actor=actor, action="person.consent_given", obj=person, subject=person.user, purpose=purpose, how=how
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, person: Person, purpose: str) -> int:
    """End the person's consent to ``purpose`` now. Returns how many consents ended (0 or 1).

    Withdrawing consent to keep support needs and the plan deletes them: without that
    consent there is no reason to hold them.
    """
    now = timezone.now()
    ended = Consent.objects.filter(person=person, purpose=purpose, ended_at__isnull=True).update(
        ended_at=now, ended_reason=Consent.EndReason.WITHDRAWN, ended_by=actor, updated_at=now
    )
    deleted: dict[str, int] = {}
    if purpose == Consent.Purpose.STORE_SUPPORT:
        deleted = {
            "support_needs": SupportNeeds.objects.filter(person=person).delete()[0],
            "plans": WellbeingPlan.objects.filter(person=person).delete()[0],
            "catch_ups": CatchUp.objects.filter(person=person).delete()[0],
        }
    if actor.pk == person.user_id:
        _touch(person)
        person.save(update_fields=["last_active_on", "retention_warned_at", "updated_at"])
    audit(
        actor=actor,
        action="person.consent_withdrawn",
        obj=person,
        subject=person.user,
        purpose=purpose,
        ended=ended,
        **deleted,
    )
    return ended


@transaction.atomic
def person_request_make(*, actor: User, person: Person, kind: str) -> PersonRequest:
    """Record that the person asked for a copy of their data or to be forgotten (once while open)."""
    existing = PersonRequest.objects.filter(person=person, kind=kind, done_at__isnull=True).first()
    if existing is not None:
        return existing
    request = PersonRequest.objects.create(person=person, kind=kind)
    audit(actor=actor, action="person.request_made", obj=person, subject=person.user, kind=kind)
    return request


@transaction.atomic
def person_request_done(*, actor: User, request: PersonRequest) -> PersonRequest:
    if request.done_at is None:
        request.done_at = timezone.now()
        request.done_by = actor
        request.save(update_fields=["done_at", "done_by", "updated_at"])
        audit(
            actor=actor,
            action="person.request_done",
            obj=request.person,
            subject=request.person.user,
            kind=request.kind,
        )
    return request


def audit_read(*, actor: User, person: Person, what: str) -> None:
    """Record that ``actor`` read the person's special-category data (``what``: needs, plan…)."""
    audit(actor=actor, action=f"person.{what}_viewed", obj=person, subject=person.user)
