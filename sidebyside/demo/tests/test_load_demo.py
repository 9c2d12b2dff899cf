from __future__ import annotations

from typing import Any

from django.core.management import call_command

from sidebyside.accounts.models import User
from sidebyside.dashboards.selectors import programme_overview
from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub, Membership, Programme


def _snapshot() -> dict[str, Any]:
    return {
        "hubs": sorted(Hub.objects.values_list("name", "stage", "started_on", "areas_of_work")),
        "users": sorted(User.objects.values_list("email", "full_name", "expertise")),
        "memberships": Membership.objects.count(),
        "gatherings": sorted(Gathering.objects.values_list("hub__name", "starts_at", "title")),
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
