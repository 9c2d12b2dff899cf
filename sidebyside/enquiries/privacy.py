"""What erasure, export and merging do to enquiries' links to people (see people.privacy).

Enquiries, evidence, stage moves and updates name the staff who made them: records of work done
as staff, kept and counted in their export. An action's owner and a message's leader are unlinked
(the action or message stays, owned by its organisation). What a person is owed (notices) and
was sent (digests) is theirs, deleted with them; being a co-lead ends with them. Reminders about
actions they owned go with them too (a record of work emails, not exported).
"""

from __future__ import annotations

from typing import Any

from sidebyside.people import privacy

POLICIES: dict[str, privacy.Policy] = {
    "enquiries.notice.person": "delete",
    "enquiries.digest.person": "delete",
    "enquiries.enquiry_co_leads.user": "delete",
    "enquiries.action.owner": "unlink",
    "enquiries.leadermessage.leader": "unlink",
    "enquiries.actionreminder.user": "delete",
}
STAFF_LINKS = (
    "enquiries.enquiry.created_by",
    "enquiries.stagemove.moved_by",
    "enquiries.evidence.linked_by",
    "enquiries.action.created_by",
    "enquiries.update.written_by",
    "enquiries.leadermessage.created_by",
    "enquiries.leadermessage.replied_by",
)


def merge_notices(link: privacy.Link, *, keep: Any, other: Any, actor: Any) -> int:
    """Both records owed the same update: keep one notice (the one already sent, if either was)."""
    from sidebyside.enquiries.models import Notice

    kept = {n.update_id: n for n in Notice.objects.filter(person=keep)}
    changed = 0
    for notice in Notice.objects.filter(person=other):
        mine = kept.get(notice.update_id)
        if mine is None:
            notice.person = keep
            notice.save(update_fields=["person"])
        else:
            if mine.digest_id is None and notice.digest_id is not None:
                mine.digest_id = notice.digest_id
                mine.save(update_fields=["digest"])
            notice.delete()
        changed += 1
    return changed


def merge_co_leads(link: privacy.Link, *, keep: Any, other: Any, actor: Any) -> int:
    from sidebyside.enquiries.models import Enquiry

    through = Enquiry.co_leads.through
    led = set(through.objects.filter(user=keep.user).values_list("enquiry_id", flat=True))
    changed = 0
    for row in through.objects.filter(user=other.user):
        if row.enquiry_id in led:
            row.delete()
        else:
            row.user = keep.user
            row.save()
        changed += 1
    return changed


def merge_reminders(link: privacy.Link, *, keep: Any, other: Any, actor: Any) -> int:
    """Both records were reminded of the same action on the same day: keep one reminder."""
    from sidebyside.enquiries.models import ActionReminder

    key = ("action_id", "kind", "due_on", "week")
    kept = set(ActionReminder.objects.filter(user=keep.user).values_list(*key))
    changed = 0
    for row in ActionReminder.objects.filter(user=other.user):
        if tuple(getattr(row, k) for k in key) in kept:
            row.delete()
        else:
            row.user = keep.user
            row.save(update_fields=["user"])
        changed += 1
    return changed


def register() -> None:
    for label, policy in POLICIES.items():
        privacy.register_erasure_policy(label, policy)
    for label in (
        "enquiries.action.owner",
        "enquiries.leadermessage.leader",
        "enquiries.actionreminder.user",
    ):
        privacy.register_export_exclusion(label, privacy.AS_STAFF)
    for label in STAFF_LINKS:
        privacy.register_erasure_policy(label, "keep")
        privacy.register_export_exclusion(label, privacy.AS_STAFF)
    privacy.register_merger("enquiries.notice.person", merge_notices)
    privacy.register_merger("enquiries.enquiry_co_leads.user", merge_co_leads)
    privacy.register_merger("enquiries.actionreminder.user", merge_reminders)
