"""The audit log is append-only: rows can be written, never changed or removed."""

from __future__ import annotations

from typing import Any

import pytest

from sidebyside.core.audit import audit
from sidebyside.core.models import AuditEvent, AuditLogIsAppendOnly


def test_audit_writes_who_did_what_to_which_record(personas: Any) -> None:
    coordinator, member = personas["coordinator"], personas["member"]

    event = audit(actor=coordinator, action="thing.done", obj=member, count=3)

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_id == coordinator.pk
    assert stored.action == "thing.done"
    assert stored.object_type == "accounts.user"
    assert stored.object_id == str(member.pk)
    assert stored.detail == {"count": 3}


def test_audit_without_an_actor_or_object(db: Any) -> None:
    event = audit(actor=None, action="system.ran")

    assert (event.actor_id, event.object_type, event.object_id) == (None, "", "")


def test_saving_an_existing_audit_event_is_refused(db: Any) -> None:
    event = audit(actor=None, action="system.ran")
    event.action = "system.tampered"

    with pytest.raises(AuditLogIsAppendOnly):
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).action == "system.ran"


def test_deleting_an_audit_event_is_refused(db: Any) -> None:
    event = audit(actor=None, action="system.ran")

    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_bulk_update_of_audit_events_is_refused(db: Any) -> None:
    audit(actor=None, action="system.ran")

    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().update(action="system.tampered")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(action="system.ran").update(action="system.tampered")

    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["system.ran"]


def test_bulk_delete_of_audit_events_is_refused(db: Any) -> None:
    audit(actor=None, action="system.ran")

    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(action="system.ran").delete()

    assert AuditEvent.objects.count() == 1
