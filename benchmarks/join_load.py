"""Phones answering at once, against the production server set-up, checked against the database.

1. Builds its own PostgreSQL database: a programme, hub, gathering open for phones (answers
   checked before the wall shows them, as by default) and one question.
2. The baseline: a bare Django "hello" page (benchmarks/hello_urls.py) behind the same
   middleware, served by granian as docs/deploy.md runs it (WSGI, 2 workers), production
   settings, hit by BENCH_PHONES clients at once for BENCH_SECONDS.
3. The load: the real service, same server set-up. BENCH_PHONES simulated phones, each with its
   own cookies, open the join page once (device cookie, CSRF token, the question), then send
   answers one after another as join.js does (``X-Requested-With: join.js``), each with a UUID
   made on the phone. An answer is in the phone's ledger as acknowledged only when the server
   said so (200 with the thank-you address); on an error or a timeout the phone sends the same
   UUID again, until it is acknowledged (for up to BENCH_GRACE seconds after the run).
4. Checks the ledger against the database: every acknowledged UUID stored exactly once, nothing
   stored that no phone sent. Reports throughput and p50/p99 as ratios to the baseline, the
   errors, and the CPU the client itself used (it shares the machine with the server).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sbs_bench_join .venv/bin/python benchmarks/join_load.py
    ... benchmarks/join_load.py --restart-db   # restart PostgreSQL part-way through the load
    BENCH_PHONES=300 BENCH_SECONDS=60 BENCH_WORKERS=2 ...
    BENCH_ROUNDS=3 BENCH_SECONDS=20 ...  # hello then join, three times: a ratio per round

With BENCH_ROUNDS above 1, hello and join take turns, each for BENCH_SECONDS, and each round's
ratios are printed with their median: these machines' speed drifts by a quarter over minutes,
and a ratio of two runs side by side drifts less. The ledger is checked over all rounds.

The service sits behind a TLS proxy in production (``BEHIND_TLS_PROXY=true``); the clients send
``X-Forwarded-Proto: https`` as that proxy would, so HTTPS stays on (secure cookies, HSTS, the
strict CSRF referer check) and nothing is weakened for the benchmark. ``--restart-db`` restarts
the machine's shared PostgreSQL cluster: other work using it sees the restart too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import psycopg

# common sets up Django: it must come (and sorts) before the django imports.
from common import ROOT, fresh_database
from cryptography.fernet import Fernet
from django.db import connection
from django.utils import timezone

from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub, Programme
from sidebyside.voices.models import JoinCode, Prompt, Question, new_code

PHONES = int(os.environ.get("BENCH_PHONES", "300"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
# Rounds of (hello, join) one after the other: the machine's speed drifts over minutes, so the
# ratio is taken within each round and the median reported.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
WARMUP = float(os.environ.get("BENCH_WARMUP", "5"))
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "30"))
RETRY_AFTER = float(os.environ.get("BENCH_RETRY_AFTER", "1"))
GRACE = float(os.environ.get("BENCH_GRACE", "60"))
# Seconds between one phone's answers (0: the next as soon as the last is acknowledged, the
# saturating load). theming_while_answering.py uses a steady pace, as a room answers.
PACE = float(os.environ.get("BENCH_PACE", "0"))
# Extra granian options for both servers, to try other set-ups (e.g. "--blocking-threads 8").
GRANIAN_ARGS = os.environ.get("BENCH_GRANIAN_ARGS", "").split()
PROXY = {"X-Forwarded-Proto": "https"}
TICK = os.sysconf("SC_CLK_TCK")


# --- The data and the servers ------------------------------------------------------------------


def make_gathering() -> tuple[str, int]:
    """(join code, gathering id)"""
    programme = Programme.objects.create(name="Load Programme", area="Benchmarkshire")
    hub = Hub.objects.create(programme=programme, name="Load Hub", locality="Loadtown", stage="established")
    start = timezone.now().replace(microsecond=0)
    gathering = Gathering.objects.create(
        hub=hub, kind="meeting", title="Drop-in", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    join = JoinCode.objects.create(
        gathering=gathering, code=new_code(), open_until=gathering.ends_at + timedelta(days=7), moderated=True
    )
    prompt = Prompt.objects.create(programme=programme, text="What would make the hub better?")
    Question.objects.create(gathering=gathering, prompt=prompt, position=1)
    return join.code, gathering.pk


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(tmp: Path, urlconf: str | None = None) -> dict[str, str]:
    """Production settings that pass the production checks (docs/deploy.md)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_POOL", "DEBUG", "BENCH_"))}
    env |= {
        "SIDEBYSIDE_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "benchmarks.server_settings",
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://127.0.0.1",
        "SERVICE_CONTACT_EMAIL": "load@example.org",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "NOTIFY_SENDER": "file",
        "NOTIFY_FILE": str(tmp / "outbox.jsonl"),
        "PRIVATE_FILES_ROOT": str(tmp / "private"),
        "BEHIND_TLS_PROXY": "true",
        # Every phone here sends far more than a person could: lift the per-phone limit.
        "JOIN_SUBMISSIONS_PER_MINUTE": "1000000",
        "BENCH_STATIC_ROOT": str(tmp / "static"),
    }
    if urlconf:
        env["BENCH_ROOT_URLCONF"] = urlconf
    return env


