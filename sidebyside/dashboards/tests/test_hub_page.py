"""A hub's page: its facts in words people read."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sidebyside.enquiries import services
from sidebyside.enquiries.models import Notice, Update
from sidebyside.gatherings.models import Gathering, Registration
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


def test_a_member_first_sees_what_is_theirs(
    client_for: Callable[..., Client], hub: Hub, programme: Programme, personas: Any
) -> None:
    member = personas["member"]
    client = client_for("member")
    page = client.get(reverse("dashboards:hub", args=[hub.pk])).content.decode()
    assert ">For you<" in page
    assert "See what happened to what you said" in page
    assert "You are coming to" not in page

    actor = personas["coordinator"]
    enquiry = services.enquiry_create(actor=actor, programme=programme, title="T", framing="x", hubs=[hub])
    for text in ("First news", "Second news"):
        update = Update.objects.create(enquiry=enquiry, text=text, kind="we_did")
        Notice.objects.create(person=member.person, update=update, created_at=timezone.now())
    start = timezone.now() + datetime.timedelta(days=3)
    later = Gathering.objects.create(
        hub=hub,
        kind="meeting",
        title="Later one",
        starts_at=start + datetime.timedelta(days=7),
        ends_at=start + datetime.timedelta(days=7, hours=2),
    )
    sooner = Gathering.objects.create(
        hub=hub,
        kind="meeting",
        title="Monthly meeting",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    for gathering in (later, sooner):
        Registration.objects.create(gathering=gathering, person=member.person, status="registered")
    page = client.get(reverse("dashboards:hub", args=[hub.pk])).content.decode()
    assert "2 updates on what you said</a> in the last month." in page
    assert (
        f'You are coming to <a class="govuk-link" href="{reverse("gatherings:gathering", args=[sooner.pk])}">Monthly meeting</a>'
        in page
    )


def test_staff_do_not_get_a_for_you_panel(client_for: Callable[..., Client], hub: Hub) -> None:
    page = client_for("coordinator").get(reverse("dashboards:hub", args=[hub.pk])).content.decode()
    assert ">For you<" not in page
