"""Answering from a phone with no account, and the staff page that sets it up."""

from __future__ import annotations

import datetime
import re
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from sidebyside.core.models import AuditEvent
from sidebyside.core.tests.test_qr import assert_scales_whole
from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub, Membership, Programme
from sidebyside.people.models import Consent
from sidebyside.people.tests.conftest import agree
from sidebyside.voices.access import is_open
from sidebyside.voices.models import Contribution, InboundNumber, JoinCode, Prompt, Question
from sidebyside.voices.services import SUBMISSIONS_PER_MINUTE, device_digest
from sidebyside.voices.services_join import question_add
from sidebyside.voices.views_join import DEVICE_COOKIE, OPEN_QUESTION

PAGE_BUDGET = 50 * 1024


def make_gathering(hub: Hub, *, days: int = 0, **fields: Any) -> Gathering:
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    values = {
        "kind": "meeting",
        "title": "Hub meeting",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
    }
    return Gathering.objects.create(hub=hub, **(values | fields))


@pytest.fixture
def gathering(hub: Hub) -> Gathering:
    return make_gathering(hub)


@pytest.fixture
def join(gathering: Gathering) -> JoinCode:
    return JoinCode.objects.create(
        gathering=gathering, code="ABC234", open_until=gathering.ends_at + datetime.timedelta(days=7)
    )


@pytest.fixture
def prompts(programme: Programme, gathering: Gathering) -> list[Prompt]:
    made = [
        Prompt.objects.create(
            programme=programme, text="What has got in the way?", hint="Say as much as you like."
        ),
        Prompt.objects.create(programme=programme, text="What is your message to senior leaders?"),
    ]
    for position, prompt in enumerate(made):
        Question.objects.create(gathering=gathering, prompt=prompt, position=position)
    return made


def answer_url(join: JoinCode) -> str:
    return reverse("voices:join_answer", kwargs={"code": join.code})


def form_uuid(response: Any) -> str:
    found = re.search(r'name="uuid" value="([^"]*)"', response.content.decode())
    assert found, "no uuid in the form"
    return found.group(1)


def phone() -> Client:
    """A phone that has opened a join page before, so it has its cookie."""
    client = Client()
    client.get(reverse("voices:join_start"))
    assert DEVICE_COOKIE in client.cookies
    return client


def send(client: Client, join: JoinCode, text: str = "More evening sessions", **fields: Any) -> Any:
    page = client.get(answer_url(join) + (f"?q={fields['question']}" if fields.get("question") else ""))
    data = {
        "uuid": form_uuid(page),
        "question": fields.pop("question", ""),
        "text": text,
        "name": "",
        "identify": "anonymous",
    }
    data.update(fields)
    return client.post(answer_url(join), data)


# --- Finding the session ------------------------------------------------------------------------


@pytest.mark.django_db
def test_start_page_sets_a_private_device_cookie_and_asks_for_the_code() -> None:
    response = Client().get(reverse("voices:join_start"))
    assert response.status_code == 200
    assert "Type the code" in response.content.decode()
    cookie = response.cookies[DEVICE_COOKIE]
    assert len(cookie.value) >= 40
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"]
    assert "govuk-frontend" not in response.content.decode()


@pytest.mark.django_db
def test_device_cookie_is_kept_once_set() -> None:
    client = phone()
    first = client.cookies[DEVICE_COOKIE].value
    response = client.get(reverse("voices:join_start"))
    assert DEVICE_COOKIE not in response.cookies
    assert client.cookies[DEVICE_COOKIE].value == first


@pytest.mark.parametrize("typed", ["ABC234", "abc234", " abc-234 ", "a b c 2 3 4", "AbC—234"])
def test_code_in_any_case_with_spaces_or_dashes(typed: str, join: JoinCode) -> None:
    response = Client().get(reverse("voices:join_start"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == answer_url(join)


def test_code_in_the_link_is_made_canonical(join: JoinCode) -> None:
    response = Client().get(reverse("voices:join_answer", kwargs={"code": "abc-234"}))
    assert response.status_code == 302
    assert response["Location"] == answer_url(join)


@pytest.mark.django_db
def test_empty_code_asks_for_it() -> None:
    response = Client().get(reverse("voices:join_start"), {"code": "  - "})
    assert response.status_code == 400
    assert "Type the code from the screen or the poster" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["ZZZZZZ", "<script>alert(1)</script>", "é" * 50, "x" * 5000, "\u202eabc"])
def test_unknown_code_is_a_friendly_page_keeping_what_was_typed(typed: str) -> None:
    response = Client().get(reverse("voices:join_start"), {"code": typed})
    assert response.status_code in (400, 404)
    body = response.content.decode()
    assert "There is a problem" in body
    assert "<script>alert" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["ZZZZZZ", "%3Cb%3E", "0" * 300, "😀"])
