"""A join code's gathering and questions, remembered for a few seconds in each server process."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub, Programme
from sidebyside.voices import join_cache
from sidebyside.voices.join_cache import phone_session
from sidebyside.voices.models import Contribution, JoinCode, Prompt, Question
from sidebyside.voices.services_join import join_code_set_moderated, question_add


@pytest.fixture
def join(hub: Hub) -> JoinCode:
    start = timezone.now()
    gathering = Gathering.objects.create(
        hub=hub, kind="meeting", title="Drop-in", starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    return JoinCode.objects.create(
        gathering=gathering, code="CACHE1", open_until=start + datetime.timedelta(days=7), moderated=False
    )


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The cache's clock, moved by hand."""
    now = [1000.0]
    monkeypatch.setattr(join_cache.time, "monotonic", lambda: now[0])
    return now


def test_a_second_look_within_the_time_reads_nothing(join: JoinCode, django_assert_num_queries: Any) -> None:
    first = phone_session("cache-1")  # as typed: any case, with a dash
    assert first is not None
    assert first.join.pk == join.pk
    with django_assert_num_queries(0):
        again = phone_session("CACHE1")
    assert again is first
    assert again.thanks_url == reverse("voices:join_thanks", kwargs={"code": "CACHE1"})


def test_changes_made_here_are_seen_at_once(
    join: JoinCode, programme: Programme, personas: dict[str, Any]
) -> None:
    coordinator = personas["coordinator"]
    assert phone_session("CACHE1").questions == ()  # type: ignore[union-attr]
    prompt = Prompt.objects.create(programme=programme, text="What would help?")
    question_add(actor=coordinator, gathering=join.gathering, prompt=prompt)
    assert [q.prompt.text for q in phone_session("CACHE1").questions] == ["What would help?"]  # type: ignore[union-attr]

    join.gathering.title = "Renamed"
    join.gathering.save()
    assert phone_session("CACHE1").join.gathering.title == "Renamed"  # type: ignore[union-attr]


def test_a_code_made_here_is_found_at_once_after_a_miss(hub: Hub) -> None:
    assert phone_session("LATER1") is None  # remembered as unknown
    start = timezone.now()
    gathering = Gathering.objects.create(
        hub=hub, kind="meeting", title="Later", starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    JoinCode.objects.create(gathering=gathering, code="LATER1", open_until=start + datetime.timedelta(days=1))
    assert phone_session("LATER1") is not None


def test_changes_made_elsewhere_are_seen_within_the_time(
    join: JoinCode, clock: list[float], settings: Any
) -> None:
    """``update()`` sends no signal: it stands for a change made in another server process."""
    settings.JOIN_CACHE_SECONDS = 5
    assert phone_session("CACHE1").join.open_until > timezone.now()  # type: ignore[union-attr]
    JoinCode.objects.filter(pk=join.pk).update(open_until=timezone.now() - datetime.timedelta(minutes=1))

    clock[0] += 4.9
    assert phone_session("CACHE1").join.open_until > timezone.now()  # type: ignore[union-attr]
    clock[0] += 0.2
    assert phone_session("CACHE1").join.open_until < timezone.now()  # type: ignore[union-attr]


def test_while_one_request_reads_again_the_others_use_the_old_copy(
    join: JoinCode, clock: list[float], django_assert_num_queries: Any
) -> None:
    old = phone_session("CACHE1")
    clock[0] += 60
    assert join_cache._loading.acquire()  # another request is reading it again
    try:
        with django_assert_num_queries(0):
            assert phone_session("CACHE1") is old
    finally:
        join_cache._loading.release()
    with django_assert_num_queries(2):  # the code, then its questions
        assert phone_session("CACHE1") is not old


def test_zero_seconds_reads_every_time(join: JoinCode, settings: Any, django_assert_num_queries: Any) -> None:
    settings.JOIN_CACHE_SECONDS = 0
    phone_session("CACHE1")
    with django_assert_num_queries(2):
        phone_session("CACHE1")


@pytest.mark.parametrize("checked", [True, False])
def test_whether_answers_are_checked_is_read_as_the_answer_is_stored(
    join: JoinCode, client: Client, checked: bool
) -> None:
    """The copy may say "not checked" for a few more seconds after a facilitator in another
    process turned checking on: the answer still waits to be checked (and the other way)."""
    JoinCode.objects.filter(pk=join.pk).update(moderated=not checked)
    page = client.get(reverse("voices:join_answer", kwargs={"code": join.code}))
    assert page.status_code == 200
    assert phone_session(join.code).join.moderated is (not checked)  # type: ignore[union-attr]
    JoinCode.objects.filter(pk=join.pk).update(moderated=checked)  # elsewhere: no signal here
    assert phone_session(join.code).join.moderated is (not checked)  # type: ignore[union-attr]

    data = {"uuid": str(uuid.uuid4()), "question": "", "text": "Hello", "name": "", "identify": "anonymous"}
    assert client.post(reverse("voices:join_answer", kwargs={"code": join.code}), data).status_code == 302
    expected = Contribution.State.PENDING if checked else Contribution.State.SHOWN
    assert Contribution.objects.get().state == expected


def test_turning_checking_on_here_is_seen_at_once(join: JoinCode, personas: dict[str, Any]) -> None:
    coordinator = personas["coordinator"]
    phone_session("CACHE1")
    join_code_set_moderated(actor=coordinator, join=join, moderated=True)
    assert phone_session("CACHE1").join.moderated is True  # type: ignore[union-attr]


def test_a_question_removed_elsewhere_still_stores_the_answer(
    join: JoinCode, programme: Programme, client: Client
) -> None:
    """Within the few seconds a copy may be old, an answer to a question just removed in another
    process is still stored, with its question."""
    prompt = Prompt.objects.create(programme=programme, text="What would help?")
    question = Question.objects.create(gathering=join.gathering, prompt=prompt, position=0)
    client.get(reverse("voices:join_answer", kwargs={"code": join.code}))
    Question.objects.filter(pk=question.pk).delete()  # a queryset delete still signals…
    join_cache._entries.clear()  # …so put back what another process would still have
    join_cache._entries["CACHE1"] = join_cache._Entry(
        join_cache.PhoneSession(
            JoinCode.objects.select_related("gathering__hub").get(pk=join.pk),
            (question,),
            reverse("voices:join_thanks", kwargs={"code": "CACHE1"}),
        ),
        join_cache.time.monotonic() + 5,
    )
    data = {
        "uuid": str(uuid.uuid4()),
        "question": str(question.pk),
        "text": "Hello",
        "name": "",
        "identify": "anonymous",
    }
    assert client.post(reverse("voices:join_answer", kwargs={"code": join.code}), data).status_code == 302
    assert Contribution.objects.get().prompt == prompt
