"""Writes that concern accounts and signing in."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from sesame.utils import get_query_string

from sidebyside.accounts.models import User, new_security_stamp
from sidebyside.core.audit import audit


def sign_in_link_create(*, user: User, actor: User | None = None) -> str:
    """A single-use, short-lived link that signs ``user`` in without a password."""
    if not user.is_active:
        raise ValueError("Cannot make a sign-in link for a deactivated account.")
    with transaction.atomic():
        audit(actor=actor, action="sign_in_link.created", obj=user, subject=user)
    return f"{settings.SITE_URL}{reverse('accounts:sign_in_link')}{get_query_string(user)}"


def user_sign_out_everywhere(*, user: User) -> None:
    """End every session of ``user`` on every device, and void unused sign-in links."""
    with transaction.atomic():
        user.security_stamp = new_security_stamp()
        # Single-use links are bound to last_login: moving it voids any still unused.
        user.last_login = timezone.now()
        user.save(update_fields=["security_stamp", "last_login"])
        audit(actor=user, action="user.signed_out_everywhere", obj=user)


def totp_device_start(*, user: User) -> TOTPDevice:
    """Begin setting up an authenticator app: an unconfirmed device with a fresh secret."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_device_confirm(*, user: User, device: TOTPDevice, code: str) -> bool:
    """Confirm the device when ``code`` is right. Returns whether it was."""
    if device.user_id != user.pk or not device.verify_token(code):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        audit(actor=user, action="two_step.set_up", obj=user)
    return True
