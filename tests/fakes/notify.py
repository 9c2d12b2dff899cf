"""A fake GOV.UK Notify API (v2) for tests and benchmarks, spoken to by the real client.

The fake listens on 127.0.0.1 only, on a free port, in a background thread. It checks the
client's JSON Web Token like Notify does, validates sends much as Notify does, records what it
accepted, and can be told to misbehave for the next few requests so a sender's retries can be
tested against the hard cases (a 500, a 429, an answer that never comes although the message was
received).

In a test::

    def test_something(fake_notify: FakeNotify) -> None:
        client = NotificationsAPIClient(fake_notify.api_key, base_url=fake_notify.base_url)
        fake_notify.fail_next(1, status=500)
        ...
        assert fake_notify.received_by_reference()["ref-1"] == 1

The ``fake_notify`` fixture lives in this module. Make it visible to the whole suite with one
line in the root ``conftest.py``::

    pytest_plugins = ["tests.fakes.notify"]

(a test module can carry the same line; registering the plugin twice is harmless). Without a
fixture, use the class as a context manager: ``with FakeNotify() as fake: ...``.

On its own, for benchmarks (from the repository root)::

    python -m tests.fakes.notify --port 0 [--latency-ms 20]

prints ``{"base_url": ..., "api_key": ...}`` as one JSON line, serves until SIGTERM or SIGINT,
then prints one JSON line of totals (``received``, ``requests``, ``duplicate_references``).

Scripted faults (``fail_next``, ``time_out_next``, ``drop_next``) queue up in the order they are
asked for and are taken by the next sends (POST /v2/notifications/sms or /email) whatever those
contain; GETs pass them by unless a fault was asked for with ``include_gets=True``. A fault that
does not record answers before the token is even checked, like a failure in front of Notify. With
the real client, a timeout or a dropped connection surfaces as ``HTTP503Error`` whose
``response`` is None (status_code 503 is the client's stand-in), unlike a real 503 answer.

Tokens: a missing ``Authorization`` header or another scheme is a 401 (as with Notify), a token
that does not check out (signature, service id, algorithm, iat more than 30 s away) a 403 with
``{"status_code": 403, "errors": [{"error": "AuthError", "message": ...}]}``.

This module has no assertions of its own, so pytest is told not to rewrite it (it may be imported
before pytest registers it as a plugin): PYTEST_DONT_REWRITE

What is deliberately simpler than Notify:
- templates are not stored or rendered: any UUID is a template (unless ``templates=`` is given,
  mapping template ids to "sms" or "email"), and the body is a made-up text;
- phone numbers: UK mobiles only, i.e. 10 digits starting with 7 after the +44/0044/44/0 prefix
  (spaces, brackets and dashes allowed). That takes in Ofcom's drama range (07700 900000 to
  900999). Landlines answer "Not a UK mobile number"; other countries answer "Cannot send to
  international mobile numbers" (a service without the international permission);
- email addresses: something@something.something, no spaces;
- one service, one API key; no letters, no team or test keys, no daily limits;
- notifications stay in the status given to them ("created" on arrival) until ``set_status`` or
  ``callback_payload`` moves them on.
"""

from __future__ import annotations

import argparse
import contextlib
import http
import json
import re
import signal
import socket
import sys
import threading
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, NamedTuple, Self, cast
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest

HOST = "127.0.0.1"
TOKEN_BOUND_SECONDS = 30
PAGE_SIZE = 250  # Notify's page size for GET /v2/notifications

STATUSES = (
    "created",
    "sending",
    "pending",
    "sent",
    "delivered",
    "permanent-failure",
    "temporary-failure",
    "technical-failure",
)
FAILED = ("permanent-failure", "temporary-failure", "technical-failure")
FINAL_STATUSES = ("delivered", "sent", *FAILED)
CALLBACK_STATUSES = ("delivered", *FAILED)
TEMPLATE_TYPES = ("sms", "email", "letter")

SMS_FROM = "GOVUK"
EMAIL_FROM = "fake.service@notifications.service.gov.uk"

_SEND_FIELDS = {
    "sms": {"phone_number", "template_id", "personalisation", "reference", "sms_sender_id"},
    "email": {
        "email_address",
        "template_id",
        "personalisation",
        "reference",
        "email_reply_to_id",
        "one_click_unsubscribe_url",
        "sanitise_content_for",
    },
}
_RECIPIENT = {"sms": "phone_number", "email": "email_address"}
_SENDER_FIELD = {"sms": "sms_sender_id", "email": "email_reply_to_id"}
_LIST_PARAMS = {"reference", "status", "template_type", "older_than", "include_jobs"}
_EMAIL_RE = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_DIGITS_RE = re.compile(r"[0-9]+")
_SEPARATORS_RE = re.compile(r"[\s()\-]")

