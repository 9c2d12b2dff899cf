"""Writes to people's records: validation, versions, audit, encryption at rest."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from sidebyside.core.crypto import encrypted_fields, rotate
from sidebyside.core.models import AuditEvent
from sidebyside.hubs.models import Membership
from sidebyside.people import services
from sidebyside.people.models import CatchUp, Consent, Person, SupportNeeds, WellbeingPlan
from sidebyside.people.tests.conftest import agree

OLD_KEY = "Gzuv3QHZsOiNWGE6VnPQ4XwsCT1T9GyqA80QyrQvEGE="
NEW_KEY = "3uY6yhD0Htd0DiBIQD9WhtgP0vfUIvnWDwBb5Zq1sUA="


def test_every_user_has_a_person_record(db: Any) -> None:
    from conftest import make_user

    assert Person.objects.filter(user=make_user("someone")).exists()


def test_adding_a_person_creates_user_record_and_membership(hub: Any, personas: Any) -> None:
    person = services.person_create(
        actor=personas["coordinator"],
        hub=hub,
        full_name="Dorian Pellowe",
        phone="+447700900111",
        preferred_channel=Person.Channel.SMS,
    )
    assert person.user.email is None
    assert not person.user.has_usable_password()
    assert Membership.objects.filter(user=person.user, hub=hub, role="member").exists()
    event = AuditEvent.objects.get(action="person.created")
    assert event.subject_id == person.user_id
    assert "Dorian" not in str(event.detail)


def test_a_stale_edit_is_refused_not_written(member_person: Person, personas: Any) -> None:
    coordinator = personas["coordinator"]
    version = member_person.lock_version
    services.person_update(
        actor=coordinator, person=member_person, expected_version=version, pronouns="she/her"
    )
    stale = Person.objects.get(pk=member_person.pk)
    with pytest.raises(services.RecordChanged):
        services.person_update(
            actor=coordinator, person=stale, expected_version=version, pronouns="they/them"
        )
    assert Person.objects.get(pk=member_person.pk).pronouns == "she/her"


def test_plan_saves_are_versions_and_a_stale_base_is_refused(member_person: Person, personas: Any) -> None:
    agree(member_person, Consent.Purpose.STORE_SUPPORT)
    coordinator = personas["coordinator"]
    services.plan_save(actor=coordinator, person=member_person, base_version=0, interests="Walking")
    services.plan_save(actor=coordinator, person=member_person, base_version=1, interests="Walking, chess")
    with pytest.raises(services.RecordChanged):
        services.plan_save(actor=coordinator, person=member_person, base_version=1, interests="Lost update")
    assert [p.interests for p in member_person.plans.order_by("version")] == ["Walking", "Walking, chess"]


def test_support_needs_need_consent(member_person: Person, personas: Any) -> None:
    with pytest.raises(services.ConsentMissing):
        services.support_needs_update(
            actor=personas["coordinator"],
            person=member_person,
            needs=["breaks"],
            details="",
            expected_version=None,
        )


def _raw(table: str, column: str, pk: int, key: str = "id") -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {key} = %s", [pk])  # noqa: S608 - names from _meta
        return cursor.fetchone()[0]


def _fill_everything(person: Person, actor: Any) -> None:
    agree(person, Consent.Purpose.STORE_SUPPORT)
    services.person_update(
        actor=actor,
        person=person,
        expected_version=None,
        about_communication="Text me about my anxiety",
        about_know="Text about my anxiety",
        about_counted_on="Text about my anxiety",
        about_learn="Text about my anxiety",
    )
    services.support_needs_update(
        actor=actor,
        person=person,
        needs=["step_free"],
        details="Wheelchair user, epilepsy",
        expected_version=None,
    )
    services.plan_save(
        actor=actor,
        person=person,
        base_version=0,
        **{
            name: "Struggling with my anxiety"
            for name in ("interests", "good_day", "bad_day", "struggling_signs")
        },
    )
    services.catch_up_add(
        actor=actor, person=person, held_on=person.created_at.date(), notes="Relapse worries"
    )


def test_special_category_text_is_ciphertext_in_the_database(member_person: Person, personas: Any) -> None:
    _fill_everything(member_person, personas["coordinator"])
    targets = dict(encrypted_fields())
    for model in (Person, SupportNeeds, WellbeingPlan, CatchUp):
        assert model in targets, f"{model.__name__} has no encrypted fields"
        row = model.objects.filter(
            **({"pk": member_person.pk} if model is Person else {"person": member_person})
        )
        pk = row.values_list("pk", flat=True).first()
        for name in targets[model]:
            column = model._meta.get_field(name).column  # type: ignore[union-attr]
            stored = _raw(model._meta.db_table, column, pk)
            if stored:
                assert stored.startswith("gAAAA"), f"{model.__name__}.{name} is not encrypted"
                for word in ("anxiety", "Wheelchair", "epilepsy", "Relapse", "step_free"):
                    assert word not in stored


def test_rotation_re_encrypts_people_data_without_loss(member_person: Person, personas: Any) -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        _fill_everything(member_person, personas["coordinator"])
        before = _raw("people_supportneeds", "details", member_person.pk, key="person_id")
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        assert rotate(encrypted_fields()) >= 4
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert _raw("people_supportneeds", "details", member_person.pk, key="person_id") != before
        needs = SupportNeeds.objects.get(person=member_person)
        assert needs.details == "Wheelchair user, epilepsy"
        assert needs.needs == ["step_free"]
        assert member_person.plans.get().struggling_signs == "Struggling with my anxiety"
        assert Person.objects.get(pk=member_person.pk).about_know == "Text about my anxiety"


def test_facilitators_get_needs_only_of_people_who_agreed(
    member_person: Person, personas: Any, django_assert_max_num_queries: Any
) -> None:
    other = personas["other_member"].person
    for person in (member_person, other):
        agree(person, Consent.Purpose.STORE_SUPPORT)
        services.support_needs_update(
            actor=personas["coordinator"], person=person, needs=["breaks"], details="", expected_version=None
        )
    services.consent_withdraw(
        actor=personas["coordinator"], person=other, purpose=Consent.Purpose.STORE_SUPPORT
    )
    from sidebyside.people.selectors import support_needs_for

    with django_assert_max_num_queries(2):
        found = support_needs_for([member_person.pk, other.pk])
    assert set(found) == {member_person.pk}
    assert found[member_person.pk].need_labels == ["Breaks"]
