from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from sidebyside.core import health as app_checks
from sidebyside.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health check: database unavailable")
        return False
    return True


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Is the database answering and has a worker been seen lately? 200 if both, else 503.

    What the apps' own checks say (``core.health``) is added when the database answers; it does
    not change the status."""
    checks: dict[str, str] = {"database": "ok" if _database_ok() else "unavailable"}
    if checks["database"] == "ok":
        cutoff = timezone.now() - settings.WORKER_HEARTBEAT_STALE_AFTER
        alive = WorkerHeartbeat.objects.filter(last_seen__gte=cutoff).count()
        checks["worker"] = "ok" if alive else "no recent heartbeat"
        checks["workers_alive"] = str(alive)
        checks.update(app_checks.reports())
    else:
        checks["worker"] = "unknown"
    healthy = checks["database"] == "ok" and checks["worker"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", **checks}, status=200 if healthy else 503
    )


@never_cache
def health_live(request: HttpRequest) -> JsonResponse:
    """For load balancers: this web process answers and reaches the database.

    Unlike /health/ it does not look at the workers, so a stopped worker does not
    take every web node out of service.
    """
    if not _database_ok():
        return JsonResponse({"status": "unhealthy", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "core/csrf_failure.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
