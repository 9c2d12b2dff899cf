"""Checking contributions before they are shown, and acting on safeguarding concerns.

Every change takes the version of the contribution the moderator was looking at: if someone
else acted on it since, ``Changed`` is raised and nothing is done, so two moderators never undo
each other without seeing it. Audit rows hold ids, counts and a category only: never the words.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from sidebyside.accounts.models import User
from sidebyside.core.audit import audit
from sidebyside.hubs.models import Hub, Membership
from sidebyside.notify.services import message_enqueue
from sidebyside.voices.models import Contribution, SafeguardingLead
from sidebyside.voices.redaction import Redacted, redact, remove_phrases

State = Contribution.State
QUEUE_SIZE = 50
FLAGGED_DAYS = 30


class Changed(Exception):
    """Someone else acted on the contribution since the page was loaded."""


class NothingFound(Exception):
    """Redaction found no personal details to remove."""


class Concern(models.TextChoices):
    """Why a contribution raised a safeguarding concern. A category, never free text."""

    HARM_TO_SELF = "harm_to_self", "They may be at risk of harming themselves"
    HARM_TO_OTHERS = "harm_to_others", "Someone else may be at risk of harm"
    ABUSE = "abuse", "It tells of abuse, neglect or exploitation"
    CRIME = "crime", "It tells of a crime"
    OTHER = "other", "Something else worries me"


# --- Reading ---------------------------------------------------------------------------------


def _listed(rows: QuerySet[Contribution]) -> QuerySet[Contribution]:
    return rows.select_related("prompt", "gathering", "author__user").order_by("said_at", "pk")


def waiting(hub: Hub) -> QuerySet[Contribution]:
    """Contributions nobody has checked yet (and that raised no concern), oldest first."""
    return _listed(Contribution.objects.filter(hub=hub, state=State.PENDING, safeguarding_at__isnull=True))


def flagged(hub: Hub) -> QuerySet[Contribution]:
    """Contributions a safeguarding concern was raised about in the last 30 days, oldest first."""
    since = timezone.now() - datetime.timedelta(days=FLAGGED_DAYS)
    return _listed(Contribution.objects.filter(hub=hub, safeguarding_at__gte=since))


def hub_staff(hub: Hub) -> QuerySet[User]:
    """Who may be a hub's safeguarding lead: its coordinators and facilitators."""
    ids = Membership.objects.filter(
        hub=hub, ended_at__isnull=True, role__in=[Membership.Role.COORDINATOR, Membership.Role.FACILITATOR]
    ).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).select_related("person").order_by("full_name")


def hub_names(hub: Hub) -> list[str]:
    """The full names and the names they go by of everyone in the hub: what redaction looks for."""
    in_hub = Membership.objects.filter(hub=hub, ended_at__isnull=True).values("user_id")
    rows = User.objects.filter(pk__in=in_hub).values_list("full_name", "known_as")
    return [name for pair in rows for name in pair if name]


def lead_of(hub: Hub) -> SafeguardingLead | None:
    return SafeguardingLead.objects.select_related("user__person").filter(hub=hub).first()


def lead_contact(lead: SafeguardingLead | None) -> tuple[str, str] | None:
    """How a concern reaches the lead: (channel, address), email first; None if there is no way."""
    if lead is None or not lead.user.is_active:
        return None
    if lead.user.email:
        return "email", lead.user.email
    person = getattr(lead.user, "person", None)
    if person is not None and person.phone:
        return "sms", person.phone
    return None


# --- Writing ---------------------------------------------------------------------------------


def _locked(contribution: Contribution, expected_version: int | None) -> Contribution:
    current = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if expected_version is not None and current.lock_version != expected_version:
        raise Changed
    return current


@transaction.atomic
def contribution_moderate(
    *, actor: Any, contribution: Contribution, state: str, expected_version: int | None
) -> Contribution:
    """Allow (shown) or hide a contribution."""
    if state not in (State.SHOWN, State.HIDDEN):
        raise ValueError(f"Not a moderation decision: {state!r}")
    current = _locked(contribution, expected_version)
    if current.state != state:
        current.state = state
        current.lock_version += 1
        current.save(update_fields=["state", "lock_version", "updated_at"])
        audit(
            actor=actor,
            action="voices.contribution_allowed" if state == State.SHOWN else "voices.contribution_hidden",
            obj=current,
            hub_id=current.hub_id,
        )
    return current


