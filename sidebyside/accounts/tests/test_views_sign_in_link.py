"""Sign-in links for members: checked on arrival, used up only by pressing the button, single use.

Arriving with ``?token=`` checks the token, keeps it in the session and redirects to the same
page without it (so the token leaves the address bar); the page shows a "Sign in" button and
the POST of that button signs in.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.test import Client

from sidebyside.accounts.services import sign_in_link_create
from sidebyside.core.models import AuditEvent

LINK = "/sign-in/link/"
INVALID = "This sign-in link does not work"


def link_for(user: Any) -> str:
    """The path and query of a new sign-in link for ``user``."""
    parts = urlsplit(sign_in_link_create(user=user))
    return f"{parts.path}?{parts.query}"


def open_link(client: Client, url: str) -> Any:
    """Follow a link as a browser does; returns the page finally shown."""
    arrival = client.get(url)
    assert arrival.status_code == 302, arrival.status_code
    assert arrival["Location"] == LINK, "the token must leave the address"
    assert arrival["Referrer-Policy"] == "no-referrer"
    return client.get(arrival["Location"])


def test_sign_in_link_signs_a_member_in_once(client: Client, personas: Any) -> None:
    member = personas["member"]
    link = sign_in_link_create(user=member)
    assert "/sign-in/link/?token=" in link
    url = link_for(member)
    token = url.split("token=", 1)[1]

    page = open_link(client, url)

    assert page.status_code == 200
    html = page.content.decode()
    assert ">Sign in</button>" in html
    assert token not in html
    assert "_auth_user_id" not in client.session, "opening the link must not sign in"
    again = open_link(Client(), url)
    assert again.status_code == 200, "opening the link must not use it up"
    assert ">Sign in</button>" in again.content.decode()

    response = client.post(LINK)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(member.pk)
    event = AuditEvent.objects.get(action="user.signed_in")
    assert event.actor_id == member.pk
    assert event.detail == {"method": "link"}

    replay = client.post(LINK)
    assert replay.status_code == 400
    assert INVALID in replay.content.decode()
    stale = Client().get(url)
    assert stale.status_code == 400
    assert INVALID in stale.content.decode()
    assert stale["Referrer-Policy"] == "no-referrer"


def test_each_new_link_for_the_same_member_works(client: Client, personas: Any) -> None:
    member = personas["member"]
    open_link(client, link_for(member))
    assert client.post(LINK).status_code == 302
    client.post("/sign-out/")
    member.refresh_from_db()  # a link is bound to the stored last_login

    open_link(client, link_for(member))
    response = client.post(LINK)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_sign_in_link_with_a_garbage_token_does_not_work(client: Client, personas: Any) -> None:
    response = client.get(f"{LINK}?token=not-a-real-token")

    assert response.status_code == 400
    assert INVALID in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"
    assert client.post(LINK).status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_token_posted_without_opening_the_link_does_not_sign_in(client: Client, personas: Any) -> None:
    token = link_for(personas["member"]).split("token=", 1)[1]

    response = client.post(LINK, {"token": token})

    assert response.status_code == 400
    assert INVALID in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_link_page_without_a_token_explains_itself(client: Client, db: Any) -> None:
    response = client.get(LINK)

    assert response.status_code == 200
    html = response.content.decode()
    assert INVALID in html
    assert ">Sign in</button>" not in html


def test_sign_in_link_switches_a_browser_signed_in_as_someone_else(client_for: Any, personas: Any) -> None:
    client = client_for("other_member")

    open_link(client, link_for(personas["member"]))
    response = client.post(LINK)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas["member"].pk)


def test_sign_in_link_is_refused_once_the_account_is_deactivated(client: Client, personas: Any) -> None:
    member = personas["member"]
    open_link(client, link_for(member))
    member.is_active = False
    member.save(update_fields=["is_active"])

    response = client.post(LINK)

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
