"""Reminders to the owners of actions: once a week before the due date, then weekly while overdue
(four at most), by email through the outbox; never twice; a reason kept when one cannot be sent."""

from __future__ import annotations

import datetime
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from sidebyside.accounts.models import User
from sidebyside.enquiries import reminders, services
from sidebyside.enquiries.models import Action, ActionReminder, Enquiry
from sidebyside.hubs.models import Hub, Membership, Organisation, Programme
from sidebyside.notify.models import OutboxMessage
from sidebyside.people import services as people
from sidebyside.people.models import Consent, Person

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Monday 2 March 2026, 10 in the morning: the action was made a month before.
MADE = datetime.datetime(2026, 2, 2, 10, 0, tzinfo=LONDON)
DUE = datetime.date(2026, 3, 2)
Kind, Out = ActionReminder.Kind, ActionReminder.Outcome


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


@pytest.fixture
def enquiry(programme: Programme, hub: Hub, personas: dict[str, Any]) -> Enquiry:
    return services.enquiry_create(
        actor=personas["coordinator"],
        programme=programme,
        title="Evening sessions",
        framing="Too few",
        hubs=[hub],
    )


def an_action(enquiry: Enquiry, actor: Any, *, due_on: datetime.date = DUE, **fields: Any) -> Action:
    with time_machine.travel(MADE, tick=False):
        return services.action_create(
            actor=actor, enquiry=enquiry, what="Open on Thursday evenings", due_on=due_on, **fields
        )


def sent() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(template="action_reminder").order_by("pk"))


def run(day: datetime.date, hour: int = 10) -> int:
    with time_machine.travel(at(day, hour), tick=False):
        return reminders.send_due()


def test_an_owner_is_reminded_a_week_before_then_weekly_while_overdue(
    enquiry: Enquiry, personas: dict[str, Any]
) -> None:
    owner = personas["coordinator"]
    action = an_action(enquiry, owner, owner=owner)
    assert run(DUE - datetime.timedelta(days=8)) == 0  # not yet
    assert run(DUE - datetime.timedelta(days=7)) == 1
    assert run(DUE - datetime.timedelta(days=3)) == 0  # once
    assert run(DUE) == 0  # due today is not overdue
    for day in range(1, 40):
        run(DUE + datetime.timedelta(days=day))
    rows = list(ActionReminder.objects.filter(action=action).order_by("created_at"))
    assert [(r.kind, r.week, r.created_at.date()) for r in rows] == [
        (Kind.DUE_SOON, 0, datetime.date(2026, 2, 23)),
        (Kind.OVERDUE, 0, datetime.date(2026, 3, 3)),
        (Kind.OVERDUE, 1, datetime.date(2026, 3, 10)),
        (Kind.OVERDUE, 2, datetime.date(2026, 3, 17)),
        (Kind.OVERDUE, 3, datetime.date(2026, 3, 24)),
    ]
    messages = sent()
    assert len(messages) == 5
    assert all(m.channel == "email" and m.to == owner.email for m in messages)
    assert [r.message_id for r in rows] == [m.pk for m in messages]
    first, second = (json.loads(m.personalisation) for m in messages[:2])
    assert first["what"] == "Open on Thursday evenings"
    assert first["when"] == "is due in 7 days"
    assert first["due"] == "2 March 2026"
    assert first["link"].endswith(reverse("enquiries:action", args=[action.pk]))
    assert second["when"] == "was due yesterday"


def test_done_or_wont_do_actions_are_not_reminded(enquiry: Enquiry, personas: dict[str, Any]) -> None:
    owner = personas["coordinator"]
    action = an_action(enquiry, owner, owner=owner)
    with time_machine.travel(MADE, tick=False):
        services.action_set_status(actor=owner, action=action, status=Action.Status.DONE)
    run(DUE + datetime.timedelta(days=1))
    assert not ActionReminder.objects.exists()
    assert sent() == []


def test_an_action_made_inside_the_week_gets_no_due_soon_reminder(
    enquiry: Enquiry, personas: dict[str, Any]
) -> None:
    owner = personas["coordinator"]
    an_action(enquiry, owner, owner=owner, due_on=MADE.date() + datetime.timedelta(days=3))
    run(MADE.date() + datetime.timedelta(days=1))
    assert sent() == []
    run(MADE.date() + datetime.timedelta(days=4))  # but it is reminded once overdue
    assert [r.kind for r in ActionReminder.objects.all()] == [Kind.OVERDUE]


def test_a_new_due_date_starts_afresh(enquiry: Enquiry, personas: dict[str, Any]) -> None:
    owner = personas["coordinator"]
    action = an_action(enquiry, owner, owner=owner)
    run(DUE + datetime.timedelta(days=1))
    later = DUE + datetime.timedelta(days=30)
    with time_machine.travel(at(DUE + datetime.timedelta(days=2)), tick=False):
        services.action_update(actor=owner, action=action, due_on=later)
    run(later - datetime.timedelta(days=7))
    run(later + datetime.timedelta(days=1))
    assert [(r.kind, r.due_on) for r in ActionReminder.objects.order_by("created_at")] == [
        (Kind.OVERDUE, DUE),
        (Kind.DUE_SOON, later),
        (Kind.OVERDUE, later),
    ]


