"""What erasure, export and merging do to contributions' links to people (see people.privacy)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from sidebyside.people import privacy

STAFF_LINKS = (
    "voices.contribution.entered_by",
    "voices.contribution.safeguarding_by",
    "voices.contribution.redacted_by",
    "voices.importjob.created_by",
)


def unlink_author(rows: QuerySet[Any], *, person: Any, actor: Any) -> int:
    """What they said stays (it may already be part of a theme), with nothing saying it was them.

    The words before a redaction go: they may hold the very details that were removed.
    """
    return rows.update(author=None, name_given="", identify_as="anonymous", original="")


def register() -> None:
    privacy.register_eraser("voices.contribution.author", unlink_author)
    privacy.register_erasure_policy("voices.safeguardinglead.user", "delete")
    for label in STAFF_LINKS:
        privacy.register_erasure_policy(label, "keep")
        privacy.register_export_exclusion(label, privacy.AS_STAFF)