_FAULT_ERRORS = {
    429: ("RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"),
    500: ("Exception", "Internal server error"),
}


class SeenRequest(NamedTuple):
    """One request the fake saw: ``path`` has no query string; ``status`` 0 means no answer."""

    method: str
    path: str
    status: int


@dataclass(frozen=True)
class _Fault:
    kind: Literal["fail", "time_out", "drop"]
    status: int = 0
    record: bool = False
    seconds: float = 0.0
    include_gets: bool = False
    error: str | None = None
    message: str | None = None


@dataclass
class _Notification:
    id: str
    type: str
    to: str
    template_id: str
    personalisation: dict[str, Any]
    reference: str | None
    at: datetime
    sender_id: str | None
    status: str
    sent_at: datetime | None = None
    completed_at: datetime | None = None

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "to": self.to,
            "template_id": self.template_id,
            "personalisation": dict(self.personalisation),
            "reference": self.reference,
            "at": self.at,
            "status": self.status,
        }


@dataclass
class _Reply:
    status: int
    payload: dict[str, Any] | None = None
    delay: float = 0.0
    drop: bool = False


def _now() -> datetime:
    return datetime.now(UTC)


def _timestamp(moment: datetime | None) -> str | None:
    """Notify's way of writing times: 2026-11-22T10:15:30.123456Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if moment else None


def _errors(status: int, error: str, *messages: str) -> _Reply:
    return _Reply(
        status, {"status_code": status, "errors": [{"error": error, "message": m} for m in messages]}
    )


def _unexpected(given: Mapping[str, object], allowed: set[str]) -> list[str]:
    """Notify's schemas allow no other properties; its message names the unexpected ones."""
    unexpected = sorted(set(given) - allowed)
    if not unexpected:
        return []
    names = ", ".join(repr(name) for name in unexpected)
    return [
        f"Additional properties are not allowed ({names} {'was' if len(unexpected) == 1 else 'were'} unexpected)"
    ]


def _is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def uk_mobile_problem(number: str) -> str | None:
    """Why Notify would refuse this as a UK mobile number, or None if it would take it."""
    compact = _SEPARATORS_RE.sub("", number)
    international = compact.startswith(("+", "00"))
    digits = compact.removeprefix("+")
    if not _DIGITS_RE.fullmatch(digits):
        return "Must not contain letters or symbols"
    if international:
        digits = digits.removeprefix("00")
        if not digits.startswith("44"):
            return "Cannot send to international mobile numbers"
        national = digits[2:].removeprefix("0")  # +44 (0)7700 900123
    elif digits.startswith("44") and len(digits) == 12:
        national = digits[2:]
    else:
        national = digits.removeprefix("0")
    if not national.startswith("7"):
        return "Not a UK mobile number"
    if len(national) > 10:
        return "Too many digits"
    if len(national) < 10:
        return "Not enough digits"
    return None


def make_api_key(service_id: str, secret: str, name: str = "fake_notify") -> str:
    """An API key in Notify's shape: ``{name}-{service id}-{secret}``."""
    return f"{name}-{service_id}-{secret}"


