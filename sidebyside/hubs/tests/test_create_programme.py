from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from sidebyside.accounts.models import User
from sidebyside.hubs.models import Membership, Programme


def run(**options: str) -> str:
    out = io.StringIO()
    call_command("create_programme", stdout=out, **options)
    return out.getvalue()


def test_it_creates_the_programme_its_admin_and_a_sign_in_link(db: Any) -> None:
    output = run(
        name="Fenland Voices", area="Fenland", admin_email="Lead@Example.org", admin_name="Robin Lee"
    )

    programme = Programme.objects.get(name="Fenland Voices")
    admin = User.objects.get(email__iexact="lead@example.org")
    assert Membership.objects.filter(user=admin, programme=programme, role="programme_admin").exists()
    assert not admin.has_usable_password()
    assert "/sign-in/link/?token=" in output


def test_it_refuses_a_duplicate_programme(db: Any) -> None:
    run(name="Fenland Voices", area="Fenland", admin_email="a@example.org", admin_name="A")
    with pytest.raises(CommandError, match="already a programme"):
        run(name="fenland voices", area="Fenland", admin_email="b@example.org", admin_name="B")
    assert not User.objects.filter(email="b@example.org").exists()


def test_bad_input_creates_nothing(db: Any) -> None:
    with pytest.raises(CommandError, match="Nothing was created"):
        run(name="Fenland Voices", area="Fenland", admin_email="not-an-email", admin_name="A")
    assert not Programme.objects.exists()
    assert not User.objects.exists()
