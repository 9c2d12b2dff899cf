"""The weekly digest: one message a week at most, by the person's channel, never without consent,
never while paused, never in quiet hours, and a reason recorded when none could be sent."""

from __future__ import annotations

import datetime
import json
import logging
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from sidebyside.enquiries import digests, services
from sidebyside.enquiries.models import Digest, Enquiry, Notice
from sidebyside.hubs.models import Hub, Programme
from sidebyside.notify.models import OutboxMessage
from sidebyside.people import services as people
from sidebyside.people.models import Consent, Person
from sidebyside.voices.models import Contribution

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Monday 2 March 2026, noon.
MONDAY = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=LONDON)
Out = Digest.Outcome


@pytest.fixture
def staff(personas: dict[str, Any]) -> Any:
    return personas["coordinator"]


@pytest.fixture
def enquiry(programme: Programme, hub: Hub, staff: Any) -> Enquiry:
    return services.enquiry_create(
        actor=staff, programme=programme, title="Evening sessions", framing="Too few", hubs=[hub]
    )


def someone(
    hub: Hub,
    staff: Any,
    enquiry: Enquiry,
    *,
    channel: str = Person.Channel.SMS,
    consent: bool = True,
    name: str = "Ada Quenby",
    email: str | None = "ada.quenby@example.org",
    phone: str = "+447700900111",
    **fields: Any,
) -> Person:
    """A member whose words are evidence for the enquiry, who prefers ``channel``."""
    with time_machine.travel(MONDAY - datetime.timedelta(days=30), tick=False):
        person = people.person_create(
            actor=staff,
            hub=hub,
            full_name=name,
            email=email,
            phone=phone,
            preferred_channel=channel,
            **fields,
        )
        if consent:
            people.consent_give(
                actor=staff,
                person=person,
                purpose=Consent.CHANNEL_PURPOSES[Person.Channel(channel)],
                how=Consent.How.WRITTEN,
                given_on=timezone.localdate(),
            )
        words = Contribution.objects.create(
            hub=hub, text="Open later please", author=person, channel="phone", said_at=timezone.now()
        )
        services.evidence_link(actor=staff, enquiry=enquiry, contribution=words)
    return person


def post(enquiry: Enquiry, staff: Any, when: datetime.datetime, text: str = "We did it") -> None:
    with time_machine.travel(when, tick=False):
        services.update_post(actor=staff, enquiry=enquiry, text=text)


def send(when: datetime.datetime) -> int:
    with time_machine.travel(when, tick=False):
        return digests.send_due(now=timezone.now())


def waiting(person: Person) -> int:
    return Notice.objects.filter(person=person, digest__isnull=True).count()


def test_one_message_a_week(hub: Hub, staff: Any, enquiry: Enquiry) -> None:
    ada = someone(hub, staff, enquiry)
    post(enquiry, staff, MONDAY, "We asked the council")
    post(enquiry, staff, MONDAY + datetime.timedelta(hours=2), "The council said yes")
    assert send(MONDAY + datetime.timedelta(hours=3)) == 1
    digest = Digest.objects.get(person=ada)
    assert (digest.outcome, digest.channel, digest.count, digest.reason) == (Out.QUEUED, "sms", 2, "")
    message = digest.message
    assert message is not None
    assert (message.template, message.channel, message.to, message.user_id) == (
        "digest",
        "sms",
        "+447700900111",
        ada.user_id,
    )
    fields = json.loads(message.personalisation)
    assert fields["name"] == "Ada"
    assert fields["count"] == "2"
    assert fields["hub"] == "Hub A"
    assert fields["link"].endswith("/me/impact/")
    assert waiting(ada) == 0
    assert Notice.objects.filter(person=ada, digest=digest).count() == 2

    # A third update three days later waits for next week's digest.
    post(enquiry, staff, MONDAY + datetime.timedelta(days=3), "The room is booked")
    assert send(MONDAY + datetime.timedelta(days=3, hours=1)) == 0
    assert send(MONDAY + datetime.timedelta(days=6, hours=23)) == 0
    assert waiting(ada) == 1
    # A week after the first: the second digest carries it.
    assert send(MONDAY + datetime.timedelta(days=7, hours=3)) == 1
    second = Digest.objects.filter(person=ada).first()
    assert second is not None
    assert second.pk != digest.pk
    assert (second.outcome, second.count) == (Out.QUEUED, 1)
    assert json.loads(second.message.personalisation)["count"] == "1"  # type: ignore[union-attr]
    assert waiting(ada) == 0
    assert OutboxMessage.objects.filter(template="digest").count() == 2


