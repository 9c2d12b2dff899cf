"""Reminders: by each person's channel, never in quiet hours, never without consent, never paused,
and through GOV.UK Notify (a fake one on loopback) with the right personalisation and reference."""

from __future__ import annotations

import datetime
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from sidebyside.accounts.models import User
from sidebyside.gatherings import reminders
from sidebyside.gatherings.models import Gathering, Registration, Reminder, ReminderSettings
from sidebyside.hubs.models import Hub
from sidebyside.notify import delivery
from sidebyside.notify.models import OutboxMessage
from sidebyside.people.models import Consent, Person
from sidebyside.people.tests.conftest import agree
from tests.fakes.notify import FakeNotify

LONDON = ZoneInfo("Europe/London")
Out = Reminder.Outcome
TEMPLATES = {"reminder": str(uuid.uuid4()), "invitation": str(uuid.uuid4())}
# Tuesday 10 March 2026, 10am: the reminders go out on Sunday at 10am and Tuesday at 8am.
START = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=LONDON)


def person(name: str, *, channel: str, phone: str = "", email: str | None = None, **fields: Any) -> Person:
    user = User.objects.create_user(email=email, full_name=name)
    p = user.person
    p.preferred_channel = channel
    p.phone = phone
    for key, value in fields.items():
        setattr(p, key, value)
    p.save()
    return p


def consent_to(p: Person) -> None:
    agree(
        p, Consent.CHANNEL_PURPOSES[Person.Channel(p.preferred_channel)], given_on=datetime.date(2026, 1, 5)
    )


@pytest.fixture
def gathering(hub: Hub) -> Gathering:
    return Gathering.objects.create(
        hub=hub,
        kind=Gathering.Kind.OVER_A_BREW,
        title="Over A Brew",
        starts_at=START,
        ends_at=START + datetime.timedelta(hours=2),
        venue="Riverside Hub",
        address="12 Quay Street\nExeter",
    )


@pytest.fixture
def six(gathering: Gathering) -> dict[str, Person]:
    people = {
        "sms": person("Aled Price", channel="sms", phone="+447700900101"),
        "email": person("Bea Okafor", channel="email", email="bea@example.org"),
        "phone": person("Cal Dunn", channel="phone", phone="+441632960102"),
        "paused": person("Dee Marsh", channel="sms", phone="+447700900104", status=Person.Status.PAUSED),
        # Quiet from 9pm to 9am: the Tuesday 8am reminder waits until 9am.
        "quiet": person(
            "Eli Stone",
            channel="sms",
            phone="+447700900105",
            quiet_from=datetime.time(21, 0),
            quiet_until=datetime.time(9, 0),
        ),
        "no_consent": person("Fen Hart", channel="email", email="fen@example.org"),
    }
    for key, p in people.items():
        if key != "no_consent":
            consent_to(p)
        Registration.objects.create(gathering=gathering, person=p)
    return people


def rows(gathering: Gathering) -> dict[str, tuple[str, int | None, str]]:
    return {
        r.registration.person.user.full_name: (r.outcome, r.hours_before, r.reason)
        for r in Reminder.objects.filter(registration__gathering=gathering).select_related(
            "registration__person__user"
        )
    }


def at(moment: datetime.datetime) -> Any:
    return time_machine.travel(moment, tick=False)


def test_nothing_is_due_before_the_first_reminder_time(db: Any, six: dict[str, Person]) -> None:
    with at(START - datetime.timedelta(hours=48, minutes=1)):
        assert reminders.plan_due() == 0
    assert not Reminder.objects.exists()


def test_each_person_gets_what_their_choices_allow(
    db: Any, gathering: Gathering, six: dict[str, Person], fake_notify: FakeNotify
) -> None:
    # Two days before: Sunday 10am. Eli is not in quiet hours then.
    with at(START - datetime.timedelta(hours=48)):
        assert reminders.plan_due() == 6

    assert rows(gathering) == {
        "Aled Price": (Out.QUEUED, 48, ""),
        "Bea Okafor": (Out.QUEUED, 48, ""),
        "Cal Dunn": (Out.CALL, 48, ""),
        "Dee Marsh": (Out.NOT_SENT, 48, "Paused their involvement"),
        "Eli Stone": (Out.QUEUED, 48, ""),
        "Fen Hart": (Out.NOT_SENT, 48, "Has not agreed to contact by email"),
    }
    # Running again writes nothing more.
    with at(START - datetime.timedelta(hours=47)):
        assert reminders.plan_due() == 0

    # Two hours before is 8am: Eli's quiet hours. Everyone else's second reminder is decided.
    Reminder.objects.all().delete()
    OutboxMessage.objects.all().delete()
    with at(START - datetime.timedelta(hours=2)):
        assert reminders.plan_due() == 5
    assert "Eli Stone" not in rows(gathering)
    # At 9am their quiet hours end, and their reminder goes.
    with at(START - datetime.timedelta(hours=1)):
        assert reminders.plan_due() == 1
    assert rows(gathering)["Eli Stone"] == (Out.QUEUED, 2, "")

    # The outbox holds exactly the texts and the email, each to the right place.
    messages = {m.to: m for m in OutboxMessage.objects.all()}
    assert sorted(messages) == ["+447700900101", "+447700900105", "bea@example.org"]
    assert {m.channel for m in messages.values()} == {"sms", "email"}
    assert messages["+447700900101"].user == six["sms"].user

    with (
        override_settings(
            NOTIFY_SENDER="notify",
            NOTIFY_API_KEY=fake_notify.api_key,
            NOTIFY_BASE_URL=fake_notify.base_url,
            NOTIFY_TEMPLATES=TEMPLATES,
        ),
        at(START - datetime.timedelta(minutes=59)),
    ):
        assert delivery.drain(worker="test") == 3

    received = {n["to"]: n for n in fake_notify.received}
    assert sorted(received) == ["+447700900101", "+447700900105", "bea@example.org"]
    aled = received["+447700900101"]
    assert aled["template_id"] == TEMPLATES["reminder"]
    assert aled["reference"] == messages["+447700900101"].reference
    assert aled["personalisation"] == {
        "name": "Aled",
        "title": "Over A Brew",
        "when": "Tuesday 10 March at 10am",
        "where": "Riverside Hub, 12 Quay Street, Exeter",
        "hub": gathering.hub.name,
        "link": f"{_site()}/gatherings/{gathering.pk}/",
    }
    assert received["bea@example.org"]["personalisation"]["name"] == "Bea"
    assert set(fake_notify.received_by_reference().values()) == {1}


