"""Delivery receipts from GOV.UK Notify, and the list of messages that could not be sent."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from sidebyside.notify.models import OutboxMessage

S = OutboxMessage.Status
TOKEN = "a-long-random-callback-token-for-tests"


@pytest.fixture
def sent(db: Any, personas: Any) -> OutboxMessage:
    return OutboxMessage.objects.create(
        user=personas["member"],
        channel="sms",
        to="+447700900123",
        template="reminder",
        personalisation='{"name": "Marnie"}',
        status=S.SENT,
        next_attempt_at=timezone.now(),
    )


def receipt(client: Client, message: OutboxMessage, status: str, token: str = TOKEN) -> Any:
    return client.post(
        reverse("notify:delivery_receipt"),
        json.dumps({"id": "n-1", "reference": message.reference, "status": status, "to": "+447700900123"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


@override_settings(NOTIFY_CALLBACK_TOKEN=TOKEN)
def test_delivered_clears_who_and_what(client: Client, sent: OutboxMessage) -> None:
    assert receipt(client, sent, "delivered").status_code == 200
    sent.refresh_from_db()
    assert sent.status == S.DELIVERED
    assert sent.to == "-"
    assert sent.personalisation == ""


@override_settings(NOTIFY_CALLBACK_TOKEN=TOKEN)
def test_a_failed_delivery_is_recorded_in_plain_words(client: Client, sent: OutboxMessage) -> None:
    receipt(client, sent, "permanent-failure")
    sent.refresh_from_db()
    assert sent.status == S.FAILED
    assert "does not exist" in sent.failure


@override_settings(NOTIFY_CALLBACK_TOKEN=TOKEN)
def test_receipts_without_the_token_are_refused(client: Client, sent: OutboxMessage) -> None:
    assert receipt(client, sent, "delivered", token="wrong").status_code == 403
    sent.refresh_from_db()
    assert sent.status == S.SENT


@override_settings(NOTIFY_CALLBACK_TOKEN=TOKEN)
def test_a_malformed_receipt_is_a_400_not_a_500(client: Client, db: Any) -> None:
    response = client.post(
        reverse("notify:delivery_receipt"),
        "not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 400


def test_the_admin_sees_failed_messages_and_sends_one_again(
    client_for: Any, programme: Any, sent: OutboxMessage, django_assert_max_num_queries: Any
) -> None:
    failed_at = datetime.datetime(2026, 11, 3, 14, 5, tzinfo=datetime.UTC)
    OutboxMessage.objects.filter(pk=sent.pk).update(
        status=S.FAILED, failure="GOV.UK Notify answered 400 (ValidationError)", failed_at=failed_at
    )
    client = client_for("programme_admin")
    url = reverse("dashboards:messages_failed", args=[programme.pk])
    with django_assert_max_num_queries(14):
        page = client.get(url).content.decode()
    assert "Marnie Quillfeather" in page
    assert "GOV.UK Notify answered 400" in page
    assert "3 November 2026, 2:05pm" in page  # as GOV.UK writes times (UK time: GMT in November)
    assert "7700900123" not in page
    response = client.post(reverse("dashboards:message_retry", args=[programme.pk, sent.pk]))
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == S.QUEUED