def test_unknown_code_in_the_link(code: str) -> None:
    response = Client().get(f"/j/{code}/")
    assert response.status_code in (302, 404)
    if response.status_code == 404:
        assert "We cannot find that code" in response.content.decode()


def test_ended_session_says_how_else_to_reach_the_hub(join: JoinCode, hub: Hub) -> None:
    join.open_until = timezone.now() - datetime.timedelta(minutes=1)
    join.save()
    response = Client().get(answer_url(join))
    body = response.content.decode()
    assert response.status_code == 410
    assert "This session has ended" in body
    assert hub.name in body
    assert "facilitator" in body
    assert "text message" not in body
    InboundNumber.objects.create(number="+447700900555", hub=hub)
    body = Client().get(answer_url(join)).content.decode()
    assert "+447700900555" in body
    # Sending to an ended session stores nothing.
    response = Client().post(answer_url(join), {"uuid": str(uuid.uuid4()), "text": "Late thought"})
    assert response.status_code == 410
    assert not Contribution.objects.exists()


def test_cancelled_session(join: JoinCode) -> None:
    Gathering.objects.filter(pk=join.gathering_id).update(cancelled_at=timezone.now())
    response = Client().get(answer_url(join))
    assert response.status_code == 410
    assert "This session was cancelled" in response.content.decode()


# --- Answering -----------------------------------------------------------------------------------


def test_questions_one_at_a_time(join: JoinCode, prompts: list[Prompt]) -> None:
    client = phone()
    response = client.get(answer_url(join))
    body = response.content.decode()
    assert "What has got in the way?" in body
    assert "Say as much as you like." in body
    assert "Question 1 of 2" in body
    assert "senior leaders" not in body
    uuid.UUID(form_uuid(response))
    assert "Can we use your words with your first name, or keep them anonymous?" in body
    second = Question.objects.get(prompt=prompts[1])
    body = client.get(answer_url(join), {"q": second.pk}).content.decode()
    assert "Question 2 of 2" in body
    assert "senior leaders" in body
    # Each page gets its own UUID.
    assert form_uuid(client.get(answer_url(join))) != form_uuid(client.get(answer_url(join)))


@pytest.mark.parametrize("q", ["nonsense", "99999", "-1", "1e9", ""])
def test_unknown_question_falls_back_to_the_first(q: str, join: JoinCode, prompts: list[Prompt]) -> None:
    response = phone().get(answer_url(join), {"q": q})
    assert response.status_code == 200
    assert "What has got in the way?" in response.content.decode()


def test_no_questions_chosen_asks_an_open_one(join: JoinCode) -> None:
    client = phone()
    assert OPEN_QUESTION in client.get(answer_url(join)).content.decode()
    response = send(client, join)
    assert response.status_code == 302
    stored = Contribution.objects.get()
    assert stored.prompt is None


def test_send_stores_a_phone_contribution(join: JoinCode, prompts: list[Prompt], hub: Hub) -> None:
    client = phone()
    question = Question.objects.get(prompt=prompts[0])
    before = timezone.now()
    response = send(client, join, "  More evening sessions  ", question=str(question.pk))
    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("voices:join_thanks", kwargs={"code": join.code}) + f"?q={question.pk}"
    )
    stored = Contribution.objects.get()
    assert stored.text == "More evening sessions"
    assert stored.channel == Contribution.Channel.PHONE
    assert stored.hub == hub
    assert stored.gathering == join.gathering
    assert stored.prompt == prompts[0]
    assert stored.state == Contribution.State.PENDING  # checked first, by default
    assert stored.identify_as == Contribution.Identify.ANONYMOUS
    assert stored.device == device_digest(client.cookies[DEVICE_COOKIE].value)
    assert stored.said_at >= before
    assert stored.entered_by is None
    assert stored.author is None


def test_unmoderated_answers_are_shown(join: JoinCode) -> None:
    join.moderated = False
    join.save()
    send(phone(), join)
    assert Contribution.objects.get().state == Contribution.State.SHOWN


@pytest.mark.parametrize(
    ("name", "choice", "expected"),
    [
        ("", "first_name", "anonymous"),
        ("", "named", "anonymous"),
        ("Sam", "first_name", "first_name"),
        ("Sam", "named", "first_name"),  # one word is not a full name
        ("Sam Jones", "named", "named"),
        ("Sam Jones", "first_name", "first_name"),
        ("Sam Jones", "anonymous", "anonymous"),
        ("Sam Jones", "", "anonymous"),
        ("Sam Jones", "everyone", "anonymous"),
    ],
)
def test_consent_choice(name: str, choice: str, expected: str, join: JoinCode) -> None:
    response = send(phone(), join, name=name, identify=choice)
    if choice == "everyone":
        assert response.status_code == 400
        assert not Contribution.objects.exists()
        return
    assert response.status_code == 302
    stored = Contribution.objects.get()
    assert stored.identify_as == expected
    assert stored.name_given == name


