"""Query counts are pinned: a page's count must not grow with the number of rows."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from sidebyside.enquiries.models import Action, Enquiry, Evidence, Update
from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub, Membership, Organisation
from sidebyside.voices.models import Contribution


def _grow(programme: Any, n: int) -> None:
    for i in range(n):
        hub = Hub.objects.create(programme=programme, name=f"Extra {i}", locality="x", stage="started")
        user = make_user(f"extra{i}", password=None)
        Membership.objects.create(user=user, programme=programme, hub=hub, role="member")
        start = timezone.now() - datetime.timedelta(days=30 + i)
        Gathering.objects.create(
            hub=hub, kind="meeting", title="m", starts_at=start, ends_at=start + datetime.timedelta(hours=1)
        )
        Organisation.objects.create(programme=programme, name=f"Org {i}", kind="charity")
        # Enquiries with evidence, actions (some overdue) and updates: the loop figures must not grow.
        said = Contribution.objects.create(
            hub=hub, text=f"Said {i}", said_at=start, channel="paper", state="shown"
        )
        enquiry = Enquiry.objects.create(programme=programme, title=f"Enquiry {i}", framing="x")
        enquiry.hubs.add(hub)
        Evidence.objects.create(enquiry=enquiry, contribution=said)
        Action.objects.create(
            programme=programme, enquiry=enquiry, what="x", due_on=start.date(), organisation=None
        )
        Update.objects.create(enquiry=enquiry, text="We did it")


@pytest.mark.parametrize(
    ("name", "persona", "kwargs", "budget"),
    [
        ("dashboards:programme", "programme_admin", "programme", 19),
        ("dashboards:hub", "coordinator", "hub", 14),
        ("people:hub_people", "coordinator", "hub", 12),
        ("hubs:organisation_list", "coordinator", "programme", 12),
    ],
)
def test_query_count_is_constant(
    name: str,
    persona: str,
    kwargs: str,
    budget: int,
    client_for: Any,
    programme: Any,
    hub: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(persona)
    url = reverse(name, args=[programme.pk if kwargs == "programme" else hub.pk])
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(programme, 15)
    with django_assert_max_num_queries(budget), CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), f"{name}: {len(small)} queries with few rows, {len(large)} with many"
