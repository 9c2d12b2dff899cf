"""Archive and restore, one way for every model with an ``archived_at``: nothing is deleted."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from sidebyside.core.audit import audit


def set_archived(*, actor: Any, obj: models.Model, archived: bool) -> None:
    """Archive (or restore) ``obj`` and audit it as ``<model>.archived``; doing it twice changes nothing."""
    if (getattr(obj, "archived_at") is not None) == archived:  # noqa: B009 - every archivable model has it
        return
    obj.archived_at = timezone.now() if archived else None  # type: ignore[attr-defined]
    obj.save(update_fields=["archived_at", "updated_at"])
    audit(actor=actor, action=f"{obj._meta.model_name}.{'archived' if archived else 'restored'}", obj=obj)
