"""Run mode: who may open it, what it embeds (and what it must not), the plan without
JavaScript, and a session with no agenda."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import FULL_NAMES
from sidebyside.accounts.models import User
from sidebyside.gatherings.models import Gathering, Registration, Step
from sidebyside.hubs.models import Hub

RULES = "Listen to understand\n\n- No fixing: just be alongside each other\n  It's OK to disagree, kindly  \n"


def make_gathering(hub: Hub, *, title: str = "Over A Brew", rules: str = RULES) -> Gathering:
    starts = timezone.now() + datetime.timedelta(days=1)
    return Gathering.objects.create(
        hub=hub,
        kind="over_a_brew",
        title=title,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        ground_rules=rules,
    )


def over_a_brew_agenda(gathering: Gathering) -> None:
    # Positions out of order on purpose: the page follows position, not the order of creation.
    Step.objects.create(gathering=gathering, position=3, title="Reflect together", minutes=10)
    Step.objects.create(
        gathering=gathering, position=1, title="Think", guidance="On your own, quietly.", minutes=1
    )
    Step.objects.create(gathering=gathering, position=2, title="Have your say", minutes=6, minutes_each=2)


def register(gathering: Gathering, full_name: str, *, known_as: str = "", status: str = "registered") -> User:
    user = User.objects.create_user(
        email=f"{full_name.lower().replace(' ', '.')}@example.org", full_name=full_name, known_as=known_as
    )
    Registration.objects.create(gathering=gathering, person=user.person, status=status)
    return user


def embedded(response: Any) -> dict[str, Any]:
    match = re.search(
        r'<script id="run-mode-data" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    assert match, "the run data is not embedded in the page"
    return json.loads(match.group(1))


def url(gathering: Gathering) -> str:
    return reverse("gatherings:run", kwargs={"gathering_id": gathering.pk})


@pytest.fixture
def brew(hub: Hub) -> Gathering:
    gathering = make_gathering(hub)
    over_a_brew_agenda(gathering)
    return gathering


# ---- Who may open it ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["facilitator", "coordinator", "programme_admin"])
def test_staff_of_the_hub_and_programme_admins_may_run_it(
    persona: str, brew: Gathering, client_for: Any
) -> None:
    response = client_for(persona).get(url(brew))
    assert response.status_code == 200
    assert "Over A Brew" in response.content.decode()


@pytest.mark.parametrize(("persona", "status"), [("member", 403), ("leader", 403), ("other_member", 404)])
def test_members_and_leaders_may_not(persona: str, status: int, brew: Gathering, client_for: Any) -> None:
    assert client_for(persona).get(url(brew)).status_code == status


def test_anonymous_people_are_sent_to_sign_in(brew: Gathering, client: Any) -> None:
    response = client.get(url(brew))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_staff_of_another_hub_may_not_know_it_exists(
    other_hub: Hub, brew: Gathering, client_for: Any
) -> None:
    elsewhere = make_gathering(other_hub, title="Elsewhere")
    over_a_brew_agenda(elsewhere)
    assert client_for("coordinator").get(url(elsewhere)).status_code == 404
    assert (
        client_for("coordinator").get(reverse("gatherings:run", kwargs={"gathering_id": 999999})).status_code
        == 404
    )


def test_staff_verify_before_seeing_who_is_coming(brew: Gathering, client_for: Any) -> None:
    response = client_for("coordinator", verified=False).get(url(brew))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_step"))


def test_it_only_reads(brew: Gathering, client_for: Any) -> None:
    assert client_for("coordinator").post(url(brew)).status_code == 405


# ---- What it embeds ----------------------------------------------------------------------------


def test_the_page_embeds_the_steps_in_order_and_the_group_agreement(brew: Gathering, client_for: Any) -> None:
    data = embedded(client_for("facilitator").get(url(brew)))
    assert data["title"] == "Over A Brew"
    assert data["steps"] == [
        {"title": "Think", "guidance": "On your own, quietly.", "minutes": 1, "minutes_each": None},
        {"title": "Have your say", "guidance": "", "minutes": 6, "minutes_each": 2},
        {"title": "Reflect together", "guidance": "", "minutes": 10, "minutes_each": None},
    ]
    assert data["ground_rules"] == [
        "Listen to understand",
        "No fixing: just be alongside each other",
        "It's OK to disagree, kindly",
    ]


def test_speakers_are_the_first_names_of_those_coming(
    brew: Gathering, hub: Hub, personas: dict[str, Any], client_for: Any
) -> None:
    users = [
        register(brew, "Tamsin Oduya"),
        register(brew, "Bartholomew Quayle", known_as="Bart"),
        register(brew, "Sam Pennington"),
        register(brew, "Sam Loveridge"),
        register(brew, "Ingrid Invited-Only", status="invited"),
        register(brew, "Declan Notcoming", status="declined"),
        register(brew, "Eraldo Gone"),
        register(make_gathering(hub, title="Another session"), "Otto Elsewhere"),
    ]
    erased = users[6].person
    erased.erased_at = timezone.now()
    erased.save(update_fields=["erased_at"])

    response = client_for("coordinator").get(url(brew))
    data = embedded(response)
    assert data["speakers"] == ["Bart", "Sam L.", "Sam P.", "Tamsin"]
    assert data["speakers_are_placeholders"] is False

    page = response.content.decode()
    # No one's full name, surname or email address is on the page: first names only.
    for absent in (
        "Oduya",
        "Bartholomew",
        "Quayle",
        "Pennington",
        "Loveridge",
        "Ingrid",
        "Declan",
        "Eraldo",
        "Otto",
        FULL_NAMES["member"],
        *(user.email for user in users),
        personas["member"].email,
    ):
        assert absent not in page, absent


def test_without_anyone_registered_there_are_placeholders_to_change(hub: Hub, client_for: Any) -> None:
    gathering = make_gathering(hub)
    over_a_brew_agenda(gathering)  # 6 minutes at 2 minutes each: room for three
    data = embedded(client_for("coordinator").get(url(gathering)))
    assert data["speakers"] == ["Speaker 1", "Speaker 2", "Speaker 3"]
    assert data["speakers_are_placeholders"] is True


def test_no_names_at_all_when_nobody_takes_turns(hub: Hub, client_for: Any) -> None:
    gathering = make_gathering(hub)
    Step.objects.create(gathering=gathering, position=1, title="Welcome", minutes=5)
    register(gathering, "Tamsin Oduya")
    response = client_for("coordinator").get(url(gathering))
    data = embedded(response)
    assert data["speakers"] == []
    assert data["speakers_are_placeholders"] is False
    assert "Tamsin" not in response.content.decode()


def test_text_that_looks_like_markup_stays_text(hub: Hub, client_for: Any) -> None:
    gathering = make_gathering(hub, title="</script><script>alert(1)</script>", rules="<b>bold</b>")
    Step.objects.create(gathering=gathering, title="<img src=x onerror=alert(1)>", minutes=5)
    response = client_for("coordinator").get(url(gathering))
    page = response.content.decode()
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    data = embedded(response)
    assert data["title"] == "</script><script>alert(1)</script>"
    assert data["steps"][0]["title"] == "<img src=x onerror=alert(1)>"
    assert data["ground_rules"] == ["<b>bold</b>"]


# ---- The page itself ---------------------------------------------------------------------------


def test_without_javascript_the_page_is_the_plan(brew: Gathering, client_for: Any) -> None:
    response = client_for("coordinator").get(url(brew))
    page = response.content.decode()
    # The plan is in the HTML itself; the timers are hidden until run-mode.js shows them.
    for text in (
        "Think",
        "1 minute",
        "Have your say",
        "2 minutes each, in turns",
        "Reflect together",
        "10 minutes",
        "Listen to understand",
        "No fixing: just be alongside each other",
    ):
        assert text in page, text
    assert re.search(r'<section class="sbs-run__stage"[^>]*\bhidden\b', page)
    assert "The timers need JavaScript" in page
    # One script of our own, with the nonce; the data is JSON, which is never run.
    nonce = response.context["csp_nonce"]
    assert f'src="/static/js/run-mode.js" nonce="{nonce}"' in page
    assert 'aria-live="polite"' in page
    assert reverse("gatherings:gathering", kwargs={"gathering_id": brew.pk}) in page
    assert "Leave run mode" in page


def test_an_empty_agenda_is_said_plainly_with_a_way_back(hub: Hub, client_for: Any) -> None:
    gathering = make_gathering(hub, rules="")
    response = client_for("coordinator").get(url(gathering))
    assert response.status_code == 200
    page = response.content.decode()
    assert "this session has no agenda" in page
    assert f'href="{reverse("gatherings:gathering", kwargs={"gathering_id": gathering.pk})}"' in page
    assert "run-mode-data" not in page
    assert "run-mode.js" not in page


def test_a_cancelled_session_says_so(brew: Gathering, client_for: Any) -> None:
    brew.cancelled_at = timezone.now()
    brew.save(update_fields=["cancelled_at"])
    assert "This session has been cancelled" in client_for("coordinator").get(url(brew)).content.decode()


def test_the_query_count_does_not_grow_with_the_people_coming(
    brew: Gathering, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for("coordinator")
    for number in range(3):
        register(brew, f"Person Number{number}")
    client.get(url(brew))  # warm the session and the caches
    with django_assert_max_num_queries(12) as few:
        client.get(url(brew))
    for number in range(3, 15):
        register(brew, f"Person Number{number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url(brew))
    assert len(embedded(response)["speakers"]) == 15
