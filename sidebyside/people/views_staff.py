"""Staff pages for people's records: the hub's people list, a person's page and its tabs.

Every view fetches through ``people.access`` (or ``hubs.access``); reads of support
needs and plans are audited; writes go through ``people.services``.
"""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sidebyside.accounts.models import User
from sidebyside.accounts.services import sign_in_link_create
from sidebyside.core.audit import audit
from sidebyside.core.exceptions import VerificationRequired
from sidebyside.core.forms import GovukForm
from sidebyside.core.models import AuditEvent
from sidebyside.core.params import row_id
from sidebyside.core.qr import qr_svg
from sidebyside.core.sealed import ENDED, kept_query, opened, sealed_address
from sidebyside.hubs.access import get_hub_for, get_programme_for
from sidebyside.hubs.models import Hub, Membership
from sidebyside.people import consent as consents
from sidebyside.people import selectors, services
from sidebyside.people.access import get_person_for
from sidebyside.people.editing import clash, save_person_form
from sidebyside.people.forms import (
    AboutMeForm,
    CatchUpForm,
    ConsentForm,
    PersonForm,
    PlanForm,
    SupportNeedsForm,
)
from sidebyside.people.models import Consent, Person, PersonRequest, SupportNeeds

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _staff_hubs(user: Any, hub: Hub) -> QuerySet[Hub]:
    """Hubs of the programme whose people this user may list (for the hub filter and candidates)."""
    hubs = Hub.objects.filter(programme_id=hub.programme_id, archived_at__isnull=True).select_related(
        "programme"
    )
    return hubs.filter(pk__in=[h.pk for h in hubs if user.has_perm("hubs.view_hub_people", h)])


