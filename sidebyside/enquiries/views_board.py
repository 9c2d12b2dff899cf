"""The enquiry board and each enquiry: its record, stage, evidence, actions and updates.

Objects come through ``access``; writes go through ``services``. Every page works without
JavaScript. Quotes are made by ``quotes`` only, as each person allowed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sidebyside.accounts.models import User
from sidebyside.core.forms import add_service_errors
from sidebyside.core.params import row_id, search_words
from sidebyside.core.sealed import SEALED, EndedSearch, opened, seal, sealed_address
from sidebyside.enquiries import access, services
from sidebyside.enquiries.forms_board import (
    ActionForm,
    EnquiryForm,
    MoveForm,
    StatusForm,
    UpdateForm,
)
from sidebyside.enquiries.models import RAG_LABELS, Action, Enquiry, Evidence, Update, overdue
from sidebyside.enquiries.quotes import quotable, quotes
from sidebyside.enquiries.rules import leader_organisations
from sidebyside.hubs.models import Hub
from sidebyside.insights.access import get_theme_for, readable_hubs
from sidebyside.insights.models import Tag, Theme
from sidebyside.voices.models import Contribution
from sidebyside.voices.search import search

QUOTES_SHOWN = 4
FOUND_SHOWN = 20


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _count(model: Any, *conditions: Q, **filters: Any) -> Coalesce:
    rows = (
        model.objects.filter(*conditions, **filters)
        .order_by()
        .values("enquiry_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


# --- The board --------------------------------------------------------------------------------------


PER_STAGE = 8  # on the board, each stage's most recently changed; "show all" for the rest
ALL_AT_A_STAGE = 500


@login_required
@require_GET
def board(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = access.get_enquiries_programme_for(request.user, programme_id)
    today = timezone.localdate()
    enquiries = access.visible_enquiries(request.user, programme)
    query = search_words(request.GET.get("q"))
    if query:
        enquiries = enquiries.filter(Q(title__icontains=query) | Q(framing__icontains=query))
    hub_id = row_id(request.GET.get("hub"))
    if hub_id is not None:
        enquiries = enquiries.filter(hubs=hub_id)
    stage = request.GET.get("stage") or ""
    stage = stage if stage in Enquiry.Stage.values else ""
    counts = dict(enquiries.order_by().values_list("stage").annotate(n=Count("pk")))
    if stage:  # one stage, all of it
        enquiries = enquiries.filter(stage=stage)
        kept = list(enquiries.order_by("-updated_at", "pk").values_list("pk", flat=True)[:ALL_AT_A_STAGE])
    else:  # each stage's most recently changed: the board stays the same size as enquiries grow
        ranked = enquiries.annotate(
            rank=Window(
                RowNumber(), partition_by=F("stage"), order_by=[F("updated_at").desc(), F("pk").asc()]
            )
        )
        kept = list(ranked.filter(rank__lte=PER_STAGE).values_list("pk", flat=True))
    enquiries = (
        Enquiry.objects.filter(pk__in=kept)
        .annotate(
            themes_n=_count(Evidence, enquiry=OuterRef("pk"), theme__isnull=False),
            contributions_n=_count(Evidence, enquiry=OuterRef("pk"), contribution__isnull=False),
            open_n=_count(Action, Q(enquiry=OuterRef("pk")) & ~Q(status__in=Action.CLOSED)),
            overdue_n=_count(Action, Q(enquiry=OuterRef("pk")) & overdue(today)),
            updates_n=_count(Update, enquiry=OuterRef("pk"), tell_contributors=True),
        )
        .order_by("-updated_at", "pk")
    )
    columns: dict[str, list[Enquiry]] = {value: [] for value in Enquiry.Stage.values}
    for enquiry in enquiries:
        columns[enquiry.stage].append(enquiry)
    return render(
        request,
        "enquiries/board.html",
        {
            "programme": programme,
            "columns": [
                (value, label, columns[value], counts.get(value, 0))
                for value, label in Enquiry.Stage.choices
                if not stage or value == stage
            ],
            "stage": stage,
            "query": query,
            "hub_id": hub_id,
            "hubs": programme.hubs.filter(archived_at__isnull=True).order_by("name"),
            "can_add": request.user.has_perm("enquiries.add_enquiry", programme),
            "can_see_actions": request.user.has_perm("enquiries.view_actions", programme),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enquiry_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = access.get_enquiries_programme_for(request.user, programme_id, "add")
    theme = None
    theme_id = row_id(request.GET.get("theme") or request.POST.get("theme"))
    if theme_id is not None:
        theme = get_theme_for(request.user, theme_id)
        if theme.programme_id != programme.pk:
            raise Http404
    initial: dict[str, Any] = {"title": theme.name if theme else ""}
    if theme is not None:
        # Started from a theme: the hubs whose people's words are in it, ticked to begin with.
        initial["hubs"] = list(
            Hub.objects.filter(
                programme=programme,
                archived_at__isnull=True,
                pk__in=Tag.objects.filter(theme=theme, confirmed=True).values("contribution__hub_id"),
            ).values_list("pk", flat=True)
        )
    form = EnquiryForm(request.POST or None, programme=programme, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enquiry = services.enquiry_create(
                actor=_actor(request),
                programme=programme,
                title=data["title"],
                framing=data["framing"],
                hubs=data["hubs"],
                partners=data["partners"],
                co_leads=data["co_leads"],
                questions=data["questions"],
            )
            if theme is not None:
                services.evidence_link(actor=_actor(request), enquiry=enquiry, theme=theme)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Enquiry started: {enquiry.title}")
            for warning in services.co_lead_warnings(data["co_leads"]):
                messages.warning(request, warning)
            return redirect("enquiries:enquiry", enquiry_id=enquiry.pk)
    return render(
        request,
        "enquiries/enquiry_form.html",
        {"programme": programme, "form": form, "theme": theme, "new": True},
    )


# --- One enquiry -------------------------------------------------------------------------------------


# Each linked theme's newest tags made by people, then those people checked: the index
# insights_tag_theme_page read backwards, theme by theme. (The newest tags of all the themes at
# once would be found by reading the whole table's newest tags first, and a programme whose tags
# are not the newest in the database would wait for all of them to be passed over.)
NEWEST_BY_PEOPLE = (Coalesce(F("confidence"), Value(-1.0)).asc(), F("pk").desc())
TAGGED_CANDIDATES = 30


def _newest_tagged(theme_id: int) -> QuerySet[Tag, Any]:
    newest = (
        Tag.objects.filter(theme_id=theme_id, confirmed=True)
        .order_by(*NEWEST_BY_PEOPLE)
        .values("pk")[:TAGGED_CANDIDATES]
    )
    # Wrapped once more: SQLite takes no LIMIT in a part of a UNION.
    return Tag.objects.filter(pk__in=newest).values("contribution_id")


def _evidence_quotes(request: HttpRequest, enquiry: Enquiry, theme_ids: list[int]) -> list[Any]:
    direct = quotable(Contribution.objects.filter(evidence__enquiry=enquiry))
    per_theme = [_newest_tagged(theme_id) for theme_id in theme_ids]
    tagged = (
        quotable(Contribution.objects.filter(pk__in=per_theme[0].union(*per_theme[1:], all=True)))
        if per_theme
        else Contribution.objects.none()
    )
    candidates = list(direct.select_related("author__user", "hub").order_by("-said_at")[:20]) + list(
        tagged.select_related("author__user", "hub").order_by("-said_at")[:TAGGED_CANDIDATES]
    )
    unique: dict[int, Contribution] = {}
    for contribution in candidates:
        unique.setdefault(contribution.pk, contribution)
    return quotes(
        unique.values(), names=access.shows_names(request.user, enquiry.programme_id), limit=QUOTES_SHOWN
    )


@login_required
@require_GET
def enquiry_detail(request: HttpRequest, enquiry_id: int) -> HttpResponse:
    enquiry = access.get_enquiry_for(request.user, enquiry_id)
    today = timezone.localdate()
    evidence = list(
        enquiry.evidence.select_related("theme").filter(theme__isnull=False).order_by("theme__name")
    )
    theme_ids = [e.theme_id for e in evidence if e.theme_id]
    direct_count = enquiry.evidence.filter(contribution__isnull=False).count()
    tagged_count = sum(e.theme.tag_count for e in evidence if e.theme)
    actions = list(enquiry.actions.select_related("owner", "organisation").order_by("due_on", "pk"))
    for action in actions:
        action.rag_now = action.rag(today)  # type: ignore[attr-defined]
        action.rag_label = RAG_LABELS[action.rag_now]  # type: ignore[attr-defined]
    co_leads = list(enquiry.co_leads.order_by("full_name"))
    can_change = request.user.has_perm("enquiries.change_enquiry", enquiry)
    return render(
        request,
        "enquiries/enquiry.html",
        {
            "enquiry": enquiry,
            "programme": enquiry.programme,
            "hubs": list(enquiry.hubs.order_by("name")),
            "partners": list(enquiry.partners.order_by("name")),
            "co_leads": co_leads,
            "names": access.shows_names(request.user, enquiry.programme_id),
            "warnings": services.co_lead_warnings(co_leads),
            "moves": list(enquiry.moves.select_related("moved_by")),
            "themes": evidence,
            "direct_count": direct_count,
            "tagged_count": tagged_count,
            "quotes": _evidence_quotes(request, enquiry, theme_ids),
            "actions": actions,
            "overdue_count": sum(1 for a in actions if a.is_overdue(today)),
            "updates": list(enquiry.updates.select_related("action").order_by("-created_at", "-pk")[:50]),
            "can_change": can_change,
            "can_link": request.user.has_perm("enquiries.link_evidence", enquiry),
            "stages": Enquiry.Stage.choices,
            "stage_index": enquiry.stage_number,
        },
    )


def _initial(enquiry: Enquiry) -> dict[str, Any]:
    return {
        "title": enquiry.title,
        "framing": enquiry.framing,
        "questions": enquiry.questions,
        "findings": enquiry.findings,
        "decisions": enquiry.decisions,
        "outcomes": enquiry.outcomes,
        "learned": enquiry.learned,
        "hubs": list(enquiry.hubs.values_list("pk", flat=True)),
        "partners": list(enquiry.partners.values_list("pk", flat=True)),
        "co_leads": list(enquiry.co_leads.values_list("pk", flat=True)),
        "lock_version": enquiry.lock_version,
    }


@login_required
@require_http_methods(["GET", "POST"])
def enquiry_edit(request: HttpRequest, enquiry_id: int) -> HttpResponse:
    enquiry = access.get_enquiry_for(request.user, enquiry_id, "change")
    form = EnquiryForm(
        request.POST or None, programme=enquiry.programme, record=True, initial=_initial(enquiry)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.enquiry_update(
                actor=_actor(request),
                enquiry=enquiry,
                lock_version=data.pop("lock_version"),
                hubs=data.pop("hubs"),
                partners=data.pop("partners"),
                co_leads=data.pop("co_leads"),
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Enquiry saved")
            for warning in services.co_lead_warnings(form.cleaned_data["co_leads"]):
                messages.warning(request, warning)
            return redirect("enquiries:enquiry", enquiry_id=enquiry.pk)
    return render(
        request,
        "enquiries/enquiry_form.html",
        {"programme": enquiry.programme, "enquiry": enquiry, "form": form, "new": False},
    )


@login_required
@require_http_methods(["GET", "POST"])
def enquiry_move(request: HttpRequest, enquiry_id: int) -> HttpResponse:
    enquiry = access.get_enquiry_for(request.user, enquiry_id, "change")
    form = MoveForm(request.POST or None, enquiry=enquiry)
    if request.method == "POST" and form.is_valid():
        try:
            move = services.enquiry_move(
                actor=_actor(request),
                enquiry=enquiry,
                to_stage=form.cleaned_data["stage"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Moved to “{Enquiry.Stage(move.to_stage).label}”")
            return redirect("enquiries:enquiry", enquiry_id=enquiry.pk)
    return render(
        request,
        "enquiries/enquiry_move.html",
        {"programme": enquiry.programme, "enquiry": enquiry, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def enquiry_delete(request: HttpRequest, enquiry_id: int) -> HttpResponse:
    enquiry = access.get_enquiry_for(request.user, enquiry_id, "change")
    if request.method == "POST":
        programme_id = enquiry.programme_id
        services.enquiry_delete(actor=_actor(request), enquiry=enquiry)
        messages.success(request, f"Enquiry deleted: {enquiry.title}")
        return redirect("enquiries:board", programme_id=programme_id)
    return render(
        request, "enquiries/enquiry_delete.html", {"programme": enquiry.programme, "enquiry": enquiry}
    )


# --- Evidence ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def evidence(request: HttpRequest, enquiry_id: int) -> HttpResponse:
    """Find themes and contributions, and link them to the enquiry."""
    enquiry = access.get_enquiry_for(request.user, enquiry_id, "evidence")
    actor = _actor(request)
    if request.method == "POST" and "search" in request.POST:
        # The search box: its words travel sealed (core.sealed), here and after each link.
        return sealed_address(request, leave_out=("search",))
    if request.method == "POST":
        theme_id, contribution_id = (
            row_id(request.POST.get("theme")),
            row_id(request.POST.get("contribution")),
        )
        try:
            if theme_id is not None:
                theme = get_theme_for(request.user, theme_id)
                _, created = services.evidence_link(actor=actor, enquiry=enquiry, theme=theme)
                what = f"theme “{theme.name}”"
            elif contribution_id is not None:
                hubs = readable_hubs(request.user, enquiry.programme_id)
                candidates = Contribution.objects.filter(
                    pk=contribution_id, hub__programme=enquiry.programme_id
                )
                if hubs is not None:
                    candidates = candidates.filter(hub_id__in=hubs)
                contribution = candidates.select_related("hub").first()
                if contribution is None:
                    raise Http404
                _, created = services.evidence_link(actor=actor, enquiry=enquiry, contribution=contribution)
                what = "contribution"
            else:
                messages.error(request, "Choose a theme or a contribution to link")
                return redirect("enquiries:evidence", enquiry_id=enquiry.pk)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            if created:
                messages.success(request, f"Linked the {what}")
            else:
                messages.info(request, f"The {what} was already linked: nothing changed")
        back = search_words(request.POST.get("q"))
        return redirect(f"{request.path}?{urlencode({SEALED: seal(back)})}" if back else request.path)
    asked, ended = opened(request.GET)
    problem = EndedSearch(anchor="q") if ended else None
    query = search_words(asked.get("q"))
    linked = list(
        enquiry.evidence.select_related("theme", "contribution__hub").order_by("theme__name", "-created_at")
    )
    linked_themes = {e.theme_id for e in linked if e.theme_id}
    linked_contributions = {e.contribution_id for e in linked if e.contribution_id}
    themes = Theme.objects.filter(programme=enquiry.programme_id, status=Theme.Status.CONFIRMED)
    found: list[Contribution] = []
    if query:
        themes = themes.filter(Q(name__icontains=query) | Q(description__icontains=query))
        hubs = readable_hubs(request.user, enquiry.programme_id)
        scope = Contribution.objects.filter(hub__programme=enquiry.programme_id)
        if hubs is not None:
            scope = scope.filter(hub_id__in=hubs)
        found = list(
            search(scope, query, rank=False).select_related("hub").order_by("-said_at")[:FOUND_SHOWN]
        )
    return render(
        request,
        "enquiries/evidence.html",
        {
            "programme": enquiry.programme,
            "enquiry": enquiry,
            "query": query,
            "linked": linked,
            "themes": list(themes.order_by("name")[:50]),
            "linked_themes": linked_themes,
            "found": found,
            "linked_contributions": linked_contributions,
            "form": problem,
            "problem": problem,
        },
    )


@login_required
@require_POST
def evidence_remove(request: HttpRequest, evidence_id: int) -> HttpResponse:
    item = Evidence.objects.filter(pk=evidence_id).select_related("enquiry").first()
    if item is None:
        raise Http404
    enquiry = access.get_enquiry_for(request.user, item.enquiry_id, "evidence")
    services.evidence_unlink(actor=_actor(request), evidence=item)
    messages.success(request, "Taken out of the evidence")
    return redirect("enquiries:evidence", enquiry_id=enquiry.pk)


@login_required
@require_http_methods(["GET", "POST"])
def theme_link(request: HttpRequest, theme_id: int) -> HttpResponse:
    """From a theme: link it to one of the programme's enquiries, or start one from it."""
    theme = get_theme_for(request.user, theme_id)
    programme = theme.programme
    enquiries = access.visible_enquiries(request.user, programme).exclude(stage=Enquiry.Stage.CLOSED)
    error = ""
    if request.method == "POST":
        chosen = row_id(request.POST.get("enquiry"))
        enquiry = enquiries.filter(pk=chosen).first() if chosen is not None else None
        if enquiry is None:
            error = "Choose an enquiry"
        else:
            enquiry = access.get_enquiry_for(request.user, enquiry.pk, "evidence")
            _, created = services.evidence_link(actor=_actor(request), enquiry=enquiry, theme=theme)
            messages.success(
                request, "Linked the theme" if created else "The theme was already linked: nothing changed"
            )
            return redirect("enquiries:enquiry", enquiry_id=enquiry.pk)
    return render(
        request,
        "enquiries/theme_link.html",
        {
            "programme": programme,
            "theme": theme,
            "enquiries": list(enquiries.order_by("title")[:200]),
            "error": error,
            "can_add": request.user.has_perm("enquiries.add_enquiry", programme),
        },
    )


