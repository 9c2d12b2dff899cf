"""Writes for enquiries, evidence, actions, updates and messages to leaders.

Each is one named function, atomic, checked with ``full_clean``, audited; messages leave through
the outbox in the same transaction. Nothing here trusts a view to have checked a rule twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from sidebyside.accounts.models import User
from sidebyside.core.audit import audit
from sidebyside.enquiries.models import (
    STAGES,
    Action,
    Enquiry,
    Evidence,
    LeaderMessage,
    Notice,
    StageMove,
    Update,
)
from sidebyside.hubs.models import Hub, Membership, Organisation, Programme
from sidebyside.insights.models import Theme
from sidebyside.voices.models import Contribution

RECORD_FIELDS = ("title", "framing", "questions", "findings", "decisions", "outcomes", "learned")
STALE = "Someone else changed this while you were editing it: look again, then make your change"


def _clean_text(value: str) -> str:
    return value.strip()


def _check_in_programme(programme: Programme, hubs: Iterable[Hub], partners: Iterable[Organisation]) -> None:
    if any(hub.programme_id != programme.pk for hub in hubs):
        raise ValidationError({"hubs": "Choose hubs of this programme"})
    if any(org.programme_id != programme.pk for org in partners):
        raise ValidationError({"partners": "Choose partner organisations of this programme"})


def co_lead_warnings(co_leads: Iterable[User]) -> list[str]:
    """What is missing from an enquiry's co-leads: an expert by experience and one by profession."""
    kinds = {user.expertise for user in co_leads}
    warnings = []
    if not kinds & {User.Expertise.EXPERIENCE, User.Expertise.BOTH}:
        warnings.append("No expert by experience is a co-lead yet")
    if not kinds & {User.Expertise.PROFESSION, User.Expertise.BOTH}:
        warnings.append("No expert by profession is a co-lead yet")
    return warnings


@transaction.atomic
def enquiry_create(
    *,
    actor: Any,
    programme: Programme,
    title: str,
    framing: str,
    hubs: Iterable[Hub] = (),
    partners: Iterable[Organisation] = (),
    co_leads: Iterable[User] = (),
    questions: str = "",
) -> Enquiry:
    hubs, partners, co_leads = list(hubs), list(partners), list(co_leads)
    _check_in_programme(programme, hubs, partners)
    now = timezone.now()
    enquiry = Enquiry(
        programme=programme,
        title=" ".join(title.split()),
        framing=_clean_text(framing),
        questions=_clean_text(questions),
        created_by=actor,
        stage_changed_at=now,
    )
    enquiry.full_clean()
    enquiry.save()
    enquiry.hubs.set(hubs)
    enquiry.partners.set(partners)
    enquiry.co_leads.set(co_leads)
    StageMove.objects.create(enquiry=enquiry, to_stage=enquiry.stage, moved_by=actor, moved_at=now)
    audit(actor=actor, action="enquiries.enquiry_created", obj=enquiry)
    return enquiry


@transaction.atomic
def enquiry_update(
    *,
    actor: Any,
    enquiry: Enquiry,
    lock_version: int | None = None,
    hubs: Iterable[Hub] | None = None,
    partners: Iterable[Organisation] | None = None,
    co_leads: Iterable[User] | None = None,
    **changes: Any,
) -> Enquiry:
    """Change what the enquiry says (its record fields) and who is in it."""
    current = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    if lock_version is not None and current.lock_version != lock_version:
        raise ValidationError(STALE)
    unknown = set(changes) - set(RECORD_FIELDS)
    if unknown:
        raise ValueError(f"Cannot change {sorted(unknown)}")
    for field, value in changes.items():
        setattr(current, field, " ".join(value.split()) if field == "title" else _clean_text(value))
    _check_in_programme(current.programme, hubs or [], partners or [])
    current.lock_version += 1
    current.full_clean()
    current.save()
    changed = sorted(changes)
    for name, values in (("hubs", hubs), ("partners", partners), ("co_leads", co_leads)):
        if values is not None:
            getattr(current, name).set(list(values))
            changed.append(name)
    audit(actor=actor, action="enquiries.enquiry_changed", obj=current, fields=changed)
    return current


