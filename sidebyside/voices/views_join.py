"""Answering from a phone, with no account; and the staff page that sets it up.

The phone's pages are public and small: their own minimal layout (``voices/join/base.html``) with
a stylesheet of a few kilobytes instead of GOV.UK Frontend, so they load on 3G and old phones.
Each answer form carries a UUID made here when the page is made (it works without JavaScript);
``services.contribution_store`` stores a UUID once, so a resend after a lost answer is harmless.
``join.js`` sends with fetch and, when there is no signal, keeps the answer on the phone and
resends it (same UUID) when the signal is back.

A phone is known only by a long random cookie (``sbs_device``); submissions are counted per
cookie, never per IP address: a whole venue shares one.

Staff (need "plan" on the gathering) open the gathering for phones, choose its questions and
whether answers are checked before the shared screen shows them, and print a poster.
"""

from __future__ import annotations

import datetime
import io
import secrets
import uuid
from typing import Any, Literal

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sidebyside.core.qr import qr_svg
from sidebyside.gatherings.access import get_gathering_for
from sidebyside.gatherings.models import Gathering
from sidebyside.people.models import Person
from sidebyside.voices import services, services_join
from sidebyside.voices.access import is_open, normalise_code
from sidebyside.voices.forms_join import AnswerForm, CheckingForm, CodeForm, QuestionAddForm
from sidebyside.voices.join_cache import PhoneSession, phone_session
from sidebyside.voices.models import Contribution, InboundNumber, JoinCode, Prompt, Question

DEVICE_COOKIE = "sbs_device"
DEVICE_COOKIE_AGE = 60 * 60 * 24 * 400  # browsers cap cookies at about 400 days
OPEN_QUESTION = "What would you like to tell us?"

# --- The device cookie ---------------------------------------------------------------------------


def _device_cookie(request: HttpRequest) -> tuple[str, bool]:
    """The phone's cookie, and whether it is new (to be set on the response)."""
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    if 20 <= len(value) <= 100 and value.isascii():
        return value, False
    return secrets.token_urlsafe(32), True


