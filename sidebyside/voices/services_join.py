"""Writes for answering from a phone: the questions a gathering asks, whether answers are checked
before the shared screen shows them, and storing what someone sent from their phone.

Storing goes through ``services.contribution_store`` (idempotent on the UUID the form carried).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from sidebyside.core.audit import audit
from sidebyside.core.db import prepared_cursor
from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Membership
from sidebyside.people import consent
from sidebyside.people.models import Person
from sidebyside.voices.models import Contribution, JoinCode, Prompt, Question
from sidebyside.voices.services import Unless, clean_text, contribution_store, field_of

Direction = Literal["up", "down"]
NAME_MAX = 100
# The same words from the same phone to the same question within this time are one answer.
RESENT_WITHIN = datetime.timedelta(minutes=10)
# A phone's answers within this time count towards its limit (JOIN_SUBMISSIONS_PER_MINUTE).
COUNTED_WITHIN = datetime.timedelta(minutes=1)


def _in_order(gathering: Gathering) -> list[Question]:
    return list(Question.objects.select_for_update().filter(gathering=gathering).order_by("position", "pk"))


def _renumber(questions: list[Question]) -> None:
    for index, question in enumerate(questions):
        if question.position != index:
            question.position = index
            question.save(update_fields=["position"])


@transaction.atomic
def question_add(*, actor: Any, gathering: Gathering, prompt: Prompt) -> Question:
    """Ask ``prompt`` at the gathering, after the questions already asked (once only)."""
    if prompt.programme_id != gathering.hub.programme_id:
        raise ValidationError("That question belongs to another programme")
    existing = _in_order(gathering)
    found = next((q for q in existing if q.prompt_id == prompt.pk), None)
    if found is not None:
        return found
    _renumber(existing)
    question = Question.objects.create(gathering=gathering, prompt=prompt, position=len(existing))
    audit(actor=actor, action="voices.question_added", obj=gathering, question=question.pk, prompt=prompt.pk)
    return question


@transaction.atomic
def question_add_new(*, actor: Any, gathering: Gathering, text: str) -> Question:
    """Write a new question for the programme (or reuse one with the same words) and ask it."""
    text = " ".join(text.split())
    if not text:
        raise ValidationError("Write the question")
    prompt = Prompt.objects.filter(programme_id=gathering.hub.programme_id, text__iexact=text).first()
    if prompt is None:
        prompt = Prompt(programme_id=gathering.hub.programme_id, text=text)
        prompt.full_clean()
        prompt.save()
        audit(actor=actor, action="voices.prompt_created", obj=prompt)
    return question_add(actor=actor, gathering=gathering, prompt=prompt)


@transaction.atomic
def question_remove(*, actor: Any, question: Question) -> None:
    gathering = question.gathering
    audit(actor=actor, action="voices.question_removed", obj=gathering, prompt=question.prompt_id)
    question.delete()
    _renumber(_in_order(gathering))


@transaction.atomic
def question_move(*, actor: Any, question: Question, direction: Direction) -> bool:
    """Swap the question with the one before or after it. False if it is already at that end."""
    questions = _in_order(question.gathering)
    index = next((i for i, q in enumerate(questions) if q.pk == question.pk), None)
    if index is None:
        return False
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(questions):
        _renumber(questions)
        return False
    questions[index], questions[other] = questions[other], questions[index]
    _renumber(questions)
    audit(actor=actor, action="voices.question_moved", obj=question.gathering, question=question.pk, to=other)
    return True


@transaction.atomic
def join_code_set_moderated(*, actor: Any, join: JoinCode, moderated: bool) -> JoinCode:
    if join.moderated != moderated:
        join.moderated = moderated
        join.save(update_fields=["moderated", "updated_at"])
        audit(actor=actor, action="voices.join_checking_changed", obj=join.gathering, moderated=moderated)
    return join


def join_code_close(*, actor: Any, join: JoinCode) -> JoinCode:
    """Stop taking answers from phones now. Phones that open the code are told the session has
    ended (every server process within ``JOIN_CACHE_SECONDS``); ``services.join_code_open``
    opens it again. Nothing already sent is touched."""
    now = timezone.now()
    if join.open_until > now:
        join.open_until = now
        join.save(update_fields=["open_until", "updated_at"])
        audit(actor=actor, action="voices.join_code_closed", obj=join.gathering)
    return join


def signed_in_author(user: Any, hub_id: int) -> Person | None:
    """The person answering, when they are signed in as a member of the hub who agreed to what
    they say being recorded by name; otherwise None (the answer stays anonymous).

    Linking an answer to its author is what lets them hear back: it shows on their "what happened
    to what you said" page and comes into their digest of updates.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    person = Person.objects.filter(user=user, erased_at__isnull=True).first()
    if person is None:
        return None
    member = Membership.objects.filter(user=user, hub_id=hub_id, ended_at__isnull=True).exists()
    return person if member and consent.may_record(person) else None


