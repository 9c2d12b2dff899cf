"""Text messages to a hub's number, through GOV.UK Notify's inbound-SMS callback."""

from __future__ import annotations

import datetime
import json
import logging
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from sidebyside.notify.models import OutboxMessage
from sidebyside.people.models import Consent, Person
from sidebyside.people.tests.conftest import agree
from sidebyside.voices import inbound
from sidebyside.voices.models import Contribution, InboundNumber

TOKEN = "a-long-random-callback-token-for-tests"
HUB_NUMBER = "+447700900500"
MEMBER_PHONE = "+447700900111"
STRANGER = "447700900999"  # as Notify sends it: no plus

pytestmark = pytest.mark.usefixtures("hub_number")


@pytest.fixture
def hub_number(hub: Any) -> InboundNumber:
    return InboundNumber.objects.create(number=HUB_NUMBER, hub=hub)


@pytest.fixture
def member(personas: Any) -> Person:
    person = personas["member"].person
    person.phone = MEMBER_PHONE
    person.save()
    return person


def text(
    client: Client,
    *,
    notify_id: str = "e3a9c8a4-0000-4000-8000-000000000001",
    source: str = STRANGER,
    destination: str = "447700900500",
    message: str = "More evening sessions please",
    token: str | None = TOKEN,
    body: str | None = None,
) -> Any:
    payload = body
    if payload is None:
        payload = json.dumps(
            {
                "id": notify_id,
                "source_number": source,
                "destination_number": destination,
                "message": message,
                "date_received": "2025-05-14T12:15:30.000000Z",
            }
        )
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    with override_settings(NOTIFY_CALLBACK_TOKEN=TOKEN):
        return client.post(
            reverse("voices:inbound_sms"), payload, content_type="application/json", headers=headers
        )


def thank_yous() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(template="thank_you"))


# --- Who may call it ---------------------------------------------------------------------------


def test_a_text_with_the_token_becomes_a_pending_anonymous_contribution(client: Client, hub: Any) -> None:
    response = text(client)
    assert response.status_code == 200
    assert response.json()["outcome"] == "stored"
    row = Contribution.objects.get()
    assert row.hub == hub
    assert row.channel == "sms"
    assert row.state == "pending"
    assert row.text == "More evening sessions please"
    assert row.author is None
    assert row.identify_as == "anonymous"
    assert row.said_at == datetime.datetime(2025, 5, 14, 12, 15, 30, tzinfo=datetime.UTC)
    assert row.uuid == inbound.text_uuid("e3a9c8a4-0000-4000-8000-000000000001")
    # The number is not kept with it: only a keyed digest, to count texts from the same sender.
    assert "7700900999" not in row.device
    assert row.device == inbound.sender_digest("+447700900999")


@pytest.mark.parametrize("token", ["wrong", "", None])
def test_a_wrong_or_missing_token_is_refused_and_nothing_stored(client: Client, token: str | None) -> None:
    response = text(client, token=token)
    assert response.status_code == 403
    assert not Contribution.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_no_token_configured_refuses_everything(client: Client) -> None:
    with override_settings(NOTIFY_CALLBACK_TOKEN=""):
        response = client.post(
            reverse("voices:inbound_sms"),
            "{}",
            content_type="application/json",
            headers={"Authorization": "Bearer "},
        )
    assert response.status_code == 403


def test_only_post(client: Client) -> None:
    assert client.get(reverse("voices:inbound_sms")).status_code == 405


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        "{}",
        '{"id": 5, "message": "hi"}',
        '{"id": "x", "message": ["hi"]}',
        b"\xff\xfe".decode("latin-1"),
    ],
)
def test_a_malformed_body_is_a_400_not_a_500(client: Client, body: str) -> None:
    assert text(client, body=body).status_code == 400
    assert not Contribution.objects.exists()


# --- Once, and where -------------------------------------------------------------------------


def test_the_same_notify_id_twice_is_stored_once_and_thanked_once(client: Client) -> None:
    assert text(client).json()["outcome"] == "stored"
    again = text(client)
    assert again.status_code == 200
    assert again.json()["outcome"] == "again"
    assert Contribution.objects.count() == 1
    assert len(thank_yous()) == 1