class _Server(ThreadingHTTPServer):
    def __init__(self, fake: FakeNotify, port: int) -> None:
        self.fake = fake
        super().__init__((HOST, port), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        # One thread per connection, tracked so that stop() can close idle keep-alive
        # connections and wait for every thread to end.
        thread = threading.Thread(
            target=self._serve_connection, args=(request, client_address), name="fake-notify-connection"
        )
        thread.daemon = True
        self.fake._opened(request, thread)
        thread.start()

    def _serve_connection(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            self.fake._closed(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exception(), OSError):
            return  # the client went away (a timeout, a dropped connection): nothing to report
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as requests' session expects
    timeout = 60  # idle keep-alive connections are closed after a minute
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall
    server_version = "FakeNotify/1"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def do_PUT(self) -> None:
        self._answer("PUT")

    def do_DELETE(self) -> None:
        self._answer("DELETE")

    def _answer(self, method: str) -> None:
        fake = cast(_Server, self.server).fake
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            reply = fake._handle(method, self.path, self.headers.get("Authorization"), body)
        except Exception:
            traceback.print_exc()
            reply = _errors(500, "Exception", "Internal server error (a bug in the fake)")
        delay = reply.delay + fake.latency
        if delay and fake._stopping.wait(delay):
            reply = _Reply(0, drop=True)  # stopping: do not answer
        if reply.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        data = json.dumps(reply.payload).encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True


class FakeNotify:
    """A fake GOV.UK Notify API on 127.0.0.1; start it with ``with`` or ``start()``/``stop()``.

    ``latency`` (seconds) is added to every answer; ``templates`` (template id → "sms"/"email"),
    if given, makes other template ids "Template not found"; ``page_size`` is the page size of
    GET /v2/notifications; ``initial_status`` is the status of a notification on arrival.
    """

    def __init__(
        self,
        *,
        port: int = 0,
        latency: float = 0.0,
        templates: Mapping[str, str] | None = None,
        page_size: int = PAGE_SIZE,
        initial_status: str = "created",
        service_id: str | None = None,
        secret: str | None = None,
        key_name: str = "fake_notify",
    ) -> None:
        if initial_status not in STATUSES:
            raise ValueError(f"initial_status must be one of {STATUSES}")
        self.port = port
        self.latency = latency
        self.templates = dict(templates) if templates is not None else None
        self.page_size = page_size
        self.initial_status = initial_status
        self.service_id = service_id or str(uuid.uuid4())
        self.secret = secret or str(uuid.uuid4())
        self.api_key = make_api_key(self.service_id, self.secret, key_name)
        self._lock = threading.Lock()
        self._received: list[_Notification] = []
        self._by_id: dict[str, _Notification] = {}
        self._by_reference: dict[str | None, list[_Notification]] = {}
        self._requests: list[SeenRequest] = []
        self._faults: list[_Fault] = []
        self._connections: dict[Any, threading.Thread] = {}
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # Life cycle

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeNotify is not started")
        return f"http://{HOST}:{self._server.server_address[1]}"

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("FakeNotify is already started")
        self._stopping.clear()
        self._server = _Server(self, self.port)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-notify-server"
        )
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving, close open connections, wait for every thread; safe to call twice."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()  # wakes handlers that are sleeping (timeouts, latency)
        server.shutdown()  # no new connections after this
        with self._lock:
            connections = list(self._connections.items())
        for connection, _ in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)  # unblocks handlers waiting on keep-alive
        for _, handler in connections:
            handler.join(timeout)
        server.server_close()
        thread.join(timeout)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _opened(self, connection: Any, thread: threading.Thread) -> None:
        with self._lock:
            self._connections[connection] = thread

    def _closed(self, connection: Any) -> None:
        with self._lock:
            self._connections.pop(connection, None)

    # Scripted faults

    def fail_next(
        self,
        n: int = 1,
        status: int = 500,
        *,
        record: bool = False,
        include_gets: bool = False,
        error: str | None = None,
        message: str | None = None,
    ) -> None:
        """Answer the next ``n`` sends with ``status`` and a Notify-shaped error body.

        ``record=False``: the message was not received. ``record=True``: it was received and
        recorded (if valid) and only the answer failed. ``include_gets``: GETs take these faults
        too. ``error``/``message`` replace the body's error name and message (for 429 the default
        is Notify's RateLimitError; there is no Retry-After header, as with Notify).
        """
        if not 400 <= status <= 599:
            raise ValueError("status must be a 4xx or 5xx code")
        self._add_faults(
            n, _Fault("fail", status, record, include_gets=include_gets, error=error, message=message)
        )

    def time_out_next(self, n: int = 1, seconds: float = 5.0, *, include_gets: bool = False) -> None:
        """Receive and record the next ``n`` sends, then wait ``seconds`` before answering.

        A client whose timeout is shorter gives up without an answer although the message was
        received: the sender must look it up by reference before sending it again.
        """
        self._add_faults(n, _Fault("time_out", seconds=seconds, record=True, include_gets=include_gets))

    def drop_next(self, n: int = 1, *, record: bool = True, include_gets: bool = False) -> None:
        """Close the connection of the next ``n`` sends without answering (received if ``record``)."""
        self._add_faults(n, _Fault("drop", record=record, include_gets=include_gets))

    @property
    def pending_faults(self) -> int:
        with self._lock:
            return len(self._faults)

    def _add_faults(self, n: int, fault: _Fault) -> None:
        if n < 0:
            raise ValueError("n must not be negative")
        with self._lock:
            self._faults.extend([fault] * n)

    def _take_fault(self, is_send: bool, is_get: bool) -> _Fault | None:
        """The first waiting fault that applies to this request (faults are used in order)."""
        if not (is_send or is_get):
            return None
        with self._lock:
            for i, fault in enumerate(self._faults):
                if is_send or fault.include_gets:
                    return self._faults.pop(i)
        return None

    # What was received

    @property
    def received(self) -> list[dict[str, Any]]:
        """Accepted notifications, oldest first (copies): id, type, to, template_id,
        personalisation, reference, at (aware UTC datetime), status."""
        with self._lock:
            return [n.public() for n in self._received]

    def received_by_reference(self) -> Counter[str | None]:
        with self._lock:
            return Counter({ref: len(ns) for ref, ns in self._by_reference.items()})

    @property
    def requests(self) -> list[SeenRequest]:
        """Every request seen, in order, as (method, path, status answered)."""
        with self._lock:
            return list(self._requests)

    def notification(self, notification_id: str) -> dict[str, Any]:
        with self._lock:
            return self._by_id[notification_id].public()

    def set_status(self, notification_id: str, status: str) -> None:
        """Move a notification on, as Notify does when the provider reports back."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}")
        now = _now()
        with self._lock:
            notification = self._by_id[notification_id]
            notification.status = status
            if status not in ("created", "pending") and notification.sent_at is None:
                notification.sent_at = now
            if status in FINAL_STATUSES:
                notification.completed_at = now

    def callback_payload(self, notification_id: str, status: str = "delivered") -> dict[str, Any]:
        """Set the notification's status and return the JSON Notify would POST to the
        service's delivery-receipt callback URL."""
        if status not in CALLBACK_STATUSES:
            raise ValueError(f"Notify calls back with one of {CALLBACK_STATUSES}")
        self.set_status(notification_id, status)
        with self._lock:
            n = self._by_id[notification_id]
            return {
                "id": n.id,
                "reference": n.reference,
                "to": n.to,
                "status": n.status,
                "created_at": _timestamp(n.at),
                "completed_at": _timestamp(n.completed_at),
                "sent_at": _timestamp(n.sent_at),
                "notification_type": n.type,
                "template_id": n.template_id,
                "template_version": 1,
            }

    def reset(self) -> None:
        """Forget what was received and seen, and any waiting faults (the key stays)."""
        with self._lock:
            self._received.clear()
            self._by_id.clear()
            self._by_reference.clear()
            self._requests.clear()
            self._faults.clear()

    # Answering

    def _handle(self, method: str, target: str, authorization: str | None, body: bytes) -> _Reply:
        path = urlsplit(target).path
        is_send = method == "POST" and path in ("/v2/notifications/sms", "/v2/notifications/email")
        fault = self._take_fault(is_send, method == "GET" and path.startswith("/v2/"))

        if fault is not None and not fault.record:
            reply = self._fault_reply(fault)
        else:
            reply = self._auth_problem(authorization) or self._route(method, path, target, body)
            if fault is not None:
                if fault.kind == "time_out":
                    reply.delay = fault.seconds
                else:
                    reply = self._fault_reply(fault)

        with self._lock:
            self._requests.append(SeenRequest(method, path, 0 if reply.drop else reply.status))
        return reply

    def _route(self, method: str, path: str, target: str, body: bytes) -> _Reply:
        if path == "/v2/notifications":
            return self._list(target) if method == "GET" else self._not_allowed()
        notification_id = path.removeprefix("/v2/notifications/")
        if notification_id in ("sms", "email"):
            return self._send(notification_id, body) if method == "POST" else self._not_allowed()
        if path.startswith("/v2/notifications/") and notification_id and "/" not in notification_id:
            return self._get(notification_id) if method == "GET" else self._not_allowed()
        return _errors(404, "NotFound", "The requested URL was not found on the server.")

    @staticmethod
    def _fault_reply(fault: _Fault) -> _Reply:
        if fault.kind == "drop":
            return _Reply(0, drop=True)
        error, message = _FAULT_ERRORS.get(fault.status, ("Exception", http.HTTPStatus(fault.status).phrase))
        return _errors(fault.status, fault.error or error, fault.message or message)

    @staticmethod
    def _not_allowed() -> _Reply:
        return _errors(405, "MethodNotAllowed", "The method is not allowed for the requested URL.")

    def _auth_problem(self, authorization: str | None) -> _Reply | None:
        # As Notify: no token or another scheme is a 401, a token that does not check out a 403.
        if not authorization:
            return _errors(401, "AuthError", "Unauthorized: authentication token must be provided")
        if authorization[:7].title() != "Bearer ":
            return _errors(401, "AuthError", "Unauthorized: authentication bearer scheme must be used")
        token = authorization[7:].strip()
        try:
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return _errors(403, "AuthError", "Invalid token: signature, api token is not valid")
        if "iss" not in claims:
            return _errors(403, "AuthError", "Invalid token: iss field not provided")
        if claims["iss"] != self.service_id:
            return _errors(403, "AuthError", "Invalid token: service not found")
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=["HS256"],
                options={"verify_iat": False, "verify_exp": False, "verify_nbf": False},
            )
        except jwt.InvalidAlgorithmError:
            return _errors(403, "AuthError", "Invalid token: algorithm used is not HS256")
        except jwt.PyJWTError:
            return _errors(403, "AuthError", "Invalid token: API key not found")
        try:
            issued_at = int(claims["iat"])
        except (KeyError, TypeError, ValueError):
            return _errors(403, "AuthError", "Invalid token: iat field not provided")
        if abs(time.time() - issued_at) > TOKEN_BOUND_SECONDS:
            return _errors(403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds")
        return None

    def _send(self, kind: str, body: bytes) -> _Reply:
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return _errors(400, "BadRequestError", "Invalid JSON supplied in POST data")

        problems = _unexpected(data, _SEND_FIELDS[kind])
        recipient_field = _RECIPIENT[kind]
        to = data.get(recipient_field)
        template_id = data.get("template_id")
        for name, value in ((recipient_field, to), ("template_id", template_id)):
            if name not in data:
                problems.append(f"{name} is a required property")
            elif not isinstance(value, str):
                problems.append(f"{name} {json.dumps(value)} is not of type string")
        if isinstance(to, str):
            problem = uk_mobile_problem(to) if kind == "sms" else None
            if kind == "email" and not _EMAIL_RE.fullmatch(to):
                problem = "Not a valid email address"
            if problem:
                problems.append(f"{recipient_field} {problem}")
        if isinstance(template_id, str) and not _is_uuid(template_id):
            problems.append("template_id is not a valid UUID")
        personalisation = data.get("personalisation") or {}
        if not isinstance(personalisation, dict):
            problems.append(f"personalisation {json.dumps(personalisation)} is not of type object")
        reference = data.get("reference")
        if reference is not None and not isinstance(reference, str):
            problems.append(f"reference {json.dumps(reference)} is not of type string")
        sender_field = _SENDER_FIELD[kind]
        sender_id = data.get(sender_field)
        if sender_id is not None and not _is_uuid(sender_id):
            problems.append(f"{sender_field} is not a valid UUID")
        if problems:
            return _errors(400, "ValidationError", *problems)

        to, template_id = str(to), str(template_id)  # both checked above
        if self.templates is not None:
            template_type = self.templates.get(template_id)
            if template_type is None:
                return _errors(400, "BadRequestError", "Template not found")
            if template_type != kind:
                return _errors(
                    400,
                    "BadRequestError",
                    f"{template_type} template is not suitable for {kind} notification",
                )

        notification = _Notification(
            id=str(uuid.uuid4()),
            type=kind,
            to=to,
            template_id=template_id,
            personalisation=personalisation,
            reference=reference,
            at=_now(),
            sender_id=sender_id,
            status=self.initial_status,
        )
        if self.initial_status not in ("created", "pending"):
            notification.sent_at = notification.at
        if self.initial_status in FINAL_STATUSES:
            notification.completed_at = notification.at
        with self._lock:
            self._received.append(notification)
            self._by_id[notification.id] = notification
            self._by_reference.setdefault(reference, []).append(notification)

        content: dict[str, Any] = {"body": self._body(notification)}
        if kind == "sms":
            content["from_number"] = SMS_FROM
        else:
            content.update(subject=self._subject(notification), from_email=EMAIL_FROM)
            content["one_click_unsubscribe_url"] = data.get("one_click_unsubscribe_url")
        return _Reply(
            201,
            {
                "id": notification.id,
                "reference": reference,
                "content": content,
                "uri": f"{self.base_url}/v2/notifications/{notification.id}",
                "template": self._template(template_id),
                "scheduled_for": None,
            },
        )

    def _get(self, notification_id: str) -> _Reply:
        if not _is_uuid(notification_id):
            return _errors(400, "ValidationError", "notification_id is not a valid UUID")
        with self._lock:
            notification = self._by_id.get(notification_id)
            answer = self._serialise(notification) if notification else None
        if answer is None:
            return _errors(404, "NoResultFound", "No result found")
        return _Reply(200, answer)

    def _list(self, target: str) -> _Reply:
        query = parse_qs(urlsplit(target).query, keep_blank_values=True)
        problems = _unexpected(query, _LIST_PARAMS)
        statuses: set[str] = set()
        for status in query.get("status", []):
            if status == "failed":
                statuses.update(FAILED)
            elif status in STATUSES:
                statuses.add(status)
            else:
                problems.append(f"status {status} is not one of [{', '.join((*STATUSES, 'failed'))}]")
        template_types = set(query.get("template_type", []))
        for template_type in sorted(template_types - set(TEMPLATE_TYPES)):
            problems.append(f"template_type {template_type} is not one of [{', '.join(TEMPLATE_TYPES)}]")
        reference = query.get("reference", [None])[0]
        older_than = query.get("older_than", [None])[0]
        if older_than is not None and not _is_uuid(older_than):
            problems.append("older_than is not a valid UUID")
        if problems:
            return _errors(400, "ValidationError", *problems)

        page: list[dict[str, Any]] = []
        with self._lock:
            candidates = self._by_reference.get(reference, []) if "reference" in query else self._received
            waiting_for = older_than
            for notification in reversed(candidates):  # newest first
                if waiting_for is not None:
                    if notification.id == waiting_for:
                        waiting_for = None
                    continue
                if statuses and notification.status not in statuses:
                    continue
                if template_types and notification.type not in template_types:
                    continue
                page.append(self._serialise(notification))
                if len(page) >= self.page_size:
                    break

        def link(**changes: str) -> str:
            params = {key: values if key == "status" else values[0] for key, values in query.items()}
            params.update(changes)
            encoded = urlencode(params, doseq=True)
            return f"{self.base_url}/v2/notifications" + (f"?{encoded}" if encoded else "")

        links = {"current": link()}
        if page:
            links["next"] = link(older_than=page[-1]["id"])
        return _Reply(200, {"notifications": page, "links": links})

    def _serialise(self, n: _Notification) -> dict[str, Any]:
        return {
            "id": n.id,
            "reference": n.reference,
            "email_address": n.to if n.type == "email" else None,
            "phone_number": n.to if n.type == "sms" else None,
            "type": n.type,
            "status": n.status,
            "template": self._template(n.template_id),
            "body": self._body(n),
            "subject": self._subject(n) if n.type == "email" else None,
            "created_at": _timestamp(n.at),
            "created_by_name": None,
            "sent_at": _timestamp(n.sent_at),
            "completed_at": _timestamp(n.completed_at),
            "scheduled_for": None,
        }

    def _template(self, template_id: str) -> dict[str, Any]:
        return {"id": template_id, "version": 1, "uri": f"{self.base_url}/v2/template/{template_id}"}

    @staticmethod
    def _body(n: _Notification) -> str:
        lines = [f"Fake Notify {n.type} from template {n.template_id}"]
        lines += [f"{key}: {value}" for key, value in sorted(n.personalisation.items())]
        return "\n".join(lines)

    @staticmethod
    def _subject(n: _Notification) -> str:
        return f"Fake Notify email from template {n.template_id}"


@pytest.fixture
def fake_notify() -> Iterator[FakeNotify]:
    """A started FakeNotify, stopped after the test."""
    with FakeNotify() as fake:
        yield fake


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes.notify", description="A fake GOV.UK Notify API on 127.0.0.1."
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every answer")
    args = parser.parse_args(argv)

    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with FakeNotify(port=args.port, latency=args.latency_ms / 1000) as fake:
        print(json.dumps({"base_url": fake.base_url, "api_key": fake.api_key}), flush=True)
        while not stop.wait(0.5):
            pass
    by_reference = fake.received_by_reference()
    totals = {
        "received": len(fake.received),
        "requests": len(fake.requests),
        "duplicate_references": sum(1 for ref, n in by_reference.items() if ref is not None and n > 1),
    }
    print(json.dumps(totals), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