def test_sending_the_same_form_again_stores_once(join: JoinCode) -> None:
    client = phone()
    page = client.get(answer_url(join))
    data = {"uuid": form_uuid(page), "question": "", "text": "Same words", "identify": "anonymous"}
    for _ in range(3):
        response = client.post(answer_url(join), data)
        assert response.status_code == 302
    assert Contribution.objects.count() == 1


def test_same_words_again_from_a_reloaded_page_store_once(join: JoinCode, prompts: list[Prompt]) -> None:
    client = phone()
    first, second = Question.objects.filter(gathering=join.gathering).order_by("position")
    assert send(client, join, "Evening sessions", question=str(first.pk)).status_code == 302
    # Back button, a new page (a new UUID), the same words: one answer.
    assert send(client, join, "Evening sessions", question=str(first.pk)).status_code == 302
    assert Contribution.objects.count() == 1
    # The same words to another question, or from another phone, are new answers.
    send(client, join, "Evening sessions", question=str(second.pk))
    send(phone(), join, "Evening sessions", question=str(first.pk))
    assert Contribution.objects.count() == 3
    # Later on, the same words again are a new answer too.
    Contribution.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=11))
    send(client, join, "Evening sessions", question=str(first.pk))
    assert Contribution.objects.count() == 4


def test_script_sends_with_fetch_and_gets_where_to_go(join: JoinCode) -> None:
    client = phone()
    page = client.get(answer_url(join))
    data = {"uuid": form_uuid(page), "text": "By fetch"}
    response = client.post(answer_url(join), data, headers={"X-Requested-With": "join.js"})
    assert response.status_code == 200
    assert response.json() == {"next": reverse("voices:join_thanks", kwargs={"code": join.code})}
    again = client.post(answer_url(join), data, headers={"X-Requested-With": "join.js"})
    assert again.json() == response.json()
    assert Contribution.objects.count() == 1


# --- Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write something before sending"),
        ("   \n\t  ", "Write something before sending"),
        ("\x00\x00", "Write something before sending"),
        ("a" * 100 * 1024, "That is too long to send in one go"),
    ],
)
def test_text_that_cannot_be_stored(text: str, message: str, join: JoinCode) -> None:
    client = phone()
    page = client.get(answer_url(join))
    sent_uuid = form_uuid(page)
    response = client.post(
        answer_url(join), {"uuid": sent_uuid, "text": text, "name": "Sam", "identify": "first_name"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert 'href="#answer"' in body
    # Nothing lost: the words, the name and the choice are still there, with the same UUID.
    assert form_uuid(response) == sent_uuid
    assert 'value="Sam"' in body
    assert 'value="first_name" checked' in body
    if len(text) > 1000:
        assert text in body
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        "We need more 🙂🙂 and 🏠",
        "نحتاج إلى المزيد من الدعم",
        "אנחנו צריכים עזרה",
        "<script>alert('x')</script> & <b>bold</b>",
        "Line one\r\nLine two",
    ],
)
def test_words_are_stored_as_given(text: str, join: JoinCode) -> None:
    response = send(phone(), join, text)
    assert response.status_code == 302
    assert Contribution.objects.get().text == text.replace("\r\n", "\n")


def test_html_is_escaped_when_shown_back(join: JoinCode) -> None:
    script = "<script>alert('x')</script>"
    response = send(phone(), join, script, name="x" * 101)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Keep your name under 100 letters" in body
    assert script not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body


