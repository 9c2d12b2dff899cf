from __future__ import annotations

from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from sesame.utils import get_query_string

from sidebyside.accounts.models import User

STAFF_PASSWORD = "a long demo password for tests"


def load_demo() -> None:
    call_command("load_demo", verbosity=0)


def staff_with_password(email: str) -> User:
    user = User.objects.get(email=email)
    user.set_password(STAFF_PASSWORD)
    user.save(update_fields=["password"])
    return user


def current_code(user: User, *, confirmed: bool | None = None) -> str:
    devices = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    device = devices.latest("pk")
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in_link_path(user: User) -> str:
    return reverse("accounts:sign_in_link") + get_query_string(user)
