from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from sidebyside.accounts.models import User
from sidebyside.dashboards.selectors import programme_overview
from sidebyside.demo import data
from sidebyside.demo.management.commands.load_demo import HISTORY_ENDS
from sidebyside.enquiries.models import Action, Enquiry, Evidence, LeaderMessage, Notice, Update
from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub, Membership, Programme
from sidebyside.insights.models import Theme
from sidebyside.notify.models import OutboxMessage
from sidebyside.people import consent
from sidebyside.voices.models import Contribution


def _snapshot() -> dict[str, Any]:
    return {
        "hubs": sorted(Hub.objects.values_list("name", "stage", "started_on", "areas_of_work")),
        "users": sorted(User.objects.values_list("email", "full_name", "expertise")),
        "memberships": Membership.objects.count(),
        "gatherings": sorted(Gathering.objects.values_list("hub__name", "starts_at", "title")),
        "contributions": sorted(Contribution.objects.values_list("uuid", "text", "author_id")),
        "enquiries": sorted(Enquiry.objects.values_list("title", "stage")),
        "actions": Action.objects.count(),
        "updates": Update.objects.count(),
        "notices": Notice.objects.count(),
    }


def test_demo_builds_the_five_hubs_at_their_stages(db: Any) -> None:
    call_command("load_demo", verbosity=0)
    stages = dict(Hub.objects.values_list("name", "stage"))
    assert stages == {
        "Cambridge & South": "established",
        "Peterborough": "started",
        "East Cambs": "started",
        "Wisbech": "planning",
        "Huntingdon": "pre_planning",
    }
    overview = programme_overview(Programme.objects.get())
    cambridge = next(f for f in overview["figures"] if f.hub.name == "Cambridge & South")  # type: ignore[attr-defined]
    assert len(cambridge.areas_of_work) == 6
    assert cambridge.sessions_held > 90  # monthly since 2018
    assert cambridge.by_experience > cambridge.by_profession
    assert User.objects.filter(email="manager@example.org").exists()


def test_demo_is_deterministic_and_rerunnable(db: Any) -> None:
    call_command("load_demo", verbosity=0)
    first = _snapshot()
    call_command("load_demo", verbosity=0)
    assert _snapshot() == first


def test_demo_shows_the_whole_loop(db: Any) -> None:
    call_command("load_demo", verbosity=0)
    programme = Programme.objects.get()
    stages = dict(Enquiry.objects.filter(programme=programme).values_list("title", "stage"))
    assert set(stages.values()) == {"frame", "explore", "act", "learn"}
    assert Contribution.objects.filter(hub__programme=programme).count() == len(data.CONTRIBUTIONS)
    assert Theme.objects.filter(programme=programme, status="confirmed").count() == len(data.THEMES)
    assert Evidence.objects.filter(enquiry__programme=programme).count() == len(data.ENQUIRIES)
    assert Action.objects.filter(programme=programme, enquiry__isnull=False).count() == len(data.ACTIONS)
    kinds = set(Update.objects.values_list("kind", flat=True))
    assert {"we_did", "could_not", "progress"} <= kinds
    # Actions are owned by partner organisations; one is overdue, so the list has something in it.
    assert not Action.objects.filter(organisation__isnull=True, message__isnull=True).exists()
    assert any(a.is_overdue(HISTORY_ENDS) for a in Action.objects.all())
    # The senior leader replied with a commitment, which is tracked as an action they own.
    message = LeaderMessage.objects.get()
    assert message.status == "replied"
    assert message.commitments.get().owner.email == data.LEADER["email"]
    # Members whose words led somewhere were told, in a digest before the demo's "today": the
    # worker has nothing to send for them, and nothing is waiting in the outbox.
    notices = Notice.objects.all()
    assert notices.exists()
    assert not notices.filter(digest__isnull=True).exists()
    assert not OutboxMessage.objects.exists()
    # Every author agreed to be recorded by name.
    for contribution in Contribution.objects.filter(author__isnull=False).select_related("author"):
        assert consent.may_record(contribution.author)


def test_an_author_sees_where_their_words_went(db: Any) -> None:
    call_command("load_demo", verbosity=0)
    author = (
        Contribution.objects.filter(author__isnull=False, text__startswith="The surgery said").get().author
    )
    client = Client()
    client.force_login(author.user)
    page = client.get(reverse("enquiries:my_impact")).content.decode()
    assert "Registering with a GP without a fixed address" in page
    assert "Every GP practice in the area has the guide" in page