def test_nothing_owed_nothing_sent(hub: Hub, staff: Any, enquiry: Enquiry) -> None:
    someone(hub, staff, enquiry)
    assert send(MONDAY) == 0
    assert not Digest.objects.exists()


def test_running_again_sends_nothing_twice(hub: Hub, staff: Any, enquiry: Enquiry) -> None:
    ada = someone(hub, staff, enquiry)
    post(enquiry, staff, MONDAY)
    assert send(MONDAY) == 1
    assert send(MONDAY) == 0
    # Even a worker that decided before the first one wrote finds nothing left to send.
    decision = digests.Decision(Out.QUEUED, "sms", to=ada.phone)
    with time_machine.travel(MONDAY, tick=False):
        assert digests._send_one(ada, decision, "Hub A", timezone.now()) is None
    assert Digest.objects.count() == 1
    assert OutboxMessage.objects.filter(template="digest").count() == 1


def test_paused_gets_none(hub: Hub, staff: Any, enquiry: Enquiry) -> None:
    ada = someone(hub, staff, enquiry, status=Person.Status.PAUSED)
    post(enquiry, staff, MONDAY)
    assert send(MONDAY) == 1
    digest = Digest.objects.get(person=ada)
    assert (digest.outcome, digest.reason, digest.message) == (Out.NOT_SENT, "Paused their involvement", None)
    assert waiting(ada) == 0
    assert not OutboxMessage.objects.filter(template="digest").exists()


def test_no_consent_gets_none_and_a_reason(hub: Hub, staff: Any, enquiry: Enquiry) -> None:
    ada = someone(hub, staff, enquiry, consent=False)
    post(enquiry, staff, MONDAY)
    assert send(MONDAY) == 1
    digest = Digest.objects.get(person=ada)
    assert (digest.outcome, digest.reason, digest.count) == (
        Out.NOT_SENT,
        "Has not agreed to contact by text message",
        1,
    )
    assert not OutboxMessage.objects.filter(template="digest").exists()


def test_no_number_and_other_ways(hub: Hub, staff: Any, enquiry: Enquiry) -> None:
    no_number = someone(hub, staff, enquiry, name="Bo Nonumber", phone="", email=None)
    by_phone = someone(
        hub, staff, enquiry, name="Cy Caller", email=None, phone="+441632960102", channel=Person.Channel.PHONE
    )
    by_post = someone(hub, staff, enquiry, name="Di Letter", email=None, channel=Person.Channel.POST)
    post(enquiry, staff, MONDAY)
    assert send(MONDAY) == 3
    reasons = {d.person_id: d.reason for d in Digest.objects.all()}
    assert reasons[no_number.pk] == "No mobile number"
    assert reasons[by_phone.pk].startswith("Prefers a phone call")
    assert reasons[by_post.pk].startswith("Prefers contact by letter")
    assert not OutboxMessage.objects.filter(template="digest").exists()


def test_quiet_hours_wait(hub: Hub, staff: Any, enquiry: Enquiry) -> None:
    ada = someone(hub, staff, enquiry, quiet_from=datetime.time(21, 0), quiet_until=datetime.time(9, 0))
    late = MONDAY.replace(hour=22)
    post(enquiry, staff, late)
    assert send(late) == 0
    assert send(late + datetime.timedelta(hours=10)) == 0  # 8am: still quiet
    assert not Digest.objects.exists()
    assert waiting(ada) == 1
    assert send(late + datetime.timedelta(hours=11, minutes=30)) == 1  # 9:30am
    assert Digest.objects.get(person=ada).outcome == Out.QUEUED


