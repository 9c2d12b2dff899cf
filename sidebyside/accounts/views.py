from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from sesame.backends import ModelBackend as SesameBackend

from sidebyside.accounts import services
from sidebyside.accounts.forms import CodeForm, SignInForm
from sidebyside.accounts.models import User
from sidebyside.core.audit import audit
from sidebyside.core.qr import qr_svg

_LINK_BACKEND = SesameBackend()
_LINK_SESSION_KEY = "sign_in_link_token"


def _safe_next(request: HttpRequest, default: str = "dashboards:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Staff sign in with an email address and password, then two-step verification."""
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if user is None:
            # A locked-out account never gets here: django-axes answers with the lockout page.
            form.add_error(None, "The email address or password is not right")
        else:
            login(request, user)
            audit(actor=user, action="user.signed_in", obj=user, method="password")
            query = urlencode({"next": _safe_next(request)})
            return redirect(f"{reverse('accounts:two_step')}?{query}")
    return render(request, "accounts/sign_in.html", {"form": form, "next": request.GET.get("next", "")})


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """What django-axes shows after too many wrong passwords for one account from one place."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


@require_http_methods(["GET", "POST"])
def sign_in_link(request: HttpRequest) -> HttpResponse:
    """Where a sign-in link lands.

    The link is checked on arrival, then its token moves into the session and the
    browser is sent to the same page without it, so the token leaves the address
    bar, the history and any Referer header. It is only used up when the person
    presses the button, so a phone or mail scanner that opens links in advance
    does not spend it.
    """
    if request.method == "GET" and "token" in request.GET:
        token = request.GET["token"]
        if _LINK_BACKEND.authenticate(request, sesame=token) is None:
            request.session.pop(_LINK_SESSION_KEY, None)
            response = render(request, "accounts/link_invalid.html", status=400)
        else:
            request.session[_LINK_SESSION_KEY] = token
            response = redirect("accounts:sign_in_link")
        response["Referrer-Policy"] = "no-referrer"
        return response

    stored: str | None = request.session.get(_LINK_SESSION_KEY)
    # The token backend is asked directly: a signed token cannot be guessed, so it needs no
    # throttling, and going through django-axes would lock a venue out after a few old links.
    user = _LINK_BACKEND.authenticate(request, sesame=stored) if stored else None
    if user is None:
        request.session.pop(_LINK_SESSION_KEY, None)
        return render(request, "accounts/link_invalid.html", status=400 if request.method == "POST" else 200)
    if request.method == "GET":
        return render(request, "accounts/link_confirm.html")
    # Signing in moves last_login, which is what makes the link single-use.
    request.session.pop(_LINK_SESSION_KEY, None)
    login(request, user, backend="sesame.backends.ModelBackend")
    audit(actor=user, action="user.signed_in", obj=user, method="link")
    return redirect("dashboards:home")


@login_required
@require_http_methods(["GET", "POST"])
def two_step(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app the first time, then ask for a code at each sign-in."""
    user = request.user
    assert isinstance(user, User)
    next_url = _safe_next(request)
    if user.is_verified():  # type: ignore[attr-defined]
        return HttpResponseRedirect(next_url)
    # Anyone signed in may set up an app here: the access helpers send whoever asks for personal
    # data, and staff who signed in by link (with no password) must be able to, or they would loop.
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device_id = request.session.get("totp_setup_device")
        device = TOTPDevice.objects.filter(user=user, confirmed=False, pk=device_id).first()
        if device is None:
            device = services.totp_device_start(user=user)
            request.session["totp_setup_device"] = device.pk
    assert device is not None
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", "Too many wrong codes. Wait a few seconds, then enter the newest code")
            return _two_step_page(request, form, device, setting_up, next_url)
        ok = (
            services.totp_device_confirm(user=user, device=device, code=code)
            if setting_up
            else device.verify_token(code)
        )
        if ok:
            otp_login(request, device)
            request.session.pop("totp_setup_device", None)
            audit(actor=user, action="two_step.verified", obj=user)
            if setting_up:
                messages.success(request, "Two-step verification is set up")
            return HttpResponseRedirect(next_url)
        form.add_error("code", "The code is not right. Check the time on your phone is correct and try again")
    return _two_step_page(request, form, device, setting_up, next_url)


def _two_step_page(
    request: HttpRequest, form: CodeForm, device: TOTPDevice, setting_up: bool, next_url: str
) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "setting_up": setting_up, "next": next_url}
    if setting_up:
        context["qr_svg"] = qr_svg(device.config_url, title="QR code to scan with your authenticator app")
        context["secret"] = _group(device.bin_key)
    return render(request, "accounts/two_step.html", context)


def _group(key: bytes) -> str:
    """The secret in groups of four letters, for typing into an app by hand."""
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:signed_out")


def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signed_out.html")


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    services.user_sign_out_everywhere(user=user)
    logout(request)
    return redirect("accounts:signed_out")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    return render(request, "accounts/account.html", {"has_device": has_device})
