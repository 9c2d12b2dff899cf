"""Calendars: one gathering as a calendar file, private feeds for a person and for a hub, the
pages that make and replace feed addresses, and feed tokens kept out of the logs."""

from __future__ import annotations

import datetime
import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from sidebyside.accounts.models import User
from sidebyside.core.logging import JsonFormatter
from sidebyside.core.models import AuditEvent
from sidebyside.gatherings import calendar
from sidebyside.gatherings.models import CalendarFeed, Gathering, Registration
from sidebyside.hubs.models import Hub

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC
Status = Registration.Status


def make_gathering(hub: Hub, start: datetime.datetime, **fields: Any) -> Gathering:
    values: dict[str, Any] = {
        "kind": Gathering.Kind.OVER_A_BREW,
        "title": "Over A Brew",
        "ends_at": start + datetime.timedelta(hours=2),
    }
    values.update(fields)
    return Gathering.objects.create(hub=hub, starts_at=start, **values)


def soon(days: float = 3) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=days)).replace(microsecond=0)


def register(gathering: Gathering, user: User, status: str = Status.REGISTERED) -> Registration:
    return Registration.objects.create(gathering=gathering, person=user.person, status=status)


def parse(response: Any) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def feed_get(client: Client, feed: CalendarFeed) -> Any:
    return client.get(reverse("gatherings:calendar_feed", kwargs={"token": feed.token}))


def summaries(cal: Calendar) -> list[str]:
    return sorted(str(event["SUMMARY"]) for event in cal.walk("VEVENT"))


def last_sunday(year: int, month: int) -> datetime.date:
    day = datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)
    return day - datetime.timedelta(days=(day.weekday() + 1) % 7)


@pytest.fixture
def gathering(hub: Hub) -> Gathering:
    return make_gathering(
        hub,
        soon(),
        title="Housing working group",
        kind=Gathering.Kind.WORKING_GROUP,
        venue="Riverside Hub",
        address="12 Quay Street\nExeter",
        accessibility="Step-free entrance and a hearing loop",
        online_link="https://meet.example.org/housing",
        lock_version=4,
    )


# One gathering as a calendar file ----------------------------------------------------------------


def test_a_gathering_downloads_as_a_calendar_file(
    gathering: Gathering, client_for: Callable[..., Client]
) -> None:
    response = client_for("member").get(
        reverse("gatherings:gathering_calendar", kwargs={"gathering_id": gathering.pk})
    )

    cal = parse(response)
    day = timezone.localtime(gathering.starts_at).date().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="housing-working-group-{day}.ics"'
    assert str(cal["PRODID"]) == calendar.PRODID
    assert b"X-PUBLISHED-TTL:PT1H" in response.content
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.content
    [event] = cal.walk("VEVENT")
    host = settings.SITE_URL.split("://", 1)[1].split(":")[0].split("/")[0]
    page = settings.SITE_URL + f"/gatherings/{gathering.pk}/"
    assert str(event["UID"]) == f"gathering-{gathering.pk}@{host}"
    assert str(event["SUMMARY"]) == "Housing working group"
    assert str(event["LOCATION"]) == "Riverside Hub, 12 Quay Street, Exeter"
    description = str(event["DESCRIPTION"])
    assert "Step-free entrance and a hearing loop" in description
    assert "https://meet.example.org/housing" in description
    assert page in description
    assert str(event["URL"]) == page
    assert event["SEQUENCE"] == 4
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["DTSTAMP"].dt.tzinfo is not None
    assert event.start == gathering.starts_at
    assert event.end == gathering.ends_at
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    assert b"DTSTART;TZID=Europe/London:" in response.content
    assert b"ATTENDEE" not in response.content
    assert b"ORGANIZER" not in response.content


def test_an_online_gathering_is_located_at_its_link(hub: Hub, client_for: Callable[..., Client]) -> None:
    online = make_gathering(hub, soon(), online_link="https://meet.example.org/brew")

    cal = parse(client_for("member").get(reverse("gatherings:gathering_calendar", args=[online.pk])))

    assert str(cal.walk("VEVENT")[0]["LOCATION"]) == "https://meet.example.org/brew"