def _with_device(response: HttpResponse, value: str, new: bool) -> HttpResponse:
    if new:
        response.set_cookie(
            DEVICE_COOKIE,
            value,
            max_age=DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def _phone_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    value, new = _device_cookie(request)
    return _with_device(render(request, template, context, status=status), value, new)


# --- Finding the gathering from its code -----------------------------------------------------------


def _signed_in_author(request: HttpRequest, join: JoinCode) -> Person | None:
    """The member answering, if they are signed in (see ``services_join.signed_in_author``).

    A phone with no session cookie is not looked up at all: answering stays two queries."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    return services_join.signed_in_author(request.user, join.gathering.hub_id)


def _questions(gathering: Gathering) -> list[Question]:
    return list(
        Question.objects.filter(gathering=gathering).select_related("prompt").order_by("position", "pk")
    )


def _ended(request: HttpRequest, join: JoinCode | None, typed: str) -> HttpResponse:
    """The session has ended, or there is no such code: say so kindly, and how else to reach the hub."""
    hub = join.gathering.hub if join is not None else None
    numbers = list(InboundNumber.objects.filter(hub=hub).values_list("number", flat=True)[:1]) if hub else []
    return _phone_page(
        request,
        "voices/join/ended.html",
        {
            "join": join,
            "hub": hub,
            "cancelled": join is not None and join.gathering.cancelled_at is not None,
            "text_number": numbers[0] if numbers else "",
            "form": CodeForm(initial={"code": typed}),
        },
        status=404 if join is None else 410,
    )


def _open_join(request: HttpRequest, code: str) -> tuple[PhoneSession | None, HttpResponse | None]:
    session = phone_session(code)
    if session is None or not is_open(session.join):
        return None, _ended(request, session.join if session else None, code)
    return session, None


def _pick(questions: list[Question], wanted: str | None) -> tuple[Question | None, int]:
    """The question asked for (by id) and its number from 1; the first if it is not one of these."""
    for index, question in enumerate(questions):
        if str(question.pk) == (wanted or ""):
            return question, index + 1
    return (questions[0], 1) if questions else (None, 1)


# --- The phone's pages ---------------------------------------------------------------------------


@require_GET
def join_start(request: HttpRequest) -> HttpResponse:
    """Type the code from the screen or the poster."""
    if "code" not in request.GET:
        return _phone_page(request, "voices/join/start.html", {"form": CodeForm()})
    form = CodeForm(request.GET)
    if not form.is_valid():
        return _phone_page(request, "voices/join/start.html", {"form": form}, status=400)
    code = form.cleaned_data["code"]
    session = phone_session(code)
    if session is None:
        form.add_error("code", "We cannot find a session with that code. Check it and try again")
        return _phone_page(request, "voices/join/start.html", {"form": form}, status=404)
    return redirect("voices:join_answer", code=session.join.code)


def _answer_page(
    request: HttpRequest,
    join: JoinCode,
    questions: list[Question],
    question: Question | None,
    number: int,
    form: AnswerForm,
    *,
    uuid_value: str,
    author: Person | None = None,
    slow_down: bool = False,
    status: int = 200,
) -> HttpResponse:
    return _phone_page(
        request,
        "voices/join/answer.html",
        {
            "join": join,
            "gathering": join.gathering,
            "hub": join.gathering.hub,
            "question": question,
            "question_text": question.prompt.text if question else OPEN_QUESTION,
            "hint": question.prompt.hint if question else "",
            "number": number,
            "count": len(questions),
            "form": form,
            "uuid_value": uuid_value,
            "slow_down": slow_down,
            "author": author,
            "identify_choices": [
                (Contribution.Identify.FIRST_NAME, "Use my first name"),
                (Contribution.Identify.NAMED, "Use my full name"),
                (Contribution.Identify.ANONYMOUS, "Keep them anonymous"),
            ],
            "identify_value": form["identify"].value() or Contribution.Identify.ANONYMOUS,
        },
        status=status,
    )


def _wants_json(request: HttpRequest) -> bool:
    return request.META.get("HTTP_X_REQUESTED_WITH") == "join.js"  # not .headers: it copies them all


@require_http_methods(["GET", "POST"])
def join_answer(request: HttpRequest, code: str) -> HttpResponse:
    """One question at a time: the answer, an optional name, and how the words may be used."""
    canonical = normalise_code(code)
    if canonical and canonical != code and request.method == "GET":
        return redirect("voices:join_answer", code=canonical)
    session, ended = _open_join(request, code)
    if session is None:
        assert ended is not None
        return ended
    join, questions = session.join, list(session.questions)
    author = _signed_in_author(request, join)
    if request.method == "GET":
        question, number = _pick(questions, request.GET.get("q"))
        initial = {"question": question.pk if question else "", "hear_back": True}
        return _answer_page(
            request,
            join,
            questions,
            question,
            number,
            AnswerForm(initial=initial),
            uuid_value=str(uuid.uuid4()),
            author=author,
        )

    form = AnswerForm(request.POST)
    question, number = _pick(questions, request.POST.get("question"))
    valid = form.is_valid()
    posted_uuid = form.cleaned_data.get("uuid") if "uuid" not in form.errors else None
    # A page made before a fault keeps its UUID, so sending it again still stores it once.
    uuid_value = str(posted_uuid or uuid.uuid4())
    device_value, new = _device_cookie(request)
    device = services.device_digest(device_value)
    thanks = session.thanks_url
    if question is not None:
        thanks += f"?q={question.pk}"

    if valid:
        try:
            outcome = _store_answer(form, join, question, device, author)
        except (services.Invalid, ValidationError) as error:
            form.add_error("text", error.messages[0] if isinstance(error, ValidationError) else str(error))
        else:
            if outcome == "stored":
                return _sent(request, thanks, device_value, new)
            if outcome == "too many":
                response = _answer_page(
                    request,
                    join,
                    questions,
                    question,
                    number,
                    form,
                    uuid_value=uuid_value,
                    author=author,
                    slow_down=True,
                    status=429,
                )
                return _with_device(response, device_value, new)
            form.add_error("text", "That did not go through. Send it again")
    response = _answer_page(
        request, join, questions, question, number, form, uuid_value=uuid_value, author=author, status=400
    )
    return _with_device(response, device_value, new)


Outcome = Literal["stored", "too many", "not stored"]


def _store_answer(
    form: AnswerForm, join: JoinCode, question: Question | None, device: str, author: Person | None
) -> Outcome:
    """What became of the answer: stored (now, or before), too many (the phone is over its limit
    this minute), or, twice over, not stored for no reason left (a minute or a resend window
    ended between the insert and the look after it). One query when it is stored, as nearly
    every answer is."""
    data = form.cleaned_data
    for _ in range(2):
        if services_join.phone_contribution_add(
            uuid_value=data["uuid"],
            join=join,
            question=question,
            text=data["text"],
            name=data["name"],
            choice=data["identify"],
            device=device,
            author=author if data["hear_back"] else None,
        ):
            return "stored"
        # Not stored: this form or these words came before, or the phone is over its limit.
        recent = services_join.phone_recent(
            device=device,
            uuid_value=data["uuid"],
            gathering_id=join.gathering_id,
            prompt_id=question.prompt_id if question is not None else None,
            text=data["text"],
        )
        if recent.sent_before:
            return "stored"
        if recent.too_many:
            return "too many"
    return "not stored"


def _sent(request: HttpRequest, thanks: str, device_value: str, new: bool) -> HttpResponse:
    response: HttpResponse
    response = JsonResponse({"next": thanks}) if _wants_json(request) else redirect(thanks)
    return _with_device(response, device_value, new)


@require_GET
def join_thanks(request: HttpRequest, code: str) -> HttpResponse:
    session, ended = _open_join(request, code)
    if session is None:
        assert ended is not None
        return ended
    join, questions = session.join, list(session.questions)
    question, number = _pick(questions, request.GET.get("q"))
    following = questions[number] if question is not None and number < len(questions) else None
    return _phone_page(
        request,
        "voices/join/thanks.html",
        {
            "join": join,
            "hub": join.gathering.hub,
            "question": question,
            "following": following,
            "author": _signed_in_author(request, join),
        },
    )


# --- Staff: setting it up ------------------------------------------------------------------------


def _prompts_to_add(gathering: Gathering) -> QuerySet[Prompt]:
    asked = Question.objects.filter(gathering=gathering).values("prompt_id")
    return Prompt.objects.filter(programme_id=gathering.hub.programme_id, archived_at__isnull=True).exclude(
        pk__in=asked
    )


def join_url(request: HttpRequest, join: JoinCode) -> str:
    return request.build_absolute_uri(reverse("voices:join_answer", kwargs={"code": join.code}))


def join_address(request: HttpRequest) -> str:
    """Where to type a join code, written as people type it: the site and the page, without
    "https://" (a browser adds it, and the site sends it on to HTTPS)."""
    return request.get_host() + reverse("voices:join_start")


def join_qr_svg(request: HttpRequest, join: JoinCode) -> str:
    return qr_svg(join_url(request, join), title="QR code: scan it with a phone's camera to answer")


def _setup_page(
    request: HttpRequest,
    gathering: Gathering,
    *,
    add_form: QuestionAddForm | None = None,
    checking_form: CheckingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    join = JoinCode.objects.filter(gathering=gathering).first()
    open_now = join is not None and is_open(join)
    could_open = (
        gathering.cancelled_at is None and gathering.ends_at + datetime.timedelta(days=7) > timezone.now()
    )
    questions = _questions(gathering)
    context = {
        "gathering": gathering,
        "hub": gathering.hub,
        "join": join,
        "open_now": open_now,
        "could_open": could_open,
        "questions": questions,
        "add_form": add_form or QuestionAddForm(prompts=_prompts_to_add(gathering)),
        "checking_form": checking_form
        or CheckingForm(initial={"moderated": "yes" if join is None or join.moderated else "no"}),
        "may_write_prompts": request.user.has_perm("voices.change_prompts", gathering.hub.programme),
        "open_question": OPEN_QUESTION,
        "join_start": join_address(request),
    }
    if join is not None:
        context |= {"link": join_url(request, join), "qr_svg": join_qr_svg(request, join)}
    form_errors = (add_form is not None and add_form.errors) or (
        checking_form is not None and checking_form.errors
    )
    context["form"] = add_form if add_form is not None and add_form.errors else checking_form
    context["has_errors"] = bool(form_errors)
    return render(request, "voices/join/setup.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def join_setup(request: HttpRequest, gathering_id: int) -> HttpResponse:
    """Answers from phones: open the gathering for them, its questions, checking, the code and QR."""
    gathering = get_gathering_for(request.user, gathering_id, "plan")
    if request.method == "POST":
        if gathering.cancelled_at is not None:
            messages.error(request, "This session has been cancelled, so it cannot take answers")
        else:
            join = services.join_code_open(actor=request.user, gathering=gathering)
            if is_open(join):
                messages.success(request, f"Open for answers from phones: the code is {join.code}")
            else:
                messages.error(request, "This session ended more than a week ago, so it cannot take answers")
        return redirect("voices:join_setup", gathering_id=gathering.pk)
    return _setup_page(request, gathering)


@login_required
@require_POST
def join_question_add(request: HttpRequest, gathering_id: int) -> HttpResponse:
    gathering = get_gathering_for(request.user, gathering_id, "plan")
    form = QuestionAddForm(request.POST, prompts=_prompts_to_add(gathering))
    if form.is_valid():
        try:
            if form.cleaned_data.get("prompt"):
                services_join.question_add(
                    actor=request.user, gathering=gathering, prompt=form.cleaned_data["prompt"]
                )
            elif request.user.has_perm("voices.change_prompts", gathering.hub.programme):
                services_join.question_add_new(
                    actor=request.user, gathering=gathering, text=form.cleaned_data["text"]
                )
            else:
                form.add_error("prompt", "Choose a question: you cannot write new ones")
        except ValidationError as error:
            form.add_error("text", error.messages[0])
        if not form.errors:
            messages.success(request, "Question added")
            return redirect(
                reverse("voices:join_setup", kwargs={"gathering_id": gathering.pk}) + "#questions"
            )
    return _setup_page(request, gathering, add_form=form)


def _question(request: HttpRequest, gathering_id: int, question_id: int) -> Question:
    gathering = get_gathering_for(request.user, gathering_id, "plan")
    question = (
        Question.objects.select_related("gathering__hub", "prompt")
        .filter(gathering=gathering, pk=question_id)
        .first()
    )
    if question is None:
        raise Http404
    return question


@login_required
@require_POST
def join_question_remove(request: HttpRequest, gathering_id: int, question_id: int) -> HttpResponse:
    question = _question(request, gathering_id, question_id)
    services_join.question_remove(actor=request.user, question=question)
    messages.success(request, "Question removed")
    return redirect(reverse("voices:join_setup", kwargs={"gathering_id": gathering_id}) + "#questions")


@login_required
@require_POST
def join_question_move(request: HttpRequest, gathering_id: int, question_id: int) -> HttpResponse:
    question = _question(request, gathering_id, question_id)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        services_join.question_move(actor=request.user, question=question, direction=direction)  # type: ignore[arg-type]
    return redirect(
        reverse("voices:join_setup", kwargs={"gathering_id": gathering_id}) + f"#question-{question.pk}"
    )


@login_required
@require_POST
def join_checking(request: HttpRequest, gathering_id: int) -> HttpResponse:
    gathering = get_gathering_for(request.user, gathering_id, "plan")
    join = JoinCode.objects.filter(gathering=gathering).first()
    if join is None:
        messages.error(request, "Open the session for answers from phones first")
        return redirect("voices:join_setup", gathering_id=gathering.pk)
    form = CheckingForm(request.POST)
    if not form.is_valid():
        return _setup_page(request, gathering, checking_form=form)
    services_join.join_code_set_moderated(
        actor=request.user, join=join, moderated=form.cleaned_data["moderated"]
    )
    messages.success(
        request,
        "Answers will be checked before they go on the screen"
        if form.cleaned_data["moderated"]
        else "Answers will go on the screen straight away",
    )
    return redirect("voices:join_setup", gathering_id=gathering.pk)


@login_required
@require_POST
def join_close(request: HttpRequest, gathering_id: int) -> HttpResponse:
    """Close answers from phones before the time set (a session gone wrong, a code passed on)."""
    gathering = get_gathering_for(request.user, gathering_id, "plan")
    join = JoinCode.objects.filter(gathering=gathering).first()
    if join is None or not is_open(join):
        messages.error(request, "Answers from phones are already closed")
    else:
        services_join.join_code_close(actor=request.user, join=join)
        messages.success(request, "Answers from phones are closed: the code no longer works")
    return redirect("voices:join_setup", gathering_id=gathering.pk)


def _join_for_staff(request: HttpRequest, gathering_id: int, need: str) -> JoinCode:
    gathering = get_gathering_for(request.user, gathering_id, need)  # type: ignore[arg-type]
    join = JoinCode.objects.select_related("gathering__hub").filter(gathering=gathering).first()
    if join is None:
        raise Http404
    return join


@login_required
@require_GET
def join_poster(request: HttpRequest, gathering_id: int) -> HttpResponse:
    """A poster to print and put on the wall: the code, the QR code, and what to do."""
    join = _join_for_staff(request, gathering_id, "plan")
    return render(
        request,
        "voices/join/poster.html",
        {
            "join": join,
            "gathering": join.gathering,
            "hub": join.gathering.hub,
            "qr_svg": join_qr_svg(request, join),
            "join_start": join_address(request),
        },
    )


@login_required
@require_GET
def join_qr(request: HttpRequest, gathering_id: int) -> HttpResponse:
    """The QR code as a picture, for the run page's panel (which has only the gathering)."""
    join = _join_for_staff(request, gathering_id, "run")
    buffer = io.BytesIO()
    # A viewBox and no fixed size (as ``core.qr``), so the page's <img> scales it whole.
    segno.make(join_url(request, join), error="m").save(buffer, kind="svg", omitsize=True, border=4)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
