"""Themes pages: a programme's themes, asking the machine to suggest some, and reviewing what it
suggested (accept, rename, merge, turn down). Writes go through ``services``; pages work without
JavaScript (htmx only refreshes a run's progress).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q, QuerySet, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sidebyside.accounts.models import User
from sidebyside.core.forms import GovukDateField, GovukForm, add_service_errors
from sidebyside.core.params import row_ids, search_words
from sidebyside.core.sealed import ENDED, SEALED, EndedSearch, kept_query, opened, seal, sealed_address
from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub, Programme
from sidebyside.insights import drawing, embeddings, reports, services, tallies
from sidebyside.insights.access import (
    get_run_for,
    get_tag_for,
    get_theme_for,
    get_themes_programme_for,
    readable_hubs,
)
from sidebyside.insights.engine.embedders import with_pairs
from sidebyside.insights.engine.text import words_with_breaks
from sidebyside.insights.engine.themes import NothingToTheme, similar, suggest
from sidebyside.insights.models import Tag, Theme, ThemingRun
from sidebyside.voices.models import Contribution
from sidebyside.voices.search import highlights, search

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


class OtherThemeForm(GovukForm):
    """Choose another theme of the same programme that is suggested or confirmed."""

    target = forms.ModelChoiceField(queryset=Theme.objects.none())
    target_label = "Another theme"
    required_message = "Choose a theme"

    def __init__(self, *args: Any, theme: Theme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = forms_field(self, "target")
        field.label = self.target_label
        field.error_messages = {
            **field.error_messages,
            "required": self.required_message,
            "invalid_choice": "Choose a theme from the list",
        }
        field.queryset = Theme.objects.filter(
            programme_id=theme.programme_id, status__in=services.LIVE
        ).exclude(pk=theme.pk)


class MergeForm(OtherThemeForm):
    target_label = "Merge into"
    required_message = "Choose the theme to merge it into"


def _confirmed(programme: Programme) -> list[Theme]:
    return list(
        Theme.objects.filter(programme=programme, status=Theme.Status.CONFIRMED)
        .annotate(count=F("tag_count"), unsure=F("unsure_count"))
        .order_by("name")
    )


def _runs_with_suggestions(programme: Programme) -> list[ThemingRun]:
    """The runs whose suggested themes still wait for a person to accept, merge or turn them down,
    newest first, each with how many (``waiting``)."""
    left = Q(themes__status=Theme.Status.SUGGESTED)
    return list(
        ThemingRun.objects.filter(programme=programme)
        .annotate(waiting=Count("themes", filter=left))
        .filter(waiting__gt=0)
        .order_by("-created_at", "-pk")
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
            "waiting": _runs_with_suggestions(programme),
            "runs": ThemingRun.objects.filter(programme=programme).select_related("created_by")[:10],
            "form": form,
            "can_change": can_change,
            "model_missing": embeddings.for_pages().reason,
        },
    )


@login_required
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_run_for(request.user, run_id)
    running = run.state in (ThemingRun.State.QUEUED, ThemingRun.State.RUNNING)
    suggested = list(
        Theme.objects.filter(run=run, status=Theme.Status.SUGGESTED)
        .select_related("looks_like")
        .annotate(count=Count("tags"))
        .order_by("-count", "pk")
    )
    # The first few tags of each theme are its most typical contributions (stored in that order).
    readable = Tag.objects.filter(theme__in=suggested)
    hubs = readable_hubs(request.user, run.programme_id)
    if hubs is not None:  # quotes only from hubs this person runs
        readable = readable.filter(contribution__hub_id__in=hubs)
    first = (
        readable.annotate(place=Window(RowNumber(), partition_by=F("theme_id"), order_by=F("pk").asc()))
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
        "model_missing": embeddings.for_pages().reason if run.embedder == "lexical" else "",
        "run_limit": services.RUN_LIMIT,
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


# --- One theme: its contributions, moving them, and changing the theme ---------------------------

PER_PAGE = 50
UNDO_KEY = "insights_undo"
# The machine's unchecked tags first, surest first (the index insights_tag_theme_page).
UNSURE_FIRST = Coalesce(F("confidence"), Value(-1.0)).desc()


class ThemeForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=100,
        error_messages={
            "required": "Enter a name for the theme",
            "max_length": "Keep the name under 100 letters",
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What belongs in this theme, in a sentence or two. It also helps the machine sort.",
        error_messages={"max_length": "Keep the description under 2,000 letters"},
    )
    colour = forms.ChoiceField(label="Colour", choices=Theme.Colour.choices, widget=forms.RadioSelect)
    parent = forms.ModelChoiceField(
        label="Sits under (optional)",
        queryset=Theme.objects.none(),
        required=False,
        empty_label="Nothing: a main theme",
        error_messages={"invalid_choice": "Choose a main theme from the list"},
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, theme: Theme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        forms_field(self, "parent").queryset = Theme.objects.filter(
            programme_id=theme.programme_id, status=Theme.Status.CONFIRMED, parent__isnull=True
        ).exclude(pk=theme.pk)


class NewThemeForm(ThemeForm):
    """A theme made by hand: the same questions, with main themes of the programme to sit under."""

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        GovukForm.__init__(self, *args, **kwargs)  # not ThemeForm's: there is no theme yet
        del self.fields["lock_version"]
        self.fields["colour"].initial = least_used_colour(programme)
        forms_field(self, "parent").queryset = Theme.objects.filter(
            programme=programme, status=Theme.Status.CONFIRMED, parent__isnull=True
        ).order_by("name")


def least_used_colour(programme: Programme) -> str:
    """The colour the fewest of the programme's live themes have (the first of those in the
    list), so a theme made by hand stands apart in the pictures unless someone chooses otherwise."""
    used = Counter(
        Theme.objects.filter(programme=programme, status__in=services.LIVE).values_list("colour", flat=True)
    )
    return min(Theme.Colour.values, key=lambda colour: (used[colour], Theme.Colour.values.index(colour)))


class MoveForm(OtherThemeForm):
    target_label = "Move to"
    required_message = "Choose the theme to move it to"


def _why(text: str, keyphrases: list[str]) -> list[str]:
    """The theme's keyphrases this contribution uses: why the machine put it here."""
    found = set(with_pairs(words_with_breaks(text)))
    return [phrase for phrase in keyphrases if phrase in found]