@transaction.atomic
def enquiry_move(*, actor: Any, enquiry: Enquiry, to_stage: str, reason: str = "") -> StageMove:
    """Move an enquiry to another stage. Going back is allowed, with a reason."""
    current = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    if to_stage not in STAGES:
        raise ValidationError({"stage": "Choose a stage"})
    if to_stage == current.stage:
        raise ValidationError({"stage": f"The enquiry is already at “{current.get_stage_display()}”"})
    reason = " ".join(reason.split())
    backwards = STAGES.index(to_stage) < STAGES.index(current.stage)
    if backwards and not reason:
        raise ValidationError({"reason": "Say why the enquiry is going back a stage"})
    now = timezone.now()
    move = StageMove(
        enquiry=current,
        from_stage=current.stage,
        to_stage=to_stage,
        reason=reason,
        moved_by=actor,
        moved_at=now,
    )
    move.full_clean()
    move.save()
    current.stage, current.stage_changed_at = to_stage, now
    current.lock_version += 1
    current.save(update_fields=["stage", "stage_changed_at", "lock_version", "updated_at"])
    audit(actor=actor, action="enquiries.enquiry_moved", obj=current, to=to_stage, backwards=backwards)
    return move


@transaction.atomic
def enquiry_delete(*, actor: Any, enquiry: Enquiry) -> None:
    audit(actor=actor, action="enquiries.enquiry_deleted", obj=enquiry)
    enquiry.delete()


# --- Evidence --------------------------------------------------------------------------------------


def evidence_link(
    *, actor: Any, enquiry: Enquiry, theme: Theme | None = None, contribution: Contribution | None = None
) -> tuple[Evidence, bool]:
    """Link a theme or a contribution. Linking the same one again changes nothing (returns it, False)."""
    if (theme is None) == (contribution is None):
        raise ValueError("Link one theme or one contribution")
    if theme is not None and theme.programme_id != enquiry.programme_id:
        raise ValidationError("That theme belongs to another programme")
    if contribution is not None and contribution.hub.programme_id != enquiry.programme_id:
        raise ValidationError("That contribution belongs to another programme")
    lookup = {"theme": theme} if theme is not None else {"contribution": contribution}
    existing = Evidence.objects.filter(enquiry=enquiry, **lookup).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(enquiry=enquiry, linked_by=actor, **lookup)
            audit(
                actor=actor,
                action="enquiries.evidence_linked",
                obj=enquiry,
                theme=getattr(theme, "pk", None),
                contribution=getattr(contribution, "pk", None),
            )
    except IntegrityError:  # linked by someone else at the same moment
        return Evidence.objects.get(enquiry=enquiry, **lookup), False
    return evidence, True


@transaction.atomic
def evidence_unlink(*, actor: Any, evidence: Evidence) -> None:
    audit(
        actor=actor,
        action="enquiries.evidence_unlinked",
        obj=evidence.enquiry,
        theme=evidence.theme_id,
        contribution=evidence.contribution_id,
    )
    evidence.delete()


def evidence_contributions(enquiry_ids: Iterable[int]) -> Q:
    """The contributions behind enquiries: linked directly, or put in a linked theme by people (or
    checked by them)."""
    ids = list(enquiry_ids)
    themes = Evidence.objects.filter(enquiry_id__in=ids, theme__isnull=False).values("theme_id")
    direct = Evidence.objects.filter(enquiry_id__in=ids, contribution__isnull=False).values("contribution_id")
    return Q(pk__in=direct) | Q(theme_tags__theme__in=themes, theme_tags__confirmed=True)


def contributor_ids(enquiry: Enquiry | None = None, message: LeaderMessage | None = None) -> set[int]:
    """The people (``Person`` ids) whose words lie behind an enquiry or a message to a leader."""
    if message is not None:
        author = message.contribution.author_id if message.contribution_id and message.contribution else None
        return {author} if author else set()
    assert enquiry is not None
    authors = (
        Contribution.objects.filter(evidence_contributions([enquiry.pk]), author__isnull=False)
        .values_list("author_id", flat=True)
        .distinct()
    )
    return set(authors)


# --- Actions ---------------------------------------------------------------------------------------


def _check_owner(programme: Programme, owner: User | None, organisation: Organisation | None) -> None:
    if owner is None and organisation is None:
        raise ValidationError({"owner": "Choose who owns this: a person, an organisation, or both"})
    if organisation is not None and organisation.programme_id != programme.pk:
        raise ValidationError({"organisation": "Choose an organisation of this programme"})


