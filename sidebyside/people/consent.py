"""What someone has agreed to: the one place other apps ask.

Every answer is read from the database when asked, so a withdrawn or expired consent
takes effect everywhere at once. A paused or erased person may not be contacted
whatever they agreed to.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from sidebyside.people.models import Consent, Person

Purpose = Consent.Purpose
Level = Consent.Level

# From most to least identifying.
_LEVEL_ORDER = [Level.NAMED, Level.FIRST_NAME, Level.ANONYMOUS]


def in_force(today: datetime.date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(ended_at__isnull=True, given_on__lte=today) & (
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )


def consents_in_force(person: Person | int) -> dict[str, Consent]:
    """Each purpose the person has agreed to, with the consent that says so. One query."""
    person_id = person if isinstance(person, int) else person.pk
    rows = Consent.objects.filter(in_force(), person_id=person_id)
    return {consent.purpose: consent for consent in rows}


def _current(person: Person, purpose: str) -> Consent | None:
    return Consent.objects.filter(in_force(), person_id=person.pk, purpose=purpose).first()


def may(person: Person, purpose: str) -> bool:
    """Has the person agreed to ``purpose``, today?"""
    if person.is_erased:
        return False
    return _current(person, purpose) is not None


def may_contact(person: Person, channel: str) -> bool:
    """May we send the person something by ``channel`` (a ``Person.Channel``) now?

    Not while they have paused their involvement or left, nor without their consent to the channel.
    """
    if person.status != Person.Status.ACTIVE or person.is_erased:
        return False
    return may(person, Consent.CHANNEL_PURPOSES[Person.Channel(channel)])


NOT_TAKING_PART = {
    Person.Status.PAUSED: "Paused their involvement",
    Person.Status.LEFT: "Has left",
}


def cannot_reach(person: Person, channel: str | None = None, *, agreed: Iterable[str] | None = None) -> str:
    """Why the service cannot send the person anything by ``channel`` (their preferred way unless
    given) now, in staff's words; "" when it can. A letter or a key worker is reached by a person,
    not the service: "" for those too, once agreed. The reminders' own decision starts here.

    ``agreed``: the purposes in force, when the caller has read them already (no query then)."""
    channel = channel or person.preferred_channel
    if person.status != Person.Status.ACTIVE:
        return NOT_TAKING_PART.get(Person.Status(person.status), "Not taking part")
    purpose = Consent.CHANNEL_PURPOSES[Person.Channel(channel)]
    allowed = (
        may_contact(person, channel) if agreed is None else (purpose in set(agreed) and not person.is_erased)
    )
    if not allowed:
        return f"Has not agreed to contact by {Person.Channel(channel).label.lower()}"
    if channel == Person.Channel.SMS and not person.phone:
        return "No mobile number"
    if channel == Person.Channel.EMAIL and not person.user.email:
        return "No email address"
    if channel == Person.Channel.PHONE and not person.phone:
        return "No phone number"
    return ""


def contactable(people: Iterable[Person], channel: str) -> set[int]:
    """Of ``people``, the ids of those who may be contacted by ``channel``. One query for any number."""
    active = {p.pk for p in people if p.status == Person.Status.ACTIVE and not p.is_erased}
    purpose = Consent.CHANNEL_PURPOSES[Person.Channel(channel)]
    agreed = Consent.objects.filter(in_force(), person_id__in=active, purpose=purpose)
    return set(agreed.values_list("person_id", flat=True))


def _allowed_level(person: Person, purpose: str) -> str | None:
    if person.is_erased:
        return None
    consent = _current(person, purpose)
    return consent.level if consent is not None else None


def _at_least(allowed: str | None, wanted: str) -> bool:
    if allowed is None:
        return False
    return _LEVEL_ORDER.index(Level(allowed)) <= _LEVEL_ORDER.index(Level(wanted))


def may_quote(person: Person, as_: str = Level.ANONYMOUS) -> bool:
    """May we quote the person in a report, identified ``as_`` (named, first name, anonymous)?

    Agreeing to be quoted by first name allows quoting anonymously too, not by full name.
    """
    return _at_least(_allowed_level(person, Purpose.QUOTE), as_)


def quote_level(person: Person) -> str | None:
    """The most identifying way the person may be quoted, or None if they may not be quoted."""
    return _allowed_level(person, Purpose.QUOTE)


def quote_name(person: Person) -> str | None:
    """The name to print under a quote: full name, first name, "Anonymous", or None (no quoting)."""
    level = quote_level(person)
    if level is None:
        return None
    if level == Level.NAMED:
        return person.user.full_name
    if level == Level.FIRST_NAME:
        return (person.user.known_as or person.user.full_name).split()[0]
    return "Anonymous"


def may_record(person: Person, named: bool = True) -> bool:
    """May what the person says in sessions be recorded (with their name, if ``named``)?"""
    return _at_least(
        _allowed_level(person, Purpose.RECORD_CONTRIBUTIONS), Level.NAMED if named else Level.ANONYMOUS
    )


def may_store_support(person: Person) -> bool:
    return may(person, Purpose.STORE_SUPPORT)


def may_use_photos(person: Person) -> bool:
    return may(person, Purpose.PHOTOS)


def may_share_story(person: Person) -> bool:
    return may(person, Purpose.SHARE_STORY)


def expiring(within_days: int = 30) -> QuerySet[Consent]:
    """Consents in force that end within ``within_days``: to ask again in time."""
    today = timezone.localdate()
    return Consent.objects.filter(
        in_force(today), expires_on__lte=today + datetime.timedelta(days=within_days)
    )


def quote_levels(person_ids: Iterable[int]) -> dict[int, str]:
    """Of these people, the most identifying way each may be quoted today; those who may not be
    quoted are left out. One query for any number."""
    rows = Consent.objects.filter(
        in_force(), person_id__in=list(person_ids), purpose=Purpose.QUOTE, person__erased_at__isnull=True
    ).values_list("person_id", "level")
    return dict(rows)


def least_identifying(*levels: str) -> str:
    """Of several levels (each a ``Consent.Level``), the one that says least about who."""
    return max(levels, key=lambda level: _LEVEL_ORDER.index(Level(level)))