def collectstatic(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )


def start_server(env: dict[str, str], port: int, log: Path, probe: str) -> subprocess.Popen[bytes]:
    """granian as docs/deploy.md runs it; returns once ``probe`` answers."""
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            str(ROOT / ".venv" / "bin" / "granian"),
            "--interface",
            "wsgi",
            "config.wsgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(WORKERS),
            *GRANIAN_ARGS,
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: see {log}")
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{probe}", headers=PROXY)
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    time.sleep(1)  # both workers up
                    return server
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.3)
    stop(server)
    raise SystemExit(f"the server did not answer in time: see {log}")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def process_tree(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    tree, grew = {pid}, True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in tree and child not in tree:
                tree.add(child)
                grew = True
    return sorted(tree)


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of the whole machine so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


@dataclass
class Usage:
    """CPU used during the measured window: this client, the server's processes, the machine."""

    client: float = 0.0
    server: float = 0.0
    machine_busy: float = 0.0  # fraction of all cores

    def begin(self, server_pids: list[int]) -> None:
        self._pids = server_pids
        self._client = time.process_time()
        self._server = cpu_seconds(server_pids)
        self._machine = machine_ticks()
        self._wall = time.monotonic()

    def end(self) -> None:
        wall = time.monotonic() - self._wall
        self.client = (time.process_time() - self._client) / wall
        self.server = (cpu_seconds(self._pids) - self._server) / wall
        busy, total = machine_ticks()
        self.machine_busy = (busy - self._machine[0]) / max(1, total - self._machine[1])


# --- The clients ---------------------------------------------------------------------------------


@dataclass
class Run:
    window_start: float = 0.0
    deadline: float = 0.0
    latencies: list[float] = field(default_factory=list)  # successful requests completed in the window
    done: int = 0  # successful requests completed in the window
    errors: Counter[str] = field(default_factory=Counter)
    error_times: list[float] = field(default_factory=list)  # seconds after window_start
    usage: Usage = field(default_factory=Usage)

    def record(self, started: float, ended: float) -> None:
        if self.window_start <= ended <= self.deadline:
            self.done += 1
            self.latencies.append(ended - started)

    def error(self, kind: str, at: float) -> None:
        self.errors[kind] += 1
        self.error_times.append(at - self.window_start)

    @property
    def rate(self) -> float:
        return self.done / (self.deadline - self.window_start)

    def quantile(self, q: float) -> float:
        if len(self.latencies) < 2:
            return float("nan")
        return statistics.quantiles(self.latencies, n=1000, method="inclusive")[int(q * 1000) - 1]


def error_kind(error: BaseException) -> str:
    return "timeout" if isinstance(error, TimeoutError) else type(error).__name__


def client_session() -> aiohttp.ClientSession:
    # One connection per phone, kept alive; each phone keeps its own cookies (sent by hand:
    # they are Secure cookies, which a cookie jar would not send to http://).
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=PHONES, limit_per_host=PHONES, force_close=False),
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=TIMEOUT),
    )


