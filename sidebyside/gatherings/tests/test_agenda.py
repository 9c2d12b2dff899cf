"""A gathering's agenda: built from the method library and free items, timed from the start."""

from __future__ import annotations

import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from conftest import make_user
from sidebyside.core.models import AuditEvent
from sidebyside.gatherings.method_library import seed_methods
from sidebyside.gatherings.models import Gathering, Method, Registration, Step
from sidebyside.hubs.models import Hub, Programme

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def gathering(programme: Programme, hub: Hub, personas: Any) -> Gathering:
    """Half past ten to half past twelve, London time, in summer (UTC+1), with the library seeded."""
    seed_methods(programme)
    starts = datetime.datetime(2031, 7, 8, 10, 30, tzinfo=LONDON)
    return Gathering.objects.create(
        hub=hub,
        kind="over_a_brew",
        title="Over A Brew: what's missing?",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )


def _register(gathering: Gathering, coming: int, **others: int) -> None:
    """``coming`` people registered as coming, and ``others`` by status (invited, declined)."""
    statuses = [Registration.Status.REGISTERED] * coming
    for status, count in others.items():
        statuses += [status] * count
    already = gathering.registrations.count()
    for i, status in enumerate(statuses, start=already):
        person = make_user(f"guest{gathering.pk}_{i}", password=None).person
        Registration.objects.create(gathering=gathering, person=person, status=status)


def _items(gathering: Gathering) -> list[tuple[int, str, int]]:
    return list(gathering.agenda.order_by("position", "pk").values_list("position", "title", "minutes"))


def _url(name: str, gathering: Gathering, *more: int) -> str:
    return reverse(f"gatherings:{name}", args=[gathering.pk, *more])


def _method(gathering: Gathering, name: str) -> Method:
    return Method.objects.get(programme=gathering.hub.programme, name=name)


def _add_item(client: Any, gathering: Gathering, title: str, minutes: int | str, guidance: str = "") -> Any:
    return client.post(
        _url("agenda_add_item", gathering), {"title": title, "minutes": str(minutes), "guidance": guidance}
    )


# Adding methods -------------------------------------------------------------------------------


def test_over_a_brew_for_five_coming_gives_each_two_minutes(gathering: Gathering, client_for: Any) -> None:
    _register(gathering, 5, invited=2, declined=1)  # only those coming take a turn
    client = client_for("facilitator")
    _add_item(client, gathering, "Welcome", 10)
    brew = _method(gathering, "Over A Brew")

    page = client.get(_url("agenda", gathering)).content.decode()
    assert "worked out for the 5 people registered as coming" in page
    assert "2 minutes each × 5 = 10 minutes" in page

    response = client.post(_url("agenda_add_method", gathering), {"method": str(brew.pk)})
    assert response["Location"] == _url("agenda", gathering)
    assert _items(gathering) == [
        (1, "Welcome", 10),
        (2, "Get a brew", 5),
        (3, "Think quietly", 1),
        (4, "Your say, in turn", 10),
        (5, "Reflect together", 15),
        (6, "If there is time", 5),
    ]
    copies = list(gathering.agenda.exclude(title="Welcome"))
    assert {step.from_method_id for step in copies} == {brew.pk}
    assert all(step.method_id is None for step in copies)
    turns = gathering.agenda.get(title="Your say, in turn")
    assert turns.minutes_each == 2
    assert turns.guidance == brew.steps.get(title="Your say, in turn").guidance

    page = client.get(_url("agenda", gathering)).content.decode()
    assert "The agenda now takes 46 minutes of 2 hours" in page  # the message after the change
    assert "In turn: 2 minutes each × 5 speakers." in page
    event = AuditEvent.objects.get(action="agenda.method_added")
    assert event.detail == {"method": brew.pk, "steps": 5, "speakers": 5}


def test_with_nobody_coming_a_turn_is_timed_for_one_speaker(gathering: Gathering, client_for: Any) -> None:
    _register(gathering, 0, invited=3)
    client = client_for("coordinator")
    page = client.get(_url("agenda", gathering)).content.decode()
    assert "Nobody is registered as coming yet" in page
    client.post(_url("agenda_add_method", gathering), {"method": str(_method(gathering, "Over A Brew").pk)})
    assert gathering.agenda.get(title="Your say, in turn").minutes == 2


