from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers

from sidebyside.core.exceptions import VerificationRequired

request_logger = logging.getLogger("sidebyside.request")
logger = logging.getLogger(__name__)
# How long to ask a browser (or a phone's join.js) to wait before trying again.
RETRY_AFTER_SECONDS = 5


class RequestLogMiddleware:
    """One structured line per request: the route pattern, never the path or query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None else "<unresolved>"
        if not route.startswith("static/"):
            request_logger.info(
                "request",
                extra={
                    "route": "/" + route,
                    "method": request.method,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        return response


class PrivateCacheMiddleware:
    """Signed-in pages may hold personal data: never let a browser or proxy keep them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
            patch_vary_headers(response, ["Cookie"])
        return response


class AccessDeniedMiddleware:
    """Send people who need two-step verification to set it up or to enter a code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, VerificationRequired):
            target = reverse(settings.TWO_STEP_URL)
            return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return None


class DatabaseUnavailableMiddleware:
    """The database went away for a moment (a restart, a failover): say "try again in a moment"
    with 503 and Retry-After, rather than a 500 that reads as if something is broken for good.

    The page is made without the request, so nothing on it needs the database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable: %s", type(exception).__name__)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
