"""Account services: sign-in links and signing out everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from sidebyside.accounts.services import sign_in_link_create, user_sign_out_everywhere
from sidebyside.core.models import AuditEvent


def test_sign_in_link_create_returns_an_absolute_link_and_audits_it(personas: Any) -> None:
    member, coordinator = personas["member"], personas["coordinator"]

    link = sign_in_link_create(user=member, actor=coordinator)

    assert link.startswith(f"{settings.SITE_URL}/sign-in/link/?token=")
    event = AuditEvent.objects.get(action="sign_in_link.created")
    assert event.actor_id == coordinator.pk
    assert event.object_id == str(member.pk)
    assert link.split("token=", 1)[1] not in str(event.detail), "the token itself is never recorded"


def test_sign_in_link_create_refuses_a_deactivated_account(personas: Any) -> None:
    member = personas["member"]
    member.is_active = False

    with pytest.raises(ValueError, match="deactivated"):
        sign_in_link_create(user=member)

    assert not AuditEvent.objects.filter(action="sign_in_link.created").exists()


def test_user_sign_out_everywhere_changes_the_security_stamp(personas: Any) -> None:
    member = personas["member"]
    stamp, auth_hash = member.security_stamp, member.get_session_auth_hash()

    user_sign_out_everywhere(user=member)

    member.refresh_from_db()
    assert member.security_stamp != stamp
    assert member.get_session_auth_hash() != auth_hash
    assert member.last_login is not None
    assert AuditEvent.objects.filter(action="user.signed_out_everywhere", actor=member).exists()
