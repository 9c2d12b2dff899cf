"""A hub's text number: set by a coordinator, one hub per number, removed again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from sidebyside.core.models import AuditEvent
from sidebyside.hubs.models import Hub
from sidebyside.voices.models import InboundNumber


def test_a_coordinator_sets_and_removes_the_text_number(
    db: Any, client_for: Callable[..., Client], hub: Hub
) -> None:
    coordinator = client_for("coordinator")
    url = reverse("voices:hub_text_number", args=[hub.pk])

    assert coordinator.post(url, {"number": "07700 900500"}).status_code == 302
    row = InboundNumber.objects.get()
    assert (row.number, row.hub) == ("+447700900500", hub)
    assert "07700 900500" in coordinator.get(url).content.decode()

    coordinator.post(url, {"remove": str(row.pk)})
    assert not InboundNumber.objects.exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="voices.text_number")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "voices.text_number_added",
        "voices.text_number_removed",
    ]


def test_a_number_of_another_hub_or_a_bad_one_is_named(
    db: Any, client_for: Callable[..., Client], hub: Hub, other_hub: Hub
) -> None:
    InboundNumber.objects.create(number="+447700900500", hub=other_hub)
    coordinator = client_for("coordinator")
    url = reverse("voices:hub_text_number", args=[hub.pk])

    taken = coordinator.post(url, {"number": "+44 7700 900500"}).content.decode()
    assert f"That number already brings texts to {other_hub.name}" in taken
    bad = coordinator.post(url, {"number": "ring me"}).content.decode()
    assert "There is a problem" in bad
    assert 'value="ring me"' in bad
    empty = coordinator.post(url, {"number": ""}).content.decode()
    assert "Enter the text number" in empty
    assert InboundNumber.objects.get().hub == other_hub
