"""The ``sign_in_link`` management command."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.test import Client


def test_sign_in_link_command_prints_a_working_link(personas: Any) -> None:
    out = io.StringIO()

    call_command("sign_in_link", email="member@example.org", stdout=out)

    link = out.getvalue().strip()
    assert "/sign-in/link/?token=" in link
    parts = urlsplit(link)
    client = Client()
    assert client.get(f"{parts.path}?{parts.query}").status_code == 302
    assert client.post("/sign-in/link/").status_code == 302
    assert client.session["_auth_user_id"] == str(personas["member"].pk)


def test_sign_in_link_command_matches_email_in_any_case(personas: Any) -> None:
    out = io.StringIO()

    call_command("sign_in_link", email="MEMBER@Example.org", stdout=out)

    assert "/sign-in/link/?token=" in out.getvalue()


def test_sign_in_link_command_by_user_id(personas: Any) -> None:
    out = io.StringIO()

    call_command("sign_in_link", user_id=personas["member"].pk, stdout=out)

    assert "/sign-in/link/?token=" in out.getvalue()


def test_sign_in_link_command_refuses_an_unknown_email(personas: Any) -> None:
    out = io.StringIO()

    with pytest.raises(CommandError, match="No account matches"):
        call_command("sign_in_link", email="nobody@example.org", stdout=out)

    assert out.getvalue() == ""
