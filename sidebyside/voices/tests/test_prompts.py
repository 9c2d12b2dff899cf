"""A programme's questions: the library every programme starts with, and the pages to change them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from sidebyside.core.models import AuditEvent
from sidebyside.hubs.models import Hub, Programme
from sidebyside.voices import prompt_library
from sidebyside.voices.models import Contribution, Prompt
from sidebyside.voices.prompt_library import LIBRARY, seed_library, seed_prompts

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client_for: Callable[..., Client]) -> Client:
    return client_for("programme_admin")


@pytest.fixture
def facilitator(client_for: Callable[..., Client]) -> Client:
    return client_for("facilitator")


def texts(programme: Programme) -> list[str]:
    return list(Prompt.objects.filter(programme=programme).order_by("pk").values_list("text", flat=True))


# --- The library -------------------------------------------------------------------------------


def test_the_library_is_plain_short_and_distinct() -> None:
    words = [spec.text for spec in LIBRARY]
    assert len(words) >= 10
    assert len({w.casefold() for w in words}) == len(words)
    assert all(len(w) <= 300 and w.endswith("?") for w in words)
    assert all(len(spec.hint) <= 300 for spec in LIBRARY)
    # Our own words, not the seed documents'.
    for theirs in (
        "What has prevented the group coproducing?",
        "What has frustrated you?",
        "What is your message to senior leaders?",
        "What's not been said?",
    ):
        assert theirs.casefold() not in {w.casefold() for w in words}


def test_seeding_adds_the_library_once(programme: Programme) -> None:
    Prompt.objects.filter(programme=programme).delete()
    assert seed_prompts(programme) == len(LIBRARY)
    assert seed_prompts(programme) == 0
    assert len(texts(programme)) == len(LIBRARY)


def test_seeding_keeps_edits_and_matches_whatever_the_case(programme: Programme) -> None:
    Prompt.objects.filter(programme=programme).delete()
    first = LIBRARY[0].text
    Prompt.objects.create(programme=programme, text=first.upper(), hint="Our own hint")
    assert seed_prompts(programme) == len(LIBRARY) - 1
    assert Prompt.objects.get(programme=programme, text=first.upper()).hint == "Our own hint"
    assert not Prompt.objects.filter(programme=programme, text=first).exists()


def test_seed_library_does_many_programmes(programme: Programme) -> None:
    other = Programme.objects.create(name="Other", area="Elsewhere")
    Prompt.objects.filter(programme__in=[programme, other]).delete()
    assert seed_library([programme.pk, other.pk], prompt_model=Prompt) == 2 * len(LIBRARY)


def test_every_new_programme_gets_the_library() -> None:
    prompt_library.connect()
    prompt_library.connect()  # twice is harmless
    programme = Programme.objects.create(name="Brand new", area="Newtown")
    assert len(texts(programme)) == len(LIBRARY)
    programme.name = "Renamed"
    programme.save()  # only on creation
    assert len(texts(programme)) == len(LIBRARY)


# --- The list ----------------------------------------------------------------------------------


@pytest.fixture
def asked(programme: Programme, hub: Hub) -> Prompt:
    seed_prompts(programme)
    prompt = Prompt.objects.get(programme=programme, text=LIBRARY[0].text)
    for i in range(3):
        Contribution.objects.create(
            hub=hub, prompt=prompt, text=f"Answer {i}", said_at=timezone.now(), channel="paper"
        )
    return prompt


def test_the_list_shows_questions_hints_and_answer_counts(
    facilitator: Client, programme: Programme, asked: Prompt
) -> None:
    response = facilitator.get(reverse("voices:prompt_list", args=[programme.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert LIBRARY[0].text in html
    assert LIBRARY[0].hint in html
    assert {p.pk: p.answers for p in response.context["prompts"]}[asked.pk] == 3
    assert "Add a question" in html
    assert "Archive" not in html  # facilitators may add and change, not archive


def test_admins_may_archive_from_the_list(admin: Client, programme: Programme, asked: Prompt) -> None:
    html = admin.get(reverse("voices:prompt_list", args=[programme.pk])).content.decode()
    assert reverse("voices:prompt_archive", args=[asked.pk]) in html


def test_the_list_query_count_does_not_grow(
    facilitator: Client, programme: Programme, asked: Prompt, hub: Hub, django_assert_max_num_queries: Any
) -> None:
    url = reverse("voices:prompt_list", args=[programme.pk])
    facilitator.get(url)
    with CaptureQueriesContext(connection) as few:
        facilitator.get(url)
    for i in range(20):
        prompt = Prompt.objects.create(programme=programme, text=f"Extra question {i}?")
        Contribution.objects.create(hub=hub, prompt=prompt, text="x", said_at=timezone.now(), channel="paper")
    with django_assert_max_num_queries(len(few)):
        assert facilitator.get(url).status_code == 200


# --- Adding and changing -----------------------------------------------------------------------


def test_add_a_question(facilitator: Client, programme: Programme, personas: Any) -> None:
    response = facilitator.post(
        reverse("voices:prompt_add", args=[programme.pk]),
        {"text": "  What  would make   you come back?  ", "hint": "Anything at all"},
    )
    assert response.status_code == 302
    prompt = Prompt.objects.get(programme=programme, text="What would make you come back?")
    assert prompt.hint == "Anything at all"
    event = AuditEvent.objects.get(action="prompt.created")
    assert event.object_id == str(prompt.pk)
    assert event.actor_id == personas["facilitator"].pk
    assert event.detail == {}


def test_the_same_words_again_are_refused_by_name(
    facilitator: Client, programme: Programme, asked: Prompt
) -> None:
    typed = "  " + asked.text.upper().replace(" ", "  ") + " "
    response = facilitator.post(
        reverse("voices:prompt_add", args=[programme.pk]), {"text": typed, "hint": "kept hint"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    # Named as the programme has it, not as typed again in capitals.
    assert f"The programme already asks “{escape(asked.text)}”" in html
    assert asked.text.upper() not in html.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert "kept hint" in html
    assert Prompt.objects.filter(programme=programme).count() == len(LIBRARY)


def test_empty_and_too_long_questions(facilitator: Client, programme: Programme) -> None:
    url = reverse("voices:prompt_add", args=[programme.pk])
    html = facilitator.post(url, {"text": "   ", "hint": ""}).content.decode()
    assert "Enter the question" in html
    html = facilitator.post(url, {"text": "x" * 301, "hint": "y" * 301}).content.decode()
    assert "The question must be 300 characters or fewer" in html
    assert "The help must be 300 characters or fewer" in html
    html = facilitator.post(url, {"text": "<script>alert(1)</script>?"}).content.decode()
    assert Prompt.objects.filter(text="<script>alert(1)</script>?").exists()


def test_change_a_question(facilitator: Client, programme: Programme, asked: Prompt) -> None:
    url = reverse("voices:prompt_edit", args=[asked.pk])
    page = facilitator.get(url).content.decode()
    assert "3 answers are linked to this question" in page
    response = facilitator.post(url, {"text": asked.text, "hint": "A better hint"})
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.hint == "A better hint"
    assert AuditEvent.objects.get(action="prompt.changed").detail == {"fields": ["hint"]}


def test_changing_to_another_question_s_words_is_refused(
    facilitator: Client, programme: Programme, asked: Prompt
) -> None:
    other = LIBRARY[1].text
    response = facilitator.post(reverse("voices:prompt_edit", args=[asked.pk]), {"text": other, "hint": ""})
    assert response.status_code == 200
    assert "The programme already asks" in response.content.decode()
    asked.refresh_from_db()
    assert asked.text == LIBRARY[0].text


def test_a_question_of_another_programme_is_hidden(facilitator: Client) -> None:
    elsewhere = Programme.objects.create(name="Elsewhere", area="Far")
    prompt = Prompt.objects.create(programme=elsewhere, text="Hidden?")
    assert facilitator.get(reverse("voices:prompt_edit", args=[prompt.pk])).status_code == 404
    assert facilitator.get(reverse("voices:prompt_list", args=[elsewhere.pk])).status_code == 404


def test_the_service_refuses_duplicates_too(programme: Programme, personas: Any, asked: Prompt) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        prompt_library.prompt_create(
            actor=personas["coordinator"], programme=programme, text=asked.text.lower()
        )


# --- Archiving ---------------------------------------------------------------------------------


def test_archive_and_restore(admin: Client, programme: Programme, asked: Prompt) -> None:
    url = reverse("voices:prompt_archive", args=[asked.pk])
    page = admin.get(url).content.decode()
    assert "Its 3 answers stay as they are" in page
    assert admin.post(url).status_code == 302
    asked.refresh_from_db()
    assert asked.archived_at is not None
    listing = admin.get(reverse("voices:prompt_list", args=[programme.pk]))
    assert asked in listing.context["archived"]
    assert asked not in listing.context["prompts"]
    assert admin.post(reverse("voices:prompt_restore", args=[asked.pk])).status_code == 302
    asked.refresh_from_db()
    assert asked.archived_at is None
    assert list(
        AuditEvent.objects.filter(action__startswith="prompt.")
        .values_list("action", flat=True)
        .order_by("pk")
    ) == ["prompt.archived", "prompt.restored"]
    # Archiving twice records once.
    admin.post(url)
    admin.post(url)
    assert AuditEvent.objects.filter(action="prompt.archived").count() == 2


def test_facilitators_may_not_archive(facilitator: Client, asked: Prompt) -> None:
    assert facilitator.post(reverse("voices:prompt_archive", args=[asked.pk])).status_code == 403
    asked.refresh_from_db()
    assert asked.archived_at is None
