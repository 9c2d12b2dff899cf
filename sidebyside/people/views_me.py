"""Each person's own pages: "Your details and choices".

Every view here shows or changes only the signed-in person's own record, fetched with
``people.access.get_own_person``; nothing takes a person id from the address. Reads of
their support needs and plan are audited as they are for staff, and every write goes
through ``people.services``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sidebyside.accounts.models import User
from sidebyside.people import consent as consents
from sidebyside.people import services
from sidebyside.people.access import get_own_person
from sidebyside.people.editing import clash, save_person_form
from sidebyside.people.forms import (
    AboutMeForm,
    ConsentForm,
    ContactForm,
    DetailsForm,
    PlanForm,
    SupportNeedsForm,
    VersionedForm,
)
from sidebyside.people.models import (
    PLAN_FIELDS,
    Consent,
    Person,
    PersonRequest,
    SupportNeeds,
)

Purpose = Consent.Purpose
Level = Consent.Level

KEEP_LABEL = "Keep a record of my support needs and plan"
NOT_KEPT_MESSAGE = (
    "You have told us not to keep a record of your support needs and plan, so we have not saved this. "
    "To save it, tick the box to let us keep a record"
)

# How a consent was given, said to the person themselves.
HOW_GIVEN = {
    Consent.How.WRITTEN: "in writing",
    Consent.How.ONLINE: "online",
    Consent.How.VERBAL: "by telling a member of staff",
}
# How they may be named, said to the person themselves.
LEVEL_PHRASES = {
    Level.NAMED: "with your full name",
    Level.FIRST_NAME: "with your first name only",
    Level.ANONYMOUS: "without your name",
}
LEVEL_CHOICES = [
    (Level.NAMED.value, "Yes, with my full name"),
    (Level.FIRST_NAME.value, "Yes, with my first name only"),
    (Level.ANONYMOUS.value, "Yes, but without my name"),
]


@dataclass(frozen=True)
class Question:
    """How one purpose is asked on its own page, in plain words."""

    title: str
    explanation: str
    question: str
    yes: str  # success message; for levelled purposes ends before how they are named
    no: str


QUESTIONS: dict[str, Question] = {
    Purpose.CONTACT_SMS: Question(
        "Text messages",
        "We send text messages to remind you about sessions and to tell you about new ones.",
        "Can we send you text messages?",
        "We can send you text messages",
        "We will not send you text messages",
    ),
    Purpose.CONTACT_EMAIL: Question(
        "Emails",
        "We send emails about sessions, and sometimes papers to read before a meeting.",
        "Can we email you?",
        "We can email you",
        "We will not email you",
    ),
    Purpose.CONTACT_PHONE: Question(
        "Phone calls",
        "Someone from Side by Side may phone you, for example to ask how a session went for you.",
        "Can we phone you?",
        "We can phone you",
        "We will not phone you",
    ),
    Purpose.CONTACT_POST: Question(
        "Letters",
        "We sometimes post letters, for example an invitation to an event.",
        "Can we send you letters?",
        "We can send you letters",
        "We will not send you letters",
    ),
    Purpose.CONTACT_WORKER: Question(
        "Your key worker",
        "We can pass messages to you through your key worker or another person you trust.",
        "Can we contact you through your key worker?",
        "We can contact you through your key worker",
        "We will not contact you through your key worker",
    ),
    Purpose.STORE_SUPPORT: Question(
        "Your support needs and plan",
        "We keep a note of what helps you take part, like step-free access or breaks, and your plan. "
        "Only staff who need it to support you can see it.",
        "Can we keep a record of your support needs and plan?",
        "We will keep a record of your support needs and plan",
        "We will not keep a record of your support needs or plan. We have deleted what we had",
    ),
    Purpose.RECORD_CONTRIBUTIONS: Question(
        "Writing down what you say",
        "We sometimes write down what people say in sessions, so that services hear it. "
        "You choose whether we use your name.",
        "Can we write down what you say in sessions?",
        "We can write down what you say",
        "We will not write down what you say",
    ),
    Purpose.QUOTE: Question(
        "Quotes in reports",
        "We sometimes quote what people say in reports to services. You choose whether we use your name.",
        "Can we quote what you say?",
        "We can quote you",
        "We will not quote you",
    ),
    Purpose.PHOTOS: Question(
        "Photos",
        "We sometimes take photos at sessions and events. We may use them in reports, "
        "on our website or on social media.",
        "Can we use photos of you?",
        "We can use photos of you",
        "We will not use photos of you",
    ),
    Purpose.SHARE_STORY: Question(
        "Your story",
        "Some people share their story, for example on our website or at an event, to help change services.",
        "Can we share your story publicly?",
        "We can share your story",
        "We will not share your story",
    ),
}
CHANGE_ANY_TIME = "You can change this at any time."

DOWNLOADS = {
    "html": ("text/html; charset=utf-8", "html", "Download as a web page"),
    "pdf": ("application/pdf", "pdf", "Download as a PDF"),
    "json": ("application/json", "json", "Download as JSON"),
}


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


# Your details and choices ----------------------------------------------------------------------


@login_required
def me(request: HttpRequest) -> HttpResponse:
    person = get_own_person(request.user)
    actor = _actor(request)
    current = consents.consents_in_force(person)
    rows = []
    for purpose in Purpose:
        consent = current.get(purpose.value)
        rows.append(
            {
                "purpose": purpose,
                "consent": consent,
                "level": LEVEL_PHRASES.get(Level(consent.level)) if consent and consent.level else "",
                "how": HOW_GIVEN.get(Consent.How(consent.how), "") if consent else "",
            }
        )
    needs = SupportNeeds.objects.filter(person=person).first()
    plan = services.current_plan(person)
    services.audit_read(actor=actor, person=person, what="support_needs")
    services.audit_read(actor=actor, person=person, what="plan")
    open_requests = {r.kind for r in PersonRequest.objects.filter(person=person, done_at__isnull=True)}
    return render(
        request,
        "people/me/me.html",
        {
            "person": person,
            "consent_rows": rows,
            "may_store": Purpose.STORE_SUPPORT.value in current,
            "needs": needs,
            "plan": plan,
            "asked_to_forget": PersonRequest.Kind.FORGET in open_requests,
            "paused": person.status != Person.Status.ACTIVE,
            "cannot_reach": person.status == Person.Status.ACTIVE
            and bool(consents.cannot_reach(person, agreed=current.keys())),
        },
    )


def _change_person(
    request: HttpRequest,
    person: Person,
    form: VersionedForm,
    *,
    template: str,
    success: str,
    initial_for: Any,
) -> HttpResponse:
    """Save one of the forms about the person themselves, or say what stopped it."""
    saved_now: list[tuple[str, str]] = []
    if request.method == "POST":
        saved, saved_now = save_person_form(
            actor=_actor(request), person=person, form=form, initial_for=initial_for
        )
        if saved:
            messages.success(request, success)
            return redirect("people:me")
    return render(request, template, {"form": form, "person": person, "saved_now": saved_now})


@login_required
@require_http_methods(["GET", "POST"])
def me_details(request: HttpRequest) -> HttpResponse:
    person = get_own_person(request.user)
    form = DetailsForm(request.POST or None, initial=DetailsForm.initial_for(person), user=person.user)
    return _change_person(
        request,
        person,
        form,
        template="people/me/details_form.html",
        success="Your details have been saved",
        initial_for=DetailsForm.initial_for,
    )


@login_required
@require_http_methods(["GET", "POST"])
def me_contact(request: HttpRequest) -> HttpResponse:
    person = get_own_person(request.user)
    form = ContactForm(request.POST or None, initial=ContactForm.initial_for(person))
    return _change_person(
        request,
        person,
        form,
        template="people/me/contact_form.html",
        success="How to contact you has been saved",
        initial_for=ContactForm.initial_for,
    )


@login_required
@require_http_methods(["GET", "POST"])
def me_about(request: HttpRequest) -> HttpResponse:
    person = get_own_person(request.user)
    form = AboutMeForm(request.POST or None, initial=AboutMeForm.initial_for(person))
    return _change_person(
        request,
        person,
        form,
        template="people/me/about_form.html",
        success="About you has been saved",
        initial_for=AboutMeForm.initial_for,
    )


# What you have agreed to -----------------------------------------------------------------------


class MemberConsentForm(ConsentForm):
    """A person's own answer for one purpose: one question, given online today.

    ``ConsentForm(staff=False)`` asks only how to name them; here Yes and No are asked
    too, in one set of radios: for quotes and recordings each Yes says how to name them,
    so nobody has to answer a second question that depends on the first.
    """

    def __init__(self, *args: Any, purpose: str, question: str, **kwargs: Any) -> None:
        super().__init__(*args, purpose=purpose, staff=False, **kwargs)
        self.fields.pop("level", None)
        yes = LEVEL_CHOICES if purpose in Consent.LEVELLED else [("yes", "Yes")]
        self.fields["answer"] = django_forms.ChoiceField(
            label=question,
            choices=[*yes, ("no", "No")],
            widget=django_forms.RadioSelect,
            error_messages={"required": "Select yes or no"},
        )

    @staticmethod
    def initial_for(purpose: str, consent: Consent | None) -> dict[str, str]:
        if consent is None:
            return {}
        return {"answer": consent.level if purpose in Consent.LEVELLED and consent.level else "yes"}


def _purpose(purpose: str) -> Consent.Purpose:
    try:
        return Purpose(purpose)
    except ValueError:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def me_consent(request: HttpRequest, purpose: str) -> HttpResponse:
    person = get_own_person(request.user)
    chosen = _purpose(purpose)
    question = QUESTIONS[chosen]
    current = consents.consents_in_force(person).get(chosen.value)
    form = MemberConsentForm(
        request.POST or None,
        purpose=chosen,
        question=question.question,
        initial=MemberConsentForm.initial_for(chosen, current),
    )
    if request.method == "POST" and form.is_valid():
        answer = form.cleaned_data["answer"]
        actor = _actor(request)
        if answer == "no":
            services.consent_withdraw(actor=actor, person=person, purpose=chosen)
            message = question.no
        else:
            level = answer if chosen in Consent.LEVELLED else ""
            services.consent_give(
                actor=actor,
                person=person,
                purpose=chosen,
                how=Consent.How.ONLINE,
                given_on=timezone.localdate(),
                level=level,
            )
            message = f"{question.yes} {LEVEL_PHRASES[Level(level)]}" if level else question.yes
        messages.success(request, f"{message}. {CHANGE_ANY_TIME}")
        return redirect("people:me")
    # Saying no to keeping support needs deletes them: say so first, whenever there is anything to delete.
    deletes = chosen == Purpose.STORE_SUPPORT and (
        current is not None
        or SupportNeeds.objects.filter(person=person).exists()
        or person.plans.exists()
        or person.catch_ups.exists()
    )
    return render(
        request,
        "people/me/consent_form.html",
        {
            "deletes": deletes,
            "form": form,
            "person": person,
            "purpose": chosen,
            "question": question,
            "current": current,
            "level": LEVEL_PHRASES.get(Level(current.level)) if current and current.level else "",
            "how": HOW_GIVEN.get(Consent.How(current.how), "") if current else "",
        },
    )


# Support needs and plan ------------------------------------------------------------------------


class KeepRecordMixin:
    """Asks, in the same form, for consent to keep support needs and the plan, when it is missing."""

    fields: dict[str, django_forms.Field]
    cleaned_data: dict[str, Any]
    content_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, ask_to_keep: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asks_to_keep = False
        if ask_to_keep:
            self.ask_to_keep()

    def ask_to_keep(self) -> None:
        self.asks_to_keep = True
        keep = django_forms.BooleanField(label=KEEP_LABEL, required=False)
        self.fields = {"keep": keep, **{k: v for k, v in self.fields.items() if k != "keep"}}

    def entered_something(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.content_fields)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}  # type: ignore[misc]
        if self.asks_to_keep and not cleaned.get("keep"):
            if self.entered_something():
                message = f"To save what you entered, tick the box: {KEEP_LABEL.lower()}"
            else:
                message = f"Tick the box if you want us to {KEEP_LABEL.lower()}, or select Cancel"
            self.add_error("keep", message)  # type: ignore[attr-defined]
        return cleaned


class MemberNeedsForm(KeepRecordMixin, SupportNeedsForm):
    content_fields = ("needs", "details")


class MemberPlanForm(KeepRecordMixin, PlanForm):
    content_fields = (*PLAN_FIELDS, "review_on")


def _give_store_support(request: HttpRequest, person: Person) -> None:
    services.consent_give(
        actor=_actor(request),
        person=person,
        purpose=Purpose.STORE_SUPPORT,
        how=Consent.How.ONLINE,
        given_on=timezone.localdate(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def me_needs(request: HttpRequest) -> HttpResponse:
    person = get_own_person(request.user)
    services.audit_read(actor=_actor(request), person=person, what="support_needs")
    record = SupportNeeds.objects.filter(person=person).first()
    form = MemberNeedsForm(
        request.POST or None,
        initial=SupportNeedsForm.initial_for(record),
        ask_to_keep=not consents.may_store_support(person),
    )
    saved_now: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if form.asks_to_keep:
                    _give_store_support(request, person)
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
        except services.ConsentMissing:
            form.ask_to_keep()
            form.add_error(None, NOT_KEPT_MESSAGE)
        else:
            messages.success(request, "Your support needs have been saved")
            return redirect("people:me")
    return render(
        request, "people/me/needs_form.html", {"form": form, "person": person, "saved_now": saved_now}
    )


@login_required
def me_plan(request: HttpRequest) -> HttpResponse:
    person = get_own_person(request.user)
    services.audit_read(actor=_actor(request), person=person, what="plan")
    return render(
        request,
        "people/me/plan.html",
        {
            "person": person,
            "plan": services.current_plan(person),
            "catch_ups": list(person.catch_ups.all()),
            "may_store": consents.may_store_support(person),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def me_plan_edit(request: HttpRequest) -> HttpResponse:
    person = get_own_person(request.user)
    services.audit_read(actor=_actor(request), person=person, what="plan")
    latest = services.current_plan(person)
    form = MemberPlanForm(
        request.POST or None,
        initial=PlanForm.initial_for(latest),
        ask_to_keep=not consents.may_store_support(person),
    )
    saved_now: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("keep", "base_version")}
        try:
            with transaction.atomic():
                if form.asks_to_keep:
                    _give_store_support(request, person)
                services.plan_save(
                    actor=_actor(request),
                    person=person,
                    base_version=form.cleaned_data["base_version"],
                    **data,
                )
        except services.RecordChanged:
            saved_now = clash(form, PlanForm.initial_for(services.current_plan(person)), "base_version")
        except services.ConsentMissing:
            form.ask_to_keep()
            form.add_error(None, NOT_KEPT_MESSAGE)
        else:
            messages.success(request, "Your plan has been saved")
            return redirect("people:me_plan")
    return render(
        request,
        "people/me/plan_form.html",
        {"form": form, "person": person, "plan": latest, "saved_now": saved_now},
    )


# Taking part -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def me_pause(request: HttpRequest) -> HttpResponse:
    person = get_own_person(request.user)
    if request.method == "POST":
        status = request.POST.get("status", "")
        if status not in (Person.Status.PAUSED, Person.Status.ACTIVE):
            return HttpResponseBadRequest("Choose to pause or to start taking part again.")
        services.person_set_status(actor=_actor(request), person=person, status=status)
        if status == Person.Status.PAUSED:
            messages.success(
                request, "You have paused. We will not send you reminders or messages until you come back"
            )
        else:
            messages.success(request, "Welcome back. We can send you reminders and messages again")
        return redirect("people:me")
    return render(
        request,
        "people/me/pause.html",
        {"person": person, "paused": person.status != Person.Status.ACTIVE, "status": Person.Status},
    )


# Your data -------------------------------------------------------------------------------------


@login_required
def me_data(request: HttpRequest) -> HttpResponse:
    person = get_own_person(request.user)
    downloads = [(fmt, label) for fmt, (_, _, label) in DOWNLOADS.items()]
    return render(request, "people/me/data.html", {"person": person, "downloads": downloads})


@login_required
@require_POST
def me_data_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """A copy of everything we hold about the person, as a file (POST, so nothing fetches it ahead)."""
    person = get_own_person(request.user)
    if fmt not in DOWNLOADS:
        raise Http404
    from sidebyside.people import privacy

    actor = _actor(request)
    content_type, extension, _ = DOWNLOADS[fmt]
    maker = {"json": privacy.export_json, "html": privacy.export_html, "pdf": privacy.export_pdf}[fmt]
    asked = services.person_request_make(actor=actor, person=person, kind=PersonRequest.Kind.COPY)
    body = maker(person, actor=actor)
    services.person_request_done(actor=actor, request=asked)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="my-data.{extension}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def me_forget(request: HttpRequest) -> HttpResponse:
    person = get_own_person(request.user)
    if request.method == "POST":
        services.person_request_make(actor=_actor(request), person=person, kind=PersonRequest.Kind.FORGET)
        return redirect("people:me_forget")
    asked = PersonRequest.objects.filter(
        person=person, kind=PersonRequest.Kind.FORGET, done_at__isnull=True
    ).first()
    return render(request, "people/me/forget.html", {"person": person, "asked": asked})
