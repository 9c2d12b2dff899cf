"""Rapid entry: typing up sticky notes, one a line; tags, undo, sending twice, bad input."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sidebyside.core.models import AuditEvent
from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub
from sidebyside.voices.models import Contribution, Prompt
from sidebyside.voices.services_entry import line_uuid, parse_lines, split_tags

C = Contribution.Channel


@pytest.fixture
def coordinator(client_for: Callable[..., Client]) -> Client:
    return client_for("coordinator")


@pytest.fixture
def gathering(hub: Hub) -> Gathering:
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=1)
    return Gathering.objects.create(
        hub=hub,
        kind="workshop",
        title="Drop-in",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )


@pytest.fixture
def prompt(hub: Hub) -> Prompt:
    return Prompt.objects.create(programme=hub.programme, text="What has frustrated you?")


def entry_url(hub: Hub) -> str:
    return reverse("voices:entry", kwargs={"hub_id": hub.pk})


def post(client: Client, hub: Hub, lines: str, **fields: Any) -> Any:
    data = {"lines": lines, "channel": C.FACILITATOR, "form_uuid": str(uuid.uuid4()), **fields}
    return client.post(entry_url(hub), data)


# --- Access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("facilitator", 200),
        ("coordinator", 200),
        ("programme_admin", 200),
        ("member", 403),
        ("other_member", 404),
        ("leader", 403),
    ],
)
def test_entry_is_for_the_hubs_staff(
    persona: str, status: int, hub: Hub, client_for: Callable[..., Client]
) -> None:
    client = client_for(persona)
    assert client.get(entry_url(hub)).status_code == status
    if status != 200:
        assert post(client, hub, "Should not be stored").status_code == status
        assert not Contribution.objects.exists()


def test_staff_must_verify_first(hub: Hub, client_for: Callable[..., Client]) -> None:
    response = client_for("facilitator", verified=False).get(entry_url(hub))
    assert response["Location"].startswith(reverse("accounts:two_step"))


# --- Lines and tags --------------------------------------------------------------------------


def test_each_line_is_one_note(
    hub: Hub, gathering: Gathering, prompt: Prompt, coordinator: Client, personas: Any
) -> None:
    lines = "More buses at night #transport #Evenings\r\n\r\n   \nNobody listens\n#1 priority is housing\n"
    response = post(coordinator, hub, lines, gathering=gathering.pk, prompt=prompt.pk, channel=C.PAPER)
    assert response.status_code == 302
    assert response["Location"] == entry_url(hub)
    rows = list(Contribution.objects.order_by("text"))
    assert [(row.text, row.tags) for row in rows] == [
        ("#1 priority is housing", ""),
        ("More buses at night", "transport, evenings"),
        ("Nobody listens", ""),
    ]
    for row in rows:
        assert row.hub == hub
        assert row.gathering == gathering
        assert row.prompt == prompt
        assert row.channel == C.PAPER
        assert row.state == Contribution.State.SHOWN
        assert row.identify_as == Contribution.Identify.ANONYMOUS
        assert row.entered_by == personas["coordinator"]
        assert row.said_at == gathering.starts_at
    event = AuditEvent.objects.get(action="voices.entered")
    assert event.detail == {"count": 3, "gathering": gathering.pk, "prompt": prompt.pk}
    page = coordinator.get(entry_url(hub)).content.decode()
    assert "3 notes added" in page
    assert "Nobody listens" in page  # in "Just added"


def test_split_tags_only_at_the_end() -> None:
    assert split_tags("Bus fares #cost #Transport.") == ("Bus fares", ["cost", "transport"])
    assert split_tags("I use #hashtags in the middle") == ("I use #hashtags in the middle", [])
    assert split_tags("a # b") == ("a # b", [])
    assert split_tags("#only") == ("", ["only"])


def test_line_uuids_come_from_the_form_and_the_line() -> None:
    form = uuid.uuid4()
    assert line_uuid(form, 3) == uuid.uuid5(form, "3")
    assert line_uuid(form, 3) != line_uuid(form, 4)
    assert [line.number for line in parse_lines("a\n\nb")] == [1, 3]


def test_gathering_prompt_and_source_are_remembered(
    hub: Hub, gathering: Gathering, prompt: Prompt, coordinator: Client
) -> None:
    post(coordinator, hub, "First note", gathering=gathering.pk, prompt=prompt.pk, channel=C.PAPER)
    page = coordinator.get(entry_url(hub)).content.decode()
    assert f'<option value="{gathering.pk}" selected>' in page
    assert f'<option value="{prompt.pk}" selected>' in page
    assert 'value="paper" checked' in page


def test_gathering_from_the_address(hub: Hub, gathering: Gathering, coordinator: Client) -> None:
    page = coordinator.get(entry_url(hub) + f"?gathering={gathering.pk}").content.decode()
    assert f'<option value="{gathering.pk}" selected>' in page
    assert reverse("voices:wall", kwargs={"gathering_id": gathering.pk}) in page


def test_a_gathering_of_another_hub_is_refused(hub: Hub, other_hub: Hub, coordinator: Client) -> None:
    start = timezone.now()
    elsewhere = Gathering.objects.create(
        hub=other_hub,
        kind="workshop",
        title="B",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    response = post(coordinator, hub, "A note", gathering=elsewhere.pk)
    assert response.status_code == 200
    assert "Choose a gathering from the list" in response.content.decode()
    assert not Contribution.objects.exists()


# --- Sending twice, many at once -----------------------------------------------------------------


def test_sending_the_same_form_twice_stores_once(hub: Hub, coordinator: Client) -> None:
    data = {"lines": "One\nTwo\nThree", "channel": C.FACILITATOR, "form_uuid": str(uuid.uuid4())}
    coordinator.post(entry_url(hub), data)
    response = coordinator.post(entry_url(hub), data, follow=True)
    assert Contribution.objects.count() == 3
    assert "Those notes were already added" in response.content.decode()
    assert AuditEvent.objects.filter(action="voices.entered").count() == 1
    # The same form with one more line: only the new line is stored.
    coordinator.post(entry_url(hub), {**data, "lines": "One\nTwo\nThree\nFour"})
    assert Contribution.objects.count() == 4


def test_thirty_lines_in_one_post_with_a_pinned_query_count(
    hub: Hub, gathering: Gathering, prompt: Prompt, coordinator: Client, django_assert_max_num_queries: Any
) -> None:
    few = "\n".join(f"Note {n} #tag{n}" for n in range(3))
    with django_assert_max_num_queries(16) as small:
        post(coordinator, hub, few, gathering=gathering.pk, prompt=prompt.pk)
    many = "\n".join(f"Sticky note number {n} #tag{n}" for n in range(30))
    with django_assert_max_num_queries(16) as large:
        response = post(coordinator, hub, many, gathering=gathering.pk, prompt=prompt.pk)
    assert response.status_code == 302
    assert Contribution.objects.count() == 33
    assert len(large.captured_queries) == len(small.captured_queries)
    inserts = [
        q
        for q in large.captured_queries
        if q["sql"].startswith("INSERT") and "voices_contribution" in q["sql"][:50]
    ]
    assert len(inserts) == 1


# --- Bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("", "Type at least one note: one note a line"),
        ("   \n\t\n  ", "Type at least one note: one note a line"),
        ("Fine line\n" + "x" * 100_000, "Line 2 is too long: keep each note under 4,000 characters"),
        ("Fine\n#just #tags", "Line 2 has only tags"),
        ("\n".join(["note"] * 201), "That is 201 notes: add up to 200 at a time"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_stored(
    hub: Hub, coordinator: Client, lines: str, message: str
) -> None:
    response = post(coordinator, hub, lines)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert message in page
    assert not Contribution.objects.exists()
    if lines.strip():
        assert lines.splitlines()[0] in page  # what was typed is kept


def test_a_broken_form_key_is_explained_and_the_notes_kept(hub: Hub, coordinator: Client) -> None:
    response = post(coordinator, hub, "Keep me", form_uuid="not-a-uuid")
    page = response.content.decode()
    assert "Something went wrong with this page" in page
    assert "Keep me" in page
    assert not Contribution.objects.exists()
    assert 'value="not-a-uuid"' not in page


def test_a_bad_source_is_explained(hub: Hub, coordinator: Client) -> None:
    response = post(coordinator, hub, "A note", channel="sms")
    assert "Choose where the notes are from" in response.content.decode()
    assert not Contribution.objects.exists()


def test_emoji_right_to_left_and_html_are_kept_as_text(hub: Hub, coordinator: Client) -> None:
    post(coordinator, hub, "Feeling 😊 today\nمرحبا بالجميع\n<script>alert(1)</script>")
    assert set(Contribution.objects.values_list("text", flat=True)) == {
        "Feeling 😊 today",
        "مرحبا بالجميع",
        "<script>alert(1)</script>",
    }
    page = coordinator.get(entry_url(hub)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- Undo -----------------------------------------------------------------------------------------------


def undo_url(contribution: Contribution) -> str:
    return reverse("voices:entry_undo", kwargs={"contribution_id": contribution.pk})


def test_undo_own_recent_note(hub: Hub, coordinator: Client) -> None:
    post(coordinator, hub, "Oops\nKeep")
    oops = Contribution.objects.get(text="Oops")
    response = coordinator.post(undo_url(oops))
    assert response["Location"] == entry_url(hub)
    assert list(Contribution.objects.values_list("text", flat=True)) == ["Keep"]
    event = AuditEvent.objects.get(action="voices.entry_undone")
    assert event.detail == {"contribution": oops.pk}


def test_cannot_undo_someone_elses_or_an_old_note(
    hub: Hub, coordinator: Client, client_for: Callable[..., Client]
) -> None:
    post(client_for("facilitator"), hub, "Theirs")
    theirs = Contribution.objects.get()
    response = coordinator.post(undo_url(theirs), follow=True)
    assert "can no longer be undone" in response.content.decode()
    assert Contribution.objects.filter(pk=theirs.pk).exists()
    post(coordinator, hub, "Mine but old")
    old = Contribution.objects.get(text="Mine but old")
    Contribution.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=11))
    coordinator.post(undo_url(old))
    assert Contribution.objects.filter(pk=old.pk).exists()
    assert not AuditEvent.objects.filter(action="voices.entry_undone").exists()


def test_undo_is_post_only(hub: Hub, coordinator: Client) -> None:
    post(coordinator, hub, "Stay")
    assert coordinator.get(undo_url(Contribution.objects.get())).status_code == 405


def test_old_notes_leave_the_just_added_list(hub: Hub, coordinator: Client) -> None:
    post(coordinator, hub, "Long ago note")
    Contribution.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=11))
    page = coordinator.get(entry_url(hub)).content.decode()
    assert "Long ago note" not in page
