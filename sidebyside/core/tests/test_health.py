"""/health/: the database answers and a worker has been seen lately."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.test import Client
from django.utils import timezone

from sidebyside.core.models import WorkerHeartbeat


def test_health_is_ok_with_a_fresh_heartbeat(client: Client, db: Any) -> None:
    WorkerHeartbeat.objects.create(worker_id="w1", last_seen=timezone.now())

    response = client.get("/health/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["worker"] == "ok"
    assert body["workers_alive"] == "1"
    assert "no-cache" in response["Cache-Control"]


def test_health_without_any_heartbeat_is_unhealthy(client: Client, db: Any) -> None:
    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["database"] == "ok"
    assert body["worker"] == "no recent heartbeat"


def test_health_with_only_a_stale_heartbeat_is_unhealthy(client: Client, db: Any) -> None:
    stale = timezone.now() - settings.WORKER_HEARTBEAT_STALE_AFTER - timedelta(seconds=5)
    WorkerHeartbeat.objects.create(worker_id="old", last_seen=stale)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["worker"] == "no recent heartbeat"


def test_health_counts_only_fresh_workers(client: Client, db: Any) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="old", last_seen=now - timedelta(days=1))
    WorkerHeartbeat.objects.create(worker_id="new", last_seen=now)

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json()["workers_alive"] == "1"


def test_live_probe_ignores_the_workers(client: Any, db: Any) -> None:
    response = client.get("/health/live/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_is_not_redirected_to_https(client: Any, db: Any, settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/health/live/").status_code == 200
    assert client.get("/privacy/").status_code == 301


def test_an_apps_check_is_reported_without_changing_the_status(
    client: Client, db: Any, monkeypatch: Any
) -> None:
    from sidebyside.core import health

    monkeypatch.setattr(health, "_checks", {"spare_parts": lambda: "running low"})
    WorkerHeartbeat.objects.create(worker_id="w1", last_seen=timezone.now())

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json()["spare_parts"] == "running low"


def test_a_failing_check_is_reported_unknown_not_a_500(client: Client, db: Any, monkeypatch: Any) -> None:
    from sidebyside.core import health

    def broken() -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(health, "_checks", {"broken": broken, "fine": lambda: "ok"})
    WorkerHeartbeat.objects.create(worker_id="w1", last_seen=timezone.now())

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json()["broken"] == "unknown"
    assert response.json()["fine"] == "ok"


def test_a_check_cannot_take_the_name_of_the_core_ones() -> None:
    import pytest

    from sidebyside.core import health

    with pytest.raises(ValueError, match="status"):
        health.register("status", lambda: "ok")