def test_email_channel(hub: Hub, staff: Any, enquiry: Enquiry) -> None:
    bea = someone(
        hub, staff, enquiry, name="Bea Okafor", email="bea@example.org", known_as="Bee", channel="email"
    )
    post(enquiry, staff, MONDAY)
    assert send(MONDAY) == 1
    message = Digest.objects.get(person=bea).message
    assert message is not None
    assert (message.channel, message.to, message.template) == ("email", "bea@example.org", "digest")
    assert json.loads(message.personalisation)["name"] == "Bee"


def test_email_without_an_address(hub: Hub, staff: Any, enquiry: Enquiry) -> None:
    bea = someone(hub, staff, enquiry, name="Bea Okafor", email=None, channel="email")
    post(enquiry, staff, MONDAY)
    assert send(MONDAY) == 1
    assert Digest.objects.get(person=bea).reason == "No email address"


def test_a_worker_looks_at_most_every_few_seconds(
    hub: Hub, staff: Any, enquiry: Enquiry, settings: Any
) -> None:
    settings.REMINDER_CHECK_SECONDS = 3600
    someone(hub, staff, enquiry)
    post(enquiry, staff, MONDAY)
    with time_machine.travel(MONDAY, tick=False):
        assert digests.send_due(worker="digest-test-worker") == 1
    other = someone(hub, staff, enquiry, name="Eve Later", email=None, phone="+447700900222")
    post(enquiry, staff, MONDAY + datetime.timedelta(minutes=1), "Another update")
    with time_machine.travel(MONDAY + datetime.timedelta(minutes=2), tick=False):
        assert digests.send_due(worker="digest-test-worker") == 0  # not looked yet
        assert digests.send_due() == 1  # no worker: looks every time
    assert Digest.objects.filter(person=other).exists()


def test_no_personal_data_in_logs(
    hub: Hub, staff: Any, enquiry: Enquiry, caplog: pytest.LogCaptureFixture
) -> None:
    someone(hub, staff, enquiry)
    post(enquiry, staff, MONDAY)
    with caplog.at_level(logging.DEBUG, logger="sidebyside.enquiries.digests"):
        assert send(MONDAY) == 1
    text = caplog.text + " ".join(str(r.__dict__) for r in caplog.records)
    for secret in ("Ada", "Quenby", "+447700900111", "ada.quenby"):
        assert secret not in text


def test_what_could_not_be_sent_comes_with_the_next_digest_once_they_agree(
    hub: Hub, staff: Any, enquiry: Enquiry
) -> None:
    ada = someone(hub, staff, enquiry, consent=False)
    post(enquiry, staff, MONDAY)
    assert send(MONDAY) == 1
    assert Digest.objects.get(person=ada).outcome == Out.NOT_SENT
    with time_machine.travel(MONDAY, tick=False):
        people.consent_give(
            actor=staff,
            person=ada,
            purpose=Consent.Purpose.CONTACT_SMS,
            how=Consent.How.WRITTEN,
            given_on=timezone.localdate(),
        )
    assert send(MONDAY + datetime.timedelta(days=1)) == 0  # nothing new: nothing is sent
    later = MONDAY + datetime.timedelta(days=2)
    post(enquiry, staff, later)
    assert send(later) == 1
    sent = Digest.objects.get(person=ada, outcome=Out.QUEUED)
    assert sent.count == 2  # the new update and the one that could not be sent
    assert json.loads(sent.message.personalisation)["count"] == "2"
    assert set(Notice.objects.filter(person=ada).values_list("digest", flat=True)) == {sent.pk}
    assert send(later + datetime.timedelta(days=8)) == 0
