"""Messages to senior leaders: a hub writes a message for a named partner or leader, sends it, and
the leader replies here, perhaps with a commitment, which is then followed like any action.

Who sees what: a hub's staff (and the programme's admins) write, change, send and delete their
hubs' messages. A leader sees only the messages sent to them: a draft is not yet theirs, so a
leader gets "not found" for it. Members never see these pages. Leaders never see anyone's
personal details: a message carries no author, and the contribution it came from is not shown.
Objects come through ``access``; writes go through ``services``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sidebyside.accounts.models import User
from sidebyside.core.forms import add_service_errors
from sidebyside.enquiries import access, services
from sidebyside.enquiries.forms_messages import (
    STATUS_LABELS,
    CommitmentStatusForm,
    FilterForm,
    MessageForm,
    ReplyForm,
)
from sidebyside.enquiries.models import RAG_LABELS, LeaderMessage
from sidebyside.hubs.models import Hub, Membership, Programme
from sidebyside.hubs.roles import roles_of

R = Membership.Role
Status = LeaderMessage.Status
FIRST_LINE = 100


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _is_staff(user: Any, message: LeaderMessage) -> bool:
    """Writes and sends this message: the hub's staff and the programme's admins."""
    return bool(user.has_perm("enquiries.write_messages", message.hub))


def _message_for(
    user: Any, message_id: int, need: Literal["view", "change", "reply"] = "view"
) -> LeaderMessage:
    """``access.get_message_for``, and a draft is not yet the leader's: they get 404 for it."""
    message = access.get_message_for(user, message_id)
    if message.status == Status.DRAFT and not _is_staff(user, message):
        raise Http404
    if need != "view":
        access.get_message_for(user, message_id, need)
    return message


def _run_hub_ids(user: Any, programme: Programme) -> list[int] | None:
    """The programme's hubs whose messages this user writes: ``None`` for its admins (every hub)."""
    roles = roles_of(user)
    if R.PROGRAMME_ADMIN in roles.programme_roles.get(programme.pk, frozenset()):
        return None
    return [
        hub_id
        for hub_id, programme_id in roles.hub_programme.items()
        if programme_id == programme.pk and roles.in_hub(hub_id) & {R.COORDINATOR, R.FACILITATOR}
    ]


def visible_messages(user: Any, programme: Programme) -> QuerySet[LeaderMessage]:
    """The programme's messages this user may see: all for its admins; those of the hubs they run
    for hub staff; for a leader, those sent to them."""
    found = LeaderMessage.objects.filter(programme=programme)
    run = _run_hub_ids(user, programme)
    if run is None:
        return found
    mine = Q(leader_id=user.pk, status__in=[Status.SENT, Status.REPLIED])
    return found.filter(Q(hub_id__in=run) | mine) if run else found.filter(mine)


def _first_line(text: str) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= FIRST_LINE else line[: FIRST_LINE - 1].rstrip() + "…"


def _writable_hubs(user: Any, programme: Programme) -> QuerySet[Hub]:
    hubs = Hub.objects.filter(programme=programme, archived_at__isnull=True).order_by("name")
    run = _run_hub_ids(user, programme)
    return hubs if run is None else hubs.filter(pk__in=run)


# --- The list --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def message_list(request: HttpRequest, programme_id: int) -> HttpResponse:
    user = request.user
    programme = access.get_enquiries_programme_for(user, programme_id, "messages")
    visible = visible_messages(user, programme)
    roles = roles_of(user).in_programme(programme.pk)
    writes = bool(roles & {R.PROGRAMME_ADMIN, R.COORDINATOR, R.FACILITATOR})
    statuses: list[str] = list(Status.values) if writes else [Status.SENT.value, Status.REPLIED.value]
    hubs = Hub.objects.filter(pk__in=visible.values("hub_id")).order_by("name")
    form = FilterForm(request.GET or None, hubs=hubs, statuses=statuses)
    shown = visible.filter(status__in=statuses)
    if form.is_bound and form.is_valid():
        if form.cleaned_data["hub"] is not None:
            shown = shown.filter(hub=form.cleaned_data["hub"])
        if form.cleaned_data["status"]:
            shown = shown.filter(status=form.cleaned_data["status"])
    rows = list(shown.select_related("hub", "leader", "leader_organisation").order_by("-created_at", "-pk"))
    groups: dict[str, list[LeaderMessage]] = {status: [] for status in statuses}
    for message in rows:
        message.first_line = _first_line(message.text)  # type: ignore[attr-defined]
        message.can_reply = (  # type: ignore[attr-defined]
            message.status == Status.SENT and message.leader_id == user.pk
        )
        groups[message.status].append(message)
    return render(
        request,
        "enquiries/messages/list.html",
        {
            "programme": programme,
            "form": form,
            "groups": [(STATUS_LABELS[status], status, groups[status]) for status in statuses],
            "total": len(rows),
            "writes": writes,
            "my_hubs": list(_writable_hubs(user, programme)) if writes else [],
        },
    )


# --- Writing, changing, sending and deleting a message ---------------------------------------------


