from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect
from sesame.utils import get_query_string

from sidebyside.accounts.models import User
from tests_e2e.conftest import check_page

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


def sign_in_with_password(page: Page, email: str, user: Any) -> None:
    page.goto("/")
    check_page(page, "start")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    check_page(page, "sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Set up two-step verification")).to_be_visible()
    check_page(page, "two-step-set-up")
    # A wrong code first: the error is shown and nothing is lost.
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    check_page(page, "two-step-wrong-code")
    # After a wrong code the app makes people wait a moment before the next try.
    page.wait_for_timeout(1500)
    page.get_by_label("Code from your authenticator app").fill(current_code(user, confirmed=False))
    page.get_by_role("button", name="Continue").click()
