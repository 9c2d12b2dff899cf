"""What erasure and export do to themes' links to staff (see people.privacy).

Themes and tags name the staff who made or confirmed them: records of work done as staff, kept
when a person is erased and counted, not listed, in their export. Contributions' own links to
the people who said them are voices' (``voices.privacy``).
"""

from __future__ import annotations

from sidebyside.people import privacy

STAFF_LINKS = (
    "insights.themingrun.created_by",
    "insights.theme.created_by",
    "insights.theme.confirmed_by",
    "insights.tag.tagged_by",
)


def register() -> None:
    for label in STAFF_LINKS:
        privacy.register_erasure_policy(label, "keep")
        privacy.register_export_exclusion(label, privacy.AS_STAFF)