class PeopleSearchForm(GovukForm):
    q = django_forms.CharField(label="Search by name, email or phone", required=False, max_length=100)
    hub = django_forms.ChoiceField(label="Hub", required=False)
    expertise = django_forms.ChoiceField(
        label="Kind of expertise", required=False, choices=[("", "Any"), *User.Expertise.choices]
    )
    status = django_forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any"), *Person.Status.choices]
    )
    follow_up = django_forms.BooleanField(label="Only people who need following up", required=False)

    def __init__(self, *args: Any, hubs: list[Hub], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if hubs:
            self.fields["hub"].choices = [("", "All hubs"), *((str(h.pk), h.name) for h in hubs)]  # type: ignore[attr-defined]
        else:
            del self.fields["hub"]


def _people_list(request: HttpRequest, hubs: list[Hub], context: dict[str, Any]) -> HttpResponse:
    """The people of ``hubs``: search, filters, a page of 50 with follow-up flags.

    The search form is posted and answered with a redirect to this list with the words sealed
    (``core.sealed``), so no name, phone number or email address is ever in an address, a
    browser's history or a server's log."""
    if request.method == "POST":
        return sealed_address(request)
    data, ended = opened(request.GET)
    search = PeopleSearchForm(data if data or ended else None, hubs=hubs if len(hubs) > 1 else [])
    filters = selectors.PeopleFilters()
    if search.is_valid():
        cleaned = search.cleaned_data
        filters = selectors.PeopleFilters(
            query=cleaned["q"].strip(),
            hub_id=int(cleaned["hub"]) if cleaned.get("hub") else None,
            expertise=cleaned["expertise"],
            status=cleaned["status"],
            follow_up=cleaned["follow_up"],
        )
    if ended:
        search.add_error("q", ENDED)
    people = selectors.people_for(hubs, filters)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_follow_up(page.object_list)
    template = "people/staff/people_list.html" + ("#results" if request.htmx else "")  # type: ignore[attr-defined]
    context |= {
        "search": search,
        "form": search,  # for the error summary
        "filters": filters,
        "page": page,
        "today": timezone.localdate(),
        "query_string": kept_query(request.GET, ended=ended),
        "hubs_of": selectors.hubs_of(page.object_list, hubs) if len(hubs) > 1 else {},
    }
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def hub_people(request: HttpRequest, hub_id: int) -> HttpResponse:
    hub = get_hub_for(request.user, hub_id, need="people")
    if request.method == "GET":  # a posted search only leads to the list: the list is the read
        audit(actor=request.user, action="hub.people_viewed", obj=hub)
    return _people_list(
        request,
        [hub],
        {
            "hub": hub,
            "list_url": reverse("people:hub_people", args=[hub.pk]),
            "can_add": request.user.has_perm("people.add_person", hub),
            "can_see_history": request.user.has_perm("people.view_hub_history", hub),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_people(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Everyone in the hubs of the programme that the user looks after, with a hub filter."""
    programme = get_programme_for(request.user, programme_id)
    hubs = [
        hub
        for hub in Hub.objects.filter(programme=programme, archived_at__isnull=True).select_related(
            "programme"
        )
        if request.user.has_perm("hubs.view_hub_people", hub)
    ]
    if not hubs:
        raise PermissionDenied
    user: Any = request.user  # django-otp adds is_verified()
    if not user.is_verified():
        raise VerificationRequired
    if request.method == "GET":
        audit(actor=request.user, action="programme.people_viewed", obj=programme, hubs=[h.pk for h in hubs])
    return _people_list(
        request,
        hubs,
        {
            "programme": programme,
            "list_url": reverse("people:programme_people", args=[programme.pk]),
            "can_add": False,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_add(request: HttpRequest, hub_id: int) -> HttpResponse:
    hub = get_hub_for(request.user, hub_id, need="people")
    if not request.user.has_perm("people.add_person", hub):
        raise PermissionDenied
    candidates = selectors.people_for([hub])
    form = PersonForm(request.POST or None, candidates=candidates)
    duplicates: list[Person] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = list(
            selectors.possible_duplicates(hub.programme, email=data["email"], phone=data["phone"])
        )
        if duplicates and not data["not_duplicate"]:
            form.show_duplicate_confirmation()
            form.add_error(
                "phone" if data["phone"] else "email",
                "Someone with this phone number or email address already has a record. "
                "Check they are not the same person before you add them",
            )
        else:
            fields = {k: v for k, v in data.items() if k not in ("lock_version", "not_duplicate")}
            person = services.person_create(actor=_actor(request), hub=hub, **fields)
            messages.success(request, f"{person.display_name} added. Now record what they have agreed to")
            return redirect("people:person_consents", person_id=person.pk)
    elif request.method == "POST" and request.POST.get("not_duplicate"):
        form.show_duplicate_confirmation()
    return render(
        request,
        "people/staff/person_form.html",
        {"form": form, "hub": hub, "person": None, "duplicates": duplicates},
    )


def _tabs(request: HttpRequest, person: Person, current: str) -> dict[str, Any]:
    user = request.user
    tabs = []
    if user.has_perm("people.view_person", person):
        tabs += [("details", "Details", "people:person"), ("consents", "Consent", "people:person_consents")]
    if user.has_perm("people.view_support_needs", person):
        tabs.append(("needs", "Support needs", "people:person_needs"))
    if user.has_perm("people.view_plan", person):
        tabs.append(("plan", "Plan", "people:person_plan"))
    if user.has_perm("people.view_history", person):
        tabs.append(("history", "History", "people:person_history"))
    return {
        "person": person,
        "tabs": [(key, label, reverse(name, args=[person.pk]), key == current) for key, label, name in tabs],
    }


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id)
    audit(actor=request.user, action="person.viewed", obj=person, subject=person.user)
    memberships = (
        Membership.objects.filter(user_id=person.user_id, ended_at__isnull=True)
        .select_related("hub", "programme", "organisation")
        .order_by("hub__name")
    )
    requests = PersonRequest.objects.filter(person=person, done_at__isnull=True)
    return render(
        request,
        "people/staff/person_detail.html",
        {
            **_tabs(request, person, "details"),
            "memberships": memberships,
            "open_requests": requests,
            # Paused or left is said by their status; otherwise, why reminders would not reach them.
            "cannot_reach": consents.cannot_reach(person) if person.status == Person.Status.ACTIVE else "",
            "can_change": request.user.has_perm("people.change_person", person),
            "can_erase": request.user.has_perm("people.erase_person", person),
            "export_formats": [("pdf", "Download as PDF"), ("json", "Download as JSON")],
        },
    )


def _person_hub(person: Person, user: Any) -> Hub | None:
    """The first hub of the person that the user looks after (candidates for buddy and key worker)."""
    for membership in Membership.objects.filter(
        user_id=person.user_id, hub__isnull=False, ended_at__isnull=True
    ):
        hub = membership.hub
        if hub is not None and user.has_perm("hubs.view_hub_people", hub):
            return hub
    return None


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id, need="change")
    hub = _person_hub(person, request.user)
    candidates = selectors.people_for([hub]) if hub else Person.objects.none()
    form = PersonForm(
        request.POST or None,
        initial=PersonForm.initial_for(person),
        candidates=candidates,
        person=person,
        user=person.user,
    )
    saved_now: list[tuple[str, str]] = []
    if request.method == "POST":
        saved, saved_now = save_person_form(
            actor=_actor(request), person=person, form=form, initial_for=PersonForm.initial_for
        )
        if saved:
            messages.success(request, "Details saved")
            return redirect("people:person", person_id=person.pk)
    return render(
        request,
        "people/staff/person_form.html",
        {"form": form, "hub": hub, "person": person, "duplicates": [], "saved_now": saved_now},
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_about(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id, need="change")
    form = AboutMeForm(request.POST or None, initial=AboutMeForm.initial_for(person))
    saved_now: list[tuple[str, str]] = []
    if request.method == "POST":
        saved, saved_now = save_person_form(
            actor=_actor(request), person=person, form=form, initial_for=AboutMeForm.initial_for
        )
        if saved:
            messages.success(request, "About me saved")
            return redirect("people:person", person_id=person.pk)
    return render(
        request, "people/staff/about_form.html", {"form": form, "person": person, "saved_now": saved_now}
    )


class StatusForm(GovukForm):
    status = django_forms.ChoiceField(
        label="Are they taking part?",
        choices=Person.Status.choices,
        widget=django_forms.RadioSelect,
        error_messages={"required": "Select whether they are taking part"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_status(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id, need="change")
    form = StatusForm(request.POST or None, initial={"status": person.status})
    if request.method == "POST" and form.is_valid():
        services.person_set_status(actor=_actor(request), person=person, status=form.cleaned_data["status"])
        messages.success(request, f"Status saved: {person.get_status_display().lower()}")
        return redirect("people:person", person_id=person.pk)
    return render(request, "people/staff/status_form.html", {"form": form, "person": person})


# Consent ---------------------------------------------------------------------------------------


@login_required
def person_consents(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id)
    current = consents.consents_in_force(person)
    history = list(
        Consent.objects.filter(person=person, ended_at__isnull=False).select_related("recorded_by")[:50]
    )
    ended = {consent.purpose for consent in history}  # "no" after a yes, rather than never asked
    rows = [(purpose, current.get(purpose.value), purpose.value in ended) for purpose in Consent.Purpose]
    return render(
        request,
        "people/staff/person_consents.html",
        {
            **_tabs(request, person, "consents"),
            "rows": rows,
            "history": history,
            "can_change": request.user.has_perm("people.change_person", person),
        },
    )


def _purpose(purpose: str) -> Consent.Purpose:
    try:
        return Consent.Purpose(purpose)
    except ValueError:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def person_consent(request: HttpRequest, person_id: int, purpose: str) -> HttpResponse:
    person = get_person_for(request.user, person_id, need="change")
    chosen = _purpose(purpose)
    form = ConsentForm(request.POST or None, purpose=chosen, staff=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_give(
                actor=_actor(request),
                person=person,
                purpose=chosen,
                how=data["how"],
                given_on=data["given_on"],
                level=data.get("level", ""),
                expires_on=data["expires_on"],
            )
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            messages.success(request, f"Consent recorded: {chosen.label}")
            return redirect("people:person_consents", person_id=person.pk)
    return render(
        request, "people/staff/consent_form.html", {"form": form, "person": person, "purpose": chosen}
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_consent_withdraw(request: HttpRequest, person_id: int, purpose: str) -> HttpResponse:
    person = get_person_for(request.user, person_id, need="change")
    chosen = _purpose(purpose)
    if request.method == "POST":
        services.consent_withdraw(actor=_actor(request), person=person, purpose=chosen)
        messages.success(request, f"Consent withdrawn: {chosen.label}")
        return redirect("people:person_consents", person_id=person.pk)
    return render(request, "people/staff/consent_withdraw.html", {"person": person, "purpose": chosen})


# Support needs ---------------------------------------------------------------------------------


@login_required
def person_needs(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id, need="view_needs")
    services.audit_read(actor=_actor(request), person=person, what="support_needs")
    record = SupportNeeds.objects.filter(person=person).first()
    return render(
        request,
        "people/staff/person_needs.html",
        {
            **_tabs(request, person, "needs"),
            "record": record,
            "may_store": consents.may_store_support(person),
            "can_change": request.user.has_perm("people.change_support_needs", person),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_needs_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id, need="change_needs")
    if not consents.may_store_support(person):
        messages.error(request, "Record their consent to keep support needs before you add any")
        return redirect("people:person_consent", person_id=person.pk, purpose=Consent.Purpose.STORE_SUPPORT)
    record = SupportNeeds.objects.filter(person=person).first()
    services.audit_read(actor=_actor(request), person=person, what="support_needs")
    form = SupportNeedsForm(request.POST or None, initial=SupportNeedsForm.initial_for(record))
    form.fields["needs"].label = "What helps them take part?"  # staff's words, not the person's
    saved_now: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.support_needs_update(
                actor=_actor(request),
                person=person,
                needs=data["needs"],
                details=data["details"],
                expected_version=data["lock_version"],
            )
        except services.RecordChanged:
            fresh = SupportNeeds.objects.filter(person=person).first()
            saved_now = clash(form, SupportNeedsForm.initial_for(fresh), "lock_version")
        else:
            messages.success(request, "Support needs saved")
            return redirect("people:person_needs", person_id=person.pk)
    return render(
        request, "people/staff/needs_form.html", {"form": form, "person": person, "saved_now": saved_now}
    )


# Plan ------------------------------------------------------------------------------------------


@login_required
def person_plan(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id, need="view_plan")
    services.audit_read(actor=_actor(request), person=person, what="plan")
    versions = list(person.plans.select_related("written_by").order_by("-version"))
    shown = versions[0] if versions else None
    wanted = row_id(request.GET.get("version"))
    if wanted is not None:
        shown = next((v for v in versions if v.version == wanted), shown)
    return render(
        request,
        "people/staff/person_plan.html",
        {
            **_tabs(request, person, "plan"),
            "plan": shown,
            "latest": versions[0] if versions else None,
            "versions": versions,
            "catch_ups": person.catch_ups.select_related("recorded_by")[:24],
            "may_store": consents.may_store_support(person),
            "can_change": request.user.has_perm("people.change_plan", person),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_plan_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id, need="change_plan")
    if not consents.may_store_support(person):
        messages.error(request, "Record their consent to keep a plan before you write one")
        return redirect("people:person_consent", person_id=person.pk, purpose=Consent.Purpose.STORE_SUPPORT)
    latest = services.current_plan(person)
    services.audit_read(actor=_actor(request), person=person, what="plan")
    form = PlanForm(request.POST or None, initial=PlanForm.initial_for(latest))
    saved_now: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        base = data.pop("base_version")
        try:
            services.plan_save(actor=_actor(request), person=person, base_version=base, **data)
        except services.RecordChanged:
            saved_now = clash(form, PlanForm.initial_for(services.current_plan(person)), "base_version")
        else:
            messages.success(request, "Plan saved as a new version")
            return redirect("people:person_plan", person_id=person.pk)
    return render(
        request, "people/staff/plan_form.html", {"form": form, "person": person, "saved_now": saved_now}
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_catch_up_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id, need="change_plan")
    if not consents.may_store_support(person):
        messages.error(request, "Record their consent to keep a plan before you note a catch-up")
        return redirect("people:person_consent", person_id=person.pk, purpose=Consent.Purpose.STORE_SUPPORT)
    form = CatchUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.catch_up_add(actor=_actor(request), person=person, **form.cleaned_data)
        messages.success(request, "Catch-up noted")
        return redirect("people:person_plan", person_id=person.pk)
    return render(request, "people/staff/catch_up_form.html", {"form": form, "person": person})


# History, requests, erasure, merge, export -----------------------------------------------------


@login_required
def person_history(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id, need="history")
    events = AuditEvent.objects.filter(subject_id=person.user_id).select_related("actor")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "people/staff/person_history.html", {**_tabs(request, person, "history"), "page": page}
    )


@login_required
def hub_history(request: HttpRequest, hub_id: int) -> HttpResponse:
    """Who saw or changed the records of the people of a hub, newest first: for coordinators to check."""
    hub = get_hub_for(request.user, hub_id, need="people")
    if not request.user.has_perm("people.view_hub_history", hub):
        raise PermissionDenied
    in_hub = Membership.objects.filter(hub=hub).values("user_id")
    events = AuditEvent.objects.filter(subject_id__in=in_hub).select_related("actor", "subject")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/staff/hub_history.html", {"hub": hub, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def person_sign_in_card(request: HttpRequest, person_id: int) -> HttpResponse:
    """A printable card with a single-use sign-in link and its QR code, for someone to reach
    their own pages without an email address or a password.

    Staff accounts sign in with a password and two-step verification, never by card.
    """
    person = get_person_for(request.user, person_id, need="change")
    if person.user.has_usable_password():
        raise PermissionDenied
    context: dict[str, Any] = {"person": person}
    if request.method == "POST":
        link = sign_in_link_create(user=person.user, actor=_actor(request))
        context |= {
            "link": link,
            "qr_svg": qr_svg(link, title=f"QR code that signs {person.display_name} in"),
            "hours": settings.SESAME_MAX_AGE // 3600,
        }
    return render(request, "people/staff/sign_in_card.html", context)


@login_required
@require_POST
def person_request_done(request: HttpRequest, person_id: int, request_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id, need="change")
    asked = PersonRequest.objects.filter(person=person, pk=request_id).first()
    if asked is None:
        raise Http404
    services.person_request_done(actor=_actor(request), request=asked)
    messages.success(request, "Request marked as dealt with")
    return redirect("people:person", person_id=person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def person_erase(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id, need="erase")
    hub = _person_hub(person, request.user)
    if request.method == "POST":
        from sidebyside.people import privacy

        privacy.person_erase(actor=_actor(request), person=person)
        messages.success(request, "Their details have been erased")
        if hub is not None:
            return redirect("people:hub_people", hub_id=hub.pk)
        return redirect("dashboards:home")
    return render(request, "people/staff/person_erase.html", {"person": person})


class MergeForm(GovukForm):
    other = django_forms.ModelChoiceField(
        label="Which record is the same person?",
        queryset=Person.objects.none(),
        empty_label="Choose a record",
        error_messages={"required": "Choose the record that is the same person"},
    )
    confirm = django_forms.BooleanField(
        label="I have checked these are the same person",
        error_messages={"required": "Confirm you have checked these are the same person"},
    )


def _merge_label(person: Person) -> str:
    return f"{person.user.full_name} ({person.user.email or person.phone_display or 'no contact details'})"


@login_required
@require_http_methods(["GET", "POST"])
def person_merge(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id, need="change")
    hub = _person_hub(person, request.user)
    hubs = list(_staff_hubs(request.user, hub)) if hub else []
    candidates = selectors.people_for(hubs).exclude(pk=person.pk)
    form = MergeForm(request.POST or None)
    other_field = form.fields["other"]
    assert isinstance(other_field, django_forms.ModelChoiceField)
    other_field.queryset = candidates
    other_field.label_from_instance = _merge_label  # type: ignore[method-assign,assignment]
    if request.method == "POST" and form.is_valid():
        other = get_person_for(request.user, form.cleaned_data["other"].pk, need="change")
        from sidebyside.people import privacy

        try:
            privacy.person_merge(actor=_actor(request), keep=person, other=other)
        except (ValueError, ValidationError) as error:
            form.add_error("other", str(error.messages[0] if isinstance(error, ValidationError) else error))
        else:
            messages.success(request, "Records merged")
            return redirect("people:person", person_id=person.pk)
    return render(request, "people/staff/person_merge.html", {"form": form, "person": person})


_EXPORTS = {
    "json": ("application/json", "json"),
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
}


@login_required
@require_POST
def person_export(request: HttpRequest, person_id: int, fmt: str) -> HttpResponse:
    person = get_person_for(request.user, person_id, need="change")
    if fmt not in _EXPORTS:
        raise Http404
    from sidebyside.people import privacy

    content_type, extension = _EXPORTS[fmt]
    maker = {"json": privacy.export_json, "html": privacy.export_html, "pdf": privacy.export_pdf}[fmt]
    body = maker(person, actor=_actor(request))
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}-data.{extension}"'
    response["Cache-Control"] = "no-store"
    return response
