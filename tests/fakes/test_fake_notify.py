"""The fake GOV.UK Notify server, driven by the real notifications-python-client."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import jwt
import pytest
import requests
from notifications_python_client.errors import HTTP503Error, HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from tests.fakes.notify import FakeNotify, make_api_key, uk_mobile_problem

pytest_plugins = ["tests.fakes.notify"]  # the fake_notify fixture (harmless if conftest has it too)

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
MOBILE = "07700 900123"

ClientFor = Callable[..., NotificationsAPIClient]


@pytest.fixture
def client_for() -> Iterator[ClientFor]:
    """Real clients (closed after the test); by default for the fake's key with a 5 s timeout."""
    made: list[NotificationsAPIClient] = []

    def make(fake: FakeNotify, api_key: str | None = None, timeout: float = 5.0) -> NotificationsAPIClient:
        client = NotificationsAPIClient(api_key or fake.api_key, base_url=fake.base_url, timeout=timeout)
        made.append(client)
        return client

    yield make
    for client in made:
        client.request_session.close()


@pytest.fixture
def client(fake_notify: FakeNotify, client_for: ClientFor) -> NotificationsAPIClient:
    return client_for(fake_notify)


def _errors(error: HTTPError) -> list[dict[str, str]]:
    assert error.response is not None
    body = error.response.json()
    assert body["status_code"] == error.status_code
    return body["errors"]


def _fake_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("fake-notify")]


# Sending and reading back


def test_sms_and_email_are_accepted_and_read_back_by_reference(
    fake_notify: FakeNotify, client: NotificationsAPIClient
) -> None:
    sms = client.send_sms_notification(MOBILE, TEMPLATE, personalisation={"name": "Ana"}, reference="ref-sms")
    email = client.send_email_notification("ana@example.org", TEMPLATE, reference="ref-email")

    assert uuid.UUID(sms["id"])
    assert sms["reference"] == "ref-sms"
    assert sms["uri"] == f"{fake_notify.base_url}/v2/notifications/{sms['id']}"
    assert sms["template"] == {
        "id": TEMPLATE,
        "version": 1,
        "uri": f"{fake_notify.base_url}/v2/template/{TEMPLATE}",
    }
    assert sms["content"]["from_number"] == "GOVUK"
    assert "name: Ana" in sms["content"]["body"]
    assert set(email["content"]) >= {"body", "subject", "from_email"}

    found = client.get_all_notifications(reference="ref-sms")
    assert [n["id"] for n in found["notifications"]] == [sms["id"]]
    listed = found["notifications"][0]
    assert listed["type"] == "sms"
    assert listed["phone_number"] == MOBILE
    assert listed["email_address"] is None
    assert listed["status"] == "created"
    assert listed["template"]["id"] == TEMPLATE
    assert listed["created_at"].endswith("Z")
    assert found["links"]["current"] == f"{fake_notify.base_url}/v2/notifications?reference=ref-sms"

    by_id = client.get_notification_by_id(email["id"])
    assert by_id["type"] == "email"
    assert by_id["email_address"] == "ana@example.org"
    assert by_id["reference"] == "ref-email"

    assert client.get_all_notifications(reference="nothing-sent")["notifications"] == []
    everything = client.get_all_notifications()["notifications"]
    assert [n["id"] for n in everything] == [email["id"], sms["id"]]  # newest first
    assert [n["id"] for n in client.get_all_notifications(template_type="sms")["notifications"]] == [
        sms["id"]
    ]

    received = fake_notify.received
    assert [(r["type"], r["to"], r["reference"]) for r in received] == [
        ("sms", MOBILE, "ref-sms"),
        ("email", "ana@example.org", "ref-email"),
    ]
    assert received[0]["personalisation"] == {"name": "Ana"}
    assert received[0]["template_id"] == TEMPLATE
    assert received[0]["at"].tzinfo is not None
    assert fake_notify.received_by_reference() == {"ref-sms": 1, "ref-email": 1}
    assert [tuple(r) for r in fake_notify.requests] == [
        ("POST", "/v2/notifications/sms", 201),
        ("POST", "/v2/notifications/email", 201),
        ("GET", "/v2/notifications", 200),
        ("GET", f"/v2/notifications/{email['id']}", 200),
        ("GET", "/v2/notifications", 200),
        ("GET", "/v2/notifications", 200),
        ("GET", "/v2/notifications", 200),
    ]


def test_the_client_iterator_pages_through_everything(client_for: ClientFor) -> None:
    with FakeNotify(page_size=2) as fake:
        client = client_for(fake)
        ids = [client.send_sms_notification(MOBILE, TEMPLATE, reference="same")["id"] for _ in range(5)]
        assert [n["id"] for n in client.get_all_notifications_iterator(reference="same")] == ids[::-1]
        first_page = client.get_all_notifications(reference="same")
        assert len(first_page["notifications"]) == 2
        assert f"older_than={ids[3]}" in first_page["links"]["next"]


