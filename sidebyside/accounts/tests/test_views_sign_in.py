"""Password sign-in for staff: the form, its errors, the audit row and throttling (django-axes)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from conftest import PASSWORD
from sidebyside.core.models import AuditEvent

SIGN_IN = "/sign-in/"
TWO_STEP = "/sign-in/two-step/"
WRONG = "not the right password at all"


def post_sign_in(client: Client, username: str, password: str) -> Any:
    return client.post(SIGN_IN, {"username": username, "password": password})


def test_sign_in_with_the_right_password_moves_on_to_two_step(client: Client, personas: Any) -> None:
    coordinator = personas["coordinator"]
    assert client.get(SIGN_IN).status_code == 200
    session = client.session
    session["before_sign_in"] = "yes"
    session.save()
    key_before = session.session_key
    assert key_before

    response = client.post(
        SIGN_IN, {"username": "coordinator@example.org", "password": PASSWORD, "next": "/account/"}
    )

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == TWO_STEP
    assert parse_qs(location.query) == {"next": ["/account/"]}
    assert client.session.session_key != key_before, "the session key must change at sign-in"
    assert client.session["_auth_user_id"] == str(coordinator.pk)
    event = AuditEvent.objects.get(action="user.signed_in")
    assert event.actor_id == coordinator.pk
    assert event.object_type == "accounts.user"
    assert event.object_id == str(coordinator.pk)
    assert event.detail == {"method": "password"}


def test_sign_in_without_next_goes_to_two_step_then_home(client: Client, personas: Any) -> None:
    response = post_sign_in(client, "coordinator@example.org", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == f"{TWO_STEP}?next=%2F"


def test_sign_in_ignores_a_next_address_on_another_site(client: Client, personas: Any) -> None:
    response = client.post(
        SIGN_IN,
        {"username": "coordinator@example.org", "password": PASSWORD, "next": "https://evil.example.com/"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{TWO_STEP}?next=%2F"


def test_sign_in_with_a_wrong_password_shows_the_error_and_keeps_the_email(
    client: Client, personas: Any
) -> None:
    response = post_sign_in(client, "coordinator@example.org", WRONG)

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "The email address or password is not right" in html
    assert 'value="coordinator@example.org"' in html
    assert WRONG not in html, "the password typed must never be sent back"
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action="user.signed_in").exists()


def test_sign_in_with_an_unknown_email_shows_the_same_error(client: Client, personas: Any) -> None:
    response = post_sign_in(client, "nobody@example.org", PASSWORD)

    assert response.status_code == 200
    assert "The email address or password is not right" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_with_an_empty_form_links_each_error_to_its_field(client: Client, personas: Any) -> None:
    response = client.post(SIGN_IN, {"username": "", "password": ""})

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_username">Enter your email address</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html
    assert "govuk-form-group--error" in html
    assert "_auth_user_id" not in client.session


def test_sign_in_email_is_not_case_sensitive(client: Client, personas: Any) -> None:
    response = post_sign_in(client, "COORDINATOR@Example.ORG", PASSWORD)

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == TWO_STEP
    assert client.session["_auth_user_id"] == str(personas["coordinator"].pk)


def test_sign_in_email_with_surrounding_spaces_still_works(client: Client, personas: Any) -> None:
    response = post_sign_in(client, "  coordinator@example.org  ", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas["coordinator"].pk)


def test_member_without_a_password_cannot_sign_in_with_one(client: Client, personas: Any) -> None:
    response = post_sign_in(client, "member@example.org", "")

    assert response.status_code == 200
    assert "Enter your password" in response.content.decode()
    response = post_sign_in(client, "member@example.org", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# --- Throttling ------------------------------------------------------------------------


def test_wrong_passwords_lock_one_account_from_one_address_but_not_the_venue(
    client: Client, personas: Any
) -> None:
    for attempt in range(1, 6):
        response = post_sign_in(client, "coordinator@example.org", WRONG)
        assert response.status_code == 200, f"attempt {attempt}"
        assert "The email address or password is not right" in response.content.decode()

    locked = post_sign_in(client, "coordinator@example.org", WRONG)
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    attempt = AccessAttempt.objects.get(username="coordinator@example.org")
    assert attempt.ip_address == "127.0.0.1"
    assert attempt.failures_since_start == 6

    # Even the right password is refused while locked.
    assert post_sign_in(client, "coordinator@example.org", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session

    # Someone else at the same venue (same REMOTE_ADDR) can still sign in.
    colleague = Client(REMOTE_ADDR="127.0.0.1")
    response = post_sign_in(colleague, "facilitator@example.org", PASSWORD)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == TWO_STEP
    assert colleague.session["_auth_user_id"] == str(personas["facilitator"].pk)


def test_the_same_account_from_another_address_is_not_locked(client: Client, personas: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        post_sign_in(client, "coordinator@example.org", WRONG)
    assert post_sign_in(client, "coordinator@example.org", PASSWORD).status_code == 429

    elsewhere = Client(REMOTE_ADDR="192.0.2.10")
    response = post_sign_in(elsewhere, "coordinator@example.org", PASSWORD)

    assert response.status_code == 302
    assert elsewhere.session["_auth_user_id"] == str(personas["coordinator"].pk)


def test_five_wrong_passwords_are_answered_normally_and_the_sixth_is_refused(
    client: Client, personas: Any
) -> None:
    for attempt in range(1, 6):
        response = post_sign_in(client, "coordinator@example.org", WRONG)
        assert response.status_code == 200, f"attempt {attempt}"

    sixth = post_sign_in(client, "coordinator@example.org", WRONG)
    assert sixth.status_code == 429
    assert "Too many attempts" in sixth.content.decode()


def test_changing_the_case_of_the_email_does_not_escape_a_lockout(client: Client, personas: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_sign_in(client, "coordinator@example.org", WRONG)
    assert post_sign_in(client, "coordinator@example.org", WRONG).status_code == 429

    response = post_sign_in(client, "Coordinator@Example.org", WRONG)

    assert response.status_code == 429


def test_lockout_logs_name_neither_the_email_nor_the_address(
    client: Client, personas: Any, caplog: Any
) -> None:
    caplog.set_level("DEBUG", logger="axes")
    for _ in range(6):
        post_sign_in(client, "coordinator@example.org", WRONG)

    lines = [record.getMessage() for record in caplog.records if record.name.startswith("axes")]
    assert any("Locking out account" in line for line in lines), lines
    for line in lines:
        assert "coordinator@example.org" not in line
        assert "127.0.0.1" not in line