def _site() -> str:
    from django.conf import settings

    return settings.SITE_URL.rstrip("/")


def test_someone_who_registers_late_gets_only_the_latest_reminder(db: Any, gathering: Gathering) -> None:
    p = person("Gus Lane", channel="sms", phone="+447700900107")
    consent_to(p)
    Registration.objects.create(gathering=gathering, person=p)

    with at(START - datetime.timedelta(minutes=90)):
        assert reminders.plan_due() == 1

    assert rows(gathering) == {"Gus Lane": (Out.QUEUED, 2, "")}


def test_the_hub_sets_its_own_reminder_times(db: Any, gathering: Gathering) -> None:
    ReminderSettings.objects.create(hub=gathering.hub, hours_before=[24])
    p = person("Gus Lane", channel="sms", phone="+447700900107")
    consent_to(p)
    Registration.objects.create(gathering=gathering, person=p)

    with at(START - datetime.timedelta(hours=30)):
        assert reminders.plan_due() == 0
    with at(START - datetime.timedelta(hours=24)):
        assert reminders.plan_due() == 1


def test_a_moved_gathering_is_reminded_again_for_its_new_time(db: Any, gathering: Gathering) -> None:
    p = person("Gus Lane", channel="sms", phone="+447700900107")
    consent_to(p)
    Registration.objects.create(gathering=gathering, person=p)
    with at(START - datetime.timedelta(hours=2)):
        reminders.plan_due()

    Gathering.objects.filter(pk=gathering.pk).update(
        starts_at=START + datetime.timedelta(days=1), ends_at=START + datetime.timedelta(days=1, hours=2)
    )
    with at(START + datetime.timedelta(days=1, hours=-2)):
        assert reminders.plan_due() == 1
    assert Reminder.objects.count() == 2


def test_cancelled_declined_and_past_gatherings_get_nothing(db: Any, gathering: Gathering) -> None:
    p = person("Gus Lane", channel="sms", phone="+447700900107")
    consent_to(p)
    registration = Registration.objects.create(
        gathering=gathering, person=p, status=Registration.Status.DECLINED
    )
    with at(START - datetime.timedelta(hours=1)):
        assert reminders.plan_due() == 0
    registration.status = Registration.Status.REGISTERED
    registration.save()
    Gathering.objects.filter(pk=gathering.pk).update(cancelled_at=START - datetime.timedelta(days=3))
    with at(START - datetime.timedelta(hours=1)):
        assert reminders.plan_due() == 0
    Gathering.objects.filter(pk=gathering.pk).update(cancelled_at=None)
    with at(START + datetime.timedelta(minutes=1)):
        assert reminders.plan_due() == 0


def test_an_invitation_goes_at_once_and_a_reminder_later(db: Any, gathering: Gathering) -> None:
    p = person("Gus Lane", channel="email", email="gus@example.org")
    consent_to(p)
    registration = Registration.objects.create(
        gathering=gathering, person=p, status=Registration.Status.INVITED
    )

    with at(START - datetime.timedelta(days=10)):
        assert reminders.plan_due() == 0  # beyond the horizon: the worker only looks 49 hours ahead
    with at(START - datetime.timedelta(hours=40)):
        assert reminders.plan_due() == 1
    invitation = Reminder.objects.get()
    assert (invitation.kind, invitation.message.template) == (Reminder.Kind.INVITATION, "invitation")

    registration.status = Registration.Status.REGISTERED
    registration.save()
    with at(START - datetime.timedelta(hours=39)):
        assert reminders.plan_due() == 1
    assert Reminder.objects.filter(kind=Reminder.Kind.REMINDER, hours_before=48).exists()


@pytest.mark.parametrize(
    ("quiet_from", "quiet_until", "clock", "quiet"),
    [
        (datetime.time(21), datetime.time(9), datetime.time(22), True),
        (datetime.time(21), datetime.time(9), datetime.time(8, 59), True),
        (datetime.time(21), datetime.time(9), datetime.time(9), False),
        (datetime.time(13), datetime.time(14), datetime.time(13, 30), True),
        (datetime.time(13), datetime.time(14), datetime.time(14, 30), False),
        (None, datetime.time(8), datetime.time(7), True),
        (datetime.time(20), None, datetime.time(23), True),
        (None, None, datetime.time(3), False),
    ],
)
def test_quiet_hours_in_london_time(
    quiet_from: datetime.time | None, quiet_until: datetime.time | None, clock: datetime.time, quiet: bool
) -> None:
    p = Person(quiet_from=quiet_from, quiet_until=quiet_until)
    # A summer date: London is an hour ahead of UTC.
    moment = datetime.datetime.combine(datetime.date(2026, 7, 1), clock, tzinfo=LONDON)
    assert reminders.in_quiet_hours(p, moment) is quiet
