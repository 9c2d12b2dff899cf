"""The method library: the seeded methods, its pages, and changing methods and their steps."""

from __future__ import annotations

import io
from importlib import import_module
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sidebyside.core.models import AuditEvent
from sidebyside.gatherings.method_library import LIBRARY, seed_methods
from sidebyside.gatherings.models import Method, Step
from sidebyside.hubs.models import Programme

LIBRARY_NAMES = {
    "Word association",
    "Appreciative inquiry",
    "World café",
    "Reverse brainstorming",
    "Troika consulting",
    "User manual",
    "Blue-sky thinking",
    "1-2-4-All",
    "Over A Brew",
}


def _positions(method: Method) -> list[int]:
    return list(method.steps.order_by("position", "pk").values_list("position", flat=True))


def _titles(method: Method) -> list[str]:
    return list(method.steps.order_by("position", "pk").values_list("title", flat=True))


@pytest.fixture
def library(programme: Programme) -> Programme:
    seed_methods(programme)
    return programme


# Seeding ---------------------------------------------------------------------------------------


def test_seeding_gives_the_nine_methods_with_their_steps_once(programme: Programme) -> None:
    # A new programme is given the library when it is created.
    Method.objects.filter(programme=programme).delete()
    assert seed_methods(programme) == 9
    assert set(Method.objects.filter(programme=programme).values_list("name", flat=True)) == LIBRARY_NAMES
    for spec in LIBRARY:
        method = Method.objects.get(programme=programme, name=spec.name)
        assert _titles(method) == [step.title for step in spec.steps]
        assert _positions(method) == list(range(1, len(spec.steps) + 1))
        assert method.purpose
        assert method.group_size
        assert method.total_minutes == spec.total_minutes > 0

    steps = Step.objects.count()
    assert seed_methods(programme) == 0
    assert Method.objects.filter(programme=programme).count() == 9
    assert Step.objects.count() == steps


def test_the_timings_follow_the_methods() -> None:
    by_name = {spec.name: spec for spec in LIBRARY}
    brew = by_name["Over A Brew"]
    think, turns, reflect = brew.steps[1], brew.steps[2], brew.steps[3]
    assert think.minutes == 1
    assert think.minutes_each is None
    assert turns.minutes_each == 2
    assert "fix" in reflect.guidance.lower()
    assert [step.minutes for step in by_name["1-2-4-All"].steps] == [1, 2, 4, 5]
    # Only one step in the library is taken in turns.
    assert sum(1 for spec in LIBRARY for step in spec.steps if step.minutes_each) == 1


def test_seeding_never_overwrites_an_edited_method_and_adds_only_what_is_missing(
    programme: Programme,
) -> None:
    seed_methods(programme)
    brew = Method.objects.get(programme=programme, name="Over A Brew")
    brew.purpose = "Our own words"
    brew.name = "over a brew"  # renamed by an admin: still the same method
    brew.save()
    Step.objects.filter(method=brew).delete()
    Method.objects.filter(programme=programme, name="World café").delete()

    assert seed_methods(programme) == 1
    brew.refresh_from_db()
    assert brew.purpose == "Our own words"
    assert not brew.steps.exists()
    assert Method.objects.filter(programme=programme, name="World café").exists()


def test_each_programme_has_its_own_library(programme: Programme) -> None:
    other = Programme.objects.create(name="Other", area="Elsewhere")
    seed_methods(programme)
    seed_methods(other)
    assert Method.objects.filter(programme=other).count() == 9
    assert Method.objects.count() == 18


def test_the_data_migration_seeds_every_programme_with_historical_models(programme: Programme) -> None:
    other = Programme.objects.create(name="Other", area="Elsewhere")
    seed_methods(other)
    Method.objects.filter(programme=other, name="User manual").delete()
    migration = import_module("sidebyside.gatherings.migrations.0003_seed_method_library")
    historical = MigrationLoader(connection).project_state(("gatherings", "0002_plan_run_remind")).apps

    migration.seed(historical, None)

    assert Method.objects.filter(programme=programme).count() == 9
    assert Method.objects.filter(programme=other).count() == 9


def test_create_programme_seeds_the_library(db: Any) -> None:
    call_command(
        "create_programme",
        name="Fenland Voices",
        area="Fenland",
        admin_email="lead@example.org",
        admin_name="Robin Lee",
        stdout=io.StringIO(),
    )
    assert Method.objects.filter(programme__name="Fenland Voices").count() == 9


def test_the_demo_has_the_library(db: Any) -> None:
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    assert Method.objects.count() == 9


# Pages and who may use them -------------------------------------------------------------------


def test_staff_see_the_library_with_purpose_group_size_and_time(library: Programme, client_for: Any) -> None:
    page = (
        client_for("facilitator").get(reverse("gatherings:method_list", args=[library.pk])).content.decode()
    )
    brew = Method.objects.get(programme=library, name="Over A Brew")
    assert "Over A Brew" in page
    assert brew.purpose.split(".")[0] in page
    assert brew.group_size in page
    assert f"{brew.total_minutes}&nbsp;min" in page
    assert "Add a method" not in page  # only programme admins change the library