def test_unknown_or_malformed_ids(client: NotificationsAPIClient) -> None:
    with pytest.raises(HTTPError) as missing:
        client.get_notification_by_id(str(uuid.uuid4()))
    assert missing.value.status_code == 404
    assert _errors(missing.value)[0]["error"] == "NoResultFound"
    with pytest.raises(HTTPError) as malformed:
        client.get_notification_by_id("not-an-id")
    assert malformed.value.status_code == 400


def test_statuses_and_delivery_callbacks(fake_notify: FakeNotify, client: NotificationsAPIClient) -> None:
    sent = client.send_sms_notification(MOBILE, TEMPLATE, reference="r1")
    fake_notify.set_status(sent["id"], "sending")
    assert client.get_notification_by_id(sent["id"])["status"] == "sending"

    payload = fake_notify.callback_payload(sent["id"], status="delivered")
    assert payload["id"] == sent["id"]
    assert payload["reference"] == "r1"
    assert payload["to"] == MOBILE
    assert payload["status"] == "delivered"
    assert payload["notification_type"] == "sms"
    assert all(payload[key].endswith("Z") for key in ("created_at", "sent_at", "completed_at"))
    json.dumps(payload)  # ready to POST as it is
    assert client.get_notification_by_id(sent["id"])["status"] == "delivered"
    assert client.get_all_notifications(status="delivered")["notifications"][0]["id"] == sent["id"]
    assert client.get_all_notifications(status="failed")["notifications"] == []

    with pytest.raises(ValueError, match="calls back"):
        fake_notify.callback_payload(sent["id"], status="sending")


def test_reset_forgets_everything(fake_notify: FakeNotify, client: NotificationsAPIClient) -> None:
    client.send_sms_notification(MOBILE, TEMPLATE, reference="r1")
    fake_notify.fail_next(3)
    fake_notify.reset()
    assert fake_notify.received == []
    assert fake_notify.requests == []
    assert fake_notify.pending_faults == 0
    client.send_sms_notification(MOBILE, TEMPLATE, reference="r1")
    assert fake_notify.received_by_reference() == {"r1": 1}


# Authentication


def test_a_wrong_secret_is_refused(fake_notify: FakeNotify, client_for: ClientFor) -> None:
    wrong = client_for(fake_notify, make_api_key(fake_notify.service_id, str(uuid.uuid4())))
    with pytest.raises(HTTPError) as refused:
        wrong.send_sms_notification(MOBILE, TEMPLATE)
    assert refused.value.status_code == 403
    assert _errors(refused.value) == [{"error": "AuthError", "message": "Invalid token: API key not found"}]
    assert fake_notify.received == []


def test_another_service_is_refused(fake_notify: FakeNotify, client_for: ClientFor) -> None:
    other = client_for(fake_notify, make_api_key(str(uuid.uuid4()), fake_notify.secret))
    with pytest.raises(HTTPError) as refused:
        other.get_all_notifications()
    assert refused.value.status_code == 403
    assert _errors(refused.value)[0]["message"] == "Invalid token: service not found"


@pytest.mark.parametrize(
    ("claims", "algorithm", "message"),
    [
        ({"iat": -60}, "HS256", "Error: Your system clock must be accurate to within 30 seconds"),
        ({"iat": 60}, "HS256", "Error: Your system clock must be accurate to within 30 seconds"),
        ({}, "HS256", "Invalid token: iat field not provided"),
        ({"iat": 0}, "none", "Invalid token: algorithm used is not HS256"),  # unsigned
    ],
)
def test_tokens_that_do_not_check_out_are_refused(
    fake_notify: FakeNotify, claims: dict[str, int], algorithm: str, message: str
) -> None:
    payload: dict[str, object] = {"iss": fake_notify.service_id}
    payload.update({k: int(time.time()) + v for k, v in claims.items()})
    key = fake_notify.secret if algorithm != "none" else None
    token = jwt.encode(payload, key, algorithm=algorithm)  # type: ignore[arg-type]  # None for "none"
    answer = requests.get(
        f"{fake_notify.base_url}/v2/notifications", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert answer.status_code == 403
    assert answer.json() == {"status_code": 403, "errors": [{"error": "AuthError", "message": message}]}


def test_no_token_is_a_401_as_with_notify(fake_notify: FakeNotify) -> None:
    answer = requests.get(f"{fake_notify.base_url}/v2/notifications", timeout=5)
    assert answer.status_code == 401
    assert answer.json()["errors"][0]["error"] == "AuthError"
    garbage = requests.get(
        f"{fake_notify.base_url}/v2/notifications", headers={"Authorization": "Bearer nonsense"}, timeout=5
    )
    assert garbage.status_code == 403


# Validation


@pytest.mark.parametrize(
    "number",
    [
        "07700900123",
        "07700 900 123",
        "+447700900123",
        "+44 7700 900123",
        "+44 (0)7700 900123",
        "0044 7700 900123",
        "447911123456",
        "07911-123-456",
        "7700900000",
    ],
)
def test_uk_mobiles_are_accepted(number: str) -> None:
    assert uk_mobile_problem(number) is None


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("+441632960001", "Not a UK mobile number"),
        ("02079460000", "Not a UK mobile number"),
        ("+442079460000", "Not a UK mobile number"),
        ("+33612345678", "Cannot send to international mobile numbers"),
        ("0770090012", "Not enough digits"),
        ("077009001234", "Too many digits"),
        ("07700 9OO123", "Must not contain letters or symbols"),
    ],
)
def test_other_numbers_are_refused(number: str, problem: str) -> None:
    assert uk_mobile_problem(number) == problem


