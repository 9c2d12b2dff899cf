"""Real worker processes against a fake GOV.UK Notify: killed mid-batch, or two at once.

Each message must reach Notify exactly once: none lost, none sent twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction

from sidebyside.core.tests.test_worker import database_url
from sidebyside.notify.models import OutboxMessage
from sidebyside.notify.services import message_enqueue
from tests.fakes.notify import FakeNotify

S = OutboxMessage.Status
TEMPLATE = str(uuid.uuid4())

pytestmark = pytest.mark.django_db(transaction=True)


def enqueue(n: int) -> list[str]:
    with transaction.atomic():
        return [
            message_enqueue(user=None, channel="sms", to="07700 900123", template="reminder").reference
            for _ in range(n)
        ]


def start_worker(
    fake: FakeNotify,
    *,
    lease_seconds: int = 120,
    env: dict[str, str] | None = None,
    stdout: Any = subprocess.PIPE,
    poll: str = "0.1",
) -> subprocess.Popen[str]:
    """A real ``manage.py worker`` on this test's database, sending through ``fake``; ``env`` adds
    to (or overrides) its settings."""
    settings_env = {
        **os.environ,
        "SIDEBYSIDE_ENV": "test",
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": "database",
        "PYTHONUNBUFFERED": "1",
        "NOTIFY_SENDER": "notify",
        "NOTIFY_API_KEY": fake.api_key,
        "NOTIFY_BASE_URL": fake.base_url,
        "NOTIFY_TEMPLATE_REMINDER": TEMPLATE,
        "NOTIFY_TIMEOUT_SECONDS": "1",
        "NOTIFY_LEASE_SECONDS": str(lease_seconds),
        **(env or {}),
    }
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "manage.py", "worker", "--no-reload", "--poll", poll, "--no-startup-delay"],
        cwd=settings.BASE_DIR,
        env=settings_env,
        stdout=stdout,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(process: subprocess.Popen[str]) -> None:
    """Ask the worker to stop (SIGTERM), as a service manager would; kill it if it will not."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def all_sent() -> bool:
    return not OutboxMessage.objects.exclude(status=S.SENT).exists()


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    outputs = []
    for process in started:
        stop_worker(process)
        outputs.append(process.stdout.read() if process.stdout else "")
        if process.stdout:
            process.stdout.close()
    for output in outputs:
        assert "Traceback" not in output, output


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    workers: list[subprocess.Popen[str]],
) -> None:
    with FakeNotify(latency=0.02) as fake:
        references = enqueue(120)
        first = start_worker(fake, lease_seconds=5)
        workers.append(first)
        wait_for(lambda: len(fake.received) >= 30, timeout=60, what="the first sends")

        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert OutboxMessage.objects.filter(status=S.SENDING).exists(), "killed with a batch in hand"
        assert not all_sent()

        workers.append(start_worker(fake, lease_seconds=5))
        wait_for(all_sent, timeout=90, what="the second worker to send the rest")

        counts = fake.received_by_reference()
        assert sorted(counts) == sorted(references)
        assert set(counts.values()) == {1}, [r for r, n in counts.items() if n > 1]


def test_two_workers_at_once_never_send_a_message_twice(workers: list[subprocess.Popen[str]]) -> None:
    with FakeNotify(latency=0.005) as fake:
        references = enqueue(400)
        workers.extend([start_worker(fake), start_worker(fake)])

        wait_for(all_sent, timeout=120, what="the outbox to drain")

        counts = fake.received_by_reference()
        assert sorted(counts) == sorted(references)
        assert set(counts.values()) == {1}
        assert set(OutboxMessage.objects.values_list("leased_by", flat=True)) == {""}  # leases let go