async def hello_load(port: int, server_pids: list[int]) -> Run:
    run = Run()
    url = f"http://127.0.0.1:{port}/"
    loop = asyncio.get_running_loop()

    async def client() -> None:
        while (now := loop.time()) < run.deadline:
            try:
                async with session.get(url, headers=PROXY) as response:
                    body = await response.read()
                    ok = response.status == 200 and body == b"hello"
                    kind = str(response.status)
            except (aiohttp.ClientError, TimeoutError) as error:
                ok, kind = False, error_kind(error)
            if ok:
                run.record(now, loop.time())
            else:
                run.error(kind, loop.time())
                await asyncio.sleep(RETRY_AFTER)

    async with client_session() as session:
        run.window_start = loop.time() + WARMUP
        run.deadline = run.window_start + SECONDS
        loop.call_at(run.window_start, run.usage.begin, server_pids)
        loop.call_at(run.deadline, run.usage.end)
        await asyncio.gather(*(client() for _ in range(PHONES)))
    return run


@dataclass
class Ledger:
    sent: set[str] = field(default_factory=set)
    acknowledged: set[str] = field(default_factory=set)
    unacknowledged: set[str] = field(default_factory=set)  # still being retried when the phones gave up

    def merge(self, other: Ledger) -> None:
        self.sent |= other.sent
        self.acknowledged |= other.acknowledged
        self.unacknowledged |= other.unacknowledged


FORM_FIELD = re.compile(r'name="(csrfmiddlewaretoken|question|uuid)" value="([^"]*)"')


