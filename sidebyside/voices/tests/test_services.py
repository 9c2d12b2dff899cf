"""Storing contributions once, whatever arrives twice."""

from __future__ import annotations

import datetime
import threading
import uuid
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from sidebyside.hubs.models import Hub
from sidebyside.voices.models import Contribution
from sidebyside.voices.services import Invalid, contribution_add, device_digest
from sidebyside.voices.services_join import phone_recent


def test_the_same_uuid_stores_once(db: Any, hub: Hub) -> None:
    key = uuid.uuid4()
    first = contribution_add(uuid_value=key, hub_id=hub.pk, text="  More evening sessions  ", channel="phone")
    again = contribution_add(uuid_value=key, hub_id=hub.pk, text="More evening sessions", channel="phone")

    assert first.created
    assert not again.created
    assert again.contribution.pk == first.contribution.pk
    assert Contribution.objects.get().text == "More evening sessions"


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Write something"), ("   \n ", "Write something"), ("x" * 100_000, "too long")],
)
def test_empty_and_huge_texts_are_refused_plainly(db: Any, hub: Hub, text: str, message: str) -> None:
    with pytest.raises(Invalid, match=message):
        contribution_add(uuid_value=uuid.uuid4(), hub_id=hub.pk, text=text, channel="phone")
    assert not Contribution.objects.exists()


def test_emoji_right_to_left_and_markup_are_kept_as_written(db: Any, hub: Hub) -> None:
    for text in ("Tea please ☕🙂", "نريد المزيد من الجلسات", "<script>alert(1)</script>"):
        contribution_add(uuid_value=uuid.uuid4(), hub_id=hub.pk, text=text, channel="phone")
    assert set(Contribution.objects.values_list("text", flat=True)) == {
        "Tea please ☕🙂",
        "نريد المزيد من الجلسات",
        "<script>alert(1)</script>",
    }


@pytest.mark.django_db(transaction=True)
def test_five_copies_at_once_store_one_row(hub: Hub) -> None:
    key = uuid.uuid4()
    barrier = threading.Barrier(5)
    results: list[bool] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            barrier.wait()
            results.append(
                contribution_add(uuid_value=key, hub_id=hub.pk, text="Same words", channel="phone").created
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(results) == [False, False, False, False, True]  # one stored it, four were told it is there
    assert Contribution.objects.filter(uuid=key).count() == 1


def _recent(device: str, *, now: datetime.datetime | None = None, **fields: Any) -> Any:
    values = {"uuid_value": uuid.uuid4(), "gathering_id": 0, "prompt_id": None, "text": "new words"}
    return phone_recent(device=device, now=now, **(values | fields))


def test_a_device_is_slowed_down_not_a_venue(db: Any, hub: Hub) -> None:
    busy, quiet = device_digest("phone-a"), device_digest("phone-b")
    for _ in range(20):
        contribution_add(uuid_value=uuid.uuid4(), hub_id=hub.pk, text="hello", channel="phone", device=busy)
    assert _recent(busy).this_minute == 20
    assert _recent(busy).too_many
    assert not _recent(quiet).too_many
    assert not _recent(busy, now=timezone.now() + datetime.timedelta(minutes=2)).too_many


def test_sent_before_by_its_uuid_or_by_the_same_words_a_moment_ago(db: Any, hub: Hub) -> None:
    from sidebyside.gatherings.models import Gathering

    start = timezone.now()
    gathering = Gathering.objects.create(
        hub=hub, kind="meeting", title="Drop-in", starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    phone, other_phone = device_digest("phone-a"), device_digest("phone-b")
    key = uuid.uuid4()
    contribution_add(
        uuid_value=key, hub_id=hub.pk, text="Same words", channel="phone", device=phone, gathering=gathering
    )
    words = {"gathering_id": gathering.pk, "text": "Same words"}

    assert _recent(other_phone, uuid_value=key).sent_before  # the very form, whoever resends it
    assert _recent(phone, **words).sent_before  # a new form, the same words
    assert not _recent(other_phone, **words).sent_before
    assert not _recent(phone, **(words | {"text": "Other words"})).sent_before
    assert not _recent(phone, **(words | {"prompt_id": 1})).sent_before
    later = timezone.now() + datetime.timedelta(minutes=11)
    assert not _recent(phone, now=later, **words).sent_before
    assert _recent(phone, now=later, uuid_value=key).sent_before


def test_a_phone_answer_is_stored_unless_it_came_before_or_the_phone_is_over_its_limit(
    db: Any, hub: Hub, settings: Any
) -> None:
    """The insert decides by itself (one statement): the same words from the same phone to the
    same question a moment ago, or a phone at its limit this minute, store nothing; the answer
    waits to be checked when its join code says so, read in the same statement."""
    from sidebyside.gatherings.models import Gathering
    from sidebyside.voices.models import JoinCode, Prompt, Question
    from sidebyside.voices.services_join import phone_contribution_add

    settings.JOIN_SUBMISSIONS_PER_MINUTE = 3
    start = timezone.now()
    gathering = Gathering.objects.create(
        hub=hub, kind="meeting", title="Drop-in", starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    join = JoinCode.objects.create(
        gathering=gathering, code="QRS234", open_until=gathering.ends_at, moderated=False
    )
    prompt = Prompt.objects.create(programme=hub.programme, text="What is missing?")
    question = Question.objects.create(gathering=gathering, prompt=prompt, position=0)
    phone, other = device_digest("phone-a"), device_digest("phone-b")

    def send(text: str, *, device: str = phone, asked: Question | None = question, key: Any = None) -> bool:
        return phone_contribution_add(
            uuid_value=key or uuid.uuid4(),
            join=join,
            question=asked,
            text=text,
            name="",
            choice="anonymous",
            device=device,
        )

    key = uuid.uuid4()
    assert send("Evening sessions", key=key)
    assert not send("Something else", key=key)  # the same form: already stored
    assert not send("Evening sessions")  # a reloaded page, the same words
    assert send("Evening sessions", asked=None)  # no question is another question
    assert send("Evening sessions", device=other)
    assert send("A third from this phone")
    assert not send("A fourth from this phone")  # three this minute already
    assert send("A fourth from this phone", device=other)
    Contribution.objects.filter(device=phone).update(
        created_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    assert send("Evening sessions")  # long enough ago: a new answer
    assert Contribution.objects.filter(device=phone).count() == 4
    assert set(Contribution.objects.values_list("state", flat=True)) == {Contribution.State.SHOWN}
    join.moderated = True
    join.save()
    assert send("Checked first", device=device_digest("phone-c"))
    assert Contribution.objects.get(text="Checked first").state == Contribution.State.PENDING