def test_the_method_page_lists_its_steps_in_order(library: Programme, client_for: Any) -> None:
    brew = Method.objects.get(programme=library, name="Over A Brew")
    response = client_for("coordinator").get(reverse("gatherings:method", args=[brew.pk]))
    page = response.content.decode()
    titles = _titles(brew)
    assert [page.index(title) for title in titles] == sorted(page.index(title) for title in titles)
    assert "2 minutes each, in turn" in page
    assert reverse("gatherings:method_step_edit", args=[brew.pk, brew.steps.first().pk]) not in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 404), ("other_member", 404), ("facilitator", 403), ("coordinator", 403), ("leader", 403)],
)
def test_only_programme_admins_add_methods(
    library: Programme, client_for: Any, persona: str, status: int
) -> None:
    response = client_for(persona).post(
        reverse("gatherings:method_add", args=[library.pk]),
        {"name": "Walk and talk", "purpose": "x", "group_size": "pairs"},
    )
    assert response.status_code == status
    assert not Method.objects.filter(name="Walk and talk").exists()


def test_a_method_of_another_programme_is_hidden(client_for: Any, personas: Any) -> None:
    elsewhere = Programme.objects.create(name="Elsewhere", area="Far")
    seed_methods(elsewhere)
    method = Method.objects.get(programme=elsewhere, name="Over A Brew")
    assert (
        client_for("programme_admin").get(reverse("gatherings:method", args=[method.pk])).status_code == 404
    )
    response = client_for("programme_admin").get(reverse("gatherings:method_list", args=[elsewhere.pk]))
    assert response.status_code == 404


# Changing methods -----------------------------------------------------------------------------