def test_with_no_owner_the_organisations_leaders_are_reminded(
    enquiry: Enquiry, personas: dict[str, Any], organisation: Organisation, programme: Programme
) -> None:
    leader = personas["leader"]
    other_org = Organisation.objects.create(programme=programme, name="Another trust")
    elsewhere = User.objects.create_user(email="o@example.org", full_name="Other Leader", password=None)
    Membership.objects.create(user=elsewhere, programme=programme, role="leader", organisation=other_org)
    an_action(enquiry, personas["coordinator"], organisation=organisation)
    run(DUE + datetime.timedelta(days=1))
    assert [m.to for m in sent()] == [leader.email]


def test_a_member_who_owns_an_action_is_reminded_only_with_consent(
    enquiry: Enquiry, personas: dict[str, Any]
) -> None:
    member = personas["member"]
    action = an_action(enquiry, personas["coordinator"], owner=member)
    run(DUE + datetime.timedelta(days=1))
    row = ActionReminder.objects.get()
    assert (row.outcome, row.user) == (Out.NOT_SENT, member)
    assert "agreed" in row.reason
    assert sent() == []
    run(DUE + datetime.timedelta(days=2))
    assert ActionReminder.objects.count() == 1  # not tried again that week
    people.consent_give(
        actor=personas["coordinator"],
        person=member.person,
        purpose=Consent.CHANNEL_PURPOSES[Person.Channel.EMAIL],
        how=Consent.How.WRITTEN,
        given_on=DUE,
    )
    run(DUE + datetime.timedelta(days=8))
    assert [m.to for m in sent()] == [member.email]
    assert action.reminders.filter(outcome=Out.QUEUED).count() == 1


def test_a_member_in_quiet_hours_waits(enquiry: Enquiry, personas: dict[str, Any]) -> None:
    member = personas["member"]
    people.consent_give(
        actor=personas["coordinator"],
        person=member.person,
        purpose=Consent.CHANNEL_PURPOSES[Person.Channel.EMAIL],
        how=Consent.How.WRITTEN,
        given_on=MADE.date(),
    )
    Person.objects.filter(pk=member.person.pk).update(
        quiet_from=datetime.time(21), quiet_until=datetime.time(9)
    )
    an_action(enquiry, personas["coordinator"], owner=member)
    assert run(DUE + datetime.timedelta(days=1), hour=7) == 0
    assert run(DUE + datetime.timedelta(days=1), hour=10) == 1


def test_a_closed_account_is_recorded_not_sent(enquiry: Enquiry, personas: dict[str, Any]) -> None:
    owner = personas["facilitator"]
    an_action(enquiry, personas["coordinator"], owner=owner)
    type(owner).objects.filter(pk=owner.pk).update(is_active=False)
    run(DUE + datetime.timedelta(days=1))
    row = ActionReminder.objects.get()
    assert (row.outcome, row.reason) == (Out.NOT_SENT, "Their account is closed")


def test_two_workers_never_send_the_same_reminder(enquiry: Enquiry, personas: dict[str, Any]) -> None:
    owner = personas["coordinator"]
    action = an_action(enquiry, owner, owner=owner)
    day = DUE + datetime.timedelta(days=1)
    # A second worker wrote it between this one's look and its write: the unique key holds.
    with time_machine.travel(at(day), tick=False):
        assert reminders._remind(
            action, owner, reminders.Due(Kind.OVERDUE), reminders.Decision(Out.QUEUED), day, at(day)
        )
        assert not reminders._remind(
            action, owner, reminders.Due(Kind.OVERDUE), reminders.Decision(Out.QUEUED), day, at(day)
        )
    assert len(sent()) == 1


def test_a_worker_looks_at_most_every_few_seconds(
    enquiry: Enquiry, personas: dict[str, Any], settings: Any
) -> None:
    settings.REMINDER_CHECK_SECONDS = 3600
    owner = personas["coordinator"]
    an_action(enquiry, owner, owner=owner)
    with time_machine.travel(at(DUE + datetime.timedelta(days=1)), tick=False):
        assert reminders.send_due(worker="action-reminder-test") == 1
    with time_machine.travel(at(DUE + datetime.timedelta(days=9)), tick=False):
        assert reminders.send_due(worker="action-reminder-test") == 0  # not looked yet


def test_the_action_page_shows_the_last_reminder(
    enquiry: Enquiry, personas: dict[str, Any], client_for: Any, organisation: Organisation
) -> None:
    owner = personas["facilitator"]
    action = an_action(enquiry, personas["coordinator"], owner=owner, organisation=organisation)
    run(DUE + datetime.timedelta(days=1))
    url = reverse("enquiries:action", args=[action.pk])
    page = client_for("coordinator").get(url).content.decode()
    assert "Last reminder" in page
    assert f"emailed to {owner.display_name}" in page
    leader_page = client_for("leader").get(url).content.decode()  # the organisation's leader
    assert "Last reminder" in leader_page
    assert owner.display_name not in leader_page  # leaders see no names


def test_the_loop_is_run_by_the_worker(settings: Any) -> None:
    assert "sidebyside.enquiries.reminders.send_due" in settings.WORKER_LOOPS
    assert "action_reminder" in settings.NOTIFY_TEMPLATE_KEYS
