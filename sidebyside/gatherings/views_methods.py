"""The method library (staff of the programme read it, its admins change it) and gatherings' agendas.

Every view fetches through ``gatherings.access`` (or ``hubs.access``); writes go through
``gatherings.services_methods``. Pages work without JavaScript; the agenda page has one small
script that shows the total as you type the minutes of a new item.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sidebyside.accounts.models import User
from sidebyside.gatherings import services_methods as services
from sidebyside.gatherings.access import get_gathering_for, get_method_for
from sidebyside.gatherings.agenda import agenda_for, clock
from sidebyside.gatherings.forms_methods import (
    AddMethodForm,
    GroundRulesForm,
    ItemForm,
    MethodForm,
    StepForm,
    minutes_text,
)
from sidebyside.gatherings.models import Gathering, Method, Step
from sidebyside.hubs.access import get_programme_for
from sidebyside.hubs.models import Programme
from sidebyside.people.forms import carry_version


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _programme_for(request: HttpRequest, programme_id: int, perm: str) -> Programme:
    programme = get_programme_for(request.user, programme_id)
    if not request.user.has_perm(perm, programme):
        raise PermissionDenied
    return programme


def _with_steps(methods: QuerySet[Method]) -> QuerySet[Method]:
    return methods.prefetch_related(Prefetch("steps", queryset=Step.objects.order_by("position", "pk")))


def _errors_to_form(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


# The library ----------------------------------------------------------------------------------


@login_required
@require_GET
def method_list(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme_for(request, programme_id, "gatherings.view_methods")
    methods = list(_with_steps(Method.objects.filter(programme=programme)))
    return render(
        request,
        "gatherings/methods/method_list.html",
        {
            "programme": programme,
            "methods": [m for m in methods if m.archived_at is None],
            "archived": [m for m in methods if m.archived_at is not None],
            "can_change": request.user.has_perm("gatherings.change_methods", programme),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def method_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme_for(request, programme_id, "gatherings.change_methods")
    form = MethodForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            method = services.method_create(actor=_actor(request), programme=programme, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        except IntegrityError:  # the same name saved a moment ago by someone else
            form.add_error("name", f"There is already a method called {form.cleaned_data['name']}")
        else:
            messages.success(request, f"{method.name} added. Now add its steps")
            return redirect("gatherings:method", method_id=method.pk)
    return render(
        request, "gatherings/methods/method_form.html", {"form": form, "programme": programme, "method": None}
    )


@login_required
@require_GET
def method_detail(request: HttpRequest, method_id: int) -> HttpResponse:
    method = get_method_for(request.user, method_id)
    steps = list(method.steps.order_by("position", "pk"))
    return render(
        request,
        "gatherings/methods/method_detail.html",
        {
            "method": method,
            "programme": method.programme,
            "steps": steps,
            "total_text": minutes_text(sum(s.minutes for s in steps)),
            "can_change": request.user.has_perm("gatherings.change_methods", method),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def method_edit(request: HttpRequest, method_id: int) -> HttpResponse:
    method = get_method_for(request.user, method_id, need="change")
    form = MethodForm(
        request.POST or None,
        initial=MethodForm.initial_for(method),
        programme=method.programme,
        method=method,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.method_update(actor=_actor(request), method=method, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        except IntegrityError:
            form.add_error("name", f"There is already a method called {form.cleaned_data['name']}")
        else:
            messages.success(request, "Method saved")
            return redirect("gatherings:method", method_id=method.pk)
    return render(
        request,
        "gatherings/methods/method_form.html",
        {"form": form, "programme": method.programme, "method": method},
    )


@login_required
@require_http_methods(["GET", "POST"])
def method_archive(request: HttpRequest, method_id: int) -> HttpResponse:
    method = get_method_for(request.user, method_id, need="change")
    if request.method == "POST":
        services.method_archive(actor=_actor(request), method=method)
        messages.success(request, f"{method.name} archived. You can restore it from the method library")
        return redirect("gatherings:method_list", programme_id=method.programme_id)
    return render(request, "gatherings/methods/method_archive.html", {"method": method})


@login_required
@require_POST
def method_restore(request: HttpRequest, method_id: int) -> HttpResponse:
    method = get_method_for(request.user, method_id, need="change")
    services.method_restore(actor=_actor(request), method=method)
    messages.success(request, f"{method.name} restored")
    return redirect("gatherings:method", method_id=method.pk)


# Steps of a method ----------------------------------------------------------------------------


def _method_step(request: HttpRequest, method_id: int, step_id: int) -> tuple[Method, Step]:
    method = get_method_for(request.user, method_id, need="change")
    step = Step.objects.filter(method=method, pk=step_id).first()
    if step is None:
        raise Http404
    return method, step


def _step_page(request: HttpRequest, form: Any, context: dict[str, Any]) -> HttpResponse:
    return render(request, "gatherings/methods/step_form.html", {"form": form, **context})


@login_required
@require_http_methods(["GET", "POST"])
def method_step_add(request: HttpRequest, method_id: int) -> HttpResponse:
    method = get_method_for(request.user, method_id, need="change")
    form = StepForm(request.POST or None)
    back = reverse("gatherings:method", args=[method.pk])
    if request.method == "POST" and form.is_valid():
        try:
            step = services.step_add(actor=_actor(request), method=method, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, f"Step added: {step.title}")
            return redirect(back)
    return _step_page(
        request, form, {"heading": "Add a step", "caption": method.name, "back": back, "button": "Add step"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def method_step_edit(request: HttpRequest, method_id: int, step_id: int) -> HttpResponse:
    method, step = _method_step(request, method_id, step_id)
    form = StepForm(request.POST or None, initial=StepForm.initial_for(step))
    back = reverse("gatherings:method", args=[method.pk])
    if request.method == "POST" and form.is_valid():
        try:
            services.step_update(actor=_actor(request), step=step, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, f"Step saved: {step.title}")
            return redirect(back)
    return _step_page(request, form, {"heading": "Change a step", "caption": method.name, "back": back})


@login_required
@require_POST
def method_step_remove(request: HttpRequest, method_id: int, step_id: int) -> HttpResponse:
    method, step = _method_step(request, method_id, step_id)
    services.step_remove(actor=_actor(request), step=step)
    messages.success(request, f"Step removed: {step.title}")
    return redirect("gatherings:method", method_id=method.pk)


@login_required
@require_POST
def method_step_move(request: HttpRequest, method_id: int, step_id: int) -> HttpResponse:
    method, step = _method_step(request, method_id, step_id)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        services.step_move(actor=_actor(request), step=step, direction=direction)  # type: ignore[arg-type]
    return redirect(reverse("gatherings:method", args=[method.pk]) + f"#step-{step.pk}")


# Agendas --------------------------------------------------------------------------------------


def _offered_methods(gathering: Gathering) -> list[Method]:
    """The programme's methods that are not archived, with their steps: two queries."""
    methods = Method.objects.filter(programme_id=gathering.hub.programme_id, archived_at__isnull=True)
    return list(_with_steps(methods))