def test_a_turn_timed_for_fewer_than_are_coming_now_says_so(gathering: Gathering, client_for: Any) -> None:
    _register(gathering, 3)
    client = client_for("facilitator")
    client.post(_url("agenda_add_method", gathering), {"method": str(_method(gathering, "Over A Brew").pk)})
    _register(gathering, 1)  # a fourth person says they are coming
    page = client.get(_url("agenda", gathering)).content.decode()
    assert "In turn: 2 minutes each × 3 speakers." in page
    assert "With the 4 speakers there are now, it would take 8 minutes." in page


def test_a_method_goes_at_the_end_in_its_own_order(gathering: Gathering, client_for: Any) -> None:
    client = client_for("programme_admin")
    one_two_four = _method(gathering, "1-2-4-All")
    client.post(_url("agenda_add_method", gathering), {"method": str(one_two_four.pk)})
    _add_item(client, gathering, "Break", 15)
    client.post(_url("agenda_add_method", gathering), {"method": str(one_two_four.pk)})
    titles = [title for _, title, _ in _items(gathering)]
    assert titles == ["On your own", "In pairs", "In fours", "All together", "Break", *titles[:4]]
    assert [position for position, _, _ in _items(gathering)] == list(range(1, 10))


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({}, "Choose a method to add"),
        ({"method": "not-a-number"}, "Choose a method from the list"),
    ],
)
def test_adding_no_method_explains_itself(
    gathering: Gathering, client_for: Any, posted: dict[str, str], message: str
) -> None:
    response = client_for("facilitator").post(_url("agenda_add_method", gathering), posted)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#id_method">{message}</a>' in page
    assert "<title>Error: " in page
    assert not gathering.agenda.exists()


def test_archived_methods_and_other_programmes_methods_are_not_offered(
    gathering: Gathering, client_for: Any
) -> None:
    brew = _method(gathering, "Over A Brew")
    brew.archived_at = gathering.starts_at
    brew.save()
    elsewhere = Programme.objects.create(name="Elsewhere", area="Far")
    seed_methods(elsewhere)
    foreign = Method.objects.get(programme=elsewhere, name="World café")
    client = client_for("facilitator")

    page = client.get(_url("agenda", gathering)).content.decode()
    assert f'<option value="{brew.pk}"' not in page
    assert f'<option value="{foreign.pk}"' not in page
    for method in (brew, foreign):
        response = client.post(_url("agenda_add_method", gathering), {"method": str(method.pk)})
        assert "Choose a method from the list" in response.content.decode()
    assert not gathering.agenda.exists()


def test_a_method_with_no_steps_cannot_be_added(gathering: Gathering, client_for: Any) -> None:
    empty = Method.objects.create(
        programme=gathering.hub.programme, name="Empty", purpose="p", group_size="any"
    )
    response = client_for("facilitator").post(_url("agenda_add_method", gathering), {"method": str(empty.pk)})
    assert "Empty has no steps yet" in response.content.decode()
    assert not gathering.agenda.exists()


# Free items, times and totals ------------------------------------------------------------------


def test_items_show_london_start_times_and_the_running_total(gathering: Gathering, client_for: Any) -> None:
    client = client_for("facilitator")
    _add_item(client, gathering, "Welcome", 10, guidance="Names and pronouns")
    _add_item(client, gathering, "Check-in round", 20)
    response = _add_item(client, gathering, "Main discussion", 45)
    assert response.status_code == 302
    page = client.get(_url("agenda", gathering)).content.decode()
    starts = re.findall(r'<td class="govuk-table__cell">(\d{1,2}(?::\d\d)?[ap]m)</td>', page)
    assert starts == ["10:30am", "10:40am", "11am"]
    assert "Names and pronouns" in page
    assert "1 hour 15 minutes</td>" in page  # running total after the last item
    assert "Total: <strong>1 hour 15 minutes</strong> of 2 hours, with 45 minutes to spare." in page
    assert "govuk-warning-text" not in page


def test_an_agenda_longer_than_the_gathering_is_warned_about(gathering: Gathering, client_for: Any) -> None:
    client = client_for("facilitator")
    _add_item(client, gathering, "Long talk", 100)
    response = _add_item(client, gathering, "Another", 35)
    client.get(_url("agenda", gathering))  # the message after the change
    page = client.get(_url("agenda", gathering)).content.decode()
    assert response.status_code == 302
    assert "govuk-warning-text" in page
    assert "That is 15 minutes longer than the gathering’s 2 hours" in page