# --- Actions -----------------------------------------------------------------------------------------


def _action_form_page(request: HttpRequest, form: ActionForm, **context: Any) -> HttpResponse:
    return render(request, "enquiries/action_form.html", {"form": form, **context})


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, enquiry_id: int) -> HttpResponse:
    enquiry = access.get_enquiry_for(request.user, enquiry_id, "change")
    form = ActionForm(request.POST or None, programme=enquiry.programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = services.action_create(
                actor=_actor(request),
                enquiry=enquiry,
                what=data["what"],
                details=data["details"],
                owner=data["owner"],
                organisation=data["organisation"],
                due_on=data["due_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Action added: {action.what}")
            return redirect("enquiries:enquiry", enquiry_id=enquiry.pk)
    return _action_form_page(request, form, programme=enquiry.programme, enquiry=enquiry, new=True)


def _back(action: Action) -> str:
    from django.urls import reverse

    if action.enquiry_id:
        return reverse("enquiries:enquiry", args=[action.enquiry_id])
    return reverse("enquiries:action", args=[action.pk])


def _action_page(request: HttpRequest, action: Action, form: StatusForm | None = None) -> HttpResponse:
    """An action's page, with the status form for those who may say how it stands."""
    can_update = request.user.has_perm("enquiries.update_action", action)
    if form is None and can_update:
        form = StatusForm(
            initial={"status": action.status, "reason": action.reason, "lock_version": action.lock_version}
        )
    rag = action.rag()
    names = access.shows_names(request.user, action.programme_id)
    return render(
        request,
        "enquiries/action.html",
        {
            "programme": action.programme,
            "action": action,
            "rag": rag,
            "rag_label": RAG_LABELS[rag],
            "updates": list(action.updates.order_by("-created_at")[:20]),
            "last_reminder": action.reminders.select_related("user").order_by("-created_at", "-pk").first(),
            "can_update": can_update,
            "can_change": action.enquiry is not None
            and request.user.has_perm("enquiries.change_enquiry", action.enquiry),
            "form": form if can_update else None,
            "names": names,
            "owner_name": owner_name(request.user, action, names),
        },
    )


@login_required
@require_GET
def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    return _action_page(request, access.get_action_for(request.user, action_id))


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, action_id: int) -> HttpResponse:
    action = access.get_action_for(request.user, action_id, "change")
    initial = {
        "what": action.what,
        "details": action.details,
        "owner": action.owner_id,
        "organisation": action.organisation_id,
        "due_on": action.due_on,
        "lock_version": action.lock_version,
    }
    form = ActionForm(request.POST or None, programme=action.programme, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("past_ok", None)
        try:
            services.action_update(
                actor=_actor(request), action=action, lock_version=data.pop("lock_version"), **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action saved")
            return redirect("enquiries:action", action_id=action.pk)
    return _action_form_page(
        request, form, programme=action.programme, enquiry=action.enquiry, action=action, new=False
    )


@login_required
@require_POST
def action_status(request: HttpRequest, action_id: int) -> HttpResponse:
    action = access.get_action_for(request.user, action_id, "update")
    form = StatusForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.action_set_status(
                actor=_actor(request),
                action=action,
                status=data["status"],
                reason=data["reason"],
                update_text=data["update_text"],
                tell_contributors=data["tell_contributors"],
                lock_version=data["lock_version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = "Saved"
            if data["update_text"]:
                done = (
                    "Saved. The update will reach the people whose words led here"
                    if data["tell_contributors"]
                    else "Saved, with the update (not sent to the people whose words led here)"
                )
            messages.success(request, done)
            return redirect("enquiries:action", action_id=action.pk)
    return _action_page(request, action, form)


@login_required
@require_http_methods(["GET", "POST"])
def action_delete(request: HttpRequest, action_id: int) -> HttpResponse:
    action = access.get_action_for(request.user, action_id, "change")
    if request.method == "POST":
        services.action_delete(actor=_actor(request), action=action)
        messages.success(request, f"Action deleted: {action.what}")
        return redirect("enquiries:enquiry", enquiry_id=action.enquiry_id)
    return render(request, "enquiries/action_delete.html", {"programme": action.programme, "action": action})


@login_required
@require_GET
def actions_list(request: HttpRequest, programme_id: int) -> HttpResponse:
    """The programme's open actions, overdue first; ?show=overdue for those only; ?show=yours for
    those the user owns or their organisation (as its partner or leader) owns."""
    programme = access.get_enquiries_programme_for(request.user, programme_id, "actions")
    today = timezone.localdate()
    open_actions = Action.objects.filter(programme=programme).exclude(status__in=Action.CLOSED)
    rows = open_actions.select_related("enquiry", "message__hub", "owner", "organisation")
    show = request.GET.get("show", "")
    yours = Q(owner_id=request.user.pk) | Q(
        organisation_id__in=sorted(leader_organisations(request.user, programme.pk))
    )
    if show == "overdue":
        rows = rows.filter(overdue(today))
    elif show == "yours":
        rows = rows.filter(yours)
    else:
        show = ""
    rows = rows.order_by(Coalesce("due_on", Value("9999-12-31")).asc(), "pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    names = access.shows_names(request.user, programme.pk)
    tally = open_actions.aggregate(
        overdue=Count("pk", filter=overdue(today)), yours=Count("pk", filter=yours)
    )
    for action in page:
        action.owner_shown = owner_name(request.user, action, names)  # type: ignore[attr-defined]
        action.rag_now = action.rag(today)  # type: ignore[attr-defined]
        action.rag_label = RAG_LABELS[action.rag_now]  # type: ignore[attr-defined]
    return render(
        request,
        "enquiries/actions.html",
        {
            "programme": programme,
            "page": page,
            "show": show,
            "query_string": f"show={show}" if show else "",
            "yours_count": tally["yours"],
            "overdue_count": tally["overdue"],
        },
    )


def owner_name(user: Any, action: Action, names: bool) -> str:
    """How the action's owner is shown: by name to those who see names, as "You" to the owner."""
    if action.owner is None:
        return ""
    if action.owner_id == user.pk:
        return "You"
    return action.owner.display_name if names else ""


# --- Updates -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def update_add(request: HttpRequest, enquiry_id: int) -> HttpResponse:
    enquiry = access.get_enquiry_for(request.user, enquiry_id, "change")
    form = UpdateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update = services.update_post(
                actor=_actor(request),
                enquiry=enquiry,
                kind=data["kind"],
                text=data["text"],
                tell_contributors=data["tell_contributors"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            told = (
                f": it will reach {update.told} people whose words led here"
                if update.tell_contributors
                else ""
            )
            messages.success(request, f"Update posted{told}")
            return redirect("enquiries:enquiry", enquiry_id=enquiry.pk)
    return render(
        request,
        "enquiries/update_form.html",
        {"programme": enquiry.programme, "enquiry": enquiry, "form": form},
    )


@login_required
@require_POST
def update_delete(request: HttpRequest, update_id: int) -> HttpResponse:
    update = Update.objects.filter(pk=update_id, enquiry__isnull=False).first()
    if update is None:
        raise Http404
    enquiry = access.get_enquiry_for(request.user, update.enquiry_id, "change")  # type: ignore[arg-type]
    services.update_delete(actor=_actor(request), update=update)
    messages.success(request, "Update taken back")
    return redirect("enquiries:enquiry", enquiry_id=enquiry.pk)