@pytest.mark.parametrize(
    ("month", "utc_hour", "zone_name"),
    [(3, 9, "BST"), (10, 10, "GMT")],
    ids=["after the clocks go forward", "after the clocks go back"],
)
def test_ten_in_the_morning_stays_ten_in_the_morning_across_the_clock_changes(
    hub: Hub, client_for: Callable[..., Client], month: int, utc_hour: int, zone_name: str
) -> None:
    monday = last_sunday(2026, month) + datetime.timedelta(days=1)
    start = datetime.datetime.combine(monday, datetime.time(10, 0), tzinfo=LONDON)
    gathering = make_gathering(hub, start)

    response = client_for("member").get(reverse("gatherings:gathering_calendar", args=[gathering.pk]))

    cal = parse(response)
    assert f"DTSTART;TZID=Europe/London:{monday:%Y%m%d}T100000".encode() in response.content
    assert f"DTEND;TZID=Europe/London:{monday:%Y%m%d}T120000".encode() in response.content
    event = cal.walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.start.astimezone(LONDON).time() == datetime.time(10, 0)
    assert event.start.astimezone(UTC) == datetime.datetime.combine(
        monday, datetime.time(utc_hour, 0), tzinfo=UTC
    )
    # The VTIMEZONE itself, read without the zone database, puts the same instant at 10:00.
    [vtimezone] = cal.walk("VTIMEZONE")
    own_rules = vtimezone.to_tz()
    local = event.start.astimezone(UTC).astimezone(own_rules)
    assert (local.hour, local.minute) == (10, 0)
    assert local.tzname() == zone_name


def test_a_cancelled_gathering_is_marked_cancelled(
    gathering: Gathering, client_for: Callable[..., Client]
) -> None:
    gathering.cancelled_at = timezone.now()
    gathering.save()

    cal = parse(client_for("member").get(reverse("gatherings:gathering_calendar", args=[gathering.pk])))

    event = cal.walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED"
    assert "cancelled" in str(event["DESCRIPTION"])


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 200), ("facilitator", 200), ("leader", 200), ("other_member", 404), ("anonymous", 302)],
)
def test_only_those_who_may_see_the_gathering_get_its_file(
    gathering: Gathering, client_for: Callable[..., Client], persona: str, status: int
) -> None:
    response = client_for(persona).get(reverse("gatherings:gathering_calendar", args=[gathering.pk]))

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("accounts:sign_in"))


# Feeds ---------------------------------------------------------------------------------------------


def test_a_person_feed_holds_only_their_invitations_and_registrations(
    hub: Hub, other_hub: Hub, personas: dict[str, Any]
) -> None:
    member = personas["member"]
    register(make_gathering(hub, soon(), title="Coming"), member)
    register(make_gathering(hub, soon(5), title="Invited"), member, Status.INVITED)
    register(make_gathering(hub, soon(6), title="Declined"), member, Status.DECLINED)
    register(make_gathering(hub, soon(-20), title="Last fortnight"), member)
    register(make_gathering(hub, soon(-40), title="Long ago"), member)
    make_gathering(hub, soon(7), title="Not asked")
    register(make_gathering(other_hub, soon(), title="Other hub"), personas["other_member"])
    # A registration in a hub they may not see (for example one they have left) stays out too.
    register(make_gathering(other_hub, soon(8), title="Hub they left"), member)
    feed = CalendarFeed.objects.create(user=member)

    response = feed_get(Client(), feed)

    assert summaries(parse(response)) == ["Coming", "Invited", "Last fortnight"]
    assert "private" in response["Cache-Control"]
    assert response["Content-Type"].startswith("text/calendar")


def test_a_cancelled_gathering_stays_in_the_feed_marked_cancelled(hub: Hub, personas: dict[str, Any]) -> None:
    register(make_gathering(hub, soon(), title="Called off", cancelled_at=timezone.now()), personas["member"])

    cal = parse(feed_get(Client(), CalendarFeed.objects.create(user=personas["member"])))

    [event] = cal.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"


def test_a_hub_feed_holds_only_that_hubs_gatherings(hub: Hub, other_hub: Hub) -> None:
    make_gathering(hub, soon(), title="Ours")
    make_gathering(hub, soon(2), title="Ours, cancelled", cancelled_at=timezone.now())
    make_gathering(hub, soon(-10), title="Ours, last week")
    make_gathering(hub, soon(-31), title="Ours, too long ago")
    make_gathering(other_hub, soon(), title="Theirs")

    cal = parse(feed_get(Client(), CalendarFeed.objects.create(hub=hub)))

    assert summaries(cal) == ["Ours", "Ours, cancelled", "Ours, last week"]
    assert {str(e["STATUS"]) for e in cal.walk("VEVENT") if "cancelled" in str(e["SUMMARY"])} == {"CANCELLED"}