def _agenda_page(
    request: HttpRequest,
    gathering: Gathering,
    *,
    add_method: AddMethodForm | None = None,
    item: ItemForm | None = None,
    rules: GroundRulesForm | None = None,
    rules_saved_now: str | None = None,
) -> HttpResponse:
    """The agenda, with the form that failed (if any) bound and its errors in the summary."""
    coming = services.coming_count(gathering)
    speakers = max(coming, 1)
    offered = add_method.methods.values() if add_method else _offered_methods(gathering)
    add_method = add_method or AddMethodForm(methods=list(offered), speakers=speakers)
    item = item or ItemForm()
    rules = rules or GroundRulesForm(
        initial={"ground_rules": gathering.ground_rules, "lock_version": gathering.lock_version}
    )
    failed = next((f for f in (add_method, item, rules) if f.is_bound and f.errors), None)
    in_turns = next((s for m in offered for s in m.steps.all() if s.minutes_each), None)
    return render(
        request,
        "gatherings/agenda/agenda.html",
        {
            "gathering": gathering,
            "hub": gathering.hub,
            "agenda": agenda_for(gathering, coming=speakers),
            "agenda_starts": clock(gathering.starts_at),
            "agenda_ends": clock(gathering.ends_at),
            "coming": coming,
            "speakers": speakers,
            "example": in_turns,
            "example_total": in_turns.minutes_each * speakers if in_turns and in_turns.minutes_each else 0,
            "add_method_form": add_method,
            "item_form": item,
            "rules_form": rules,
            "rules_saved_now": rules_saved_now,
            "form": failed,
            "can_see_methods": request.user.has_perm("gatherings.view_methods", gathering.hub.programme),
        },
    )


def _agenda_item(request: HttpRequest, gathering_id: int, step_id: int) -> tuple[Gathering, Step]:
    gathering = get_gathering_for(request.user, gathering_id, need="plan")
    step = Step.objects.filter(gathering=gathering, pk=step_id).first()
    if step is None:
        raise Http404
    return gathering, step