@transaction.atomic
def action_create(
    *,
    actor: Any,
    what: str,
    enquiry: Enquiry | None = None,
    message: LeaderMessage | None = None,
    details: str = "",
    owner: User | None = None,
    organisation: Organisation | None = None,
    due_on: Any = None,
) -> Action:
    parent = enquiry or message
    assert parent is not None
    programme = parent.programme
    _check_owner(programme, owner, organisation)
    action = Action(
        programme=programme,
        enquiry=enquiry,
        message=message,
        what=" ".join(what.split()),
        details=_clean_text(details),
        owner=owner,
        organisation=organisation,
        due_on=due_on,
        created_by=actor,
        status_changed_at=timezone.now(),
    )
    action.full_clean()
    action.save()
    audit(actor=actor, action="enquiries.action_created", obj=action)
    return action


@transaction.atomic
def action_update(*, actor: Any, action: Action, lock_version: int | None = None, **changes: Any) -> Action:
    """Change what the action is, who owns it and when it is due."""
    current = Action.objects.select_for_update().get(pk=action.pk)
    if lock_version is not None and current.lock_version != lock_version:
        raise ValidationError(STALE)
    allowed = {"what", "details", "owner", "organisation", "due_on"}
    if set(changes) - allowed:
        raise ValueError(f"Cannot change {sorted(set(changes) - allowed)}")
    for field, value in changes.items():
        setattr(current, field, " ".join(value.split()) if field == "what" else value)
    _check_owner(current.programme, current.owner, current.organisation)
    current.lock_version += 1
    current.full_clean()
    current.save()
    audit(actor=actor, action="enquiries.action_changed", obj=current, fields=sorted(changes))
    return current


@transaction.atomic
def action_set_status(
    *,
    actor: Any,
    action: Action,
    status: str,
    reason: str = "",
    update_text: str = "",
    tell_contributors: bool = True,
    lock_version: int | None = None,
) -> Action:
    """Say how an action stands. Stuck and won't do need a reason; an update for contributors may
    go with it (done: "we did"; won't do: what could not change, and why)."""
    current = (
        Action.objects.select_for_update(of=("self",)).select_related("enquiry", "message").get(pk=action.pk)
    )
    if lock_version is not None and current.lock_version != lock_version:
        raise ValidationError(STALE)
    if status not in Action.Status.values:
        raise ValidationError({"status": "Choose how the action stands"})
    reason = " ".join(reason.split())
    if status in Action.NEED_REASON and not reason:
        raise ValidationError(
            {
                "reason": "Say why it is stuck"
                if status == Action.Status.STUCK
                else "Say why it will not be done"
            }
        )
    previous = current.status
    current.status = status
    current.reason = reason if status in Action.NEED_REASON else ""
    if previous != status:
        current.status_changed_at = timezone.now()
    current.lock_version += 1
    current.full_clean()
    current.save()
    audit(actor=actor, action="enquiries.action_status", obj=current, status=status)
    text = update_text.strip()
    if text:
        kind = {
            Action.Status.DONE: Update.Kind.WE_DID,
            Action.Status.WONT_DO: Update.Kind.COULD_NOT,
        }.get(Action.Status(status), Update.Kind.PROGRESS)
        update_post(
            actor=actor,
            enquiry=current.enquiry,
            message=current.message,
            action=current,
            kind=kind,
            text=text,
            tell_contributors=tell_contributors,
        )
    return current


@transaction.atomic
def action_delete(*, actor: Any, action: Action) -> None:
    audit(actor=actor, action="enquiries.action_deleted", obj=action)
    action.delete()


# --- Updates ---------------------------------------------------------------------------------------


@transaction.atomic
def update_post(
    *,
    actor: Any,
    text: str,
    enquiry: Enquiry | None = None,
    message: LeaderMessage | None = None,
    action: Action | None = None,
    kind: str = Update.Kind.WE_DID,
    tell_contributors: bool = True,
) -> Update:
    """Post an update. Marked for contributors, it is owed at once to everyone whose words are
    linked (their page shows it; their next digest carries it)."""
    update = Update(
        enquiry=enquiry,
        message=message,
        action=action,
        kind=kind,
        text=text.strip(),
        tell_contributors=tell_contributors,
        written_by=actor,
    )
    if not update.text:
        raise ValidationError({"text": "Write the update"})
    update.full_clean()
    update.save()
    if tell_contributors:
        people = contributor_ids(enquiry=enquiry, message=message if enquiry is None else None)
        now = timezone.now()
        Notice.objects.bulk_create(
            [Notice(person_id=person_id, update=update, created_at=now) for person_id in sorted(people)],
            ignore_conflicts=True,
            batch_size=1000,
        )
        update.told = len(people)
        update.save(update_fields=["told"])
    audit(actor=actor, action="enquiries.update_posted", obj=update, told=update.told)
    return update