def test_an_invalid_mobile_is_a_400(fake_notify: FakeNotify, client: NotificationsAPIClient) -> None:
    with pytest.raises(HTTPError) as refused:
        client.send_sms_notification("+441632960001", TEMPLATE, reference="landline")
    assert refused.value.status_code == 400
    assert _errors(refused.value) == [
        {"error": "ValidationError", "message": "phone_number Not a UK mobile number"}
    ]
    assert fake_notify.received == []
    assert fake_notify.requests[-1] == ("POST", "/v2/notifications/sms", 400)


@pytest.mark.parametrize(
    ("send", "message"),
    [
        (
            lambda c: c.post("/v2/notifications/sms", {"phone_number": MOBILE}),
            "template_id is a required property",
        ),
        (lambda c: c.send_sms_notification(MOBILE, None), "template_id null is not of type string"),
        (lambda c: c.send_sms_notification(MOBILE, "welcome"), "template_id is not a valid UUID"),
        (
            lambda c: c.send_email_notification("not an address", TEMPLATE),
            "email_address Not a valid email address",
        ),
        (
            lambda c: c.post("/v2/notifications/sms", {"template_id": TEMPLATE}),
            "phone_number is a required property",
        ),
        (
            lambda c: c.post(
                "/v2/notifications/sms", {"phone_number": MOBILE, "template_id": TEMPLATE, "to": "x"}
            ),
            "Additional properties are not allowed ('to' was unexpected)",
        ),
        (
            lambda c: c.send_sms_notification(MOBILE, TEMPLATE, sms_sender_id="default"),
            "sms_sender_id is not a valid UUID",
        ),
    ],
)
def test_invalid_sends_are_400_validation_errors(
    fake_notify: FakeNotify,
    client: NotificationsAPIClient,
    send: Callable[[NotificationsAPIClient], object],
    message: str,
) -> None:
    with pytest.raises(HTTPError) as refused:
        send(client)
    assert refused.value.status_code == 400
    assert _errors(refused.value) == [{"error": "ValidationError", "message": message}]
    assert fake_notify.received == []


def test_known_templates_only_when_given(client_for: ClientFor) -> None:
    email_template = str(uuid.uuid4())
    with FakeNotify(templates={TEMPLATE: "sms", email_template: "email"}) as fake:
        client = client_for(fake)
        client.send_sms_notification(MOBILE, TEMPLATE)
        with pytest.raises(HTTPError) as unknown:
            client.send_sms_notification(MOBILE, str(uuid.uuid4()))
        assert _errors(unknown.value) == [{"error": "BadRequestError", "message": "Template not found"}]
        with pytest.raises(HTTPError) as wrong_type:
            client.send_sms_notification(MOBILE, email_template)
        assert (
            _errors(wrong_type.value)[0]["message"] == "email template is not suitable for sms notification"
        )


# Scripted faults


def test_500s_then_success_records_once(fake_notify: FakeNotify, client: NotificationsAPIClient) -> None:
    fake_notify.fail_next(2, status=500)
    for _ in range(2):
        with pytest.raises(HTTPError) as failed:
            client.send_sms_notification(MOBILE, TEMPLATE, reference="r1")
        assert failed.value.status_code == 500
        assert _errors(failed.value) == [{"error": "Exception", "message": "Internal server error"}]
    client.send_sms_notification(MOBILE, TEMPLATE, reference="r1")
    assert fake_notify.received_by_reference() == {"r1": 1}
    assert [r.status for r in fake_notify.requests] == [500, 500, 201]


def test_429_then_success(fake_notify: FakeNotify, client: NotificationsAPIClient) -> None:
    fake_notify.fail_next(1, status=429)
    with pytest.raises(HTTPError) as limited:
        client.send_email_notification("ana@example.org", TEMPLATE, reference="r1")
    assert limited.value.status_code == 429
    assert _errors(limited.value)[0]["error"] == "RateLimitError"
    assert limited.value.response is not None
    assert "Retry-After" not in limited.value.response.headers
    client.send_email_notification("ana@example.org", TEMPLATE, reference="r1")
    assert fake_notify.received_by_reference() == {"r1": 1}


