"""Two-step verification: setting up an authenticator app, and entering a code at sign-in."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sidebyside.core.models import AuditEvent
from sidebyside.core.tests.test_qr import assert_scales_whole

TWO_STEP = "/sign-in/two-step/"


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    """A well-formed code that no nearby time step of ``device`` accepts."""
    near = {
        f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=d):06d}"
        for d in range(-3, 4)
    }
    return next(c for c in (f"{n}" * 6 for n in range(10)) if c not in near)


def test_staff_set_up_an_authenticator_app_and_then_see_personal_data(
    client_for: Callable[..., Client], personas: Any, hub: Any
) -> None:
    coordinator = personas["coordinator"]
    client = client_for("coordinator", verified=False)
    people = f"/hubs/{hub.pk}/people/"
    # Before two-step verification, personal data sends them to verify.
    before = client.get(people)
    assert before.status_code == 302
    assert before["Location"] == f"{TWO_STEP}?{urlencode({'next': people})}"

    page = client.get(TWO_STEP, {"next": people})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Set up two-step verification" in html
    assert_scales_whole(html)
    device = TOTPDevice.objects.get(user=coordinator)
    assert device.confirmed is False
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert f"{secret[:4]} {secret[4:8]}" in html, "the key is shown in groups for typing by hand"

    malformed = client.post(TWO_STEP, {"code": "12ab", "next": people})
    assert malformed.status_code == 200
    assert "The code must be 6 numbers" in malformed.content.decode()

    wrong = client.post(TWO_STEP, {"code": wrong_code_for(device), "next": people})
    assert wrong.status_code == 200
    assert "The code is not right" in wrong.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert client.get(people).status_code == 302

    # django-otp throttles a device for a second after a wrong code: try again a little later.
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=True):
        right = client.post(TWO_STEP, {"code": code_for(device), "next": people})

    assert right.status_code == 302
    assert right["Location"] == people
    device.refresh_from_db()
    assert device.confirmed is True
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1
    assert client.session["otp_device_id"] == device.persistent_id
    assert "totp_setup_device" not in client.session
    assert client.get(people).status_code == 200
    actions = set(AuditEvent.objects.filter(actor=coordinator).values_list("action", flat=True))
    assert {"two_step.set_up", "two_step.verified"} <= actions


def test_set_up_page_keeps_the_same_secret_when_reloaded(
    client_for: Callable[..., Client], personas: Any
) -> None:
    client = client_for("coordinator", verified=False)

    client.get(TWO_STEP)
    first = TOTPDevice.objects.get(user=personas["coordinator"])
    client.get(TWO_STEP)

    assert list(TOTPDevice.objects.filter(user=personas["coordinator"])) == [first]


def test_set_up_code_with_spaces_is_accepted(client_for: Callable[..., Client], personas: Any) -> None:
    client = client_for("coordinator", verified=False)
    client.get(TWO_STEP)
    device = TOTPDevice.objects.get(user=personas["coordinator"])
    code = code_for(device)

    response = client.post(TWO_STEP, {"code": f"{code[:3]} {code[3:]}"})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True


def test_empty_code_asks_for_the_numbers(client_for: Callable[..., Client], personas: Any) -> None:
    client = client_for("coordinator", verified=False)
    client.get(TWO_STEP)

    response = client.post(TWO_STEP, {"code": ""})

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter the 6 numbers from your authenticator app" in html


def test_staff_with_an_authenticator_enter_a_code_at_sign_in(
    client_for: Callable[..., Client], personas: Any, hub: Any
) -> None:
    coordinator = personas["coordinator"]
    device = TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)
    client = client_for("coordinator", verified=False)

    page = client.get(TWO_STEP)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Enter the code" in html
    assert "Set up two-step verification" not in html
    assert "<svg" not in html, "the secret must not be shown again once set up"
    assert list(TOTPDevice.objects.filter(user=coordinator)) == [device]

    response = client.post(TWO_STEP, {"code": code_for(device)})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["otp_device_id"] == device.persistent_id
    assert client.get(f"/hubs/{hub.pk}/people/").status_code == 200
    assert AuditEvent.objects.filter(actor=coordinator, action="two_step.verified").exists()


def test_a_wrong_code_at_sign_in_is_refused(
    client_for: Callable[..., Client], personas: Any, hub: Any
) -> None:
    device = TOTPDevice.objects.create(user=personas["coordinator"], name="phone", confirmed=True)
    client = client_for("coordinator", verified=False)

    response = client.post(TWO_STEP, {"code": wrong_code_for(device)})

    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert "otp_device_id" not in client.session
    assert client.get(f"/hubs/{hub.pk}/people/").status_code == 302


def test_members_are_never_sent_to_two_step(client_for: Callable[..., Client], hub: Any) -> None:
    client = client_for("member")

    response = client.get(f"/hubs/{hub.pk}/")

    assert response.status_code == 200


def test_staff_signed_in_by_link_without_a_password_can_set_up_two_step(
    client: Client, personas: Any, hub: Any
) -> None:
    coordinator = personas["coordinator"]
    coordinator.set_unusable_password()
    coordinator.save(update_fields=["password"])
    client.force_login(coordinator, backend="sesame.backends.ModelBackend")

    response = client.get(f"/hubs/{hub.pk}/people/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(TWO_STEP)
    assert "Set up two-step verification" in response.content.decode()


def test_already_verified_staff_are_sent_on(client_for: Callable[..., Client], personas: Any) -> None:
    client = client_for("coordinator")

    response = client.get(TWO_STEP, {"next": "/account/"})

    assert response.status_code == 302
    assert response["Location"] == "/account/"


def test_two_step_needs_sign_in(client: Client, db: Any) -> None:
    response = client.get(TWO_STEP)

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_a_right_code_straight_after_a_wrong_one_asks_to_wait(
    client_for: Callable[..., Client], personas: Any
) -> None:
    device = TOTPDevice.objects.create(user=personas["coordinator"], name="phone", confirmed=True)
    client = client_for("coordinator", verified=False)
    assert "The code is not right" in client.post(TWO_STEP, {"code": wrong_code_for(device)}).content.decode()

    hurried = client.post(TWO_STEP, {"code": code_for(device)})

    assert hurried.status_code == 200
    assert "Too many wrong codes" in hurried.content.decode()
    assert "otp_device_id" not in client.session
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=True):
        assert client.post(TWO_STEP, {"code": code_for(device)}).status_code == 302
