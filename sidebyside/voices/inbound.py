"""Text messages to a hub's number, turned into contributions.

GOV.UK Notify posts each text it receives to ``voices:inbound_sms``. The hub is found by the
number texted (``InboundNumber``); the contribution's UUID comes from Notify's id, so a text
Notify delivers twice is stored once.

Who said it. The sender is matched to a person of the hub by phone number only when exactly one
such person has the number and they have agreed to what they say being recorded with their name
(``consent.may_record``); they are then the author, identified as their consent to be quoted
allows (anonymous without one). Otherwise the contribution is anonymous.

The thank-you rule (template ``thank_you``, personalisation ``hub``):

* a sender we know (anyone on record with that number) is thanked only if every such person
  may be contacted by text message now (``consent.may_contact(person, "sms")``): someone who said
  "no texts", or paused, is not texted, even though they texted us;
* a sender we do not know is thanked: they have just texted the number themselves, and the
  reply tells them their words arrived;
* whoever it is, at most one thank-you a day (London time) per sender, however many texts they
  send. Texts are counted by a keyed digest of the sender's number kept in ``device`` (as the join
  page keeps one of a phone's cookie): the number itself is never stored with the contribution.

A text that is empty, or a sender number that cannot be read, is stored without a thank-you
(or, if empty, not at all).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sidebyside.hubs.models import Membership
from sidebyside.notify.services import message_enqueue
from sidebyside.people import consent
from sidebyside.people.models import Person
from sidebyside.people.phone import normalise_phone
from sidebyside.voices.models import MAX_TEXT, Contribution, InboundNumber
from sidebyside.voices.services import Invalid, clean_text, contribution_add, device_digest

logger = logging.getLogger(__name__)

# Fixed for ever: the UUID of a text is uuid5(this, Notify's id of it).
INBOUND_SMS_NAMESPACE = uuid.UUID("0b5c6d52-5f0e-4d7a-9a3c-3f6f1f3c2a71")


class NotAText(ValueError):
    """The callback's body is not an inbound text as Notify sends it."""


@dataclass(frozen=True)
class Text:
    notify_id: str
    source: str
    destination: str
    message: str
    received_at: datetime.datetime


@dataclass(frozen=True)
class Outcome:
    stored: bool
    reason: str  # "stored", "again", "unknown_number", "empty"
    contribution: Contribution | None = None
    thanked: bool = False


def parse(body: Any) -> Text:
    """Notify's JSON: {"id", "source_number", "destination_number", "message", "date_received"}."""
    if not isinstance(body, dict):
        raise NotAText("not an object")
    notify_id = body.get("id")
    if not isinstance(notify_id, str) or not notify_id.strip() or len(notify_id) > 100:
        raise NotAText("no id")
    fields = {}
    for key in ("source_number", "destination_number", "message"):
        value = body.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise NotAText(f"{key} is not text")
        fields[key] = value
    received = body.get("date_received")
    when = parse_datetime(received) if isinstance(received, str) else None
    if when is None:
        when = timezone.now()  # never lose a text over its date
    elif timezone.is_naive(when):
        when = timezone.make_aware(when, datetime.UTC)  # Notify's dates are UTC
    return Text(
        notify_id=notify_id.strip(),
        source=fields["source_number"],
        destination=fields["destination_number"],
        message=fields["message"],
        received_at=when,
    )


def international(number: str) -> str:
    """A number as Notify gives it (447700900123, +447700900123, 07700900123) in E.164, or ""."""
    number = (number or "").strip()[:30]
    for candidate in (number, f"+{number}"):
        try:
            return normalise_phone(candidate)
        except ValidationError:
            continue
    return ""


def text_uuid(notify_id: str) -> uuid.UUID:
    return uuid.uuid5(INBOUND_SMS_NAMESPACE, notify_id)


def sender_digest(number: str) -> str:
    return device_digest(f"sms:{number}") if number else ""


def _people_with(number: str) -> list[Person]:
    if not number:
        return []
    return list(Person.objects.filter(phone=number, erased_at__isnull=True).select_related("user"))


def _author_of(people: list[Person], hub_id: int) -> Person | None:
    """The one person of the hub with this number, if they agreed to being recorded by name."""
    in_hub = Membership.objects.filter(user=OuterRef("user"), hub_id=hub_id, ended_at__isnull=True)
    ids = set(
        Person.objects.filter(pk__in=[p.pk for p in people])
        .filter(Exists(in_hub))
        .values_list("pk", flat=True)
    )
    of_hub = [p for p in people if p.pk in ids]
    if len(of_hub) != 1 or not consent.may_record(of_hub[0]):
        return None
    return of_hub[0]


def _identify_as(person: Person) -> str:
    level = consent.quote_level(person)
    return level if level in Contribution.Identify.values else Contribution.Identify.ANONYMOUS


def _texted_earlier_today(device: str, contribution: Contribution) -> bool:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return Contribution.objects.filter(
        device=device, channel=Contribution.Channel.SMS, created_at__gte=start, pk__lt=contribution.pk
    ).exists()


def _may_thank(people: list[Person]) -> bool:
    return all(consent.may_contact(person, "sms") for person in people)


@transaction.atomic
def sms_receive(text: Text) -> Outcome:
    destination = international(text.destination)
    inbound = (
        InboundNumber.objects.select_related("hub").filter(number=destination).first()
        if destination
        else None
    )
    if inbound is None:
        logger.warning("Inbound text for a number no hub has", extra={"notify_id": text.notify_id[:100]})
        return Outcome(stored=False, reason="unknown_number")
    try:
        # A text is never refused for its length: what does not fit is cut, not lost as a whole.
        words = clean_text(text.message.replace("\r\n", "\n").replace("\x00", "").strip()[:MAX_TEXT])
    except Invalid:
        logger.info("Empty inbound text ignored", extra={"notify_id": text.notify_id[:100]})
        return Outcome(stored=False, reason="empty")
    hub = inbound.hub
    sender = international(text.source)
    people = _people_with(sender)
    author = _author_of(people, hub.pk)
    device = sender_digest(sender)
    stored = contribution_add(
        uuid_value=text_uuid(text.notify_id),
        hub_id=hub.pk,
        text=words,
        channel=Contribution.Channel.SMS,
        said_at=text.received_at,
        author=author,
        identify_as=_identify_as(author) if author is not None else Contribution.Identify.ANONYMOUS,
        state=Contribution.State.PENDING,
        device=device,
    )
    if not stored.created:
        return Outcome(stored=True, reason="again", contribution=stored.contribution)
    thanked = False
    if sender and _may_thank(people) and not _texted_earlier_today(device, stored.contribution):
        message_enqueue(
            user=people[0].user if len(people) == 1 else None,
            channel="sms",
            to=sender,
            template="thank_you",
            personalisation={"hub": hub.name},
        )
        thanked = True
    return Outcome(stored=True, reason="stored", contribution=stored.contribution, thanked=thanked)