def _store_redacted(actor: Any, current: Contribution, result: Redacted, **counts: int) -> Contribution:
    """Save ``result``'s words in place of ``current``'s, keeping the words as first written,
    encrypted, in ``original`` (a second redaction keeps the first original); audit the counts
    only, never the words. Raises ``NothingFound`` (and changes nothing) when nothing was found."""
    if not result.found:
        raise NothingFound
    if not current.original:
        current.original = current.text
    current.text = result.text
    current.redacted_at = timezone.now()
    current.redacted_by = actor
    current.lock_version += 1
    current.save(
        update_fields=["text", "original", "redacted_at", "redacted_by", "lock_version", "updated_at"]
    )
    audit(actor=actor, action="voices.contribution_redacted", obj=current, hub_id=current.hub_id, **counts)
    return current


@transaction.atomic
def contribution_redact(
    *, actor: Any, contribution: Contribution, expected_version: int | None, names: list[str] | None = None
) -> tuple[Contribution, Redacted]:
    """Replace phone numbers, emails and the hub's people's names with "[removed]".

    The words as first written are kept (``_store_redacted``). Raises ``NothingFound`` (and
    changes nothing) when there is nothing to remove.
    """
    current = _locked(contribution, expected_version)
    result = redact(current.text, hub_names(current.hub) if names is None else names)
    counts = {"phones": result.phones, "emails": result.emails, "names": result.names}
    return _store_redacted(actor, current, result, **counts), result


@transaction.atomic
def contribution_remove_words(
    *, actor: Any, contribution: Contribution, phrases: list[str], expected_version: int | None
) -> tuple[Contribution, Redacted]:
    """Replace the words a moderator chose (``phrases``) with "[removed]", wherever they appear.

    As with ``contribution_redact``, the words as first written are kept for those who may see
    them, and the audit records how many places changed, never the words. Raises
    ``NothingFound`` (and changes nothing) when none of the phrases is in the words now."""
    current = _locked(contribution, expected_version)
    result = remove_phrases(current.text, phrases)
    return _store_redacted(actor, current, result, words=result.words), result


def contribution_link(contribution: Contribution) -> str:
    return settings.SITE_URL + reverse("voices:contribution", kwargs={"contribution_id": contribution.pk})


@transaction.atomic
def contribution_flag_safeguarding(
    *, actor: Any, contribution: Contribution, concern: str, expected_version: int | None
) -> tuple[Contribution, bool]:
    """Raise a safeguarding concern: hide the contribution everywhere and tell the hub's lead.

    The message to the lead holds the hub's name and a link to the contribution (behind sign-in
    and two-step verification), never the words. Returns the contribution and whether the lead
    was told (False when the hub has no lead, or the lead has no email address or phone number).
    """
    if concern not in Concern.values:
        raise ValueError(f"Not a kind of concern: {concern!r}")
    current = _locked(contribution, expected_version)
    if current.safeguarding_at is not None:
        return current, False  # already raised: the lead was told then
    current.safeguarding_at = timezone.now()
    current.safeguarding_by = actor
    current.state = State.HIDDEN
    current.lock_version += 1
    current.save(update_fields=["safeguarding_at", "safeguarding_by", "state", "lock_version", "updated_at"])
    lead = lead_of(current.hub)
    contact = lead_contact(lead)
    message_id = None
    if lead is not None and contact is not None:
        channel, to = contact
        message = message_enqueue(
            user=lead.user,
            channel=channel,
            to=to,
            template="safeguarding",
            personalisation={"hub": current.hub.name, "link": contribution_link(current)},
        )
        message_id = message.pk
    audit(
        actor=actor,
        action="voices.safeguarding_raised",
        obj=current,
        hub_id=current.hub_id,
        concern=concern,
        lead_id=lead.user_id if lead is not None else None,
        message_id=message_id,
    )
    return current, message_id is not None


@transaction.atomic
def safeguarding_lead_set(*, actor: Any, hub: Hub, user: User) -> SafeguardingLead:
    """Name who a hub's safeguarding concerns go to: one of its coordinators or facilitators."""
    if not hub_staff(hub).filter(pk=user.pk).exists():
        raise ValueError("The safeguarding lead must be a coordinator or facilitator of the hub")
    lead, created = SafeguardingLead.objects.select_for_update().get_or_create(
        hub=hub, defaults={"user": user}
    )
    if not created and lead.user_id != user.pk:
        lead.user = user
        lead.save(update_fields=["user", "updated_at"])
    elif not created:
        return lead
    audit(actor=actor, action="voices.safeguarding_lead_set", obj=hub, user_id=user.pk)
    return lead
