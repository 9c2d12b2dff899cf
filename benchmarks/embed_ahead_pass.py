"""What the worker's hourly pass over every contribution costs when they all have vectors already
(``insights.embeddings.embed_ahead``: once an hour it goes through them all again, for words
changed by a redaction and contributions shown again; for those already read it only compares
hashes).

1. Builds its own database with BENCH_SIZES contributions (100,000 by default) in one hub, each
   with a kept vector of the model in use (random numbers of the model's size, made from the
   contribution's present words, so the pass finds nothing to do).
2. Runs ``embed_ahead`` round after round until it has looked at them all, as the worker does,
   timing the whole pass and counting its rounds and queries. The meaning model is never asked
   to read anything (checked).
3. Reports seconds per pass, per round and per 100,000 contributions, at each size given.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sbs_bench_ahead .venv/bin/python benchmarks/embed_ahead_pass.py
    BENCH_SIZES="100000 1000000" ...

It uses its own database (dropped and made again). Needs a meaning model (the small one is
installed with the project; the larger is used when it has been made).
"""

from __future__ import annotations

import os
import random
import time
from typing import Any

# common sets up Django: it must come (and sorts) before the django imports.
from common import fresh_database
from django.db import connection
from django.utils import timezone

from sidebyside.hubs.models import Hub, Programme
from sidebyside.insights import embeddings
from sidebyside.insights.engine.semantic import Semantic
from sidebyside.insights.models import ContributionVector
from sidebyside.voices.models import Contribution

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "100000").split()]
BATCH = 10_000
DIMENSIONS = {"all-MiniLM-L6-v2-int8": 384, "all-mpnet-base-v2-int7": 768}


def add(hub: Hub, count: int, model_id: str, rng: random.Random) -> None:
    """``count`` more contributions, each with a kept vector made from its words."""
    size = DIMENSIONS.get(model_id, 384)
    now = timezone.now()
    made = 0
    while made < count:
        n = min(BATCH, count - made)
        rows = Contribution.objects.bulk_create(
            Contribution(
                hub=hub,
                text=f"Comment {made + i}: the hostel was cold and nobody rang back {rng.random():.6f}",
                said_at=now,
                channel="paper",
                state="shown",
            )
            for i in range(n)
        )
        ContributionVector.objects.bulk_create(
            ContributionVector(
                contribution=row,
                model_id=model_id,
                text_sha256=embeddings.text_sha256(row.text),
                vector=rng.randbytes(size * 2),
            )
            for row in rows
        )
        made += n


def one_pass(model_id: str) -> tuple[float, int, int]:
    """(seconds, rounds, queries) of a whole pass from the first contribution."""
    embeddings._ahead_marks[model_id] = 0
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    rounds = 0
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        while embeddings.embed_ahead():
            rounds += 1
    return time.perf_counter() - started, rounds, queries


def main() -> None:
    fresh_database()
    found = embeddings.located()
    if found.files is None:
        raise SystemExit(f"No meaning model: {found.reason}")
    model_id = found.files.model_id
    read: list[int] = []
    real = Semantic.embed

    def counted(self: Semantic, texts: Any, progress: Any = None) -> Any:
        read.append(len(texts))
        return real(self, texts, progress)

    Semantic.embed = counted  # type: ignore[method-assign]
    programme = Programme.objects.create(name="Ahead", area="Benchmark")
    hub = Hub.objects.create(programme=programme, name="Ahead hub", locality="x", stage="established")
    rng = random.Random(0)
    print(f"database: {connection.vendor}; model: {model_id}; rounds look at {embeddings.AHEAD_SCAN} each")
    print("| contributions | whole pass | rounds | per round | per 100,000 | queries |")
    print("|---|---|---|---|---|---|")
    have = 0
    for size in sorted(SIZES):
        started = time.perf_counter()
        add(hub, size - have, model_id, rng)
        have = size
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        built = time.perf_counter() - started
        one_pass(model_id)  # warm: the rows in memory, as in a worker that has run before
        seconds, rounds, queries = one_pass(model_id)
        print(
            f"| {size:,} | {seconds:.1f} s | {rounds:,} | {seconds / rounds * 1000:.1f} ms "
            f"| {seconds / size * 100_000:.1f} s | {queries:,} |  (built in {built:.0f} s)",
            flush=True,
        )
    assert not read, f"the model was asked to read {sum(read)} texts"
    print("the model read nothing: every contribution's vector was found by its hash")


if __name__ == "__main__":
    main()