async def join_load(port: int, code: str, server_pids: list[int], restart: bool) -> tuple[Run, Ledger, dict]:
    run, ledger, restarted = Run(), Ledger(), {}
    origin = f"https://127.0.0.1:{port}"
    page = f"/j/{code}/"
    url = f"http://127.0.0.1:{port}{page}"
    loop = asyncio.get_running_loop()
    ready = asyncio.Event()
    opened = 0

    async def open_page() -> tuple[dict[str, str], dict[str, str]]:
        """The join page: (cookies, form fields); retried until it works."""
        while True:
            try:
                async with session.get(url, headers=PROXY) as response:
                    html = await response.text()
                    cookies = {name: morsel.value for name, morsel in response.cookies.items()}
                    form = dict(FORM_FIELD.findall(html))
                    if response.status == 200 and {"csrftoken", "sbs_device"} <= cookies.keys():
                        uuid.UUID(form["uuid"])  # the page's own UUID: the form takes one
                        assert form["csrfmiddlewaretoken"]
                        return cookies, form
                    print(f"join page: {response.status}", file=sys.stderr)
            except (aiohttp.ClientError, TimeoutError) as error:
                print(f"join page: {error_kind(error)}", file=sys.stderr)
            await asyncio.sleep(RETRY_AFTER)

    async def phone(number: int) -> None:
        nonlocal opened
        cookies, form = await open_page()
        opened += 1
        if opened == PHONES:
            run.window_start = loop.time()
            run.deadline = run.window_start + SECONDS
            run.usage.begin(server_pids)
            loop.call_at(run.deadline, run.usage.end)
            if restart:
                loop.call_at(
                    run.window_start + SECONDS * 0.4, lambda: tasks.append(loop.create_task(bounce()))
                )
            ready.set()
        await ready.wait()
        headers = PROXY | {
            "X-Requested-With": "join.js",
            "Origin": origin,
            "Referer": origin + page,
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        answer = 0
        pending: dict[str, str] | None = None
        body = b""
        while True:
            now = loop.time()
            if pending is None:
                if now >= run.deadline:
                    return
                answer += 1
                pending = {
                    "csrfmiddlewaretoken": form["csrfmiddlewaretoken"],
                    "uuid": str(uuid.uuid4()),  # made on the phone, as a fresh page's would be
                    "question": form["question"],
                    "text": f"Answer {answer} from phone {number}: more evening sessions, please.",
                    "name": "",
                    "identify": "anonymous",
                }
                # Encoded once, as a phone does: the client shares the machine with the server,
                # so it does no more work per answer than it must.
                body = urlencode(pending).encode()
                ledger.sent.add(pending["uuid"])
            elif now >= run.deadline + GRACE:
                ledger.unacknowledged.add(pending["uuid"])
                return
            try:
                async with session.post(url, data=body, headers=headers) as response:
                    reply = await response.read()  # not ``body``: a resend posts the same answer
                    ok = response.status == 200 and b'"next"' in reply
                    kind = str(response.status)
            except (aiohttp.ClientError, TimeoutError) as error:
                ok, kind = False, error_kind(error)
            if ok:
                ledger.acknowledged.add(pending["uuid"])
                run.record(now, loop.time())
                pending = None
                if PACE:
                    await asyncio.sleep(max(0.0, now + PACE - loop.time()))
            else:
                run.error(kind, loop.time())
                await asyncio.sleep(RETRY_AFTER)  # then the same UUID again

    async def bounce() -> None:
        restarted["began"] = loop.time() - run.window_start
        restarted["how"] = await asyncio.to_thread(restart_postgresql)
        restarted["accepting"] = loop.time() - run.window_start

    tasks: list[asyncio.Task[None]] = []
    async with client_session() as session:
        await asyncio.gather(*(phone(n) for n in range(1, PHONES + 1)))
        await asyncio.gather(*tasks)
    return run, ledger, restarted


# --- Restarting PostgreSQL -----------------------------------------------------------------------


def restart_postgresql() -> str:
    """Restart the local cluster and wait until it accepts connections again."""
    clusters = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=False)  # noqa: S607
    line = clusters.stdout.split()
    if clusters.returncode == 0 and len(line) >= 2:
        command = ["pg_ctlcluster", line[0], line[1], "restart"]
    else:
        command = ["service", "postgresql", "restart"]
    subprocess.run(command, check=True)  # noqa: S603
    settings = connection.settings_dict
    for _ in range(600):
        try:
            psycopg.connect(
                host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"], dbname="postgres"
            ).close()
            break
        except psycopg.OperationalError:
            time.sleep(0.1)
    return " ".join(command)


# --- The check and the report ---------------------------------------------------------------------


def stored_uuids(gathering_id: int) -> Counter[str]:
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"], dbname=settings["NAME"]
    ) as conn:
        rows = conn.execute(
            "SELECT uuid::text, count(*) FROM voices_contribution WHERE gathering_id = %s GROUP BY uuid",
            [gathering_id],
        ).fetchall()
    return Counter({row[0]: row[1] for row in rows})


