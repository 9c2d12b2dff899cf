"""Themes pages: a programme's themes, asking the machine to suggest some, and reviewing what it
suggested (accept, rename, merge, turn down). Writes go through ``services``; pages work without
JavaScript (htmx only refreshes a run's progress).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sidebyside.accounts.models import User
from sidebyside.core.forms import GovukForm
from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub, Programme
from sidebyside.insights import embeddings, services
from sidebyside.insights.access import get_run_for, get_theme_for, get_themes_programme_for
from sidebyside.insights.models import Tag, Theme, ThemingRun
from sidebyside.voices.models import Contribution

TYPICAL_SHOWN = 3


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def forms_field(form: forms.Form, name: str) -> forms.ModelChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class GatheringChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title}, {obj.hub.name}, {obj.starts_at:%d %b %Y}"


class SuggestForm(GovukForm):
    hub = forms.ModelChoiceField(
        label="Hub (optional)",
        queryset=Hub.objects.none(),
        required=False,
        empty_label="All hubs",
        error_messages={"invalid_choice": "Choose a hub from the list"},
    )
    gathering = GatheringChoiceField(
        label="Gathering (optional)",
        queryset=Gathering.objects.none(),
        required=False,
        empty_label="All gatherings",
        error_messages={"invalid_choice": "Choose a gathering from the list"},
    )
    count_wanted = forms.IntegerField(
        label="About how many themes (optional)",
        required=False,
        min_value=2,
        max_value=30,
        help_text="Leave it empty and the machine chooses, from how many contributions there are.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={
            "invalid": "Enter a number, like 8",
            "min_value": "Ask for 2 themes or more",
            "max_value": "Ask for 30 themes or fewer",
        },
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hubs = Hub.objects.filter(programme=programme, archived_at__isnull=True).order_by("name")
        forms_field(self, "hub").queryset = hubs
        gatherings = forms_field(self, "gathering")
        gatherings.queryset = (
            Gathering.objects.filter(hub__programme=programme, cancelled_at__isnull=True)
            .select_related("hub")
            .order_by("-starts_at")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hub, gathering = data.get("hub"), data.get("gathering")
        if hub is not None and gathering is not None and gathering.hub_id != hub.pk:
            self.add_error(
                "gathering", "That gathering belongs to another hub: choose one of this hub's, or all hubs"
            )
        return data


class ConfirmForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=100,
        error_messages={
            "required": "Enter a name for the theme",
            "max_length": "Keep the name under 100 letters",
        },
    )


class MergeForm(GovukForm):
    target = forms.ModelChoiceField(
        label="Merge into",
        queryset=Theme.objects.none(),
        error_messages={
            "required": "Choose the theme to merge it into",
            "invalid_choice": "Choose a theme from the list",
        },
    )

    def __init__(self, *args: Any, theme: Theme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        forms_field(self, "target").queryset = Theme.objects.filter(
            programme_id=theme.programme_id, status__in=services.LIVE
        ).exclude(pk=theme.pk)


def _confirmed(programme: Programme) -> list[Theme]:
    return list(
        Theme.objects.filter(programme=programme, status=Theme.Status.CONFIRMED)
        .annotate(
            count=Count("tags", filter=Q(tags__confirmed=True)),
            unsure=Count("tags", filter=Q(tags__confirmed=False)),
        )
        .order_by("name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_list(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = get_themes_programme_for(request.user, programme_id)
    can_change = request.user.has_perm("insights.change_themes", programme)
    form = SuggestForm(request.POST or None, programme=programme)
    if request.method == "POST":
        programme = get_themes_programme_for(request.user, programme_id, "change")
        kind = request.POST.get("kind", ThemingRun.Kind.SUGGEST)
        if kind == ThemingRun.Kind.ASSIGN:
            form = SuggestForm(programme=programme)
        if kind == ThemingRun.Kind.ASSIGN or form.is_valid():
            scope = (
                {} if kind == ThemingRun.Kind.ASSIGN else {k: v for k, v in form.cleaned_data.items() if v}
            )
            try:
                run = services.theming_run_start(
                    actor=_actor(request), programme=programme, kind=kind, **scope
                )
            except ValidationError as error:
                form.add_error(None, error.messages[0])
            else:
                return redirect("insights:run", run_id=run.pk)
    return render(
        request,
        "insights/themes.html",
        {
            "programme": programme,
            "themes": _confirmed(programme),
            "runs": ThemingRun.objects.filter(programme=programme).select_related("created_by")[:10],
            "form": form,
            "can_change": can_change,
            "model_missing": embeddings.located().reason,
        },
    )


@login_required
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_run_for(request.user, run_id)
    running = run.state in (ThemingRun.State.QUEUED, ThemingRun.State.RUNNING)
    suggested = list(
        Theme.objects.filter(run=run, status=Theme.Status.SUGGESTED)
        .annotate(count=Count("tags"))
        .order_by("-count", "pk")
    )
    # The first few tags of each theme are its most typical contributions (stored in that order).
    first = (
        Tag.objects.filter(theme__in=suggested)
        .annotate(place=Window(RowNumber(), partition_by=F("theme_id"), order_by=F("pk").asc()))
        .filter(place__lte=TYPICAL_SHOWN)
        .select_related("contribution")
        .order_by("theme_id", "pk")
    )
    quotes: dict[int, list[Contribution]] = {}
    for tag in first:
        quotes.setdefault(tag.theme_id, []).append(tag.contribution)
    for theme in suggested:
        theme.quotes = quotes.get(theme.pk, [])  # type: ignore[attr-defined]
    targets = list(Theme.objects.filter(programme=run.programme, status__in=services.LIVE).order_by("name"))
    context = {
        "run": run,
        "programme": run.programme,
        "running": running,
        "suggested": suggested,
        "targets": targets,
        "can_change": request.user.has_perm("insights.change_themes", run.programme),
        "model_missing": embeddings.located().reason if run.embedder == "lexical" else "",
    }
    if request.htmx:  # type: ignore[attr-defined]
        if running:
            return render(request, "insights/run.html#progress", context)
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # finished: show the whole page with what it found
        return response
    return render(request, "insights/run.html", context)


def _back_to_run(theme: Theme) -> HttpResponse:
    if theme.run_id:
        return redirect("insights:run", run_id=theme.run_id)
    return redirect("insights:themes", programme_id=theme.programme_id)


@login_required
@require_POST
def theme_confirm(request: HttpRequest, theme_id: int) -> HttpResponse:
    theme = get_theme_for(request.user, theme_id, "change")
    form = ConfirmForm(request.POST, prefix=f"confirm-{theme.pk}")
    if form.is_valid():
        try:
            services.theme_confirm(actor=_actor(request), theme=theme, name=form.cleaned_data["name"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"Theme accepted: {form.cleaned_data['name']}")
    else:
        messages.error(request, next(iter(form.errors.values()))[0])
    return _back_to_run(theme)


@login_required
@require_POST
def theme_reject(request: HttpRequest, theme_id: int) -> HttpResponse:
    theme = get_theme_for(request.user, theme_id, "change")
    try:
        services.theme_reject(actor=_actor(request), theme=theme)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, f"Suggestion turned down: {theme.name}. Its contributions are not in any theme"
        )
    return _back_to_run(theme)


@login_required
@require_POST
def theme_merge(request: HttpRequest, theme_id: int) -> HttpResponse:
    theme = get_theme_for(request.user, theme_id, "change")
    form = MergeForm(request.POST, theme=theme, prefix=f"merge-{theme.pk}")
    if form.is_valid():
        target = form.cleaned_data["target"]
        try:
            services.theme_merge(actor=_actor(request), source=theme, target=target)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"Merged {theme.name} into {target.name}")
    else:
        messages.error(request, next(iter(form.errors.values()))[0])
    return _back_to_run(theme)