def test_a_number_no_hub_has_is_acknowledged_and_nothing_recorded(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = text(client, destination="+447700900777", message="My secret words")
    assert response.status_code == 200
    assert response.json()["outcome"] == "unknown_number"
    assert not Contribution.objects.exists()
    assert not OutboxMessage.objects.exists()
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "no hub" in logged
    assert "7700900777" not in logged
    assert "7700900999" not in logged
    assert "secret" not in logged


@pytest.mark.parametrize("message", ["", "   \n  ", "\x00"])
def test_an_empty_text_is_ignored(client: Client, message: str) -> None:
    response = text(client, message=message)
    assert response.status_code == 200
    assert response.json()["outcome"] == "empty"
    assert not Contribution.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("destination", ["07700900500", "+44 7700 900500", "447700900500"])
def test_the_hub_number_is_found_however_notify_writes_it(client: Client, destination: str) -> None:
    assert text(client, destination=destination).json()["outcome"] == "stored"


@pytest.mark.parametrize(
    "words",
    [
        "Thank you 🙏🏽 for the café ☕",
        "شكرا على الجلسة",  # right to left
        "<script>alert('x')</script><b>bold</b> & more",
    ],
)
def test_emoji_rtl_and_html_are_stored_as_text(client: Client, words: str, client_for: Any) -> None:
    text(client, message=words)
    row = Contribution.objects.get()
    assert row.text == words
    page = client_for("coordinator").get(reverse("voices:contribution", kwargs={"contribution_id": row.pk}))
    content = page.content.decode()
    assert "<script>alert" not in content
    if "<b>" in words:
        assert (
            "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; &amp; more" in content
        )
    else:
        assert words in content


def test_a_very_long_text_is_kept_up_to_the_limit_not_refused(client: Client) -> None:
    response = text(client, message="word " * 2000)
    assert response.status_code == 200
    assert len(Contribution.objects.get().text) <= 4000


def test_an_unreadable_date_is_taken_as_now(client: Client) -> None:
    body = json.dumps(
        {"id": "n-9", "source_number": STRANGER, "destination_number": HUB_NUMBER, "message": "Hi"}
    )
    assert text(client, body=body).status_code == 200
    assert abs((Contribution.objects.get().said_at - timezone.now()).total_seconds()) < 60


# --- Who said it -----------------------------------------------------------------------------


def test_a_member_who_agreed_to_being_recorded_is_the_author(client: Client, member: Person) -> None:
    agree(member, Consent.Purpose.RECORD_CONTRIBUTIONS, level="named")
    agree(member, Consent.Purpose.QUOTE, level="first_name")
    text(client, source="447700900111")
    row = Contribution.objects.get()
    assert row.author == member
    assert row.identify_as == "first_name"


def test_a_recorded_member_without_quote_consent_is_quoted_anonymously(
    client: Client, member: Person
) -> None:
    agree(member, Consent.Purpose.RECORD_CONTRIBUTIONS, level="named")
    text(client, source="07700 900111")
    row = Contribution.objects.get()
    assert row.author == member
    assert row.identify_as == "anonymous"


@pytest.mark.parametrize("level", [None, "anonymous"])
def test_without_consent_to_being_recorded_by_name_it_is_anonymous(
    client: Client, member: Person, level: str | None
) -> None:
    if level:
        agree(member, Consent.Purpose.RECORD_CONTRIBUTIONS, level=level)
    agree(member, Consent.Purpose.QUOTE, level="named")
    text(client, source="447700900111")
    row = Contribution.objects.get()
    assert row.author is None
    assert row.identify_as == "anonymous"


def test_someone_of_another_hub_with_the_number_is_not_the_author(client: Client, personas: Any) -> None:
    other = personas["other_member"].person
    other.phone = MEMBER_PHONE
    other.save()
    agree(other, Consent.Purpose.RECORD_CONTRIBUTIONS, level="named")
    text(client, source="447700900111")
    assert Contribution.objects.get().author is None


# --- The thank-you ---------------------------------------------------------------------------


def test_a_stranger_is_thanked_once_a_day(client: Client, hub: Any) -> None:
    text(client, notify_id="n-1")
    text(client, notify_id="n-2", message="And another thing")
    text(client, notify_id="n-3", message="And one more")
    assert Contribution.objects.count() == 3
    [message] = thank_yous()
    assert message.channel == "sms"
    assert message.to == "+447700900999"
    assert json.loads(message.personalisation) == {"hub": hub.name}
    assert message.user is None


def test_the_next_day_they_are_thanked_again(client: Client) -> None:
    text(client, notify_id="n-1")
    Contribution.objects.update(created_at=timezone.now() - datetime.timedelta(days=1, hours=1))
    text(client, notify_id="n-2")
    assert len(thank_yous()) == 2


def test_a_different_sender_is_thanked_too(client: Client) -> None:
    text(client, notify_id="n-1")
    text(client, notify_id="n-2", source="447700900998")
    assert len(thank_yous()) == 2


def test_a_member_who_agreed_to_texts_is_thanked(client: Client, member: Person) -> None:
    agree(member, Consent.Purpose.CONTACT_SMS)
    text(client, source="447700900111")
    [message] = thank_yous()
    assert message.user == member.user
    assert message.to == MEMBER_PHONE


def test_a_member_who_did_not_agree_to_texts_is_not_thanked(client: Client, member: Person) -> None:
    agree(member, Consent.Purpose.RECORD_CONTRIBUTIONS, level="named")
    text(client, source="447700900111")
    assert Contribution.objects.get().author == member
    assert thank_yous() == []


def test_a_member_who_paused_is_not_thanked(client: Client, member: Person) -> None:
    agree(member, Consent.Purpose.CONTACT_SMS)
    member.status = Person.Status.PAUSED
    member.save()
    text(client, source="447700900111")
    assert Contribution.objects.count() == 1
    assert thank_yous() == []


def test_an_unreadable_sender_number_is_stored_without_a_thank_you(client: Client) -> None:
    assert text(client, source="not-a-number").json()["outcome"] == "stored"
    assert Contribution.objects.get().device == ""
    assert thank_yous() == []