def identify_as(choice: str, name: str, *, name_known: bool = False) -> str:
    """What someone chose, as the contribution records it.

    With no name there is nothing to show, so the words are anonymous; a full name is used only
    when it has at least two words and they chose it. With ``name_known`` (a signed-in author,
    whose name quotes take from their record) the choice stands as made.
    """
    I = Contribution.Identify  # noqa: E741
    if name_known:
        return choice if choice in (I.NAMED, I.FIRST_NAME) else I.ANONYMOUS
    if not name.strip() or choice not in (I.NAMED, I.FIRST_NAME):
        return I.ANONYMOUS
    if choice == I.NAMED and len(name.split()) >= 2:
        return I.NAMED
    return I.FIRST_NAME


# One pass over this phone's answers of the last few minutes (the device index) and this UUID (its
# unique index). Raw SQL because the ORM spent longer building this than the database running it.
_RECENT = """
SELECT
  COALESCE(MAX(CASE WHEN uuid = %s
                      OR (device = %s AND created_at >= %s AND gathering_id = %s
                          AND {prompt} AND text = %s) THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN device = %s AND created_at >= %s THEN 1 ELSE 0 END), 0)
FROM voices_contribution
WHERE uuid = %s OR (device = %s AND created_at >= %s)
"""
_RECENT_SQL = _RECENT.format(prompt="prompt_id = %s")
_RECENT_SQL_NO_PROMPT = _RECENT.format(prompt="prompt_id IS NULL")


@dataclass(frozen=True)
class Recent:
    sent_before: bool  # this answer is already stored
    this_minute: int  # answers this phone sent in the last minute

    @property
    def too_many(self) -> bool:
        return self.this_minute >= settings.JOIN_SUBMISSIONS_PER_MINUTE


def phone_recent(
    *,
    device: str,
    uuid_value: uuid.UUID,
    gathering_id: int,
    prompt_id: int | None,
    text: str,
    now: datetime.datetime | None = None,
) -> Recent:
    """One look at what this phone sent lately (one query).

    Sent before: this very form (its answer was stored but the reply was lost on the way back),
    or the same words from the same phone to the same question a moment ago (the page was
    reloaded with the Back button, which makes a new form, and sent again)."""
    now = now or timezone.now()
    sql = _RECENT_SQL_NO_PROMPT if prompt_id is None else _RECENT_SQL
    field = field_of
    lately = field("created_at").get_db_prep_value(now - RESENT_WITHIN, connection)
    minute = field("created_at").get_db_prep_value(now - COUNTED_WITHIN, connection)
    same_form = field("uuid").get_db_prep_value(uuid_value, connection)
    prompt = [] if prompt_id is None else [prompt_id]
    with prepared_cursor() as cursor:
        cursor.execute(
            sql,
            [
                same_form,
                device,
                lately,
                gathering_id,
                *prompt,
                text,
                device,
                minute,
                same_form,
                device,
                lately,
            ],
        )
        before, this_minute = cursor.fetchone()
    return Recent(sent_before=bool(before), this_minute=int(this_minute or 0))


def phone_contribution_add(
    *,
    uuid_value: uuid.UUID,
    join: JoinCode,
    question: Question | None,
    text: str,
    name: str,
    choice: str,
    device: str,
    author: Person | None = None,
) -> bool:
    """Store what someone sent from their own phone: once, however many times it arrives. One
    query. True if this call stored it; when False, ``phone_recent`` says why (it was sent before,
    or the phone is sending too many).

    Not stored either when the same words came from the same phone to the same question a
    moment ago, or when the phone has sent its limit this minute: both are decided by the insert
    itself (``services.Unless``), so the answer costs one statement. Whether it waits to be
    checked is read from the join code in the insert too, not from ``join`` (which may be a few
    seconds old: ``join_cache``). ``author`` is the signed-in member who sent it and chose to hear
    back (``signed_in_author``); their name is not copied onto it."""
    gathering = join.gathering
    name = " ".join(name.split())[:NAME_MAX]
    text = clean_text(text)  # as stored, so that the same words compare equal
    now = timezone.now()
    prompt = question.prompt if question is not None else None
    unless = Unless(
        device=device,
        gathering_id=gathering.pk,
        prompt_id=prompt.pk if prompt is not None else None,
        text=text,
        resent_since=now - RESENT_WITHIN,
        counted_since=now - COUNTED_WITHIN,
        limit=settings.JOIN_SUBMISSIONS_PER_MINUTE,
    )
    _, stored = contribution_store(
        uuid_value=uuid_value,
        hub_id=gathering.hub_id,
        text=text,
        channel=Contribution.Channel.PHONE,
        gathering=gathering,
        prompt=prompt,
        name_given=name,
        identify_as=identify_as(choice, name, name_known=author is not None),
        author=author,
        state=Contribution.State.PENDING,  # unless the join code says answers are not checked
        state_of_join=join.pk,
        unless=unless,
        device=device,
        said_at=now,
    )
    return stored