def test_a_feed_keeps_local_time_across_next_years_clock_changes(hub: Hub) -> None:
    year = timezone.localdate().year + 1
    for month in (3, 10):
        day = last_sunday(year, month) + datetime.timedelta(days=1)
        make_gathering(hub, datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=LONDON))

    cal = parse(feed_get(Client(), CalendarFeed.objects.create(hub=hub)))

    starts = sorted(e.start for e in cal.walk("VEVENT"))
    assert [(s.astimezone(LONDON).hour, s.astimezone(UTC).hour) for s in starts] == [(10, 9), (10, 10)]
    assert len(cal.walk("VTIMEZONE")) == 1


def test_an_empty_feed_is_still_a_calendar(hub: Hub) -> None:
    cal = parse(feed_get(Client(), CalendarFeed.objects.create(hub=hub)))

    assert cal.walk("VEVENT") == []


def test_feeds_and_files_never_name_anyone(
    hub: Hub, personas: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    gathering = make_gathering(hub, soon(), title="Over A Brew")
    for name in ("member", "facilitator", "coordinator"):
        register(gathering, personas[name])
    gathering.facilitators.add(personas["facilitator"])
    # A catch-up's title may name the person: calendars show its kind instead.
    member = personas["member"]
    catch_up = make_gathering(
        hub, soon(2), kind=Gathering.Kind.CATCH_UP, title=f"Catch-up with {member.full_name}"
    )
    register(catch_up, member)

    bodies = [
        feed_get(Client(), CalendarFeed.objects.create(user=member)).content,
        feed_get(Client(), CalendarFeed.objects.create(hub=hub)).content,
        client_for("coordinator").get(reverse("gatherings:gathering_calendar", args=[gathering.pk])).content,
        client_for("coordinator").get(reverse("gatherings:gathering_calendar", args=[catch_up.pk])).content,
    ]

    for body in bodies:
        text = Calendar.from_ical(body).to_ical().decode()
        for user in personas.values():
            if user is not None:
                assert user.full_name not in text
                assert user.email not in text
        assert "ATTENDEE" not in text
        assert "ORGANIZER" not in text
    assert "One-to-one catch-up" in summaries(Calendar.from_ical(bodies[0]))


@pytest.mark.parametrize(
    "token",
    [
        "unknown-token-that-looks-right-aaaaaaaaaaaa",
        "x",
        "x" * 300,
        "%00",
        "abc%00def-ghijklmnopqrstuvwx",
        "' OR 1=1 --",
        "caf%C3%A9-%E2%80%A6-token-token-token",
        "%2e%2e",
        "..",
        "a.ics",
    ],
)
def test_any_unknown_token_gets_not_found(db: Any, token: str) -> None:
    response = Client().get(f"/calendar/{token}.ics")

    assert response.status_code == 404


def test_a_revoked_feed_gets_the_same_not_found(hub: Hub) -> None:
    feed = CalendarFeed.objects.create(hub=hub, revoked_at=timezone.now())
    unknown = Client().get(reverse("gatherings:calendar_feed", kwargs={"token": "z" * 43}))

    revoked = feed_get(Client(), feed)

    assert revoked.status_code == unknown.status_code == 404
    # The same page, but for its CSP nonce.
    without_nonce = [re.sub(rb'nonce="[^"]*"', b"", r.content) for r in (revoked, unknown)]
    assert without_nonce[0] == without_nonce[1]


def test_the_feed_of_a_closed_account_or_erased_record_stops_working(personas: dict[str, Any]) -> None:
    member, other = personas["member"], personas["other_member"]
    closed = CalendarFeed.objects.create(user=member)
    erased = CalendarFeed.objects.create(user=other)
    member.is_active = False
    member.save()
    other.person.erased_at = timezone.now()
    other.person.save()

    assert feed_get(Client(), closed).status_code == 404
    assert feed_get(Client(), erased).status_code == 404


@pytest.mark.parametrize("kind", ["person", "hub"])
def test_a_feeds_query_count_does_not_grow_with_its_gatherings(
    hub: Hub,
    personas: dict[str, Any],
    kind: str,
    django_assert_max_num_queries: Any,
) -> None:
    member = personas["member"]
    feed = CalendarFeed.objects.create(**({"user": member} if kind == "person" else {"hub": hub}))
    register(make_gathering(hub, soon()), member)
    with django_assert_max_num_queries(5) as few:
        feed_get(Client(), feed)
    for days in range(2, 22):
        register(make_gathering(hub, soon(days)), member)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = feed_get(Client(), feed)
    assert len(parse(response).walk("VEVENT")) == 21


# Getting and replacing addresses ----------------------------------------------------------------


def audits(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_a_person_gets_a_calendar_address(
    personas: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    member = personas["member"]
    client = client_for("member")
    url = reverse("gatherings:me_calendar")

    page = client.get(url).content.decode()
    assert "You do not have a calendar address yet" in page

    response = client.post(url, {"action": "create"})
    assert response.status_code == 302
    assert response["Location"] == url
    feed = CalendarFeed.objects.get(user=member)
    assert feed.created_by == member
    assert feed.hub is None
    assert feed.revoked_at is None
    [event] = audits("gatherings.feed_created")
    assert (event.actor_id, event.subject_id, event.object_type, event.object_id) == (
        member.pk,
        member.pk,
        "gatherings.calendarfeed",
        str(feed.pk),
    )
    assert feed.token not in json.dumps(event.detail)

    page = client.get(url).content.decode()
    assert f"{settings.SITE_URL}/calendar/{feed.token}.ics" in page
    assert "Your calendar address is ready" in page

    # Asking again (a second click) keeps the same address.
    client.post(url, {"action": "create"})
    assert CalendarFeed.objects.filter(user=member).count() == 1
    assert len(audits("gatherings.feed_created")) == 1


def test_a_person_replaces_their_address(personas: dict[str, Any], client_for: Callable[..., Client]) -> None:
    member = personas["member"]
    old = CalendarFeed.objects.create(user=member, created_by=member)
    client = client_for("member")
    url = reverse("gatherings:me_calendar")

    client.post(url, {"action": "replace", "replaces": old.pk})

    old.refresh_from_db()
    new = CalendarFeed.objects.get(user=member, revoked_at__isnull=True)
    assert old.revoked_at is not None
    assert new != old
    [revoked] = audits("gatherings.feed_revoked")
    [created] = audits("gatherings.feed_created")
    assert (revoked.actor_id, revoked.subject_id, revoked.object_id) == (member.pk, member.pk, str(old.pk))
    assert (created.actor_id, created.subject_id, created.object_id) == (member.pk, member.pk, str(new.pk))
    assert feed_get(Client(), old).status_code == 404
    assert feed_get(Client(), new).status_code == 200
    page = client.get(url).content.decode()
    assert new.token in page
    assert old.token not in page

    # The same form sent twice replaces once.
    client.post(url, {"action": "replace", "replaces": old.pk})
    assert CalendarFeed.objects.filter(user=member).count() == 2
    assert len(audits("gatherings.feed_revoked")) == 1


def test_a_persons_address_page_is_their_own(
    personas: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    CalendarFeed.objects.create(user=personas["member"])

    page = client_for("other_member").get(reverse("gatherings:me_calendar")).content.decode()

    assert "You do not have a calendar address yet" in page
    assert "/calendar/" not in page.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize("persona", ["coordinator", "facilitator", "programme_admin"])
def test_hub_staff_make_and_replace_the_hub_address(
    hub: Hub, personas: dict[str, Any], client_for: Callable[..., Client], persona: str
) -> None:
    actor = personas[persona]
    client = client_for(persona)
    url = reverse("gatherings:hub_calendar", kwargs={"hub_id": hub.pk})
    assert "does not have a calendar address yet" in client.get(url).content.decode()

    assert client.post(url, {"action": "create"})["Location"] == url
    first = CalendarFeed.objects.get(hub=hub)
    assert first.user is None
    assert first.created_by == actor
    assert f"{settings.SITE_URL}/calendar/{first.token}.ics" in client.get(url).content.decode()

    client.post(url, {"action": "replace", "replaces": first.pk})
    first.refresh_from_db()
    second = CalendarFeed.objects.get(hub=hub, revoked_at__isnull=True)
    assert first.revoked_at is not None
    events = [*audits("gatherings.feed_created"), *audits("gatherings.feed_revoked")]
    assert sorted((e.action, e.object_id) for e in events) == [
        ("gatherings.feed_created", str(first.pk)),
        ("gatherings.feed_created", str(second.pk)),
        ("gatherings.feed_revoked", str(first.pk)),
    ]
    assert all(e.actor_id == actor.pk and e.subject_id is None for e in events)
    assert all(e.detail == {"hub_id": hub.pk} for e in events)


@pytest.mark.parametrize(
    ("persona", "status"), [("member", 403), ("leader", 403), ("other_member", 404), ("anonymous", 302)]
)
def test_only_those_who_plan_may_make_a_hub_address(
    hub: Hub, client_for: Callable[..., Client], persona: str, status: int
) -> None:
    url = reverse("gatherings:hub_calendar", kwargs={"hub_id": hub.pk})
    feed = CalendarFeed.objects.create(hub=hub)

    for action in ("create", "replace"):
        assert client_for(persona).post(url, {"action": action, "replaces": feed.pk}).status_code == status

    assert list(CalendarFeed.objects.filter(hub=hub)) == [feed]
    feed.refresh_from_db()
    assert feed.revoked_at is None
    assert not AuditEvent.objects.filter(action__startswith="gatherings.feed_").exists()


def test_a_hubs_address_is_not_anothers(hub: Hub, other_hub: Hub, client_for: Callable[..., Client]) -> None:
    theirs = CalendarFeed.objects.create(hub=other_hub)

    page = client_for("coordinator").get(reverse("gatherings:hub_calendar", args=[hub.pk])).content.decode()

    assert theirs.token not in page


def test_address_pages_pass_the_csp_with_no_inline_script_or_style(
    personas: dict[str, Any], hub: Hub, client_for: Callable[..., Client]
) -> None:
    CalendarFeed.objects.create(user=personas["coordinator"])
    CalendarFeed.objects.create(hub=hub)
    client = client_for("coordinator")
    for url in (reverse("gatherings:me_calendar"), reverse("gatherings:hub_calendar", args=[hub.pk])):
        page = client.get(url).content.decode()
        assert " style=" not in page
        assert "<script>" not in page


# Logs ---------------------------------------------------------------------------------------------


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    quiet = [logging.getLogger(name) for name in ("django.request", "django.server")]
    for logger in quiet:
        logger.addHandler(caplog.handler)
    yield caplog
    for logger in quiet:
        logger.removeHandler(caplog.handler)


def test_feed_tokens_never_reach_the_logs(hub: Hub, all_logs: pytest.LogCaptureFixture) -> None:
    feed = CalendarFeed.objects.create(hub=hub)
    revoked = CalendarFeed.objects.create(hub=hub, revoked_at=timezone.now())

    assert feed_get(Client(), feed).status_code == 200
    assert feed_get(Client(), revoked).status_code == 404

    formatter = JsonFormatter()
    lines = [formatter.format(record) for record in all_logs.records]
    routes = [json.loads(line)["route"] for line in lines if '"sidebyside.request"' in line]
    assert routes == ["/calendar/<str:token>.ics"] * 2
    for line in lines:
        assert feed.token not in line
        assert revoked.token not in line


def test_a_logged_path_of_a_feed_has_its_token_redacted() -> None:
    token = "T0ken" + "x" * 38
    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "%s: %s",
        ("Internal Server Error", f"/calendar/{token}.ics"),
        None,
    )

    payload = json.loads(JsonFormatter().format(record))

    assert payload["message"] == "Internal Server Error: /calendar/…ics"
    assert token not in json.dumps(payload)


@override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_a_server_error_on_a_feed_logs_no_token(
    hub: Hub, all_logs: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = CalendarFeed.objects.create(hub=hub)

    def broken(feed: CalendarFeed) -> bytes:
        raise RuntimeError("boom")

    monkeypatch.setattr(calendar, "feed_ical", broken)
    client = Client(raise_request_exception=False)

    assert feed_get(client, feed).status_code == 500
    lines = [JsonFormatter().format(record) for record in all_logs.records]
    assert any("/calendar/\\u2026ics" in line for line in lines)
    assert all(feed.token not in line for line in lines)