@transaction.atomic
def update_delete(*, actor: Any, update: Update) -> None:
    """Take an update back: it leaves people's pages, and digests not yet sent."""
    audit(actor=actor, action="enquiries.update_deleted", obj=update)
    update.delete()


# --- Messages to senior leaders --------------------------------------------------------------------


NOT_A_DRAFT = "This message has been sent, so it can no longer be changed"


def _check_leader(programme_id: int, leader: User | None, organisation: Organisation | None) -> None:
    """A message goes to a current partner or leader of its programme, of one of its organisations."""
    if (
        leader is not None
        and not Membership.objects.filter(
            user=leader, programme_id=programme_id, role=Membership.Role.LEADER, ended_at__isnull=True
        ).exists()
    ):
        raise ValidationError({"leader": "Choose a partner or leader of this programme"})
    if organisation is not None and organisation.programme_id != programme_id:
        raise ValidationError({"leader_organisation": "Choose an organisation of this programme"})


@transaction.atomic
def message_create(
    *,
    actor: Any,
    hub: Hub,
    text: str,
    leader: User | None = None,
    leader_organisation: Organisation | None = None,
    contribution: Contribution | None = None,
) -> LeaderMessage:
    _check_leader(hub.programme_id, leader, leader_organisation)
    message = LeaderMessage(
        programme=hub.programme,
        hub=hub,
        text=text.strip(),
        leader=leader,
        leader_organisation=leader_organisation,
        contribution=contribution,
        created_by=actor,
    )
    message.full_clean()
    message.save()
    audit(actor=actor, action="enquiries.message_created", obj=message)
    return message


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
    _check_leader(current.programme_id, leader, leader_organisation)
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


@transaction.atomic
def message_send(*, actor: Any, message: LeaderMessage) -> LeaderMessage:
    """Send the message to its leader: it appears on their page, and an email tells them so."""
    from django.conf import settings
    from django.urls import reverse

    from sidebyside.notify.services import message_enqueue

    current = (
        LeaderMessage.objects.select_for_update(of=("self",))
        .select_related("leader", "hub")
        .get(pk=message.pk)
    )
    if current.leader is None:
        raise ValidationError({"leader": "Choose the leader to send it to"})
    if current.status != LeaderMessage.Status.DRAFT:
        return current
    current.status, current.sent_at = LeaderMessage.Status.SENT, timezone.now()
    current.save(update_fields=["status", "sent_at", "updated_at"])
    if current.leader.email:
        message_enqueue(
            user=current.leader,
            channel="email",
            to=current.leader.email,
            template="leader_message",
            personalisation={
                "name": current.leader.display_name,
                "hub": current.hub.name,
                "link": settings.SITE_URL.rstrip("/") + reverse("enquiries:message", args=[current.pk]),
            },
        )
    audit(actor=actor, action="enquiries.message_sent", obj=current)
    return current


@transaction.atomic
def message_reply(
    *, actor: Any, message: LeaderMessage, reply: str, commitment: str = "", due_on: Any = None
) -> LeaderMessage:
    """The leader's reply, and any commitment, which becomes an action the leader owns (with their
    organisation), whoever records it. Only a message waiting for a reply takes one."""
    current = (
        LeaderMessage.objects.select_for_update(of=("self",)).select_related("leader").get(pk=message.pk)
    )
    if current.status != LeaderMessage.Status.SENT:
        raise ValidationError(
            "This message has not been sent yet"
            if current.status == LeaderMessage.Status.DRAFT
            else "This message already has a reply"
        )
    reply = reply.strip()
    if not reply:
        raise ValidationError({"reply": "Write your reply"})
    current.reply, current.replied_at, current.replied_by = reply, timezone.now(), actor
    current.status = LeaderMessage.Status.REPLIED
    current.full_clean()
    current.save()
    audit(actor=actor, action="enquiries.message_replied", obj=current)
    if commitment.strip():
        organisation = current.leader_organisation
        action_create(
            actor=actor,
            message=current,
            what=commitment,
            owner=current.leader,
            organisation=organisation,
            due_on=due_on,
        )
    return current


@transaction.atomic
def message_delete(*, actor: Any, message: LeaderMessage) -> None:
    audit(actor=actor, action="enquiries.message_deleted", obj=message)
    message.delete()
