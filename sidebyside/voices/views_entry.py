"""Rapid entry: a facilitator types up sticky notes or paper notes, one note a line.

One POST stores every line in one INSERT (``services_entry.contributions_enter``), so 30 notes
a minute is easy. The gathering, question and source chosen are remembered in the session
between sends. The form carries a UUID made when it was drawn; each line's UUID comes from it
and the line's number, so sending the same form twice stores each note once.

Works without JavaScript; ``rapid-entry.js`` adds Ctrl+Enter to send, keeps the focus in the
box, and counts the notes as they are typed.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sidebyside.core.forms import GovukForm
from sidebyside.core.params import row_id
from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub
from sidebyside.voices import access
from sidebyside.voices.models import Contribution, Prompt
from sidebyside.voices.services_entry import (
    MAX_LINES,
    UNDO_MINUTES,
    EntryError,
    Line,
    NotAllowed,
    contribution_undo,
    contributions_enter,
    parse_lines,
    undo_until,
)

RECENT_DAYS = 120  # gatherings offered: those of the last few months and the next week
JUST_ADDED = 50
C = Contribution.Channel


def _session_key(hub: Hub) -> str:
    return f"voices.entry.{hub.pk}"


class GatheringChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} – {timezone.localtime(obj.starts_at):%-d %B %Y}"


class EntryForm(GovukForm):
    lines = forms.CharField(
        label="Notes, one on each line",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "true", "autocomplete": "off"}),
        help_text=(
            "Each line becomes one note. To tag a note, end its line with words starting with #, "
            "for example: More buses in the evening #transport. "
            f"Up to {MAX_LINES} notes at a time."
        ),
    )
    gathering = GatheringChoice(
        label="Gathering (optional)", queryset=Gathering.objects.none(), required=False, empty_label="None"
    )
    prompt = forms.ModelChoiceField(
        label="Question they answered (optional)",
        queryset=Prompt.objects.none(),
        required=False,
        empty_label="None",
    )
    channel = forms.ChoiceField(
        label="Where are these notes from?",
        choices=[
            (C.FACILITATOR, "Typed up in the room, for example from sticky notes"),
            (C.PAPER, "From paper notes or forms"),
        ],
        widget=forms.RadioSelect,
        initial=C.FACILITATOR,
        error_messages={
            "required": "Choose where the notes are from",
            "invalid_choice": "Choose where the notes are from",
        },
    )
    form_uuid = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, hub: Hub, wanted_gathering: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        now = timezone.now()
        recent = Q(starts_at__gte=now - datetime.timedelta(days=RECENT_DAYS)) & Q(
            starts_at__lte=now + datetime.timedelta(days=7)
        )
        if wanted_gathering:
            recent |= Q(pk=wanted_gathering)
        gathering_field: Any = self.fields["gathering"]
        gathering_field.queryset = Gathering.objects.filter(
            recent, hub=hub, cancelled_at__isnull=True
        ).order_by("-starts_at")
        gathering_field.error_messages["invalid_choice"] = "Choose a gathering from the list"
        prompt_field: Any = self.fields["prompt"]
        prompt_field.queryset = Prompt.objects.filter(programme_id=hub.programme_id, archived_at__isnull=True)
        prompt_field.error_messages["invalid_choice"] = "Choose a question from the list"
        self.parsed: list[Line] = []

    def clean_lines(self) -> str:
        text = self.cleaned_data.get("lines") or ""
        try:
            self.parsed = parse_lines(text)
        except EntryError as error:
            raise forms.ValidationError(str(error)) from None
        return text

    def clean_form_uuid(self) -> uuid.UUID | None:
        try:
            return uuid.UUID(str(self.cleaned_data.get("form_uuid") or ""))
        except ValueError:
            # A page that lost its key: give it a new one; the notes stay in the box.
            data: Any = self.data.copy()  # type: ignore[attr-defined]
            data["form_uuid"] = str(uuid.uuid4())
            self.data = data
            return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "form_uuid" in cleaned and cleaned["form_uuid"] is None:
            raise forms.ValidationError("Something went wrong with this page: press “Add notes” again")
        return cleaned


def _remembered(request: HttpRequest, hub: Hub) -> dict[str, Any]:
    saved = request.session.get(_session_key(hub), {})
    initial = {
        "gathering": saved.get("gathering"),
        "prompt": saved.get("prompt"),
        "channel": saved.get("channel") or C.FACILITATOR,
        "form_uuid": str(uuid.uuid4()),
    }
    if (wanted := row_id(request.GET.get("gathering"))) is not None:
        initial["gathering"] = wanted
    return initial


def _just_added(request: HttpRequest, hub: Hub) -> list[Contribution]:
    return list(
        Contribution.objects.filter(hub=hub, entered_by_id=request.user.pk, created_at__gte=undo_until())
        .select_related("prompt")
        .order_by("-created_at", "-pk")[:JUST_ADDED]
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest, hub_id: int) -> HttpResponse:
    hub = access.get_voices_hub_for(request.user, hub_id, "enter")
    initial = _remembered(request, hub)
    wanted = initial["gathering"] if isinstance(initial["gathering"], int) else None
    if request.method == "POST":
        form = EntryForm(
            request.POST, hub=hub, initial=initial, wanted_gathering=row_id(request.POST.get("gathering"))
        )
        if form.is_valid():
            data = form.cleaned_data
            gathering, prompt = data["gathering"], data["prompt"]
            stored = contributions_enter(
                actor=request.user,
                hub=hub,
                form_uuid=data["form_uuid"],
                lines=form.parsed,
                channel=data["channel"],
                gathering=gathering,
                prompt=prompt,
            )
            request.session[_session_key(hub)] = {
                "gathering": getattr(gathering, "pk", None),
                "prompt": getattr(prompt, "pk", None),
                "channel": data["channel"],
            }
            if stored:
                messages.success(request, f"{stored} note{'s' if stored != 1 else ''} added")
            else:
                messages.success(request, "Those notes were already added: nothing was added twice")
            return redirect(reverse("voices:entry", kwargs={"hub_id": hub.pk}))
    else:
        form = EntryForm(hub=hub, initial=initial, wanted_gathering=wanted)
    gathering_id = form["gathering"].value()
    return render(
        request,
        "voices/entry/entry.html",
        {
            "hub": hub,
            "form": form,
            "just_added": _just_added(request, hub),
            "undo_minutes": UNDO_MINUTES,
            "wall_gathering": row_id(gathering_id),
        },
    )


@login_required
@require_POST
def entry_undo(request: HttpRequest, contribution_id: int) -> HttpResponse:
    contribution = access.get_contribution_for(request.user, contribution_id, "enter")
    hub_id = contribution.hub_id
    try:
        contribution_undo(actor=request.user, contribution=contribution)
    except NotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Note taken back: it has been deleted")
    return redirect(reverse("voices:entry", kwargs={"hub_id": hub_id}))
