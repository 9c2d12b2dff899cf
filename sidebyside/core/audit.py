"""Writing audit rows. Call from services, inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from sidebyside.core.models import AuditEvent


def audit(
    *,
    actor: Any | None,
    action: str,
    obj: models.Model | None = None,
    subject: Any | None = None,
    **detail: Any,
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``obj``.

    ``detail`` must hold identifiers, counts and field names only: never names,
    contact details or free text about a person. ``subject`` is the user whose
    personal data this touched, so their history can be shown and exported.
    """
    actor_id = getattr(actor, "pk", None) if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        actor_id=actor_id,
        action=action,
        subject_id=getattr(subject, "pk", None),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail,
    )
