"""Signing out of one browser, and out of every browser at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.test import Client

from sidebyside.accounts.services import sign_in_link_create
from sidebyside.core.models import AuditEvent


def test_sign_out_ends_the_session(client_for: Callable[..., Client], personas: Any) -> None:
    client = client_for("coordinator")
    assert client.get("/account/").status_code == 200

    response = client.post("/sign-out/")

    assert response.status_code == 302
    assert response["Location"] == "/signed-out/"
    assert "_auth_user_id" not in client.session
    assert "otp_device_id" not in client.session
    after = client.get("/account/")
    assert after.status_code == 302
    assert after["Location"].startswith("/sign-in/")


def test_sign_out_needs_a_post(client_for: Callable[..., Client], personas: Any) -> None:
    client = client_for("coordinator")

    response = client.get("/sign-out/")

    assert response.status_code == 405
    assert client.session["_auth_user_id"] == str(personas["coordinator"].pk)


def test_signed_out_page_is_shown(client: Client, db: Any) -> None:
    assert client.get("/signed-out/").status_code == 200


def test_sign_out_everywhere_ends_every_session_of_the_user(personas: Any) -> None:
    coordinator = personas["coordinator"]
    here, there = Client(), Client()
    here.force_login(coordinator)
    there.force_login(coordinator)
    assert there.get("/account/").status_code == 200

    response = here.post("/sign-out/everywhere/")

    assert response.status_code == 302
    assert response["Location"] == "/signed-out/"
    assert "_auth_user_id" not in here.session
    after = there.get("/account/")
    assert after.status_code == 302
    assert after["Location"].startswith("/sign-in/")
    assert AuditEvent.objects.filter(actor=coordinator, action="user.signed_out_everywhere").exists()


def test_sign_out_everywhere_leaves_other_people_signed_in(personas: Any) -> None:
    mine, theirs = Client(), Client()
    mine.force_login(personas["member"])
    theirs.force_login(personas["other_member"])

    mine.post("/sign-out/everywhere/")

    assert theirs.get("/account/").status_code == 200


def test_sign_out_everywhere_voids_unused_sign_in_links(personas: Any) -> None:
    member = personas["member"]
    client = Client()
    client.force_login(member)  # sign in first: signing in itself also voids older links
    query = urlsplit(sign_in_link_create(user=member)).query
    phone = Client()
    assert phone.get(f"/sign-in/link/?{query}").status_code == 302, "the link works before"
    assert phone.get("/sign-in/link/").status_code == 200

    assert client.post("/sign-out/everywhere/").status_code == 302

    response = phone.post("/sign-in/link/")
    assert response.status_code == 400
    assert "This sign-in link does not work" in response.content.decode()
    assert "_auth_user_id" not in phone.session
    assert Client().get(f"/sign-in/link/?{query}").status_code == 400


def test_sign_out_everywhere_needs_sign_in(client: Client, db: Any) -> None:
    response = client.post("/sign-out/everywhere/")

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