def test_the_message_after_a_change_gives_the_new_total(gathering: Gathering, client_for: Any) -> None:
    client = client_for("facilitator")
    _add_item(client, gathering, "Long talk", 110)
    response = client.post(
        _url("agenda_add_item", gathering), {"title": "More", "minutes": "20", "guidance": ""}, follow=True
    )
    assert "More added. The agenda now takes 2 hours 10 minutes of 2 hours: 10 minutes too long" in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("title", "minutes", "field", "message"),
    [
        ("", "10", "title", "Enter what happens in this item"),
        ("Break", "", "minutes", "Enter how many minutes this item takes"),
        ("Break", "0", "minutes", "Minutes must be 1 or more"),
        ("Break", "ten", "minutes", "Minutes must be a whole number, like 10"),
        ("Break", "-5", "minutes", "Minutes must be 1 or more"),
        ("Break", "241", "minutes", "Minutes must be 240 or fewer (4 hours)"),
        ("Break" * 25, "10", "title", "The title must be 120 characters or fewer"),
    ],
)
def test_bad_items_are_explained_and_what_was_typed_is_kept(
    gathering: Gathering, client_for: Any, title: str, minutes: str, field: str, message: str
) -> None:
    client = client_for("facilitator")
    _add_item(client, gathering, "Welcome", 10)
    response = _add_item(client, gathering, title, minutes, guidance="Bring the biscuits")
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#id_{field}">{message}</a>' in page
    assert "Bring the biscuits</textarea>" in page
    if title:
        assert f'value="{title}"' in page
    if minutes:
        assert f'value="{minutes}"' in page
    assert _items(gathering) == [(1, "Welcome", 10)]
    assert "Welcome" in page  # the agenda is still shown


def test_an_item_is_changed_and_bad_changes_keep_what_is_stored(
    gathering: Gathering, client_for: Any
) -> None:
    client = client_for("facilitator")
    _add_item(client, gathering, "Welcome", 10)
    item = gathering.agenda.get()
    url = _url("agenda_item_edit", gathering, item.pk)
    assert client.get(url).status_code == 200

    response = client.post(url, {"title": "Welcome and tea", "minutes": "999", "guidance": "Kettle on"})
    page = response.content.decode()
    assert "Minutes must be 240 or fewer (4 hours)" in page
    assert 'value="Welcome and tea"' in page
    assert _items(gathering) == [(1, "Welcome", 10)]

    response = client.post(url, {"title": "Welcome and tea", "minutes": "15", "guidance": "Kettle on"})
    assert response["Location"] == _url("agenda", gathering)
    assert _items(gathering) == [(1, "Welcome and tea", 15)]
    assert AuditEvent.objects.get(action="agenda.item_changed").detail == {
        "fields": ["guidance", "minutes", "title"],
        "step": item.pk,
    }


def test_moving_and_removing_keep_positions_consistent(gathering: Gathering, client_for: Any) -> None:
    client = client_for("coordinator")
    for title in ("A", "B", "C", "D"):
        _add_item(client, gathering, title, 5)
    a, b, c, d = gathering.agenda.order_by("position")

    def titles() -> list[str]:
        return [title for _, title, _ in _items(gathering)]

    response = client.post(_url("agenda_item_move", gathering, c.pk), {"direction": "up"})
    assert response["Location"] == _url("agenda", gathering) + f"#item-{c.pk}"
    assert titles() == ["A", "C", "B", "D"]
    client.post(_url("agenda_item_move", gathering, a.pk), {"direction": "down"})
    assert titles() == ["C", "A", "B", "D"]
    client.post(_url("agenda_item_move", gathering, c.pk), {"direction": "up"})  # already first
    client.post(_url("agenda_item_move", gathering, d.pk), {"direction": "down"})  # already last
    client.post(_url("agenda_item_move", gathering, d.pk), {"direction": "sideways"})
    assert titles() == ["C", "A", "B", "D"]

    client.post(_url("agenda_item_remove", gathering, a.pk))
    assert _items(gathering) == [(1, "C", 5), (2, "B", 5), (3, "D", 5)]
    _add_item(client, gathering, "E", 5)
    client.post(_url("agenda_item_move", gathering, b.pk), {"direction": "down"})
    assert _items(gathering) == [(1, "C", 5), (2, "D", 5), (3, "B", 5), (4, "E", 5)]
    client.post(_url("agenda_item_remove", gathering, c.pk))
    client.post(_url("agenda_item_remove", gathering, b.pk))
    assert _items(gathering) == [(1, "D", 5), (2, "E", 5)]

    actions = sorted(
        AuditEvent.objects.filter(action__startswith="agenda.item_").values_list("action", flat=True)
    )
    assert actions.count("agenda.item_removed") == 3
    assert actions.count("agenda.item_moved") == 3  # moves past either end change nothing