def _total_message(gathering: Gathering) -> str:
    agenda = agenda_for(gathering)
    text = f"The agenda now takes {agenda.total_text} of {agenda.length_text}"
    if agenda.over_by:
        return f"{text}: {agenda.over_text} too long"
    return text


@login_required
@require_GET
def agenda(request: HttpRequest, gathering_id: int) -> HttpResponse:
    gathering = get_gathering_for(request.user, gathering_id, need="plan")
    return _agenda_page(request, gathering)


@login_required
@require_POST
def agenda_add_method(request: HttpRequest, gathering_id: int) -> HttpResponse:
    gathering = get_gathering_for(request.user, gathering_id, need="plan")
    speakers = services.speakers_for(gathering)
    form = AddMethodForm(request.POST, methods=_offered_methods(gathering), speakers=speakers)
    if form.is_valid():
        method = form.cleaned_data["method"]
        try:
            copies = services.agenda_add_method(actor=_actor(request), gathering=gathering, method=method)
        except services.MethodHasNoSteps:
            form.add_error(
                "method", f"{method.name} has no steps yet. Add its steps in the method library first"
            )
        else:
            added = minutes_text(sum(step.minutes for step in copies))
            messages.success(request, f"{method.name} added ({added}). {_total_message(gathering)}")
            return redirect("gatherings:agenda", gathering_id=gathering.pk)
    return _agenda_page(request, gathering, add_method=form)


@login_required
@require_POST
def agenda_add_item(request: HttpRequest, gathering_id: int) -> HttpResponse:
    gathering = get_gathering_for(request.user, gathering_id, need="plan")
    form = ItemForm(request.POST)
    if form.is_valid():
        try:
            step = services.step_add(actor=_actor(request), gathering=gathering, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, f"{step.title} added. {_total_message(gathering)}")
            return redirect("gatherings:agenda", gathering_id=gathering.pk)
    return _agenda_page(request, gathering, item=form)


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_edit(request: HttpRequest, gathering_id: int, step_id: int) -> HttpResponse:
    gathering, step = _agenda_item(request, gathering_id, step_id)
    form = StepForm(request.POST or None, initial=StepForm.initial_for(step), noun="item")
    back = reverse("gatherings:agenda", args=[gathering.pk])
    if request.method == "POST" and form.is_valid():
        try:
            services.step_update(actor=_actor(request), step=step, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, f"{step.title} saved. {_total_message(gathering)}")
            return redirect(back)
    return _step_page(
        request, form, {"heading": "Change an agenda item", "caption": gathering.title, "back": back}
    )


@login_required
@require_POST
def agenda_item_remove(request: HttpRequest, gathering_id: int, step_id: int) -> HttpResponse:
    gathering, step = _agenda_item(request, gathering_id, step_id)
    services.step_remove(actor=_actor(request), step=step)
    messages.success(request, f"{step.title} removed. {_total_message(gathering)}")
    return redirect("gatherings:agenda", gathering_id=gathering.pk)


@login_required
@require_POST
def agenda_item_move(request: HttpRequest, gathering_id: int, step_id: int) -> HttpResponse:
    gathering, step = _agenda_item(request, gathering_id, step_id)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        services.step_move(actor=_actor(request), step=step, direction=direction)  # type: ignore[arg-type]
    return redirect(reverse("gatherings:agenda", args=[gathering.pk]) + f"#item-{step.pk}")


@login_required
@require_POST
def agenda_ground_rules(request: HttpRequest, gathering_id: int) -> HttpResponse:
    gathering = get_gathering_for(request.user, gathering_id, need="plan")
    form = GroundRulesForm(request.POST)
    if form.is_valid():
        try:
            services.ground_rules_save(
                actor=_actor(request),
                gathering=gathering,
                expected_version=form.cleaned_data["lock_version"],
                ground_rules=form.cleaned_data["ground_rules"],
            )
        except services.RecordChanged:
            gathering = get_gathering_for(request.user, gathering_id, need="plan")
            form.add_error(
                "ground_rules",
                "Someone else changed this gathering while you were editing it. Check the agreement "
                "saved now, shown above the box, then save again: what you typed is still in the box",
            )
            carry_version(form, "lock_version", gathering.lock_version)
            return _agenda_page(request, gathering, rules=form, rules_saved_now=gathering.ground_rules)
        messages.success(request, "Group agreement saved")
        return redirect("gatherings:agenda", gathering_id=gathering.pk)
    return _agenda_page(request, gathering, rules=form)