def _theme_tags(user: Any, theme: Theme) -> tuple[QuerySet[Tag], int]:
    """The theme's tags this user may read, and how many more there are in hubs they do not run."""
    tags = Tag.objects.filter(theme=theme)
    hubs = readable_hubs(user, theme.programme_id)
    if hubs is None:
        return tags, 0
    readable = tags.filter(contribution__hub_id__in=hubs)
    return readable, tags.exclude(contribution__hub_id__in=hubs).count()


def _remember_undo(
    request: HttpRequest, *, page: Theme, was: services.TagState, now_in: int | None, said: str
) -> None:
    """What the theme's page offers to undo (once): a tag as it was, and where it went."""
    request.session[UNDO_KEY] = {"page": page.pk, "was": was.as_dict(), "now_in": now_in, "said": said}


def _undo_for(request: HttpRequest, theme: Theme) -> dict[str, Any] | None:
    undo = request.session.get(UNDO_KEY)
    return undo if undo and undo.get("page") == theme.pk else None


@dataclass
class SplitProblem:
    """What was wrong with a split someone asked for, with what they chose and typed, to show
    again beside the error. ``errors`` is there for base.html, which starts the title of a page
    with errors with "Error:"."""

    message: str
    field: str  # "name" or "chosen"
    name: str
    chosen: set[int]
    group: int | None = None  # the suggestion page's group it came from; None: the theme's page
    anchor: str = ""  # the id of the field the error summary links to
    errors: bool = True