@pytest.mark.parametrize("bad", ["", "not-a-uuid", "1234", "' OR 1=1 --", "g" * 36, "😀"])
def test_malformed_uuid_is_a_plain_error_keeping_the_words(bad: str, join: JoinCode) -> None:
    client = phone()
    response = client.post(answer_url(join), {"uuid": bad, "text": "Keep these words"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Something went wrong with this page: reload it and try again" in body
    assert "Keep these words" in body
    uuid.UUID(form_uuid(response))  # a fresh one, so pressing Send again works
    assert not Contribution.objects.exists()
    response = client.post(answer_url(join), {"uuid": form_uuid(response), "text": "Keep these words"})
    assert response.status_code == 302


def test_question_of_another_gathering_is_not_used(join: JoinCode, prompts: list[Prompt], hub: Hub) -> None:
    other = make_gathering(hub, title="Other")
    elsewhere = question_add(actor=None, gathering=other, prompt=prompts[1])
    send(phone(), join, question=str(elsewhere.pk))
    stored = Contribution.objects.get()
    assert stored.gathering == join.gathering
    assert stored.prompt == prompts[0]  # the first of this gathering's questions


def test_get_only_and_post_only(join: JoinCode) -> None:
    assert Client().post(reverse("voices:join_start")).status_code == 405
    assert Client().post(reverse("voices:join_thanks", kwargs={"code": join.code})).status_code == 405
    assert Client().put(answer_url(join)).status_code == 405


# --- Rate limiting, by device and never by IP -----------------------------------------------------


def test_rate_limit_by_device_cookie_not_ip(join: JoinCode) -> None:
    first, second = phone(), phone()
    for number in range(SUBMISSIONS_PER_MINUTE):
        assert send(first, join, f"Thought {number}", REMOTE_ADDR="10.0.0.1").status_code == 302
    page = first.get(answer_url(join))
    data = {"uuid": form_uuid(page), "text": "One more", "identify": "anonymous"}
    response = first.post(answer_url(join), data, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    body = response.content.decode()
    assert "Please slow down a little" in body
    assert "One more" in body  # kept
    assert form_uuid(response) == data["uuid"]
    # Another phone on the same wifi (the same IP address) is not slowed down.
    assert send(second, join, "From the next table", REMOTE_ADDR="10.0.0.1").status_code == 302
    assert Contribution.objects.count() == SUBMISSIONS_PER_MINUTE + 1
    # A minute later the first phone can send again.
    Contribution.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    assert first.post(answer_url(join), data, REMOTE_ADDR="10.0.0.1").status_code == 302


def test_resending_a_stored_answer_is_never_slowed_down(join: JoinCode) -> None:
    client = phone()
    page = client.get(answer_url(join))
    data = {"uuid": form_uuid(page), "text": "First"}
    assert client.post(answer_url(join), data).status_code == 302
    for number in range(SUBMISSIONS_PER_MINUTE):
        send(client, join, f"Thought {number}")
    assert client.post(answer_url(join), data).status_code == 302


# --- The thank-you page ---------------------------------------------------------------------------


def test_thanks_offers_the_next_question_and_another_answer(
    join: JoinCode, prompts: list[Prompt], hub: Hub
) -> None:
    first, second = Question.objects.filter(gathering=join.gathering).order_by("position")
    url = reverse("voices:join_thanks", kwargs={"code": join.code})
    body = Client().get(url, {"q": first.pk}).content.decode()
    assert "Thank you" in body
    assert "within a month" in body
    assert hub.name in body
    assert f"?q={second.pk}" in body
    assert "Answer the next question" in body
    assert f"?q={first.pk}" in body
    assert "Add another answer" in body
    assert "reads it before it goes on the screen" in body
    body = Client().get(url, {"q": second.pk}).content.decode()
    assert "Answer the next question" not in body
    assert "Add another answer" in body


# --- Small, and within the CSP ---------------------------------------------------------------------


def _page_weight(body: str) -> int:
    total = len(body.encode())
    for ref in re.findall(r'(?:href|src)="(/static/[^"]+)"', body):
        path = finders.find(ref.removeprefix("/static/"))
        assert path, f"{ref} not found"
        total += Path(str(path)).stat().st_size
    return total


def test_join_pages_weigh_under_50_kb(join: JoinCode, prompts: list[Prompt]) -> None:
    client = phone()
    pages = [
        client.get(reverse("voices:join_start")),
        client.get(answer_url(join)),
        client.post(answer_url(join), {"uuid": "x", "text": ""}),
        client.get(reverse("voices:join_thanks", kwargs={"code": join.code})),
        Client().get(reverse("voices:join_start"), {"code": "ZZZZZZ"}),
    ]
    for response in pages:
        body = response.content.decode()
        assert "govuk-frontend" not in body
        assert "sidebyside.css" not in body
        assert "join.css" in body
        weight = _page_weight(body)
        assert weight < PAGE_BUDGET, f"{response.request['PATH_INFO']} weighs {weight} bytes"


def test_join_pages_keep_to_the_csp(join: JoinCode) -> None:
    response = phone().get(answer_url(join))
    body = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce
    scripts = re.findall(r"<script[^>]*>", body)
    assert scripts
    assert all(f'nonce="{nonce.group(1)}"' in tag and "src=" in tag for tag in scripts)
    assert " style=" not in body
    assert "<style" not in body
    assert 'dir="auto"' in body


# --- Idempotent under concurrency ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_same_submission_posted_five_times_at_once_stores_one(hub: Hub) -> None:
    gathering = make_gathering(hub)
    join = JoinCode.objects.create(
        gathering=gathering, code="CNC234", open_until=gathering.ends_at + datetime.timedelta(days=1)
    )
    client = phone()
    data = {"uuid": form_uuid(client.get(answer_url(join))), "text": "Said once, sent five times"}
    cookies = client.cookies
    barrier = threading.Barrier(5)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post() -> None:
        try:
            own = Client()
            own.cookies = cookies
            barrier.wait(timeout=10)
            statuses.append(own.post(answer_url(join), data).status_code)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert statuses == [302] * 5
    assert Contribution.objects.filter(uuid=data["uuid"]).count() == 1


# --- Staff: answers from phones -------------------------------------------------------------------


@pytest.fixture
def coordinator(client_for: Callable[..., Client]) -> Client:
    return client_for("coordinator")


def setup_url(gathering: Gathering, name: str = "voices:join_setup", **kwargs: Any) -> str:
    return reverse(name, kwargs={"gathering_id": gathering.pk, **kwargs})


def test_staff_open_a_gathering_for_phones(coordinator: Client, gathering: Gathering) -> None:
    body = coordinator.get(setup_url(gathering)).content.decode()
    assert "Open for answers from phones" in body
    assert OPEN_QUESTION in body
    response = coordinator.post(setup_url(gathering))
    assert response.status_code == 302
    join = JoinCode.objects.get(gathering=gathering)
    assert AuditEvent.objects.filter(action="voices.join_code_opened").exists()
    body = coordinator.get(setup_url(gathering)).content.decode()
    assert join.code in body
    assert "<svg" in body
    assert "QR code" in body
    assert f"/j/{join.code}/" in body
    assert "Print a poster" in body
    # Opening again keeps the same code.
    coordinator.post(setup_url(gathering))
    assert JoinCode.objects.get(gathering=gathering).code == join.code


def test_staff_close_answers_early_and_can_open_them_again(coordinator: Client, join: JoinCode) -> None:
    gathering = join.gathering
    phone = Client()
    assert phone.get(reverse("voices:join_answer", kwargs={"code": join.code})).status_code == 200
    assert "Close answers from phones now" in coordinator.get(setup_url(gathering)).content.decode()

    response = coordinator.post(setup_url(gathering, "voices:join_close"), follow=True)
    assert "Answers from phones are closed: the code no longer works" in response.content.decode()
    join.refresh_from_db()
    assert not is_open(join)
    assert AuditEvent.objects.filter(action="voices.join_code_closed").count() == 1
    ended = phone.get(reverse("voices:join_answer", kwargs={"code": join.code}))
    assert ended.status_code == 410
    sent = phone.post(
        reverse("voices:join_answer", kwargs={"code": join.code}),
        {"uuid": str(uuid.uuid4()), "text": "Too late?", "identify": "anonymous"},
    )
    assert sent.status_code == 410
    assert not Contribution.objects.filter(text="Too late?").exists()

    # Closing twice says so and changes nothing; opening again keeps the code.
    again = coordinator.post(setup_url(gathering, "voices:join_close"), follow=True)
    assert "already closed" in again.content.decode()
    assert AuditEvent.objects.filter(action="voices.join_code_closed").count() == 1
    coordinator.post(setup_url(gathering))
    join.refresh_from_db()
    assert is_open(join)
    assert phone.get(reverse("voices:join_answer", kwargs={"code": join.code})).status_code == 200


def test_a_cancelled_or_long_past_gathering_cannot_be_opened(coordinator: Client, hub: Hub) -> None:
    cancelled = make_gathering(hub, cancelled_at=timezone.now())
    assert "has been cancelled" in coordinator.get(setup_url(cancelled)).content.decode()
    coordinator.post(setup_url(cancelled))
    assert not JoinCode.objects.filter(gathering=cancelled).exists()
    past = make_gathering(hub, days=-30)
    assert "ended more than a week ago" in coordinator.get(setup_url(past)).content.decode()


def test_staff_choose_the_questions(coordinator: Client, gathering: Gathering, programme: Programme) -> None:
    kept = Prompt.objects.create(programme=programme, text="What has frustrated you?")
    archived = Prompt.objects.create(programme=programme, text="Old question", archived_at=timezone.now())
    body = coordinator.get(setup_url(gathering)).content.decode()
    assert "What has frustrated you?" in body
    assert "Old question" not in body
    add = setup_url(gathering, "voices:join_question_add")
    assert coordinator.post(add, {"prompt": kept.pk}).status_code == 302
    assert coordinator.post(add, {"text": "  What   is   missing?  "}).status_code == 302
    assert coordinator.post(add, {"text": "<script>x</script>"}).status_code == 302
    new = Prompt.objects.get(text="What is missing?")
    assert new.programme == programme
    asked = list(Question.objects.filter(gathering=gathering).order_by("position"))
    assert [q.prompt.text for q in asked] == [
        "What has frustrated you?",
        "What is missing?",
        "<script>x</script>",
    ]
    body = coordinator.get(setup_url(gathering)).content.decode()
    assert "<script>x</script>" not in body
    assert "&lt;script&gt;x&lt;/script&gt;" in body
    # Move the last up, then remove the first.
    move = setup_url(gathering, "voices:join_question_move", question_id=asked[2].pk)
    assert coordinator.post(move, {"direction": "up"}).status_code == 302
    assert coordinator.post(move, {"direction": "sideways"}).status_code == 302
    order = list(Question.objects.filter(gathering=gathering).values_list("prompt__text", flat=True))
    assert order == ["What has frustrated you?", "<script>x</script>", "What is missing?"]
    remove = setup_url(gathering, "voices:join_question_remove", question_id=asked[0].pk)
    assert coordinator.post(remove).status_code == 302
    assert list(Question.objects.filter(gathering=gathering).values_list("position", flat=True)) == [0, 1]
    assert AuditEvent.objects.filter(action="voices.question_moved").count() == 1
    assert AuditEvent.objects.filter(action="voices.question_removed").count() == 1
    assert not Question.objects.filter(prompt=archived).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a question, or write a new one"),
        ({"text": "   "}, "Choose a question, or write a new one"),
        ({"text": "x" * 301}, "Keep the question under 300 characters"),
        ({"prompt": "99999"}, "Select a valid choice"),
        ({"prompt": "abc"}, "Select a valid choice"),
    ],
)
def test_adding_a_question_with_bad_input(
    data: dict[str, str], message: str, coordinator: Client, gathering: Gathering
) -> None:
    response = coordinator.post(setup_url(gathering, "voices:join_question_add"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert message in body
    assert not Question.objects.exists()


def test_both_a_choice_and_a_new_question(
    coordinator: Client, gathering: Gathering, programme: Programme
) -> None:
    prompt = Prompt.objects.create(programme=programme, text="What works?")
    response = coordinator.post(
        setup_url(gathering, "voices:join_question_add"), {"prompt": prompt.pk, "text": "New one"}
    )
    assert "not both" in response.content.decode()
    assert 'value="New one"' in response.content.decode()
    assert not Question.objects.exists()


def test_a_prompt_of_another_programme_cannot_be_asked(gathering: Gathering) -> None:
    other = Programme.objects.create(name="Elsewhere", area="Otherland")
    foreign = Prompt.objects.create(programme=other, text="Not ours")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        question_add(actor=None, gathering=gathering, prompt=foreign)


def test_question_of_another_gathering_cannot_be_moved(
    coordinator: Client, gathering: Gathering, hub: Hub, programme: Programme
) -> None:
    other = make_gathering(hub, title="Other")
    question = question_add(
        actor=None, gathering=other, prompt=Prompt.objects.create(programme=programme, text="Q")
    )
    url = setup_url(gathering, "voices:join_question_remove", question_id=question.pk)
    assert coordinator.post(url).status_code == 404
    assert Question.objects.filter(pk=question.pk).exists()


def test_staff_switch_checking(coordinator: Client, join: JoinCode) -> None:
    url = setup_url(join.gathering, "voices:join_checking")
    assert coordinator.post(url, {"moderated": "no"}).status_code == 302
    join.refresh_from_db()
    assert join.moderated is False
    response = coordinator.post(url, {"moderated": "maybe"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert coordinator.post(url, {"moderated": "yes"}).status_code == 302
    join.refresh_from_db()
    assert join.moderated is True
    assert AuditEvent.objects.filter(action="voices.join_checking_changed").count() == 2


def test_checking_needs_the_gathering_opened_first(coordinator: Client, gathering: Gathering) -> None:
    response = coordinator.post(setup_url(gathering, "voices:join_checking"), {"moderated": "no"})
    assert response.status_code == 302
    assert not JoinCode.objects.exists()


def test_poster_and_qr(coordinator: Client, join: JoinCode) -> None:
    response = coordinator.get(setup_url(join.gathering, "voices:join_poster"))
    body = response.content.decode()
    assert response.status_code == 200
    assert join.code in body
    assert_scales_whole(body)
    assert "@media print" in Path(str(finders.find("css/join.css"))).read_text()
    response = coordinator.get(setup_url(join.gathering, "voices:join_qr"))
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<?xml")
    assert_scales_whole(response.content)  # the run page's <img> is smaller than its own size


def test_poster_and_qr_need_an_opened_gathering(coordinator: Client, gathering: Gathering) -> None:
    assert coordinator.get(setup_url(gathering, "voices:join_poster")).status_code == 404
    assert coordinator.get(setup_url(gathering, "voices:join_qr")).status_code == 404


def test_facilitator_uses_the_page(client_for: Callable[..., Client], gathering: Gathering) -> None:
    facilitator = client_for("facilitator")
    assert facilitator.get(setup_url(gathering)).status_code == 200
    assert facilitator.post(setup_url(gathering)).status_code == 302


def test_run_mode_panel(join: JoinCode, gathering: Gathering, hub: Hub) -> None:
    request = RequestFactory().get("/")
    html = render_to_string("voices/join/_code_panel.html", {"gathering": gathering, "request": request})
    assert join.code in html
    assert reverse("voices:join_qr", kwargs={"gathering_id": gathering.pk}) in html
    without = make_gathering(hub, title="No code")
    assert (
        render_to_string("voices/join/_code_panel.html", {"gathering": without, "request": request}).strip()
        == ""
    )


@pytest.mark.django_db
def test_an_answer_costs_one_query_however_many_questions(
    join: JoinCode, prompts: list[Prompt], django_assert_num_queries: Any
) -> None:
    """The answer is the busiest path of a session. The code and its questions were read for the
    page and are remembered (``join_cache``); then the insert, which itself looks at what this
    phone sent lately ("sent before?", "too many?"). Nothing more, and nothing that grows. Only
    an answer that is not stored costs a second look, to say why."""
    client = phone()
    page = client.get(answer_url(join))
    data = {"uuid": form_uuid(page), "question": "", "text": "Pinned", "name": "", "identify": "anonymous"}
    with django_assert_num_queries(1):
        response = client.post(answer_url(join), data)
    assert response.status_code == 302
    with django_assert_num_queries(2):
        again = client.post(answer_url(join), data)
    assert again.status_code == 302  # sent before: acknowledged, not stored twice
    assert Contribution.objects.count() == 1


def test_a_database_fault_while_answering_says_try_again_in_a_moment(
    join: JoinCode, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A restart of the database mid-answer: 503 with Retry-After (join.js keeps the answer and
    sends it again), no 500, nothing stored, and the log line names no page or code."""
    from django.db import OperationalError

    from sidebyside.voices import services_join

    client = phone()
    page = client.get(answer_url(join))

    def gone(**_: Any) -> None:
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(services_join, "phone_contribution_add", gone)
    data = {"uuid": form_uuid(page), "question": "", "text": "Hello", "name": "", "identify": "anonymous"}
    response = client.post(answer_url(join), data, HTTP_X_REQUESTED_WITH="join.js")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Wait a moment" in response.content.decode()
    assert not Contribution.objects.exists()
    from sidebyside.core.logging import JsonFormatter

    logged = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    assert "database unavailable: OperationalError" in logged
    assert "Service Unavailable: /j/\\u2026/" in logged  # Django's own line, the code taken out
    assert join.code not in logged


def test_answer_forms_share_fields_and_change_none(join: JoinCode) -> None:
    """Answer forms share their fields (``forms_join._Shared``): no copy per form. So no form may
    change one: a page with errors, then a fresh page, must look as a fresh page always did."""
    import copy

    from sidebyside.voices.forms_join import AnswerForm

    first, second = AnswerForm(), AnswerForm({"text": "x"})
    assert all(first.fields[name] is second.fields[name] for name in first.fields)
    before = {name: copy.copy(vars(field)) for name, field in AnswerForm.base_fields.items()}
    widgets = {name: dict(field.widget.attrs) for name, field in AnswerForm.base_fields.items()}
    fresh = phone().get(answer_url(join)).content.decode()
    bad = phone().post(answer_url(join), {"uuid": "not one", "text": "\x00", "identify": "nobody"})
    assert bad.status_code == 400
    assert {name: vars(field) for name, field in AnswerForm.base_fields.items()} == before
    assert {name: field.widget.attrs for name, field in AnswerForm.base_fields.items()} == widgets
    again = phone().get(answer_url(join)).content.decode()
    uuids = re.compile(r'(name="(uuid|csrfmiddlewaretoken)" value|nonce)="[^"]*"')
    assert uuids.sub("", again) == uuids.sub("", fresh)


def test_an_answer_not_stored_for_no_reason_left_asks_to_send_again(
    join: JoinCode, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not stored, yet neither sent before nor over the limit when looked at just after (a time
    window ended in between): tried once more, then the page asks to send it again, words kept.
    Never acknowledged without being stored."""
    from sidebyside.voices import services_join

    tries: list[int] = []

    def not_stored(**_: Any) -> bool:
        tries.append(1)
        return False

    monkeypatch.setattr(services_join, "phone_contribution_add", not_stored)
    client = phone()
    page = client.get(answer_url(join))
    data = {"uuid": form_uuid(page), "question": "", "text": "Kept words", "identify": "anonymous"}
    response = client.post(answer_url(join), data, HTTP_X_REQUESTED_WITH="join.js")
    assert response.status_code == 400
    body = response.content.decode()
    assert "That did not go through. Send it again" in body
    assert "Kept words" in body
    assert form_uuid(response) == data["uuid"]
    assert len(tries) == 2


# --- A member signed in on their phone: linked to their answer, so they hear back ---------------


def answer_signed_in(client: Client, join: JoinCode, **fields: Any) -> Any:
    page = client.get(answer_url(join))
    data = {
        "uuid": form_uuid(page),
        "question": "",
        "text": "The forms are too long",
        "identify": "anonymous",
    }
    return client.post(answer_url(join), data | fields)


@pytest.fixture
def signed_in_member(personas: dict[str, Any], client_for: Callable[..., Client]) -> Client:
    agree(personas["member"].person, Consent.Purpose.RECORD_CONTRIBUTIONS, level="named")
    return client_for("member")


def test_a_signed_in_member_is_offered_to_hear_back_and_is_linked(
    signed_in_member: Client,
    personas: dict[str, Any],
    join: JoinCode,
) -> None:
    page = signed_in_member.get(answer_url(join)).content.decode()
    assert "Tell me what happens to this" in page
    assert 'name="hear_back" value="on" checked' in page
    assert 'id="name"' not in page  # their name is known: no box to type it
    response = answer_signed_in(signed_in_member, join, hear_back="on", identify="first_name")
    assert response.status_code == 302
    stored = Contribution.objects.get()
    assert stored.author == personas["member"].person
    assert stored.identify_as == Contribution.Identify.FIRST_NAME  # their choice, with no name typed
    assert stored.name_given == ""
    thanks = signed_in_member.get(response["Location"]).content.decode()
    assert reverse("enquiries:my_impact") in thanks


def test_unticking_sends_it_unlinked(signed_in_member: Client, join: JoinCode) -> None:
    response = answer_signed_in(
        signed_in_member, join, identify="first_name"
    )  # the box is not sent when unticked
    assert response.status_code == 302
    stored = Contribution.objects.get()
    assert stored.author is None
    assert stored.identify_as == Contribution.Identify.ANONYMOUS  # no name typed, none linked


def test_without_consent_to_be_recorded_the_answer_stays_anonymous(
    client_for: Callable[..., Client],
    join: JoinCode,
) -> None:
    client = client_for("member")
    page = client.get(answer_url(join)).content.decode()
    assert "Tell me what happens to this" not in page
    assert 'id="name"' in page
    answer_signed_in(client, join, hear_back="on")
    assert Contribution.objects.get().author is None


def test_a_member_of_another_hub_is_not_linked(
    personas: dict[str, Any],
    client_for: Callable[..., Client],
    join: JoinCode,
) -> None:
    agree(personas["other_member"].person, Consent.Purpose.RECORD_CONTRIBUTIONS, level="named")
    client = client_for("other_member")
    answer_signed_in(client, join, hear_back="on")
    assert Contribution.objects.get().author is None


def test_a_member_who_has_left_the_hub_is_not_linked(
    signed_in_member: Client,
    personas: dict[str, Any],
    hub: Hub,
    join: JoinCode,
) -> None:
    Membership.objects.filter(user=personas["member"], hub=hub).update(ended_at="2026-01-01T00:00:00Z")
    answer_signed_in(signed_in_member, join, hear_back="on")
    assert Contribution.objects.get().author is None


def test_a_bad_answer_keeps_the_box_as_it_was(signed_in_member: Client, join: JoinCode) -> None:
    response = answer_signed_in(signed_in_member, join, text="   ")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tell me what happens to this" in page
    assert 'name="hear_back" value="on" checked' not in page  # it was unticked when sent
    assert not Contribution.objects.exists()


def test_a_phone_without_a_session_is_not_looked_up(
    join: JoinCode,
    django_assert_num_queries: Any,
) -> None:
    client = Client()
    page = client.get(answer_url(join))
    data = {
        "uuid": form_uuid(page),
        "question": "",
        "text": "Words",
        "identify": "anonymous",
        "hear_back": "on",
    }
    with django_assert_num_queries(1):
        assert client.post(answer_url(join), data).status_code == 302
    assert Contribution.objects.get().author is None