def test_an_item_of_another_gathering_is_not_found(gathering: Gathering, client_for: Any) -> None:
    other = Gathering.objects.create(
        hub=gathering.hub,
        kind="meeting",
        title="Other",
        starts_at=gathering.starts_at,
        ends_at=gathering.ends_at,
    )
    item = Step.objects.create(gathering=other, position=1, title="Theirs", minutes=5)
    client = client_for("facilitator")
    assert client.post(_url("agenda_item_remove", gathering, item.pk)).status_code == 404
    assert client.get(_url("agenda_item_edit", gathering, item.pk)).status_code == 404
    assert Step.objects.filter(pk=item.pk).exists()


def test_a_member_cannot_change_the_agenda(gathering: Gathering, client_for: Any) -> None:
    response = client_for("member").post(
        _url("agenda_add_item", gathering), {"title": "Mine", "minutes": "5"}
    )
    assert response.status_code == 403
    assert not gathering.agenda.exists()


# Group agreement ------------------------------------------------------------------------------


def test_the_group_agreement_is_saved_one_rule_a_line(gathering: Gathering, client_for: Any) -> None:
    client = client_for("facilitator")
    response = client.post(
        _url("agenda_ground_rules", gathering),
        {"ground_rules": "  Listen without fixing \r\n\r\nIt's OK to disagree kindly\n", "lock_version": "0"},
    )
    assert response["Location"] == _url("agenda", gathering)
    gathering.refresh_from_db()
    assert gathering.ground_rules == "Listen without fixing\nIt's OK to disagree kindly"
    assert gathering.lock_version == 1
    assert AuditEvent.objects.filter(action="gathering.ground_rules_changed").count() == 1
    page = client.get(_url("agenda", gathering)).content.decode()
    assert "Listen without fixing\nIt&#x27;s OK to disagree kindly</textarea>" in page


def test_a_group_agreement_saved_meanwhile_is_not_overwritten(gathering: Gathering, client_for: Any) -> None:
    Gathering.objects.filter(pk=gathering.pk).update(ground_rules="Phones on silent", lock_version=3)
    response = client_for("facilitator").post(
        _url("agenda_ground_rules", gathering), {"ground_rules": "Be kind", "lock_version": "2"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_ground_rules">Someone else changed this gathering' in page
    assert "<li>Phones on silent</li>" in page  # what is saved now
    assert "Be kind</textarea>" in page  # what they typed
    assert 'name="lock_version" value="3"' in page  # so saving again goes ahead
    gathering.refresh_from_db()
    assert gathering.ground_rules == "Phones on silent"


def test_a_group_agreement_too_long_is_refused(gathering: Gathering, client_for: Any) -> None:
    response = client_for("facilitator").post(
        _url("agenda_ground_rules", gathering), {"ground_rules": "x" * 3001, "lock_version": "0"}
    )
    assert "The group agreement must be 3000 characters or fewer" in response.content.decode()
    gathering.refresh_from_db()
    assert gathering.ground_rules == ""


# The page itself ------------------------------------------------------------------------------


def test_the_live_total_script_is_loaded_with_the_nonce_and_nothing_inline(
    gathering: Gathering, client_for: Any
) -> None:
    page = client_for("facilitator").get(_url("agenda", gathering)).content.decode()
    scripts = re.findall(r"<script[^>]*>", page)
    assert any("js/agenda-total.js" in tag and "nonce=" in tag for tag in scripts)
    assert all("src=" in tag for tag in scripts)
    assert "style=" not in page
    assert 'data-agenda-total="0" data-agenda-length="120"' in page
    assert 'id="total-if-added"' in page


def test_the_agenda_page_query_count_is_pinned(
    gathering: Gathering, client_for: Any, django_assert_num_queries: Any
) -> None:
    _register(gathering, 5)
    client = client_for("facilitator")
    for name in ("Over A Brew", "1-2-4-All"):
        client.post(_url("agenda_add_method", gathering), {"method": str(_method(gathering, name).pk)})
    client.get(_url("agenda", gathering))  # the messages after the changes
    # Session, user, device, gathering, roles, how many are coming, methods, their steps, the agenda,
    # and the navigation's programme.
    with django_assert_num_queries(10):
        assert client.get(_url("agenda", gathering)).status_code == 200
    for i in range(10):
        _add_item(client, gathering, f"Item {i}", 5)
    client.get(_url("agenda", gathering))
    with django_assert_num_queries(10):
        assert client.get(_url("agenda", gathering)).status_code == 200