@login_required
@require_http_methods(["GET", "POST"])
def theme_detail(request: HttpRequest, theme_id: int) -> HttpResponse:
    """The theme's page. Its search is posted and answered with this page's address, the words
    sealed (``core.sealed``)."""
    theme = get_theme_for(request.user, theme_id)
    if request.method == "POST":
        return sealed_address(request)
    asked, ended = opened(request.GET)
    problem = SplitProblem(ENDED, "search", "", set(), anchor="theme-search") if ended else None
    return _theme_page(request, theme, asked, problem)


def _theme_page(
    request: HttpRequest,
    theme: Theme,
    asked: Any,
    problem: SplitProblem | None = None,
) -> HttpResponse:
    """The theme's page; ``asked`` holds its search and page number (the query string, or the
    split form's copy of them when a split is shown again with ``problem``)."""
    tags, elsewhere = _theme_tags(request.user, theme)
    query = (asked.get("q") or "").strip()[:200]
    if query:
        found = search(Contribution.objects.filter(theme_tags__theme=theme), query, rank=False)
        tags = tags.filter(contribution__in=found.values("pk"))
    tags = tags.select_related("contribution__hub", "contribution__gathering", "tagged_by").order_by(
        "confirmed", UNSURE_FIRST, "pk"
    )
    paginator: Paginator[Tag] = Paginator(tags, PER_PAGE)
    if not query and readable_hubs(request.user, theme.programme_id) is None:
        paginator = CappedPaginator(tags, PER_PAGE)  # the kept counts: no need to count again
        paginator.known = theme.tag_count + theme.unsure_count
    page = paginator.get_page(asked.get("page"))
    for tag in page:
        tag.why = _why(tag.contribution.text, theme.keyphrases)  # type: ignore[attr-defined]
    can_change = request.user.has_perm("insights.change_themes", theme.programme)
    if problem is not None and problem.field in ("name", "chosen"):
        first = next(iter(page), None)
        problem.anchor = (
            "split-name" if problem.field == "name" or first is None else f"chosen-{first.contribution_id}"
        )
    return render(
        request,
        "insights/theme.html",
        {
            "theme": theme,
            "programme": theme.programme,
            "page": page,
            "query": query,
            "query_string": urlencode({SEALED: seal(query)}) if query else "",
            "elsewhere": elsewhere,
            "parent": theme.parent,
            "children": list(theme.children.filter(status__in=services.LIVE).order_by("name")),
            "targets": list(
                Theme.objects.filter(programme_id=theme.programme_id, status__in=services.LIVE)
                .exclude(pk=theme.pk)
                .order_by("name")
            ),
            "can_change": can_change,
            "undo": _undo_for(request, theme) if can_change else None,
            "page_number": page.number,
            "form": problem,
            "problem": problem,
            "search_ended": problem is not None and problem.field == "search",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_edit(request: HttpRequest, theme_id: int) -> HttpResponse:
    theme = get_theme_for(request.user, theme_id, "change")
    initial = {
        "name": theme.name,
        "description": theme.description,
        "colour": theme.colour,
        "parent": theme.parent_id,
        "lock_version": theme.lock_version,
    }
    form = ThemeForm(request.POST or None, initial=initial, theme=theme)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        lock_version = data.pop("lock_version")
        try:
            services.theme_update(actor=_actor(request), theme=theme, lock_version=lock_version, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Theme saved: {data['name']}")
            return redirect("insights:theme", theme_id=theme.pk)
    return render(
        request, "insights/theme_edit.html", {"theme": theme, "programme": theme.programme, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_new(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Make a theme by hand (people can name what they hear without asking the machine); then put
    contributions in it from its page."""
    programme = get_themes_programme_for(request.user, programme_id, "change")
    form = NewThemeForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            theme = services.theme_create(
                actor=_actor(request),
                programme=programme,
                name=data["name"],
                description=data["description"],
                colour=data["colour"],
                parent=data["parent"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Theme made: {theme.name}. Now add what people said to it.")
            return redirect("insights:theme_add", theme_id=theme.pk)
    return render(request, "insights/theme_new.html", {"programme": programme, "form": form})


@login_required
@require_POST
def theme_retire(request: HttpRequest, theme_id: int) -> HttpResponse:
    theme = get_theme_for(request.user, theme_id, "change")
    services.theme_retire(actor=_actor(request), theme=theme)
    messages.success(request, f"Theme retired: {theme.name}. Its contributions keep their tags")
    return redirect("insights:themes", programme_id=theme.programme_id)


@login_required
@require_POST
def theme_split(request: HttpRequest, theme_id: int) -> HttpResponse:
    """Make a new theme of the contributions chosen, from the theme's page or from one group of
    "how the machine would split it". A mistake shows that page again with what was chosen and
    typed, and the error beside it."""
    theme = get_theme_for(request.user, theme_id, "change")
    tags, _ = _theme_tags(request.user, theme)
    chosen = set(row_ids(request.POST.getlist("chosen")))
    ids = list(tags.filter(contribution_id__in=chosen).values_list("contribution_id", flat=True))
    name = " ".join(request.POST.get("split-name", "").split())
    group = {"1": 1, "2": 2}.get(request.POST.get("group", ""))
    message, field = "", ""
    if not ids:
        message, field = "Choose the contributions to move into the new theme", "chosen"
    elif not name:
        message = "Enter a name for the new theme" + (f" made from group {group}" if group else "")
        field = "name"
    elif len(name) > 100:
        message, field = "Keep the name under 100 letters", "name"
    else:
        try:
            new = services.theme_split(actor=_actor(request), theme=theme, name=name, contribution_ids=ids)
        except ValidationError as error:
            message, field = error.messages[0], "name"
        else:
            messages.success(
                request, f"{len(ids)} contribution{pluralize(len(ids))} moved into a new theme: {new.name}"
            )
            return redirect("insights:theme", theme_id=new.pk)
    problem = SplitProblem(
        message=message,
        field=field,
        name=request.POST.get("split-name", "")[:200],
        chosen=chosen,
        group=group,
    )
    if group is not None:
        return _split_suggestion_page(request, theme, problem)
    return _theme_page(request, theme, request.POST, problem)


SPLIT_AT_MOST = 300  # the theme's most recently tagged contributions the machine divides on a page
SPLIT_AT_LEAST = 4


@login_required
@require_GET
def theme_split_suggest(request: HttpRequest, theme_id: int) -> HttpResponse:
    """The machine's idea of how the theme could be two: it divides the theme's contributions into
    the two groups that differ most, each with the words that set it apart and its contributions
    ticked, and a person makes either group a new theme (or unticks some first) or leaves it."""
    theme = get_theme_for(request.user, theme_id, "change")
    return _split_suggestion_page(request, theme)


def _split_suggestion_page(
    request: HttpRequest, theme: Theme, problem: SplitProblem | None = None
) -> HttpResponse:
    tags, elsewhere = _theme_tags(request.user, theme)
    rows = list(
        tags.filter(contribution__safeguarding_at__isnull=True)
        .exclude(contribution__state=Contribution.State.HIDDEN)
        .order_by("-pk")
        .values_list("contribution_id", "contribution__text")[:SPLIT_AT_MOST]
    )
    context: dict[str, Any] = {
        "theme": theme,
        "programme": theme.programme,
        "considered": len(rows),
        "at_most": SPLIT_AT_MOST,
        "elsewhere": elsewhere,
        "groups": [],
        "cannot": "",
        "words_only_missing": 0,
        "form": problem,
        "problem": problem,
    }
    if len(rows) < SPLIT_AT_LEAST:
        context["cannot"] = (
            f"There are too few contributions in this theme to divide: at least {SPLIT_AT_LEAST} are needed"
        )
        return _cannot_divide(request, theme, context, problem)
    embedder, missing = embeddings.kept_only(rows)
    context["words_only_missing"] = missing
    context["model_missing"] = "" if missing or embedder.name == "semantic" else embeddings.for_pages().reason
    texts = [text for _, text in rows]
    try:
        found = suggest(texts, count=2, embedder=embedder)
    except NothingToTheme:
        found = None
    if found is None or len(found.themes) < 2:
        context["cannot"] = "These contributions are too alike for the machine to divide them"
        return _cannot_divide(request, theme, context, problem)
    shown = _contributions_by_id([pk for pk, _ in rows])
    context["groups"] = []
    for number, suggestion in enumerate(found.themes, start=1):
        again = problem is not None and problem.group == number  # shown again with its mistake
        context["groups"].append(
            {
                "number": number,
                "label": suggestion.label,
                "keyphrases": suggestion.keyphrases,
                "contributions": [shown[rows[i][0]] for i in suggestion.members if rows[i][0] in shown],
                "name_value": problem.name if again and problem else suggestion.label,
                "chosen": problem.chosen if again and problem else None,  # None: all ticked
                "error_field": problem.field if again and problem else "",
                "error": problem.message if again and problem else "",
            }
        )
    context["unplaced"] = sum(1 for label in found.labels if label < 0)
    if problem is not None and problem.group is not None:
        group = context["groups"][problem.group - 1]
        first = group["contributions"][0].pk if group["contributions"] else None
        problem.anchor = (
            f"group-{problem.group}-name"
            if problem.field == "name" or first is None
            else f"group-{problem.group}-{first}"
        )
    return render(request, "insights/theme_split_suggest.html", context)


def _cannot_divide(
    request: HttpRequest, theme: Theme, context: dict[str, Any], problem: SplitProblem | None
) -> HttpResponse:
    """The machine cannot divide the theme (any more): say so, or, for a mistake in a split asked
    for from its groups, show the mistake on the theme's own page."""
    if problem is None:
        return render(request, "insights/theme_split_suggest.html", context)
    problem.group = None
    return _theme_page(request, theme, {}, problem)


def _contributions_by_id(ids: list[int]) -> dict[int, Contribution]:
    return {c.pk: c for c in Contribution.objects.filter(pk__in=ids).select_related("hub", "gathering")}


@login_required
@require_POST
def tag_move(request: HttpRequest, tag_id: int) -> HttpResponse:
    tag = get_tag_for(request.user, tag_id)
    origin = tag.theme
    form = MoveForm(request.POST, theme=origin, prefix=f"move-{tag.pk}")
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("insights:theme", theme_id=origin.pk)
    target = form.cleaned_data["target"]
    was = services.TagState.of(tag)
    try:
        services.tag_move(actor=_actor(request), tag=tag, to=target)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        _remember_undo(request, page=origin, was=was, now_in=target.pk, said=f"Moved to {target.name}")
    return redirect("insights:theme", theme_id=origin.pk)


@login_required
@require_POST
def tag_remove(request: HttpRequest, tag_id: int) -> HttpResponse:
    tag = get_tag_for(request.user, tag_id)
    was = services.TagState.of(tag)
    services.tag_remove(actor=_actor(request), tag=tag)
    _remember_undo(request, page=tag.theme, was=was, now_in=None, said=f"Taken out of {tag.theme.name}")
    return redirect("insights:theme", theme_id=tag.theme_id)


@login_required
@require_POST
def tag_confirm(request: HttpRequest, tag_id: int) -> HttpResponse:
    tag = get_tag_for(request.user, tag_id)
    services.tag_confirm(actor=_actor(request), tag=tag)
    messages.success(request, "Checked: it stays in this theme")
    return redirect("insights:theme", theme_id=tag.theme_id)


@login_required
@require_POST
def undo(request: HttpRequest, theme_id: int) -> HttpResponse:
    """Undo the last move or removal made on this theme's page (once)."""
    theme = get_theme_for(request.user, theme_id, "change")
    record = _undo_for(request, theme)
    if record is None:
        messages.error(request, "There is nothing to undo")
        return redirect("insights:theme", theme_id=theme.pk)
    del request.session[UNDO_KEY]
    was = services.TagState(**record["was"])
    contribution = Contribution.objects.filter(pk=was.contribution_id).first()
    hubs = readable_hubs(request.user, theme.programme_id)
    if contribution is None or (hubs is not None and contribution.hub_id not in hubs):
        messages.error(request, "That contribution is no longer there to put back")
        return redirect("insights:theme", theme_id=theme.pk)
    try:
        services.tag_restore(actor=_actor(request), was=was, now_in=record["now_in"])
    except (ValidationError, Theme.DoesNotExist) as error:
        messages.error(
            request, error.messages[0] if isinstance(error, ValidationError) else "That theme is gone"
        )
    else:
        messages.success(request, "Undone: it is back where it was")
    return redirect("insights:theme", theme_id=theme.pk)


@login_required
@require_http_methods(["GET", "POST"])
def theme_add(request: HttpRequest, theme_id: int) -> HttpResponse:
    """Find contributions (search, hub) and put the chosen ones in this theme at once."""
    theme = get_theme_for(request.user, theme_id, "change")
    hubs = readable_hubs(request.user, theme.programme_id)
    pool = Contribution.objects.filter(
        hub__programme_id=theme.programme_id, safeguarding_at__isnull=True
    ).exclude(state=Contribution.State.HIDDEN)
    if hubs is not None:
        pool = pool.filter(hub_id__in=hubs)
    if request.method == "POST" and "search" in request.POST:
        # The search box: its words travel sealed (core.sealed).
        return sealed_address(request, leave_out=("search",))
    if request.method == "POST":
        chosen = row_ids(request.POST.getlist("chosen"))
        rows = list(pool.filter(pk__in=chosen))
        if not rows:
            messages.error(request, "Choose at least one contribution to add")
        else:
            try:
                added = services.tags_add(actor=_actor(request), theme=theme, contributions=rows)
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(request, f"{added} contribution{pluralize(added)} added to {theme.name}")
                return redirect("insights:theme", theme_id=theme.pk)
    asked, ended = opened(request.GET)
    problem = EndedSearch(anchor="add-search") if ended else None
    query = search_words(request.POST.get("q") if request.method == "POST" else asked.get("q"))
    already = Tag.objects.filter(theme=theme).values("contribution_id")
    results: list[Contribution] = []
    alike, alike_by = False, ""
    if query:
        results = list(
            search(pool.exclude(pk__in=already), query).select_related("hub", "gathering")[:PER_PAGE]
        )
    else:
        results, alike_by = _like_these(theme, pool.exclude(pk__in=already))
        alike = True
    return render(
        request,
        "insights/theme_add.html",
        {
            "theme": theme,
            "programme": theme.programme,
            "query": query,
            "results": results,
            "alike": alike,
            "alike_by": alike_by,
            "form": problem,
            "problem": problem,
        },
    )


LIKE_CANDIDATES = 2_000  # the most recent contributions not in the theme, compared with it
LIKE_EXAMPLES = 200
LIKE_SHOWN = 20


def _like_these(theme: Theme, candidates: QuerySet[Contribution]) -> tuple[list[Contribution], str]:
    """Contributions most like those people put in the theme, from the most recent not in it yet:
    by meaning when the meaning model has read them all (``embeddings.kept_only``: the worker
    reads new contributions as they arrive), else by their words; and which it was."""
    examples = list(
        Tag.objects.filter(theme=theme, confirmed=True)
        .order_by("-pk")
        .values_list("contribution_id", "contribution__text")[:LIKE_EXAMPLES]
    )
    if not examples:
        return [], ""
    rows = list(candidates.select_related("hub", "gathering").order_by("-said_at", "-pk")[:LIKE_CANDIDATES])
    embedder, _ = embeddings.kept_only([*examples, *((c.pk, c.text) for c in rows)])
    found = similar([c.text for c in rows], [text for _, text in examples], top=LIKE_SHOWN, embedder=embedder)
    return [rows[i] for i, _ in found], "meaning" if embedder.name == "semantic" else "words"


# --- Pictures for reports -------------------------------------------------------------------------


class PicturesForm(GovukForm):
    theme = forms.ModelChoiceField(
        label="Theme (optional)",
        queryset=Theme.objects.none(),
        required=False,
        empty_label="All themes",
        error_messages={"invalid_choice": "Choose a theme from the list"},
    )
    hub = forms.ModelChoiceField(
        label="Hub (optional)",
        queryset=Hub.objects.none(),
        required=False,
        empty_label="All the hubs you can see",
        error_messages={"invalid_choice": "Choose a hub from the list"},
    )
    said_from = GovukDateField(label="From (optional)", required=False, help_text="For example, 1 3 2026")
    said_to = GovukDateField(label="To (optional)", required=False, help_text="For example, 31 3 2026")

    def __init__(self, *args: Any, programme: Programme, hubs: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        forms_field(self, "theme").queryset = Theme.objects.filter(
            programme=programme, status=Theme.Status.CONFIRMED
        ).order_by("name")
        choices = Hub.objects.filter(programme=programme, archived_at__isnull=True).order_by("name")
        if hubs is not None:
            choices = choices.filter(pk__in=hubs)
        forms_field(self, "hub").queryset = choices

    def scope(self, programme: Programme, hubs: set[int] | None) -> reports.Scope:
        """What was chosen (nothing yet: everything the person may read)."""
        data = self.cleaned_data if self.is_bound else {}
        return reports.Scope(
            programme_id=programme.pk,
            hubs=hubs,
            hub=data.get("hub"),
            theme=data.get("theme"),
            said_from=data.get("said_from"),
            said_to=data.get("said_to"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("said_from"), data.get("said_to")
        if start and end and end < start:
            self.add_error("said_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        return data


def _pictures_scope(request: HttpRequest, programme: Programme) -> tuple[PicturesForm, reports.Scope | None]:
    hubs = readable_hubs(request.user, programme.pk)
    form = PicturesForm(request.GET or None, programme=programme, hubs=hubs)
    if request.GET and not form.is_valid():
        return form, None
    return form, form.scope(programme, hubs)


def _titles(scope: reports.Scope) -> str:
    parts = [scope.theme.name if scope.theme else "", scope.hub.name if scope.hub else ""]
    if scope.said_from or scope.said_to:
        parts.append(
            f"{scope.said_from:%d %b %Y} to {scope.said_to:%d %b %Y}"
            if scope.said_from and scope.said_to
            else (f"from {scope.said_from:%d %b %Y}" if scope.said_from else f"to {scope.said_to:%d %b %Y}")
        )
    chosen = ", ".join(p for p in parts if p)
    return f" ({chosen})" if chosen else ""


def _draw(name: str, scope: reports.Scope, found: reports.Timeline | None = None) -> drawing.Picture:
    suffix = _titles(scope)
    if name == "cloud":
        return drawing.cloud_picture(reports.word_cloud(scope).cloud, title=f"Words said most{suffix}")
    if name == "timeline":
        found = found or reports.timeline(scope)
        return drawing.timeline_picture(
            title=f"Contributions in each theme, month by month{suffix}",
            periods=found.periods,
            series=[(t.name, t.colour, counts) for t, counts in found.series],
        )
    found_heat = reports.heat(scope)
    return drawing.heat_picture(
        title=f"Themes by hub{suffix}",
        rows=[t.name for t in found_heat.themes],
        columns=[h.name for h in found_heat.hubs],
        counts=found_heat.counts,
    )


@login_required
@require_GET
def pictures(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = get_themes_programme_for(request.user, programme_id)
    form, scope = _pictures_scope(request, programme)
    context: dict[str, Any] = {"programme": programme, "form": form, "query_string": request.GET.urlencode()}
    if scope is not None:
        context["counted"] = tallies.ensure(programme.pk)
        cloud = reports.word_cloud(scope)
        context |= {
            "cloud": cloud,
            "cloud_svg": drawing.to_svg(
                drawing.cloud_picture(cloud.cloud, title=f"Words said most{_titles(scope)}")
            ),
            "timeline": reports.timeline(scope),
            "heat": reports.heat(scope),
            "sample": reports.CLOUD_SAMPLE,
        }
        found = context["heat"]
        highest = max((n for row in found.counts for n in row), default=0) or 1
        context["heat_rows"] = [
            (theme, [(n, min(4, round(4 * n / highest))) for n in row])
            for theme, row in zip(found.themes, found.counts, strict=True)
        ]
        if context["timeline"].periods:
            context["timeline_svg"] = drawing.to_svg(
                _draw("timeline", scope, context["timeline"]), ident="timeline"
            )
    return render(request, "insights/pictures.html", context)


@login_required
@require_GET
def picture_download(request: HttpRequest, programme_id: int, name: str, kind: str) -> HttpResponse:
    programme = get_themes_programme_for(request.user, programme_id)
    _, scope = _pictures_scope(request, programme)
    if scope is None or name not in ("cloud", "timeline", "heat") or kind not in ("svg", "png"):
        raise Http404
    tallies.ensure(programme.pk)
    picture = _draw(name, scope)
    if kind == "svg":
        response = HttpResponse(drawing.to_svg(picture), content_type="image/svg+xml; charset=utf-8")
    else:
        response = HttpResponse(drawing.to_png(picture), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


# --- Searching what people said and the themes, across the programme -------------------------------


class SearchForm(PicturesForm):
    q = forms.CharField(
        label="Words to look for",
        required=False,
        max_length=200,
        help_text="Put a phrase in quotes; put a minus before a word to leave it out.",
        error_messages={"max_length": "Keep the search under 200 letters"},
    )
    field_order = ["q", "theme", "hub", "said_from", "said_to"]


SEARCH_CAP = 1_000


class CappedPaginator(Paginator):
    """A paginator told how many there are (counted up to a cap), rather than counting them all."""

    known = 0

    @property
    def count(self) -> int:
        return self.known


@login_required
@require_http_methods(["GET", "POST"])
def search_page(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Contributions (of the hubs one runs) and themes, by words, narrowed by theme, hub and dates.

    The search is posted and answered with this page's address, the words sealed
    (``core.sealed``): what was searched for is never in an address or a log."""
    programme = get_themes_programme_for(request.user, programme_id)
    if request.method == "POST":
        return sealed_address(request)
    hubs = readable_hubs(request.user, programme.pk)
    asked, ended = opened(request.GET)
    form = SearchForm(asked if asked or ended else None, programme=programme, hubs=hubs)
    if ended:
        form.is_valid()
        form.add_error("q", ENDED)
    context: dict[str, Any] = {"programme": programme, "form": form}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        query = data["q"].strip()
        rows = reports.contributions(form.scope(programme, hubs))
        matching = search(rows, query, rank=False) if query else rows
        # Counting a million matches would take longer than finding fifty: count up to a cap.
        total = matching.order_by().values("pk")[: SEARCH_CAP + 1].count()
        many = total > SEARCH_CAP
        # The best matches first when there are few; the newest first when there are very many
        # (ranking them all would grow with them).
        found = search(rows, query) if query and not many else matching.order_by("-pk")
        paginator = CappedPaginator(
            found.select_related("hub", "gathering").prefetch_related(
                Prefetch("theme_tags", queryset=Tag.objects.select_related("theme").order_by("theme__name"))
            ),
            PER_PAGE,
        )
        paginator.known = min(total, SEARCH_CAP)
        page = paginator.get_page(request.GET.get("page"))
        marks = highlights(rows, [c.pk for c in page], query)
        for contribution in page:
            contribution.pieces = marks.get(contribution.pk) or [(contribution.text, False)]
        context["many"] = many
        themes: list[Theme] = []
        if query:
            themes = list(
                Theme.objects.filter(programme=programme, status__in=services.LIVE)
                .filter(Q(name__icontains=query) | Q(description__icontains=query))
                .order_by("name")[:20]
            )
        context |= {"page": page, "themes": themes, "query": query, "query_string": kept_query(request.GET)}
    return render(request, "insights/search.html", context)
