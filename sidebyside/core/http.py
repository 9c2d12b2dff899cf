"""Facts about the request that depend on how the service is deployed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest, *args: Any, **kwargs: Any) -> str | None:
    """The address of the person's device, as seen by our first proxy.

    With ``TRUSTED_PROXY_COUNT`` = N, the N-th address from the right of
    X-Forwarded-For is the one our outermost proxy saw; anything left of it was
    written by the client and cannot be trusted. With no proxies, REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