def test_an_admin_adds_a_method_and_its_steps(library: Programme, client_for: Any) -> None:
    client = client_for("programme_admin")
    response = client.post(
        reverse("gatherings:method_add", args=[library.pk]),
        {"name": " Walk and talk ", "purpose": "Talk side by side, walking.", "group_size": "Pairs"},
    )
    method = Method.objects.get(programme=library, name="Walk and talk")
    assert response["Location"] == reverse("gatherings:method", args=[method.pk])

    add = reverse("gatherings:method_step_add", args=[method.pk])
    client.post(add, {"title": "Set off", "minutes": "5", "guidance": "Pair up and go."})
    client.post(add, {"title": "Each talks", "minutes": "6", "minutes_each": "3"})
    assert _titles(method) == ["Set off", "Each talks"]
    assert _positions(method) == [1, 2]
    assert Step.objects.get(method=method, title="Each talks").minutes_each == 3
    actions = list(AuditEvent.objects.filter(object_id=str(method.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["method.created", "method.step_added", "method.step_added"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the method&#x27;s name"),
        ({"name": "over a brew"}, "name", "There is already a method called over a brew in this programme"),
        ({"purpose": ""}, "purpose", "Enter what the method is for"),
        ({"group_size": ""}, "group_size", "Enter the size of group it suits"),
    ],
)
def test_bad_method_details_are_explained_and_kept(
    library: Programme, client_for: Any, data: dict[str, str], field: str, message: str
) -> None:
    posted = {"name": "Walk and talk", "purpose": "Talk while walking", "group_size": "Pairs", **data}
    response = client_for("programme_admin").post(reverse("gatherings:method_add", args=[library.pk]), posted)
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert f'href="#id_{field}">{message}' in page
    for name, value in posted.items():
        if value and name != field:
            assert value in page
    assert Method.objects.filter(programme=library).count() == 9


def test_renaming_to_an_existing_name_is_refused_and_nothing_is_lost(
    library: Programme, client_for: Any
) -> None:
    brew = Method.objects.get(programme=library, name="Over A Brew")
    response = client_for("programme_admin").post(
        reverse("gatherings:method_edit", args=[brew.pk]),
        {"name": "WORLD CAFÉ", "purpose": "Changed purpose", "group_size": "Any"},
    )
    page = response.content.decode()
    assert "There is already a method called WORLD CAFÉ in this programme" in page
    assert "Changed purpose" in page
    brew.refresh_from_db()
    assert brew.name == "Over A Brew"
    assert brew.purpose != "Changed purpose"


def test_an_admin_changes_a_method(library: Programme, client_for: Any) -> None:
    brew = Method.objects.get(programme=library, name="Over A Brew")
    response = client_for("programme_admin").post(
        reverse("gatherings:method_edit", args=[brew.pk]),
        {"name": "Over a cuppa", "purpose": "Tea and talk", "group_size": "4 to 6"},
    )
    assert response.status_code == 302
    brew.refresh_from_db()
    assert (brew.name, brew.purpose, brew.group_size) == ("Over a cuppa", "Tea and talk", "4 to 6")
    event = AuditEvent.objects.get(action="method.changed")
    assert event.detail == {"fields": ["group_size", "name", "purpose"]}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"minutes": ""}, "minutes", "Enter how many minutes this step takes"),
        ({"minutes": "0"}, "minutes", "Minutes must be 1 or more"),
        ({"minutes": "ten"}, "minutes", "Minutes must be a whole number, like 10"),
        ({"minutes": "1.5"}, "minutes", "Minutes must be a whole number, like 10"),
        ({"minutes": "241"}, "minutes", "Minutes must be 240 or fewer (4 hours)"),
        ({"minutes_each": "0"}, "minutes_each", "Minutes each must be 1 or more"),
        ({"minutes_each": "300"}, "minutes_each", "Minutes each must be 240 or fewer (4 hours)"),
        ({"minutes": "3", "minutes_each": "5"}, "minutes", "at least as long as one person&#x27;s turn"),
        ({"title": ""}, "title", "Enter a title for this step"),
    ],
)
def test_bad_step_input_is_explained_and_kept(
    library: Programme, client_for: Any, data: dict[str, str], field: str, message: str
) -> None:
    brew = Method.objects.get(programme=library, name="Over A Brew")
    step = brew.steps.order_by("position")[2]
    before = (step.title, step.minutes, step.minutes_each, step.guidance)
    posted = {
        "title": "Round the table",
        "minutes": "12",
        "minutes_each": "",
        "guidance": "Kept words",
        **data,
    }
    response = client_for("programme_admin").post(
        reverse("gatherings:method_step_edit", args=[brew.pk, step.pk]), posted
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert f'href="#id_{field}">' in page
    assert message in page
    assert "Kept words" in page
    if data.get("minutes"):
        assert f'value="{data["minutes"]}"' in page
    step.refresh_from_db()
    assert (step.title, step.minutes, step.minutes_each, step.guidance) == before


def test_steps_are_moved_and_removed_keeping_their_order(library: Programme, client_for: Any) -> None:
    client = client_for("programme_admin")
    brew = Method.objects.get(programme=library, name="Over A Brew")
    first, second, third, fourth, fifth = brew.steps.order_by("position")

    client.post(reverse("gatherings:method_step_move", args=[brew.pk, third.pk]), {"direction": "up"})
    assert _titles(brew) == [first.title, third.title, second.title, fourth.title, fifth.title]
    client.post(reverse("gatherings:method_step_move", args=[brew.pk, first.pk]), {"direction": "up"})
    client.post(reverse("gatherings:method_step_move", args=[brew.pk, fifth.pk]), {"direction": "down"})
    assert _titles(brew) == [first.title, third.title, second.title, fourth.title, fifth.title]

    client.post(reverse("gatherings:method_step_remove", args=[brew.pk, third.pk]))
    assert _titles(brew) == [first.title, second.title, fourth.title, fifth.title]
    assert _positions(brew) == [1, 2, 3, 4]

    client.post(reverse("gatherings:method_step_move", args=[brew.pk, fifth.pk]), {"direction": "up"})
    assert _titles(brew) == [first.title, second.title, fifth.title, fourth.title]
    assert _positions(brew) == [1, 2, 3, 4]
    actions = AuditEvent.objects.filter(object_id=str(brew.pk)).values_list("action", flat=True)
    assert sorted(actions) == ["method.step_moved", "method.step_moved", "method.step_removed"]


def test_a_step_of_another_method_is_not_found(library: Programme, client_for: Any) -> None:
    brew = Method.objects.get(programme=library, name="Over A Brew")
    other_step = Method.objects.get(programme=library, name="1-2-4-All").steps.first()
    url = reverse("gatherings:method_step_remove", args=[brew.pk, other_step.pk])
    assert client_for("programme_admin").post(url).status_code == 404
    assert Step.objects.filter(pk=other_step.pk).exists()


def test_archive_and_restore(library: Programme, client_for: Any) -> None:
    client = client_for("programme_admin")
    brew = Method.objects.get(programme=library, name="Over A Brew")
    assert client.get(reverse("gatherings:method_archive", args=[brew.pk])).status_code == 200
    client.post(reverse("gatherings:method_archive", args=[brew.pk]))
    brew.refresh_from_db()
    assert brew.archived_at is not None
    page = client.get(reverse("gatherings:method_list", args=[library.pk])).content.decode()
    link = f'href="{reverse("gatherings:method", args=[brew.pk])}"'
    offered, archived = page.split("Archived</h2>")
    assert link not in offered
    assert link in archived

    client.post(reverse("gatherings:method_restore", args=[brew.pk]))
    brew.refresh_from_db()
    assert brew.archived_at is None
    assert brew.steps.count() == 5
    actions = AuditEvent.objects.filter(object_id=str(brew.pk)).values_list("action", flat=True)
    assert sorted(actions) == ["method.archived", "method.restored"]


def test_the_library_page_query_count_does_not_grow(
    library: Programme, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for("facilitator")
    url = reverse("gatherings:method_list", args=[library.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(10):
        method = Method.objects.create(programme=library, name=f"Extra {i}", purpose="p", group_size="any")
        Step.objects.create(method=method, position=1, title="t", minutes=5)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200