def _write(
    request: HttpRequest,
    form: MessageForm,
    write: Callable[[dict[str, Any]], LeaderMessage],
    *,
    sending: bool,
    saved: str,
) -> HttpResponse | None:
    """Save the message (``write``) and, with "Save and send", send it: both or neither. A redirect to
    the message when done; None (with the errors on the form) when not."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        with transaction.atomic():
            message = write(form.cleaned_data)
            if sending:
                message = services.message_send(actor=_actor(request), message=message)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    flash.success(request, "Message sent. The leader has been emailed a link to it" if sending else saved)
    return redirect("enquiries:message", message_id=message.pk)


@login_required
@require_http_methods(["GET", "POST"])
def message_add(request: HttpRequest, hub_id: int) -> HttpResponse:
    hub = access.get_messages_hub_for(request.user, hub_id)
    sending = "send" in request.POST
    form = MessageForm(request.POST or None, programme=hub.programme, sending=sending)
    done = _write(
        request,
        form,
        lambda data: services.message_create(
            actor=_actor(request),
            hub=hub,
            text=data["text"],
            leader=data["leader"],
            leader_organisation=data["leader_organisation"],
        ),
        sending=sending,
        saved="Message saved as a draft. It has not been sent yet",
    )
    return done or render(
        request,
        "enquiries/messages/form.html",
        {"form": form, "hub": hub, "programme": hub.programme, "message": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def message_edit(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _message_for(request.user, message_id, "change")
    if message.status != Status.DRAFT:
        flash.error(request, services.NOT_A_DRAFT)
        return redirect("enquiries:message", message_id=message.pk)
    sending = "send" in request.POST
    initial = {
        "text": message.text,
        "leader": message.leader_id,
        "leader_organisation": message.leader_organisation_id,
    }
    form = MessageForm(request.POST or None, initial=initial, programme=message.programme, sending=sending)
    done = _write(
        request,
        form,
        lambda data: services.message_update(
            actor=_actor(request),
            message=message,
            text=data["text"],
            leader=data["leader"],
            leader_organisation=data["leader_organisation"],
        ),
        sending=sending,
        saved="Draft saved. It has not been sent yet",
    )
    return done or render(
        request,
        "enquiries/messages/form.html",
        {"form": form, "hub": message.hub, "programme": message.programme, "message": message},
    )


@login_required
@require_POST
def message_send(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _message_for(request.user, message_id, "change")
    if message.status != Status.DRAFT:
        flash.info(request, "This message was already sent")
        return redirect("enquiries:message", message_id=message.pk)
    try:
        services.message_send(actor=_actor(request), message=message)
    except ValidationError as error:
        flash.error(request, error.messages[0])
        return redirect("enquiries:message_edit", message_id=message.pk)
    flash.success(request, "Message sent. The leader has been emailed a link to it")
    return redirect("enquiries:message", message_id=message.pk)


@login_required
@require_http_methods(["GET", "POST"])
def message_delete(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _message_for(request.user, message_id, "change")
    if message.status == Status.REPLIED:
        # The reply and any commitment are a record the hub keeps.
        flash.error(request, "The leader has replied to this message, so it cannot be deleted")
        return redirect("enquiries:message", message_id=message.pk)
    if request.method == "POST":
        programme_id = message.programme_id
        services.message_delete(actor=_actor(request), message=message)
        flash.success(request, "Message deleted")
        return redirect("enquiries:messages", programme_id=programme_id)
    return render(
        request,
        "enquiries/messages/delete.html",
        {"message": message, "programme": message.programme, "first_line": _first_line(message.text)},
    )


# --- The message, and the leader's reply -----------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def message_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    user = request.user
    message = _message_for(user, message_id)
    staff = _is_staff(user, message)
    is_leader = message.leader_id is not None and message.leader_id == user.pk
    commitments = list(message.commitments.select_related("organisation").order_by("due_on", "pk"))
    for commitment in commitments:
        commitment.rag_label = RAG_LABELS[commitment.rag()]  # type: ignore[attr-defined]
    return render(
        request,
        "enquiries/messages/detail.html",
        {
            "message": message,
            "programme": message.programme,
            "staff": staff,
            "is_leader": is_leader,
            "can_reply": message.status == Status.SENT and user.has_perm("enquiries.reply_message", message),
            "can_change_commitments": staff or is_leader,
            "commitments": commitments,
            "updates": list(message.updates.select_related("action").order_by("-created_at", "-pk")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def message_reply(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _message_for(request.user, message_id, "reply")
    if message.status == Status.DRAFT:
        flash.error(request, "This message has not been sent yet, so there is nothing to reply to")
        return redirect("enquiries:message", message_id=message.pk)
    if message.status == Status.REPLIED:
        flash.info(request, "This message already has a reply")
        return redirect("enquiries:message", message_id=message.pk)
    is_leader = message.leader_id == request.user.pk
    form = ReplyForm(request.POST or None, by_leader=is_leader)
    past_warning = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if form.past_due():
            past_warning = True  # a warning, not a refusal: confirm the date and send again
        else:
            try:
                services.message_reply(
                    actor=_actor(request),
                    message=message,
                    reply=data["reply"],
                    commitment=data["commitment"],
                    due_on=data["due_on"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                flash.success(
                    request,
                    "Reply sent. The hub can see it now"
                    if is_leader
                    else "Reply saved. The hub can see it now",
                )
                return redirect("enquiries:message", message_id=message.pk)
    return render(
        request,
        "enquiries/messages/reply.html",
        {
            "form": form,
            "message": message,
            "programme": message.programme,
            "past_warning": past_warning,
            "is_leader": is_leader,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_status(request: HttpRequest, message_id: int, action_id: int) -> HttpResponse:
    message = _message_for(request.user, message_id)
    action = access.get_action_for(request.user, action_id, "update")
    if action.message_id != message.pk:
        raise Http404
    initial = {"status": action.status, "reason": action.reason, "lock_version": action.lock_version}
    form = CommitmentStatusForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_set_status(
                actor=_actor(request),
                action=action,
                status=data["status"],
                reason=data["reason"],
                update_text=data["update_text"],
                tell_contributors=True,
                lock_version=data["lock_version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(request, "Commitment updated")
            return redirect("enquiries:message", message_id=message.pk)
    return render(
        request,
        "enquiries/messages/commitment_status.html",
        {"form": form, "message": message, "programme": message.programme, "action": action},
    )
