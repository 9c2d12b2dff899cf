"""Phones answering at a room's pace while the worker themes 100,000 contributions (issue 6's
goal: the answers' p95 moves by less than 20 %).

1. Builds its own PostgreSQL database: a gathering open for phones (as join_load.py), and
   BENCH_THEMING (100,000) contributions in another hub of the same programme.
2. Starts granian as in production (2 workers).
3. The baseline: BENCH_PHONES (60) phones each sending an answer every BENCH_PACE (1) second for
   BENCH_SECONDS (30), with nothing else running (after a 10 s warm-up that is not counted).
4. Starts one worker process (`manage.py worker`), which begins reading the 100,000 with the
   meaning model (its loop for new contributions), asks for "suggest themes" over them (as a
   coordinator would), waits until the worker has started it, and runs the same phones again
   while it works.
5. Reports p50/p95/p99 of both, the ratio, the run's state and progress at the end, and checks
   every acknowledged answer was stored once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sbs_bench_theming .venv/bin/python benchmarks/theming_while_answering.py

The worker uses the meaning model when it is installed, as in production: a first run over
100,000 contributions spends minutes embedding them (one thread, ``INSIGHTS_MODEL_THREADS``),
which is the part that competes with the web server.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("BENCH_PHONES", "60")
os.environ.setdefault("BENCH_SECONDS", "30")
os.environ.setdefault("BENCH_PACE", "1")
os.environ.setdefault("BENCH_WARMUP", "0")

# join_load sets up Django through common: it must come before the project's imports.
import join_load as jl
from common import ROOT, fresh_database
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub
from sidebyside.insights import services
from sidebyside.insights.evaluate import read_tsv
from sidebyside.insights.models import ContributionVector, ThemingRun
from sidebyside.voices.models import Contribution

THEMING = int(os.environ.get("BENCH_THEMING", "100000"))


def many_contributions(programme_id: int, n: int) -> Hub:
    hub = Hub.objects.create(programme_id=programme_id, name="Big hub", locality="x", stage="established")
    _, texts = read_tsv(ROOT / "sidebyside" / "insights" / "evaluation" / "comments.tsv")
    vocabulary = [w for t in texts for w in t.split()]
    rng = random.Random(0)
    now = timezone.now()
    for start in range(0, n, 20_000):
        Contribution.objects.bulk_create(
            Contribution(
                hub=hub,
                text=" ".join([*rng.choice(texts).split(), *rng.sample(vocabulary, 2)]),
                said_at=now,
                channel="paper",
                state="shown",
            )
            for _ in range(min(20_000, n - start))
        )
    return hub


def report(name: str, run: jl.Run) -> None:
    print(
        f"| {name} | {len(run.latencies):,} | {jl.ms(run.quantile(0.5))} | {jl.ms(run.quantile(0.95))} "
        f"| {jl.ms(run.quantile(0.99))} | {sum(run.errors.values())} |"
    )


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("Give DATABASE_URL=postgres://…: this benchmark runs against PostgreSQL.")
    fresh_database()
    code, gathering_id = jl.make_gathering()
    programme_id = Gathering.objects.get(pk=gathering_id).hub.programme_id
    started = time.perf_counter()
    many_contributions(programme_id, THEMING)
    print(f"{THEMING:,} contributions to theme, made in {time.perf_counter() - started:.0f} s", flush=True)
    connection.close()
    tmp = Path(tempfile.mkdtemp(prefix="sbs-theming-load-"))
    env = jl.server_env(tmp)
    jl.collectstatic(env)
    port = jl.free_port()
    server = jl.start_server(env, port, tmp / "web.log", "/health/live/")
    worker: subprocess.Popen[bytes] | None = None
    try:
        pids = jl.process_tree(server.pid)
        seconds = jl.SECONDS
        jl.SECONDS = 10  # a warm-up (connections, caches), not counted
        _, warm_ledger, _ = asyncio.run(jl.join_load(port, code, pids, False))
        jl.SECONDS = seconds
        quiet, quiet_ledger, _ = asyncio.run(jl.join_load(port, code, pids, False))
        # The worker starts now: it reads the 100,000 with the meaning model as they are new to
        # it (its loop) besides the run, so "alone" above had no worker at all.
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--no-reload", "-v", "0"],
            cwd=ROOT,
            env=env,
            stdout=(tmp / "worker.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        run = services.theming_run_start(
            actor=None, programme=Hub.objects.get(name="Big hub").programme, kind="suggest"
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.state != ThemingRun.State.QUEUED:
                break
            time.sleep(0.5)
        print(f"theming run {run.state} when the second load began", flush=True)
        busy, busy_ledger, _ = asyncio.run(jl.join_load(port, code, pids, False))
        run.refresh_from_db()
        connection.close()
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        jl.stop(server)
    stored = jl.stored_uuids(gathering_id)
    acknowledged = warm_ledger.acknowledged | quiet_ledger.acknowledged | busy_ledger.acknowledged
    lost = acknowledged - stored.keys()
    twice = [u for u, n in stored.items() if n > 1]
    print(f"{jl.PHONES} phones, an answer each every {jl.PACE:g} s, {jl.SECONDS:g} s each load")
    print("| load | answers | p50 | p95 | p99 | errors |")
    print("|---|---|---|---|---|---|")
    report("answers alone", quiet)
    report("answers while theming", busy)
    print(f"p95 while theming / alone: {busy.quantile(0.95) / quiet.quantile(0.95):.2f} (goal: under 1.20)")
    print(
        f"theming run at the end: {run.state}, {run.done:,} of {run.total:,} read, embedder {run.embedder or '?'}"
    )
    kept = ContributionVector.objects.values_list("model_id").annotate(n=Count("pk")).order_by("model_id")
    print("vectors kept by the worker: " + (", ".join(f"{n:,} of {model}" for model, n in kept) or "none"))
    print(f"lost: {len(lost)}; stored twice: {len(twice)}; logs: {tmp}")
    if lost or twice:
        raise SystemExit("the ledger and the database disagree")


if __name__ == "__main__":
    main()
