"""The consent selectors: the one place other apps ask what someone agreed to."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from sidebyside.people import consent, services
from sidebyside.people.models import Consent, Person
from sidebyside.people.tests.conftest import agree

P, L = Consent.Purpose, Consent.Level


def test_nothing_is_allowed_without_consent(member_person: Person) -> None:
    assert not consent.may_quote(member_person)
    assert not consent.may_contact(member_person, "sms")
    assert not consent.may_record(member_person, named=False)
    assert consent.quote_name(member_person) is None


@pytest.mark.parametrize(
    ("level", "named", "first_name", "anonymous", "shown"),
    [
        (L.NAMED, True, True, True, "Marnie Quillfeather"),
        (L.FIRST_NAME, False, True, True, "Marnie"),
        (L.ANONYMOUS, False, False, True, "Anonymous"),
    ],
)
def test_quoting_follows_the_level_agreed(
    member_person: Person, level: str, named: bool, first_name: bool, anonymous: bool, shown: str
) -> None:
    agree(member_person, P.QUOTE, level)
    assert consent.may_quote(member_person, L.NAMED) is named
    assert consent.may_quote(member_person, L.FIRST_NAME) is first_name
    assert consent.may_quote(member_person, L.ANONYMOUS) is anonymous
    assert consent.quote_name(member_person) == shown


def test_a_withdrawal_takes_effect_at_once(member_person: Person, personas: Any) -> None:
    services.consent_give(
        actor=personas["member"],
        person=member_person,
        purpose=P.QUOTE,
        how=Consent.How.ONLINE,
        given_on=timezone.localdate(),
        level=L.NAMED,
    )
    assert consent.may_quote(member_person, L.NAMED)
    services.consent_withdraw(actor=personas["member"], person=member_person, purpose=P.QUOTE)
    assert not consent.may_quote(member_person)
    ended = Consent.objects.get(person=member_person, purpose=P.QUOTE)
    assert ended.ended_reason == Consent.EndReason.WITHDRAWN


def test_an_expired_consent_no_longer_counts(member_person: Person) -> None:
    today = timezone.localdate()
    agree(member_person, P.CONTACT_SMS, given_on=today - datetime.timedelta(days=10), expires_on=today)
    assert consent.may_contact(member_person, "sms")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        assert not consent.may_contact(member_person, "sms")


def test_pausing_stops_contact_whatever_was_agreed(member_person: Person, personas: Any) -> None:
    agree(member_person, P.CONTACT_SMS)
    assert consent.contactable([member_person], "sms") == {member_person.pk}
    services.person_set_status(actor=personas["member"], person=member_person, status=Person.Status.PAUSED)
    assert not consent.may_contact(member_person, "sms")
    assert consent.contactable([member_person], "sms") == set()


def test_giving_again_replaces_the_earlier_answer(member_person: Person, personas: Any) -> None:
    coordinator = personas["coordinator"]
    for level in (L.NAMED, L.ANONYMOUS):
        services.consent_give(
            actor=coordinator,
            person=member_person,
            purpose=P.QUOTE,
            how=Consent.How.VERBAL,
            given_on=timezone.localdate(),
            level=level,
        )
    rows = Consent.objects.filter(person=member_person, purpose=P.QUOTE).order_by("pk")
    assert [r.ended_reason for r in rows] == [Consent.EndReason.REPLACED, ""]
    assert rows[1].recorded_by == coordinator
    assert consent.quote_level(member_person) == L.ANONYMOUS


@pytest.mark.parametrize(
    ("given", "ends", "field"),
    [(1, None, "given_on"), (-1, -5, "expires_on")],
)
def test_impossible_dates_are_refused(
    member_person: Person, personas: Any, given: int, ends: int | None, field: str
) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.consent_give(
            actor=personas["coordinator"],
            person=member_person,
            purpose=P.PHOTOS,
            how=Consent.How.WRITTEN,
            given_on=today + datetime.timedelta(days=given),
            expires_on=today + datetime.timedelta(days=ends) if ends is not None else None,
        )
    assert field in error.value.message_dict
    assert not Consent.objects.exists()


def test_a_person_cannot_record_their_own_verbal_consent(member_person: Person, personas: Any) -> None:
    with pytest.raises(ValidationError):
        services.consent_give(
            actor=personas["member"],
            person=member_person,
            purpose=P.PHOTOS,
            how=Consent.How.VERBAL,
            given_on=timezone.localdate(),
        )


def test_withdrawing_consent_to_keep_support_needs_deletes_them(member_person: Person, personas: Any) -> None:
    coordinator = personas["coordinator"]
    agree(member_person, P.STORE_SUPPORT)
    services.support_needs_update(
        actor=coordinator, person=member_person, needs=["breaks"], details="", expected_version=None
    )
    services.plan_save(actor=coordinator, person=member_person, base_version=0, interests="Gardening")
    services.consent_withdraw(actor=coordinator, person=member_person, purpose=P.STORE_SUPPORT)
    assert not member_person.plans.exists()
    assert not hasattr(Person.objects.get(pk=member_person.pk), "support_needs") or not (
        Person.objects.get(pk=member_person.pk).support_needs
    )
    with pytest.raises(services.ConsentMissing):
        services.plan_save(actor=coordinator, person=member_person, base_version=0, interests="Gardening")
