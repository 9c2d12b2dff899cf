"""What erasure, export and merging do to gatherings' links to people (see people.privacy)."""

from __future__ import annotations

from typing import Any

from sidebyside.people import privacy

# A person's own registrations stay, pointing at their anonymised record, so that attendance
# figures stay right; their calendar address goes. What staff did stays with what they did it to.
POLICIES: dict[str, privacy.Policy] = {
    "gatherings.registration.person": "keep",
    "gatherings.calendarfeed.user": "delete",
    "gatherings.gathering_facilitators.user": "delete",
    "gatherings.calendarfeed.created_by": "keep",
    "gatherings.gathering.created_by": "keep",
    "gatherings.series.created_by": "keep",
    "gatherings.photo.uploaded_by": "keep",
    "gatherings.reminder.done_by": "keep",
}
STAFF_LINKS = (
    "gatherings.calendarfeed.created_by",
    "gatherings.gathering.created_by",
    "gatherings.series.created_by",
    "gatherings.photo.uploaded_by",
    "gatherings.reminder.done_by",
)


def merge_registrations(link: privacy.Link, *, keep: Any, other: Any, actor: Any) -> int:
    """Both records at one gathering: keep one registration, with whatever attendance was recorded."""
    from sidebyside.gatherings.models import Registration

    changed = 0
    kept = {r.gathering_id: r for r in Registration.objects.filter(person=keep)}
    for registration in Registration.objects.filter(person=other):
        mine = kept.get(registration.gathering_id)
        if mine is None:
            registration.person = keep
            registration.save(update_fields=["person", "updated_at"])
        else:
            if not mine.attendance and registration.attendance:
                mine.attendance = registration.attendance
                mine.attendance_recorded_at = registration.attendance_recorded_at
                mine.save(update_fields=["attendance", "attendance_recorded_at", "updated_at"])
            registration.delete()
        changed += 1
    return changed


def register() -> None:
    for label, policy in POLICIES.items():
        privacy.register_erasure_policy(label, policy)
    for label in STAFF_LINKS:
        privacy.register_export_exclusion(label, privacy.AS_STAFF)
    privacy.register_merger("gatherings.registration.person", merge_registrations)
