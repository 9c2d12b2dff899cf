"""Writes for messages to senior leaders that ``services`` does not already hold.

Same rules as ``services``: one named function, keyword-only, atomic, ``full_clean``, audited.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from sidebyside.accounts.models import User
from sidebyside.core.audit import audit
from sidebyside.enquiries.models import LeaderMessage
from sidebyside.hubs.models import Membership, Organisation

NOT_A_DRAFT = "This message has been sent, so it can no longer be changed"


def is_programme_leader(user: User, programme_id: int) -> bool:
    """Whether ``user`` is (still) a partner or leader of the programme."""
    return Membership.objects.filter(
        user=user, programme_id=programme_id, role=Membership.Role.LEADER, ended_at__isnull=True
    ).exists()


@transaction.atomic
def message_update(
    *,
    actor: Any,
    message: LeaderMessage,
    text: str,
    leader: User | None = None,
    leader_organisation: Organisation | None = None,
) -> LeaderMessage:
    """Change a message that has not been sent yet: its words, its leader and their organisation."""
    current = LeaderMessage.objects.select_for_update().get(pk=message.pk)
    if current.status != LeaderMessage.Status.DRAFT:
        raise ValidationError(NOT_A_DRAFT)
    if leader is not None and not is_programme_leader(leader, current.programme_id):
        raise ValidationError({"leader": "Choose a partner or leader of this programme"})
    if leader_organisation is not None and leader_organisation.programme_id != current.programme_id:
        raise ValidationError({"leader_organisation": "Choose an organisation of this programme"})
    before = (current.text, current.leader_id, current.leader_organisation_id)
    current.text = text.strip()
    current.leader = leader
    current.leader_organisation = leader_organisation
    current.full_clean()
    current.save()
    after = (current.text, current.leader_id, current.leader_organisation_id)
    names = ("text", "leader", "leader_organisation")
    changed = [name for name, was, now in zip(names, before, after, strict=True) if was != now]
    audit(actor=actor, action="enquiries.message_changed", obj=current, fields=changed)
    return current
