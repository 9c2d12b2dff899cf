"""Planning and recording gatherings: a hub's gatherings, the gathering page, adding and changing
gatherings and series, who is invited or coming, attendance, reminders and the write-up.

Every view fetches through ``gatherings.access`` (or ``hubs.access``); writes go through
``gatherings.services``; reading attendees' support needs is audited.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sidebyside.accounts.models import User
from sidebyside.core.audit import audit
from sidebyside.core.params import search_words
from sidebyside.gatherings import services
from sidebyside.gatherings.access import check_gathering, get_gathering_for
from sidebyside.gatherings.forms import (
    AddPeopleForm,
    GatheringForm,
    PhotoForm,
    ReminderTimesForm,
    WalkInForm,
    WriteUpForm,
)
from sidebyside.gatherings.models import Gathering, Photo, Registration, Reminder, ReminderSettings, Series
from sidebyside.gatherings.reminders import hours_for
from sidebyside.hubs.access import get_hub_for
from sidebyside.hubs.models import Hub, Membership
from sidebyside.notify.models import OutboxMessage
from sidebyside.people.access import get_own_person
from sidebyside.people.consent import cannot_reach, contactable
from sidebyside.people.editing import clash
from sidebyside.people.models import Consent, Person
from sidebyside.people.selectors import support_needs_for

R = Registration.Status
PAST_PAGE = 20
KIND_PLURALS: dict[str, str] = {
    User.Expertise.EXPERIENCE: "by experience",
    User.Expertise.PROFESSION: "by profession",
    User.Expertise.BOTH: "by both",
}
# Short enough for three answers side by side on a phone.
SHORT_MARKS = [("attended", "Came"), ("apologies", "Apologies"), ("absent", "Absent")]


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _posted(request: HttpRequest) -> Any:
    """The form data on a POST, even an empty one (no box ticked); None otherwise."""
    return request.POST if request.method == "POST" else None


def _hub_for_planning(user: Any, hub_id: int) -> Hub:
    hub = get_hub_for(user, hub_id)
    if not user.has_perm("gatherings.plan_gathering", hub):
        raise PermissionDenied
    return hub


def _hub_staff(hub: Hub) -> list[User]:
    ids = Membership.objects.filter(
        hub=hub, ended_at__isnull=True, role__in=[Membership.Role.COORDINATOR, Membership.Role.FACILITATOR]
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("full_name"))


# --- A hub's gatherings --------------------------------------------------------------------


@login_required
@require_GET
def hub_gatherings(request: HttpRequest, hub_id: int) -> HttpResponse:
    hub = get_hub_for(request.user, hub_id)
    now = timezone.now()
    query = search_words(request.GET.get("q"), limit=100)
    gatherings = Gathering.objects.filter(hub=hub).annotate(
        coming=Count("registrations", filter=Q(registrations__status=R.REGISTERED)),
        came=Count("registrations", filter=Q(registrations__attendance=Registration.Attendance.ATTENDED)),
    )
    if query:
        gatherings = gatherings.filter(Q(title__icontains=query) | Q(venue__icontains=query))
    upcoming = list(gatherings.filter(ends_at__gte=now).order_by("starts_at")[:50])
    past = Paginator(gatherings.filter(ends_at__lt=now).order_by("-starts_at"), PAST_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "gatherings/hub_gatherings.html",
        {
            "hub": hub,
            "upcoming": upcoming,
            "past": past,
            "query": query,
            "may_plan": request.user.has_perm("gatherings.plan_gathering", hub),
            "may_set_reminders": request.user.has_perm("hubs.change_hub", hub),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def gathering_add(request: HttpRequest, hub_id: int) -> HttpResponse:
    hub = _hub_for_planning(request.user, hub_id)
    form = GatheringForm(_posted(request), staff=_hub_staff(hub), creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.gathering_create(
                actor=_actor(request),
                hub=hub,
                facilitators=form.chosen_facilitators(),
                repeats=form.cleaned_data.get("repeats") or "",
                count=form.cleaned_data.get("count") or 1,
                **form.gathering_fields(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if len(made) > 1:
                messages.success(
                    request, f"{len(made)} gatherings added, the first on {made[0].starts_at:%-d %B}"
                )
            else:
                messages.success(request, "Gathering added")
            return redirect("gatherings:gathering", gathering_id=made[0].pk)
    return render(request, "gatherings/gathering_form.html", {"form": form, "hub": hub, "gathering": None})


# --- One gathering ---------------------------------------------------------------------------


def _calls_still_wanted(calls: list[Reminder]) -> tuple[list[Reminder], list[Reminder]]:
    """Of the reminders the worker left for a facilitator to phone: those to phone now, and those
    not to, with why. Someone may have paused, withdrawn their consent to phone calls or lost
    their number since the worker decided: they are not phoned against their wishes."""
    phone = Person.Channel.PHONE
    agreed = contactable([r.registration.person for r in calls], phone)  # one query for them all
    calls_agreed = [Consent.CHANNEL_PURPOSES[phone]]
    to_phone, not_now = [], []
    for reminder in calls:
        person = reminder.registration.person
        why = cannot_reach(person, phone, agreed=calls_agreed if person.pk in agreed else [])
        if not why:
            to_phone.append(reminder)
            continue
        reminder.reason = why  # shown, never saved: the worker's row stays as it was
        not_now.append(reminder)
    return to_phone, not_now


@login_required
@require_GET
def gathering_detail(request: HttpRequest, gathering_id: int) -> HttpResponse:
    gathering = get_gathering_for(request.user, gathering_id)
    user: Any = request.user  # django-otp adds is_verified()
    may_plan = user.has_perm("gatherings.plan_gathering", gathering)
    sees_people = user.has_perm("gatherings.view_attendees", gathering) and user.is_verified()
    counts = Counter(gathering.registrations.values_list("status", flat=True))
    own = None
    person = Person.objects.filter(user_id=user.pk).first()
    if person is not None:
        own = gathering.registrations.filter(person=person).first()
    failures: list[Reminder] = []
    calls: list[Reminder] = []
    if sees_people:
        reminders = Reminder.objects.filter(registration__gathering=gathering).select_related(
            "registration__person__user", "message"
        )
        failures = [
            r
            for r in reminders
            if r.outcome == Reminder.Outcome.NOT_SENT
            or (r.message is not None and r.message.status == OutboxMessage.Status.FAILED)
        ]
        calls, not_now = _calls_still_wanted([r for r in reminders if r.outcome == Reminder.Outcome.CALL])
        failures += not_now
    return render(
        request,
        "gatherings/gathering_detail.html",
        {
            "gathering": gathering,
            "hub": gathering.hub,
            "may_plan": may_plan,
            "sees_people": sees_people,
            "invited": counts[R.INVITED],
            "coming": counts[R.REGISTERED],
            "declined": counts[R.DECLINED],
            "own": own,
            "is_member": person is not None
            and not may_plan
            and Membership.objects.filter(
                user_id=user.pk, hub=gathering.hub, role=Membership.Role.MEMBER, ended_at__isnull=True
            ).exists(),
            "repeats": _repeats_text(gathering),
            "failures": failures,
            "calls": calls,
            "facilitators": list(gathering.facilitators.all()),
            "agenda": list(gathering.agenda.all()),
            "is_past": gathering.ends_at < timezone.now(),
            "may_delete": may_plan and services.may_delete(gathering),
        },
    )


ORDINALS = ("1st", "2nd", "3rd", "4th", "5th")


def _repeats_text(gathering: Gathering) -> str:
    """How a series repeats, said for this gathering: 'Every month, on the 2nd Tuesday'."""
    if gathering.series is None:
        return ""
    local = timezone.localtime(gathering.starts_at)
    repeats = gathering.series.repeats
    if repeats == Series.Repeats.MONTHLY_WEEKDAY:
        last = (local + datetime.timedelta(days=7)).month != local.month
        nth = "last" if last and local.day > 28 else ORDINALS[(local.day - 1) // 7]
        return f"Every month, on the {nth} {local:%A}"
    if repeats == Series.Repeats.MONTHLY_DATE:
        return f"Every month, on the {local.day}{_suffix(local.day)}"
    return str(gathering.series.get_repeats_display())


def _suffix(day: int) -> str:
    if 11 <= day <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


@login_required
@require_http_methods(["GET", "POST"])
def gathering_edit(request: HttpRequest, gathering_id: int) -> HttpResponse:
    gathering = get_gathering_for(request.user, gathering_id, "plan")
    form = GatheringForm(
        _posted(request),
        initial=GatheringForm.initial_for(gathering),
        staff=_hub_staff(gathering.hub),
        creating=False,
    )
    saved_now: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.gathering_update(
                actor=_actor(request),
                gathering=gathering,
                expected_version=form.cleaned_data.get("version"),
                facilitators=form.chosen_facilitators(),
                **form.gathering_fields(),
            )
        except services.RecordChanged:
            fresh = Gathering.objects.get(pk=gathering.pk)
            saved_now = clash(form, GatheringForm.initial_for(fresh), "version")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Changes saved")
            return redirect("gatherings:gathering", gathering_id=gathering.pk)
    return render(
        request,
        "gatherings/gathering_form.html",
        {"form": form, "hub": gathering.hub, "gathering": gathering, "saved_now": saved_now},
    )


@login_required
@require_http_methods(["GET", "POST"])
def gathering_cancel(request: HttpRequest, gathering_id: int) -> HttpResponse:
    gathering = get_gathering_for(request.user, gathering_id, "plan")
    if request.method == "POST":
        if request.POST.get("restore"):
            services.gathering_restore(actor=_actor(request), gathering=gathering)
            messages.success(request, "Gathering is back on")
        else:
            services.gathering_cancel(actor=_actor(request), gathering=gathering)
            messages.success(request, "Gathering cancelled")
        return redirect("gatherings:gathering", gathering_id=gathering.pk)
    coming = gathering.registrations.filter(status__in=[R.INVITED, R.REGISTERED]).count()
    return render(request, "gatherings/gathering_cancel.html", {"gathering": gathering, "coming": coming})


@login_required
@require_http_methods(["GET", "POST"])
def gathering_delete(request: HttpRequest, gathering_id: int) -> HttpResponse:
    gathering = get_gathering_for(request.user, gathering_id, "plan")
    allowed = services.may_delete(gathering)
    if request.method == "POST" and allowed:
        hub_id = gathering.hub_id
        services.gathering_delete(actor=_actor(request), gathering=gathering)
        messages.success(request, "Gathering deleted")
        return redirect("gatherings:hub_gatherings", hub_id=hub_id)
    return render(request, "gatherings/gathering_delete.html", {"gathering": gathering, "allowed": allowed})


@login_required
@require_POST
def gathering_reply(request: HttpRequest, gathering_id: int) -> HttpResponse:
    """A member says whether they are coming."""
    gathering = get_gathering_for(request.user, gathering_id)
    person = get_own_person(request.user)
    answer = request.POST.get("answer")
    if (
        answer not in (R.REGISTERED, R.DECLINED)
        or gathering.is_cancelled
        or gathering.ends_at < timezone.now()
    ):
        messages.error(request, "You cannot reply to this gathering")
        return redirect("gatherings:gathering", gathering_id=gathering.pk)
    registration = gathering.registrations.filter(person=person).first()
    try:
        if registration is None:
            services.people_add(actor=_actor(request), gathering=gathering, people=[person], status=answer)
        else:
            services.registration_set(actor=_actor(request), registration=registration, status=answer)
    except services.Full as error:
        messages.error(request, f"Sorry, this gathering is full. {error}.")
    else:
        messages.success(
            request,
            "Thank you. See you there." if answer == R.REGISTERED else "Thank you for letting us know",
        )
    return redirect("gatherings:gathering", gathering_id=gathering.pk)


@login_required
@require_GET
def my_gatherings(request: HttpRequest) -> HttpResponse:
    """The gatherings someone is invited to or coming to, and those of their hubs coming up."""
    person = get_own_person(request.user)
    now = timezone.now()
    mine = list(
        Registration.objects.filter(person=person, gathering__ends_at__gte=now)
        .exclude(status=R.DECLINED)
        .select_related("gathering__hub")
        .order_by("gathering__starts_at")[:20]
    )
    hub_ids = Membership.objects.filter(
        user_id=person.user_id, ended_at__isnull=True, hub__isnull=False
    ).values("hub_id")
    others = list(
        Gathering.objects.filter(hub_id__in=hub_ids, ends_at__gte=now, cancelled_at__isnull=True)
        .exclude(pk__in=[r.gathering_id for r in mine])
        .select_related("hub")
        .order_by("starts_at")[:10]
    )
    return render(request, "gatherings/my_gatherings.html", {"mine": mine, "others": others})


# --- Who is invited and coming ----------------------------------------------------------


def _candidates(gathering: Gathering) -> list[tuple[str, str]]:
    already = gathering.registrations.values("person_id")
    users = Membership.objects.filter(hub=gathering.hub, ended_at__isnull=True).values("user_id")
    people = (
        Person.objects.filter(user_id__in=users, erased_at__isnull=True, status=Person.Status.ACTIVE)
        .exclude(pk__in=already)
        .select_related("user")
        .order_by("user__full_name")
    )
    return [(str(p.pk), p.user.display_name) for p in people]


@login_required
@require_http_methods(["GET", "POST"])
def gathering_people(request: HttpRequest, gathering_id: int) -> HttpResponse:
    gathering = get_gathering_for(request.user, gathering_id, "attendees")
    may_plan = request.user.has_perm("gatherings.plan_gathering", gathering)
    candidates = _candidates(gathering)
    form = AddPeopleForm(_posted(request), candidates=candidates)
    if request.method == "POST":
        if not may_plan:
            raise PermissionDenied
        if form.is_valid():
            chosen = Person.objects.filter(pk__in=form.cleaned_data["people"])
            try:
                added = services.people_add(
                    actor=_actor(request),
                    gathering=gathering,
                    people=chosen,
                    status=form.cleaned_data["status"],
                )
            except services.Full as error:
                form.add_error(
                    "people", f"Too many for the places: {error}. Choose fewer people, or add places."
                )
            else:
                messages.success(request, f"{added} {'person' if added == 1 else 'people'} added")
                return redirect("gatherings:gathering_people", gathering_id=gathering.pk)
    registrations = list(
        gathering.registrations.select_related("person__user").order_by("person__user__full_name")
    )
    by_registration: dict[int, list[Reminder]] = {}
    reminders = list(
        Reminder.objects.filter(registration__gathering=gathering).select_related(
            "message", "registration__person"
        )
    )
    _, not_now = _calls_still_wanted([r for r in reminders if r.outcome == Reminder.Outcome.CALL])
    for reminder in not_now:  # shown as not sent, with why (never saved)
        reminder.outcome = Reminder.Outcome.NOT_SENT
    for reminder in reminders:
        by_registration.setdefault(reminder.registration_id, []).append(reminder)
    for registration in registrations:
        registration.reminder_list = by_registration.get(registration.pk, [])  # type: ignore[attr-defined]
    return render(
        request,
        "gatherings/gathering_people.html",
        {
            "gathering": gathering,
            "registrations": registrations,
            "form": form,
            "has_candidates": bool(candidates),
            "may_plan": may_plan,
            "statuses": R.choices,
        },
    )


@login_required
@require_POST
def registration_change(request: HttpRequest, gathering_id: int, registration_id: int) -> HttpResponse:
    gathering = get_gathering_for(request.user, gathering_id, "plan")
    registration = gathering.registrations.select_related("person__user").filter(pk=registration_id).first()
    if registration is None:
        raise Http404
    status = request.POST.get("status", "")
    if status == "remove":
        services.registration_remove(actor=_actor(request), registration=registration)
        messages.success(request, f"{registration.person.user.display_name} removed")
    elif status in R.values:
        try:
            services.registration_set(actor=_actor(request), registration=registration, status=status)
        except services.Full as error:
            messages.error(request, f"No places left: {error}. Add places to the gathering first.")
        else:
            messages.success(request, f"{registration.person.user.display_name}: {R(status).label.lower()}")
    else:
        messages.error(request, "Choose what to change")
    return redirect("gatherings:gathering_people", gathering_id=gathering.pk)


@login_required
@require_POST
def reminder_called(request: HttpRequest, gathering_id: int, reminder_id: int) -> HttpResponse:
    gathering = get_gathering_for(request.user, gathering_id, "plan")
    check_gathering(request.user, gathering, "attendees")
    reminder = Reminder.objects.filter(pk=reminder_id, registration__gathering=gathering).first()
    if reminder is None:
        raise Http404
    services.call_done(actor=_actor(request), reminder=reminder)
    messages.success(request, "Marked as phoned")
    to = "gatherings:gathering_people" if request.POST.get("next") == "people" else "gatherings:gathering"
    return redirect(to, gathering_id=gathering.pk)


# --- On the day ------------------------------------------------------------------------


def _expected(gathering: Gathering) -> list[Registration]:
    return list(
        gathering.registrations.exclude(status=R.DECLINED)
        .select_related("person__user")
        .order_by("person__user__full_name")
    )


def _attendance_page(
    request: HttpRequest,
    gathering: Gathering,
    registrations: list[Registration],
    *,
    walk_in_form: WalkInForm | None = None,
    errors: list[tuple[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    posted = request.POST if errors else {}
    for registration in registrations:
        # After an error, show what was chosen; otherwise what is stored.
        registration.chosen = posted.get(f"r{registration.pk}", registration.attendance)  # type: ignore[attr-defined]
    came = [r for r in registrations if r.attendance == Registration.Attendance.ATTENDED]
    by_kind = Counter(r.person.user.expertise for r in came)
    return render(
        request,
        "gatherings/gathering_attendance.html",
        {
            "gathering": gathering,
            "registrations": registrations,
            "choices": SHORT_MARKS,
            "came": len(came),
            "by_kind": [(KIND_PLURALS.get(kind, kind), n) for kind, n in sorted(by_kind.items())],
            "walk_in_form": walk_in_form or WalkInForm(),
            "errors": errors or [],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def gathering_attendance(request: HttpRequest, gathering_id: int) -> HttpResponse:
    gathering = get_gathering_for(request.user, gathering_id, "run")
    check_gathering(request.user, gathering, "attendees")
    registrations = _expected(gathering)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        valid = set(Registration.Attendance.values) - {""}
        marks: dict[int, str] = {}
        for registration in registrations:
            mark = request.POST.get(f"r{registration.pk}", "")
            if mark in valid:
                marks[registration.pk] = mark
            elif mark:
                name = registration.person.user.display_name
                errors.append((f"r{registration.pk}", f"Choose came, apologies or absent for {name}"))
        if not errors:
            services.attendance_record(actor=_actor(request), gathering=gathering, marks=marks)
            messages.success(request, "Attendance saved")
            return redirect("gatherings:gathering_attendance", gathering_id=gathering.pk)
    return _attendance_page(request, gathering, registrations, errors=errors)


@login_required
@require_POST
def gathering_walk_in(request: HttpRequest, gathering_id: int) -> HttpResponse:
    gathering = get_gathering_for(request.user, gathering_id, "run")
    check_gathering(request.user, gathering, "attendees")
    form = WalkInForm(request.POST)
    if form.is_valid():
        services.walk_in_add(
            actor=_actor(request),
            gathering=gathering,
            full_name=form.cleaned_data["full_name"],
            expertise=form.cleaned_data["expertise"],
        )
        messages.success(request, f"{form.cleaned_data['full_name']} added and marked as came")
        return redirect("gatherings:gathering_attendance", gathering_id=gathering.pk)
    return _attendance_page(request, gathering, _expected(gathering), walk_in_form=form, status=400)


@login_required
@require_GET
def gathering_needs(request: HttpRequest, gathering_id: int) -> HttpResponse:
    """The support needs of those coming, for the facilitator: only those registered, audited."""
    gathering = get_gathering_for(request.user, gathering_id, "needs")
    coming = list(
        gathering.registrations.filter(status=R.REGISTERED)
        .select_related("person__user")
        .order_by("person__user__full_name")
    )
    needs = support_needs_for(r.person_id for r in coming)
    for registration in coming:
        if registration.person_id in needs:
            audit(
                actor=request.user,
                action="person.support_needs_read",
                obj=registration.person,
                subject=registration.person.user,
                gathering=gathering.pk,
            )
    rows = [(r.person, needs.get(r.person_id)) for r in coming]
    return render(request, "gatherings/gathering_needs.html", {"gathering": gathering, "rows": rows})


# --- Afterwards ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def gathering_write_up(request: HttpRequest, gathering_id: int) -> HttpResponse:
    gathering = get_gathering_for(request.user, gathering_id, "plan")
    form = WriteUpForm(
        _posted(request),
        initial={"notes": gathering.notes, "agreed": gathering.agreed, "version": gathering.lock_version},
    )
    saved_now: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.write_up_save(
                actor=_actor(request),
                gathering=gathering,
                expected_version=form.cleaned_data.get("version"),
                notes=form.cleaned_data["notes"],
                agreed=form.cleaned_data["agreed"],
            )
        except services.RecordChanged:
            fresh = Gathering.objects.get(pk=gathering.pk)
            saved_now = clash(
                form, {"notes": fresh.notes, "agreed": fresh.agreed, "version": fresh.lock_version}, "version"
            )
        else:
            messages.success(request, "Write-up saved")
            return redirect("gatherings:gathering_write_up", gathering_id=gathering.pk)
    return render(
        request,
        "gatherings/gathering_write_up.html",
        {
            "gathering": gathering,
            "form": form,
            "photo_form": PhotoForm(),
            "photos": list(gathering.photos.all()),
            "saved_now": saved_now,
        },
    )


@login_required
@require_POST
def photo_add(request: HttpRequest, gathering_id: int) -> HttpResponse:
    gathering = get_gathering_for(request.user, gathering_id, "plan")
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        services.photo_add(
            actor=_actor(request),
            gathering=gathering,
            image=form.cleaned_data["image"],
            caption=form.cleaned_data["caption"],
        )
        messages.success(request, "Photo added")
        return redirect("gatherings:gathering_write_up", gathering_id=gathering.pk)
    return render(
        request,
        "gatherings/gathering_write_up.html",
        {
            "gathering": gathering,
            "form": WriteUpForm(
                initial={
                    "notes": gathering.notes,
                    "agreed": gathering.agreed,
                    "version": gathering.lock_version,
                }
            ),
            "photo_form": form,
            "photos": list(gathering.photos.all()),
            "saved_now": [],
        },
        status=400,
    )


def _photo(request: HttpRequest, gathering_id: int, photo_id: int) -> Photo:
    gathering = get_gathering_for(request.user, gathering_id, "plan")
    photo = Photo.objects.filter(pk=photo_id, gathering=gathering).select_related("gathering").first()
    if photo is None:
        raise Http404
    return photo


@login_required
@require_GET
def photo_view(request: HttpRequest, gathering_id: int, photo_id: int) -> FileResponse:
    photo = _photo(request, gathering_id, photo_id)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=_content_type(photo.image.name or ""))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _content_type(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1]
    return {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(
        suffix, "application/octet-stream"
    )


@login_required
@require_POST
def photo_delete(request: HttpRequest, gathering_id: int, photo_id: int) -> HttpResponse:
    photo = _photo(request, gathering_id, photo_id)
    services.photo_delete(actor=_actor(request), photo=photo)
    messages.success(request, "Photo deleted")
    return redirect("gatherings:gathering_write_up", gathering_id=gathering_id)


# --- A hub's reminder times ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def hub_reminder_times(request: HttpRequest, hub_id: int) -> HttpResponse:
    hub = get_hub_for(request.user, hub_id, "change")
    current = [str(h) for h in hours_for(hub.pk)]
    form = ReminderTimesForm(_posted(request), initial={"hours": current})
    if request.method == "POST" and form.is_valid():
        services.reminder_hours_set(
            actor=_actor(request), hub=hub, hours=[int(h) for h in form.cleaned_data["hours"]]
        )
        messages.success(request, "Reminder times saved")
        return redirect("gatherings:hub_gatherings", hub_id=hub.pk)
    return render(
        request,
        "gatherings/reminder_times.html",
        {"hub": hub, "form": form, "is_default": not ReminderSettings.objects.filter(hub=hub).exists()},
    )
