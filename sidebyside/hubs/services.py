"""Writes to programmes, hubs and organisations: atomic, validated, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from sidebyside.accounts.models import User
from sidebyside.core.archiving import set_archived
from sidebyside.core.audit import audit
from sidebyside.hubs.models import Hub, Membership, Organisation, Programme


def _apply(obj: Any, fields: dict[str, Any]) -> list[str]:
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    for name, value in fields.items():
        setattr(obj, name, value)
    return changed


@transaction.atomic
def programme_update(*, actor: User, programme: Programme, **fields: Any) -> Programme:
    changed = _apply(programme, fields)
    programme.full_clean()
    programme.save()
    audit(actor=actor, action="programme.updated", obj=programme, fields=changed)
    return programme


@transaction.atomic
def hub_create(*, actor: User, programme: Programme, **fields: Any) -> Hub:
    hub = Hub(programme=programme, **fields)
    hub.full_clean()
    hub.save()
    audit(actor=actor, action="hub.created", obj=hub)
    return hub


@transaction.atomic
def hub_update(*, actor: User, hub: Hub, **fields: Any) -> Hub:
    changed = _apply(hub, fields)
    hub.full_clean()
    hub.save()
    audit(actor=actor, action="hub.updated", obj=hub, fields=changed)
    return hub


@transaction.atomic
def hub_archive(*, actor: User, hub: Hub) -> Hub:
    set_archived(actor=actor, obj=hub, archived=True)
    return hub


@transaction.atomic
def hub_restore(*, actor: User, hub: Hub) -> Hub:
    set_archived(actor=actor, obj=hub, archived=False)
    return hub


@transaction.atomic
def organisation_create(*, actor: User, programme: Programme, **fields: Any) -> Organisation:
    organisation = Organisation(programme=programme, **fields)
    organisation.full_clean()
    organisation.save()
    audit(actor=actor, action="organisation.created", obj=organisation)
    return organisation


@transaction.atomic
def organisation_update(*, actor: User, organisation: Organisation, **fields: Any) -> Organisation:
    changed = _apply(organisation, fields)
    organisation.full_clean()
    organisation.save()
    audit(actor=actor, action="organisation.updated", obj=organisation, fields=changed)
    return organisation


@transaction.atomic
def organisation_archive(*, actor: User, organisation: Organisation) -> Organisation:
    set_archived(actor=actor, obj=organisation, archived=True)
    return organisation


@transaction.atomic
def organisation_restore(*, actor: User, organisation: Organisation) -> Organisation:
    set_archived(actor=actor, obj=organisation, archived=False)
    return organisation


@transaction.atomic
def membership_add(
    *,
    actor: User | None,
    user: User,
    programme: Programme,
    role: str,
    hub: Hub | None = None,
    organisation: Organisation | None = None,
) -> Membership:
    membership = Membership(user=user, programme=programme, hub=hub, role=role, organisation=organisation)
    membership.full_clean()
    membership.save()
    audit(actor=actor, action="membership.added", obj=membership, role=role)
    return membership
