"""How fast the outbox drains through GOV.UK Notify, against a bare loop of posts.

Starts the fake Notify server (tests/fakes/notify.py) as its own process, then:
1. the baseline: one loop posting N texts to it with the Notify client, nothing else;
2. N reminders put in the outbox in one transaction, drained by 1 and then 2 real worker
   processes (``manage.py worker``), timed from the commit until the last is marked sent.
Reports messages/s for each and the ratio to the baseline, and checks with the fake's totals
that no reference reached it twice.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sbs_bench_outbox .venv/bin/python benchmarks/outbox_drain.py
    BENCH_MESSAGES=2000 BENCH_LATENCY_MS=20 ... (fewer messages; Notify's answer delayed)

The PostgreSQL database given is dropped and re-created; without DATABASE_URL a temporary
SQLite file is used.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid

# common sets up Django: it must come (and sorts) before the django imports.
from common import ROOT, fresh_database
from django.db import connection, transaction
from notifications_python_client.notifications import NotificationsAPIClient

from sidebyside.notify.models import OutboxMessage
from sidebyside.notify.services import message_enqueue

MESSAGES = int(os.environ.get("BENCH_MESSAGES", "10000"))
LATENCY_MS = float(os.environ.get("BENCH_LATENCY_MS", "0"))
TEMPLATE = str(uuid.uuid4())
PHONE = "07700 900123"
PERSONALISATION = {"name": "Sam", "when": "Tuesday 3 March, 10am", "where": "Riverside Hub"}


def start_fake() -> tuple[subprocess.Popen[str], str, str]:
    fake = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "tests.fakes.notify", "--port", "0", "--latency-ms", str(LATENCY_MS)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert fake.stdout is not None
    started = json.loads(fake.stdout.readline())
    return fake, started["base_url"], started["api_key"]


def bare_loop(base_url: str, api_key: str) -> float:
    client = NotificationsAPIClient(api_key, base_url=base_url)
    start = time.perf_counter()
    for i in range(MESSAGES):
        client.send_sms_notification(
            phone_number=PHONE, template_id=TEMPLATE, personalisation=PERSONALISATION, reference=f"bare-{i}"
        )
    return time.perf_counter() - start


def start_worker(base_url: str, api_key: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "NOTIFY_SENDER": "notify",
        "NOTIFY_API_KEY": api_key,
        "NOTIFY_BASE_URL": base_url,
        "NOTIFY_TEMPLATE_REMINDER": TEMPLATE,
        "PYTHONUNBUFFERED": "1",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-reload", "--poll", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def drain_with(workers: int, base_url: str, api_key: str) -> tuple[float, float]:
    """(seconds to enqueue, seconds from commit until every message is sent)."""
    OutboxMessage.objects.all().delete()
    processes = [start_worker(base_url, api_key) for _ in range(workers)]
    try:
        time.sleep(5)  # let them start and find the outbox empty
        start = time.perf_counter()
        with transaction.atomic():
            for _ in range(MESSAGES):
                message_enqueue(
                    user=None, channel="sms", to=PHONE, template="reminder", personalisation=PERSONALISATION
                )
        committed = time.perf_counter()
        while OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).exists():
            if any(p.poll() is not None for p in processes):
                raise RuntimeError("a worker stopped")
            time.sleep(0.1)
        return committed - start, time.perf_counter() - committed
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)


def main() -> None:
    fresh_database()
    fake, base_url, api_key = start_fake()
    try:
        bare = bare_loop(base_url, api_key)
        runs = {n: drain_with(n, base_url, api_key) for n in (1, 2)}
    finally:
        fake.send_signal(signal.SIGTERM)
        out, _ = fake.communicate(timeout=60)
    totals = json.loads(out.strip().splitlines()[-1])

    print(f"{connection.vendor}, {MESSAGES:,} messages, fake Notify latency {LATENCY_MS:g} ms")
    print("| Run | seconds | messages/s | / bare loop |")
    print("|---|---|---|---|")
    print(f"| bare loop of posts | {bare:.1f} | {MESSAGES / bare:.0f} | 1.00 |")
    for n, (_, drained) in runs.items():
        rate = MESSAGES / drained
        print(
            f"| outbox, {n} worker{'s' if n > 1 else ''} | {drained:.1f} | {rate:.0f} | {rate / (MESSAGES / bare):.2f} |"
        )
    print(f"enqueue of {MESSAGES:,} in one transaction: {runs[1][0]:.1f} s and {runs[2][0]:.1f} s")
    print(f"fake Notify: {totals}")
    if totals["duplicate_references"]:
        raise SystemExit("a message reached Notify twice")


if __name__ == "__main__":
    main()
