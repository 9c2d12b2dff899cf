"""A hub's page: its facts in words people read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sidebyside.hubs.models import Hub, Programme

pytestmark = pytest.mark.django_db


def people_involved(client: Client, hub: Hub) -> str:
    page = client.get(reverse("dashboards:hub", args=[hub.pk])).content.decode()
    row = page[page.index(">People involved<") :]
    return row[row.index('class="govuk-summary-list__value">') + 34 : row.index("</dd>")]


def test_people_involved_reads_as_words(
    client_for: Callable[..., Client], hub: Hub, programme: Programme, personas: Any
) -> None:
    client = client_for("programme_admin")
    assert people_involved(client, hub).startswith(("1 person:", *(f"{n} people:" for n in range(2, 20))))
    empty = Hub.objects.create(programme=programme, name="Hub New", locality="Newtown", stage="planning")
    assert people_involved(client, empty) == "Nobody yet"  # not "0: 0 by experience, 0 by profession"
