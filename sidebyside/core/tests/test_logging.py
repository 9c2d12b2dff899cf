"""Structured logging: JSON lines, the URL pattern, and never a query string or personal data."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from sidebyside.accounts.services import sign_in_link_create
from sidebyside.core.logging import JsonFormatter


def make_record(msg: str = "hello %s", args: tuple[Any, ...] = ("world",), **extra: Any) -> logging.LogRecord:
    record = logging.LogRecord("sidebyside.test", logging.INFO, __file__, 1, msg, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_json_formatter_writes_one_json_object_with_the_route() -> None:
    line = JsonFormatter().format(make_record(route="/hubs/<int:hub_id>/", status=200, method="GET"))

    assert "\n" not in line
    payload = json.loads(line)
    assert payload["message"] == "hello world"
    assert payload["level"] == "INFO"
    assert payload["logger"] == "sidebyside.test"
    assert payload["route"] == "/hubs/<int:hub_id>/"
    assert payload["status"] == 200
    assert payload["time"].endswith("+00:00")


def test_json_formatter_leaves_out_attributes_not_on_its_list() -> None:
    payload = json.loads(JsonFormatter().format(make_record(email="someone@example.org", path="/x/?q=1")))

    assert "email" not in payload
    assert "path" not in payload
    assert "someone@example.org" not in json.dumps(payload)


def test_json_formatter_writes_the_exception_type_but_not_its_message() -> None:
    secret = "secret value " + str(12345)  # built at run time, so not in the source line either
    try:
        raise ValueError(secret)
    except ValueError:
        record = logging.LogRecord(
            "sidebyside.test", logging.ERROR, __file__, 1, "failed", None, sys.exc_info()
        )

    payload = json.loads(JsonFormatter().format(record))

    assert payload["exception"] == "ValueError"
    assert "test_logging.py" in payload["traceback"]
    assert "raise ValueError(secret)" in payload["traceback"]
    assert "secret value 12345" not in json.dumps(payload)


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Capture every record at every level, including loggers that do not propagate."""
    caplog.set_level(logging.DEBUG)
    quiet = [logging.getLogger(name) for name in ("django.request", "django.server")]
    for logger in quiet:
        logger.addHandler(caplog.handler)
    yield caplog
    for logger in quiet:
        logger.removeHandler(caplog.handler)


def formatted(caplog: pytest.LogCaptureFixture) -> list[str]:
    formatter = JsonFormatter()
    return [formatter.format(record) for record in caplog.records]


def test_requests_are_logged_with_the_route_pattern_only(
    client_for: Callable[..., Client], hub: Any, all_logs: pytest.LogCaptureFixture
) -> None:
    client = client_for("member")

    response = client.get(f"/hubs/{hub.pk}/?q=SECRETQUERY42")

    assert response.status_code == 200
    records = [r for r in all_logs.records if r.name == "sidebyside.request"]
    assert len(records) == 1
    payload = json.loads(JsonFormatter().format(records[0]))
    assert payload["route"] == "/hubs/<int:hub_id>/"
    assert payload["method"] == "GET"
    assert payload["status"] == 200
    assert isinstance(payload["duration_ms"], float)
    assert payload["message"] == "request"
    for line in formatted(all_logs):
        assert "SECRETQUERY42" not in line
        assert f"/hubs/{hub.pk}/" not in line


def test_sign_in_tokens_never_reach_the_logs(
    client: Client, personas: Any, all_logs: pytest.LogCaptureFixture
) -> None:
    assert client.get("/sign-in/link/?token=SECRETTOKEN123").status_code == 400
    assert client.post("/sign-in/link/", {"token": "SECRETTOKEN123"}).status_code == 400
    token = sign_in_link_create(user=personas["member"]).split("token=", 1)[1]
    assert client.get(f"/sign-in/link/?token={token}", follow=True).status_code == 200
    assert client.post("/sign-in/link/", {"token": token}).status_code == 302
    assert client.session["_auth_user_id"] == str(personas["member"].pk)

    lines = formatted(all_logs)
    routes = [json.loads(line).get("route") for line in lines]
    assert routes.count("/sign-in/link/") == 5
    for line in lines:
        assert "SECRETTOKEN123" not in line
        assert token not in line
    for record in all_logs.records:
        assert "SECRETTOKEN123" not in repr(record.__dict__)
        assert token not in repr(record.__dict__)


def test_unresolved_addresses_are_logged_without_the_path(
    client: Client, db: Any, all_logs: pytest.LogCaptureFixture
) -> None:
    client.get("/no-such-page-PERSONALNAME/")

    lines = formatted(all_logs)
    requests = [json.loads(line) for line in lines if '"sidebyside.request"' in line]
    assert [r["route"] for r in requests] == ["/<unresolved>"]
    assert requests[0]["status"] == 404
    assert all("PERSONALNAME" not in line for line in lines)


def test_no_personal_names_in_logs_even_at_debug_level(
    client: Client, personas: Any, all_logs: pytest.LogCaptureFixture
) -> None:
    member = personas["member"]  # all_logs captures DEBUG, as LOG_LEVEL=DEBUG would
    token = sign_in_link_create(user=member).split("token=", 1)[1]

    client.get(f"/sign-in/link/?token={token}")
    client.post("/sign-in/link/")

    assert client.session["_auth_user_id"] == str(member.pk)
    for line in formatted(all_logs):
        assert member.full_name not in line
