from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from sidebyside.accounts.models import User


def throttle_key(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """The name django-axes counts failures under: the email address as sign-in reads it."""
    username = (credentials or {}).get("username")
    return username.strip().lower() if isinstance(username, str) else None


def throttle_log_name(
    username: str | None, ip_address: str | None, user_agent: str | None, path_info: str | None, request: Any
) -> str:
    """How django-axes names a client in its log lines: never the email address or the IP.

    A keyed digest still lets someone reading the logs see that lines are about one account.
    """
    key = (username or "").strip().lower()
    digest = salted_hmac("sign-in-throttle-log", key, algorithm="sha256").hexdigest()[:12] if key else "none"
    return f"account {digest}"


class EmailBackend(ModelBackend):
    """Password sign-in by email address, case-insensitive."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or not password:
            return None
        try:
            user = User.objects.get(email__iexact=username.strip())
        except User.DoesNotExist:
            User().set_password(password)  # same work either way: no timing hint that the email exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