def server_statuses(log: Path) -> Counter[int]:
    statuses: Counter[int] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if "status" in record:
                statuses[record["status"]] += 1
    return statuses


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--restart-db", action="store_true", help="restart PostgreSQL part-way through")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Give DATABASE_URL=postgres://…: this benchmark runs against PostgreSQL.")

    fresh_database()
    code, gathering_id = make_gathering()
    connection.close()
    tmp = Path(tempfile.mkdtemp(prefix="sbs-join-load-"))
    collectstatic(server_env(tmp))

    rounds: list[tuple[Run, Run]] = []
    ledger, restarted = Ledger(), {}
    for number in range(1, ROUNDS + 1):
        port = free_port()
        server = start_server(server_env(tmp, "benchmarks.hello_urls"), port, tmp / "hello.log", "/")
        try:
            hello = asyncio.run(hello_load(port, process_tree(server.pid)))
        finally:
            stop(server)

        port = free_port()
        server = start_server(server_env(tmp), port, tmp / "join.log", "/health/live/")
        try:
            load, round_ledger, round_restarted = asyncio.run(
                join_load(port, code, process_tree(server.pid), args.restart_db and number == 1)
            )
        finally:
            stop(server)
        rounds.append((hello, load))
        ledger.merge(round_ledger)
        restarted = restarted or round_restarted
        if ROUNDS > 1:
            ratio = load.rate / hello.rate
            print(
                f"round {number}: hello {hello.rate:.0f}/s, join {load.rate:.0f}/s, ratio {ratio:.2f}",
                flush=True,
            )
    join_log = tmp / "join.log"

    shutil.rmtree(tmp / "static")  # the logs stay
    stored = stored_uuids(gathering_id)
    twice = sorted(u for u, n in stored.items() if n > 1)
    lost = sorted(ledger.acknowledged - stored.keys())
    unknown = sorted(stored.keys() - ledger.sent)
    stored_unacknowledged = len(ledger.unacknowledged & stored.keys())

    print(
        f"PostgreSQL, granian WSGI × {WORKERS} workers {' '.join(GRANIAN_ARGS)}, {PHONES} clients, {SECONDS:g} s"
        + (", PostgreSQL restarted part-way" if args.restart_db else "")
    )
    print("| Run | requests/s | p50 | p99 | errors | client CPU | server CPU | machine busy |")
    print("|---|---|---|---|---|---|---|---|")
    for number, (hello, load) in enumerate(rounds, 1):
        label = f" (round {number})" if ROUNDS > 1 else ""
        for name, run in ((f"hello (GET){label}", hello), (f"join: send an answer (POST){label}", load)):
            print(
                f"| {name} | {run.rate:.0f} | {ms(run.quantile(0.5))} | {ms(run.quantile(0.99))} "
                f"| {sum(run.errors.values())} | {run.usage.client:.0%} of a core "
                f"| {run.usage.server:.0%} of a core | {run.usage.machine_busy:.0%} |"
            )
    ratios = {
        "throughput": [load.rate / hello.rate for hello, load in rounds],
        "p50": [hello.quantile(0.5) / load.quantile(0.5) for hello, load in rounds],
        "p99": [hello.quantile(0.99) / load.quantile(0.99) for hello, load in rounds],
    }
    print(
        "join / hello"
        + (f" (median of {ROUNDS} rounds)" if ROUNDS > 1 else "")
        + ": "
        + ", ".join(f"{name} {statistics.median(values):.2f}" for name, values in ratios.items())
        + " (hello's latency / join's: higher is better, like throughput)"
    )
    if ROUNDS > 1:
        for name, values in ratios.items():
            print(f"  {name} per round: " + ", ".join(f"{v:.2f}" for v in values))
    hello_errors = sum((h.errors for h, _ in rounds), Counter())
    join_errors = sum((j.errors for _, j in rounds), Counter())
    print(f"hello errors: {dict(hello_errors) or 0}; join errors: {dict(join_errors) or 0}")
    print(f"server answers (join): {dict(sorted(server_statuses(join_log).items()))}")
    if restarted:
        load = rounds[0][1]  # the round with the restart
        window = [t for t in load.error_times if restarted["began"] - 1 <= t <= restarted["accepting"] + 30]
        print(
            f"restart ({restarted['how']}): began {restarted['began']:.1f} s into the load, accepting again "
            f"{restarted['accepting'] - restarted['began']:.1f} s later; {len(window)} of "
            f"{len(load.error_times)} errors fell between its start and 30 s after; "
            f"last error at {max(load.error_times, default=0):.1f} s"
        )
    print(
        f"ledger: {len(ledger.sent):,} answers sent, {len(ledger.acknowledged):,} acknowledged, "
        f"{len(ledger.unacknowledged)} never acknowledged ({stored_unacknowledged} of those stored); "
        f"database: {sum(stored.values()):,} rows, {len(stored):,} UUIDs"
    )
    print(
        f"lost (acknowledged, not stored): {len(lost)}; stored twice: {len(twice)}; stored, never sent: {len(unknown)}"
    )
    print(f"logs: {tmp}")
    if lost or twice or unknown:
        raise SystemExit("the ledger and the database disagree")


if __name__ == "__main__":
    main()
