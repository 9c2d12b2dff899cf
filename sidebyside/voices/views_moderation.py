"""Checking what people said before it is shown, and safeguarding.

The queue per hub lists what waits to be checked and what raised a concern; each contribution
can be allowed, hidden, have personal details removed, or raise a safeguarding concern. All
fetch through ``voices.access`` and write through ``voices.services_moderation``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sidebyside.core.audit import audit
from sidebyside.people.forms import carry_version
from sidebyside.voices import services_moderation as services
from sidebyside.voices.access import get_contribution_for, get_voices_hub_for
from sidebyside.voices.forms_moderation import ActionForm, ConcernForm, LeadForm, RemoveWordsForm
from sidebyside.voices.models import Contribution

State = Contribution.State
CHANGED = (
    "Someone else acted on this contribution while you were looking at it. "
    "Check what it says now, then choose again"
)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _back(contribution: Contribution, back: str) -> HttpResponse:
    if back == "contribution":
        return redirect("voices:contribution", contribution_id=contribution.pk)
    return redirect("voices:moderation_queue", hub_id=contribution.hub_id)


# --- The queue -------------------------------------------------------------------------------


@login_required
@require_GET
def moderation_queue(request: HttpRequest, hub_id: int) -> HttpResponse:
    hub = get_voices_hub_for(request.user, hub_id, "moderate")
    waiting = services.waiting(hub)
    return render(
        request,
        "voices/moderation/queue.html",
        {
            "hub": hub,
            "waiting": list(waiting[: services.QUEUE_SIZE]),
            "waiting_count": waiting.count(),
            "flagged": list(services.flagged(hub)[: services.QUEUE_SIZE]),
            "lead": services.lead_of(hub),
            "may_set_lead": request.user.has_perm("voices.set_safeguarding_lead", hub),
            "flagged_days": services.FLAGGED_DAYS,
        },
    )


# --- One contribution ------------------------------------------------------------------------


@login_required
@require_GET
def contribution_detail(request: HttpRequest, contribution_id: int) -> HttpResponse:
    contribution = get_contribution_for(request.user, contribution_id, "view")
    user: Any = request.user
    may_see_original = bool(contribution.original) and user.has_perm("voices.view_original", contribution)
    show_original = may_see_original and request.GET.get("show") == "original"
    if show_original:
        audit(
            actor=user,
            action="voices.original_viewed",
            obj=contribution,
            subject=contribution.author.user if contribution.author else None,
            hub_id=contribution.hub_id,
        )
    return render(
        request,
        "voices/moderation/contribution.html",
        {
            "contribution": contribution,
            "hub": contribution.hub,
            "may_moderate": user.has_perm("voices.moderate", contribution),
            "may_see_original": may_see_original,
            "original": contribution.original if show_original else None,
            "redacted_by": contribution.redacted_by,
            "safeguarding_by": contribution.safeguarding_by,
            "lead": services.lead_of(contribution.hub),
            "may_set_lead": user.has_perm("voices.set_safeguarding_lead", contribution.hub),
        },
    )


def _decide(request: HttpRequest, contribution_id: int, state: str, done: str) -> HttpResponse:
    contribution = get_contribution_for(request.user, contribution_id, "moderate")
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, CHANGED)
        return _back(contribution, "queue")
    try:
        services.contribution_moderate(
            actor=request.user,
            contribution=contribution,
            state=state,
            expected_version=form.cleaned_data["version"],
        )
    except services.Changed:
        messages.error(request, CHANGED)
    else:
        messages.success(request, done)
    return _back(contribution, form.cleaned_data.get("back") or "queue")


@login_required
@require_POST
def contribution_allow(request: HttpRequest, contribution_id: int) -> HttpResponse:
    return _decide(
        request, contribution_id, State.SHOWN, "Allowed: it can be shown on the wall and in reports"
    )


@login_required
@require_POST
def contribution_hide(request: HttpRequest, contribution_id: int) -> HttpResponse:
    return _decide(
        request, contribution_id, State.HIDDEN, "Hidden: it will not be shown on the wall or in reports"
    )


@login_required
@require_POST
def contribution_redact(request: HttpRequest, contribution_id: int) -> HttpResponse:
    contribution = get_contribution_for(request.user, contribution_id, "moderate")
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, CHANGED)
        return _back(contribution, "queue")
    try:
        _, found = services.contribution_redact(
            actor=request.user, contribution=contribution, expected_version=form.cleaned_data["version"]
        )
    except services.Changed:
        messages.error(request, CHANGED)
    except services.NothingFound:
        messages.info(
            request, "No phone numbers, email addresses or names of the hub's people were found in it"
        )
    else:
        messages.success(request, f"Personal details removed ({found.found} in all)")
    return _back(contribution, form.cleaned_data.get("back") or "queue")


@login_required
@require_http_methods(["GET", "POST"])
def contribution_remove_words(request: HttpRequest, contribution_id: int) -> HttpResponse:
    """Take out, by hand, words that would tell who someone is and that "Remove personal
    details" does not know (a nickname, an address, a place)."""
    contribution = get_contribution_for(request.user, contribution_id, "moderate")
    back = request.GET.get("back") if request.method == "GET" else request.POST.get("back")
    form = RemoveWordsForm(
        _posted(request),
        text=contribution.text,
        initial={"version": contribution.lock_version, "back": back if back == "queue" else "contribution"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            _, found = services.contribution_remove_words(
                actor=request.user,
                contribution=contribution,
                phrases=form.cleaned_data["words"],
                expected_version=form.cleaned_data["version"],
            )
        except services.Changed:
            form.add_error(None, CHANGED)
            contribution = Contribution.objects.get(pk=contribution.pk)
            form.text = contribution.text  # checked against the words as they are now
            carry_version(form, "version", contribution.lock_version)
        except services.NothingFound:  # only if the words changed between the check and the lock
            form.add_error("words", "Those words are no longer in what was said")
        else:
            places = "1 place" if found.words == 1 else f"{found.words} places"
            messages.success(request, f"Words taken out ({places})")
            return _back(contribution, form.cleaned_data.get("back") or "contribution")
    return render(
        request,
        "voices/moderation/remove_words.html",
        {"form": form, "contribution": contribution, "hub": contribution.hub},
    )


@login_required
@require_http_methods(["GET", "POST"])
def contribution_safeguarding(request: HttpRequest, contribution_id: int) -> HttpResponse:
    contribution = get_contribution_for(request.user, contribution_id, "moderate")
    back = request.GET.get("back") if request.method == "GET" else request.POST.get("back")
    form = ConcernForm(
        _posted(request),
        initial={"version": contribution.lock_version, "back": back if back == "contribution" else "queue"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            _, told = services.contribution_flag_safeguarding(
                actor=request.user,
                contribution=contribution,
                concern=form.cleaned_data["concern"],
                expected_version=form.cleaned_data["version"],
            )
        except services.Changed:
            form.add_error(None, CHANGED)
            carry_version(form, "version", Contribution.objects.get(pk=contribution.pk).lock_version)
        else:
            if told:
                messages.success(
                    request, "Concern raised: it is hidden, and the safeguarding lead has been told"
                )
            else:
                messages.error(
                    request,
                    "Concern raised and the contribution hidden, but nobody has been told: "
                    "this hub has no safeguarding lead who can be reached. Tell your safeguarding lead yourself now",
                )
            return _back(contribution, form.cleaned_data.get("back") or "queue")
    lead = services.lead_of(contribution.hub)
    return render(
        request,
        "voices/moderation/safeguarding.html",
        {
            "form": form,
            "contribution": contribution,
            "hub": contribution.hub,
            "lead": lead,
            "lead_reachable": services.lead_contact(lead) is not None,
            "may_set_lead": request.user.has_perm("voices.set_safeguarding_lead", contribution.hub),
        },
    )


# --- The hub's safeguarding lead -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def safeguarding_lead(request: HttpRequest, hub_id: int) -> HttpResponse:
    hub = get_voices_hub_for(request.user, hub_id, "safeguarding_lead")
    lead = services.lead_of(hub)
    staff = services.hub_staff(hub)
    form = LeadForm(_posted(request), staff=staff, initial={"user": lead.user_id if lead else None})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["user"]
        services.safeguarding_lead_set(actor=request.user, hub=hub, user=chosen)
        messages.success(request, f"{chosen.full_name} is now the safeguarding lead for {hub.name}")
        return redirect("voices:moderation_queue", hub_id=hub.pk)
    unreachable = [u for u in staff if not u.email and not getattr(getattr(u, "person", None), "phone", "")]
    return render(
        request,
        "voices/moderation/safeguarding_lead.html",
        {"form": form, "hub": hub, "lead": lead, "has_staff": staff.exists(), "unreachable": unreachable},
    )
