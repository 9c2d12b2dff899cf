from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from sidebyside.core.models import AuditEvent
from sidebyside.hubs import services
from sidebyside.hubs.models import Hub, Membership


def test_hub_create_validates_saves_and_audits(programme: Any, personas: Any) -> None:
    admin = personas["programme_admin"]
    hub = services.hub_create(
        actor=admin, programme=programme, name="Wisbech", locality="Fenland", stage=Hub.Stage.PLANNING
    )
    assert hub.pk
    assert hub.programme == programme
    event = AuditEvent.objects.get(action="hub.created")
    assert event.actor == admin
    assert event.object_id == str(hub.pk)


def test_hub_create_rejects_a_duplicate_name_in_any_case(programme: Any, hub: Any, personas: Any) -> None:
    with pytest.raises(ValidationError):
        services.hub_create(
            actor=personas["programme_admin"], programme=programme, name="HUB a", locality="x"
        )
    assert Hub.objects.filter(programme=programme).count() == 2  # hub + other_hub from personas


def test_hub_update_records_which_fields_changed(hub: Any, personas: Any) -> None:
    services.hub_update(actor=personas["coordinator"], hub=hub, locality="Gammaford", stage=hub.stage)
    event = AuditEvent.objects.get(action="hub.updated")
    assert event.detail == {"fields": ["locality"]}
    hub.refresh_from_db()
    assert hub.locality == "Gammaford"


def test_hub_update_invalid_changes_nothing(hub: Any, personas: Any) -> None:
    with pytest.raises(ValidationError):
        services.hub_update(actor=personas["coordinator"], hub=hub, stage="galloping")
    hub.refresh_from_db()
    assert hub.stage == "established"
    assert not AuditEvent.objects.filter(action="hub.updated").exists()


def test_archive_and_restore_are_idempotent_and_audited(hub: Any, personas: Any) -> None:
    admin = personas["programme_admin"]
    services.hub_archive(actor=admin, hub=hub)
    services.hub_archive(actor=admin, hub=hub)
    assert hub.is_archived
    services.hub_restore(actor=admin, hub=hub)
    assert not hub.is_archived
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "hub.archived",
        "hub.restored",
    ]


def test_membership_role_must_match_its_scope(programme: Any, hub: Any, personas: Any) -> None:
    member = personas["member"]
    with pytest.raises(ValidationError):
        services.membership_add(actor=None, user=member, programme=programme, role=Membership.Role.MEMBER)
    with pytest.raises(ValidationError):
        services.membership_add(
            actor=None, user=member, programme=programme, hub=hub, role=Membership.Role.PROGRAMME_ADMIN
        )


def test_organisation_lifecycle(programme: Any, personas: Any) -> None:
    admin = personas["programme_admin"]
    org = services.organisation_create(actor=admin, programme=programme, name="Fen Trust", kind="housing")
    services.organisation_update(actor=admin, organisation=org, name="Fen Housing Trust", kind="housing")
    services.organisation_archive(actor=admin, organisation=org)
    services.organisation_restore(actor=admin, organisation=org)
    org.refresh_from_db()
    assert org.name == "Fen Housing Trust"
    assert not org.is_archived
    assert AuditEvent.objects.filter(object_type="hubs.organisation", object_id=str(org.pk)).count() == 4