def test_a_failure_after_receiving(fake_notify: FakeNotify, client: NotificationsAPIClient) -> None:
    fake_notify.fail_next(1, status=502, record=True)
    with pytest.raises(HTTPError) as failed:
        client.send_sms_notification(MOBILE, TEMPLATE, reference="r1")
    assert failed.value.status_code == 502
    assert fake_notify.received_by_reference() == {"r1": 1}


def test_a_timeout_after_receiving(fake_notify: FakeNotify, client_for: ClientFor) -> None:
    impatient = client_for(fake_notify, timeout=0.3)
    fake_notify.time_out_next(1, seconds=1.0)
    started = time.monotonic()
    with pytest.raises(HTTP503Error) as no_answer:
        impatient.send_sms_notification(MOBILE, TEMPLATE, reference="r1")
    assert time.monotonic() - started < 1.0
    assert no_answer.value.response is None  # no answer at all, not a real 503
    assert fake_notify.received_by_reference() == {"r1": 1}
    found = impatient.get_all_notifications(reference="r1")["notifications"]  # GETs are not delayed
    assert [n["reference"] for n in found] == ["r1"]
    assert fake_notify.requests[0] == ("POST", "/v2/notifications/sms", 201)


def test_a_dropped_connection(fake_notify: FakeNotify, client: NotificationsAPIClient) -> None:
    fake_notify.drop_next(1)
    fake_notify.drop_next(1, record=False)
    for _ in range(2):
        with pytest.raises(HTTPError) as dropped:
            client.send_sms_notification(MOBILE, TEMPLATE, reference="r1")
        assert dropped.value.response is None
    assert fake_notify.received_by_reference() == {"r1": 1}
    assert [r.status for r in fake_notify.requests] == [0, 0]


def test_faults_skip_gets_unless_asked(fake_notify: FakeNotify, client: NotificationsAPIClient) -> None:
    fake_notify.fail_next(1, status=500)
    client.get_all_notifications(reference="r1")  # not taken by the GET
    assert fake_notify.pending_faults == 1
    fake_notify.reset()
    fake_notify.fail_next(1, status=503, include_gets=True)
    with pytest.raises(HTTP503Error) as failed:
        client.get_all_notifications(reference="r1")
    assert failed.value.response is not None
    assert fake_notify.pending_faults == 0


def test_faults_are_used_in_order(fake_notify: FakeNotify, client: NotificationsAPIClient) -> None:
    fake_notify.fail_next(1, status=429)
    fake_notify.fail_next(1, status=500)
    statuses = []
    for _ in range(3):
        try:
            client.send_sms_notification(MOBILE, TEMPLATE)
            statuses.append(201)
        except HTTPError as error:
            statuses.append(error.status_code)
    assert statuses == [429, 500, 201]


def test_latency_is_added(client_for: ClientFor) -> None:
    with FakeNotify(latency=0.2) as fake:
        started = time.monotonic()
        client_for(fake).get_all_notifications()
        assert time.monotonic() - started >= 0.2


# Life cycle


def test_stopping_is_prompt_and_leaves_no_threads(client_for: ClientFor) -> None:
    before = len(_fake_threads())
    fake = FakeNotify().start()
    client = client_for(fake, timeout=0.2)
    client.get_all_notifications()  # a keep-alive connection stays open in the client's pool
    fake.time_out_next(1, seconds=60)
    with pytest.raises(HTTPError):
        client.send_sms_notification(MOBILE, TEMPLATE)
    started = time.monotonic()
    fake.stop()
    assert time.monotonic() - started < 2
    assert len(_fake_threads()) == before
    fake.stop()  # twice is fine
    with pytest.raises(RuntimeError):
        _ = fake.base_url


def test_standalone_mode_serves_until_terminated() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.notify", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as process:
        assert process.stdout is not None
        try:
            ready, _, _ = select.select([process.stdout], [], [], 20)
            assert ready, "the fake did not print its address"
            started = json.loads(process.stdout.readline())
            assert started["base_url"].startswith("http://127.0.0.1:")
            client = NotificationsAPIClient(started["api_key"], base_url=started["base_url"], timeout=5)
            try:
                answer = client.send_sms_notification(MOBILE, TEMPLATE, reference="bench-1")
                found = client.get_all_notifications(reference="bench-1")["notifications"]
                assert [n["id"] for n in found] == [answer["id"]]
            finally:
                client.request_session.close()
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
            totals = json.loads(process.stdout.readline())
            assert totals == {"received": 1, "requests": 2, "duplicate_references": 0}
        finally:
            if process.poll() is None:
                process.kill()
