"""What every benchmark starts with: Django set up on a database of its own.

Import this module before anything from Django or the project. The database is a temporary
SQLite file unless DATABASE_URL is given; ``fresh_database()`` drops and re-creates a
PostgreSQL one, then migrates.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SIDEBYSIDE_ENV", "development")
os.environ["DEBUG"] = "false"
_tmp = tempfile.TemporaryDirectory()
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp.name}/bench.sqlite3")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def fresh_database() -> None:
    if connection.vendor == "postgresql":
        import psycopg

        settings = connection.settings_dict
        admin = (
            f"host={settings['HOST']} port={settings['PORT'] or 5432} user={settings['USER']} dbname=postgres"
        )
        connection.close()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')
            conn.execute(f'CREATE DATABASE "{settings["NAME"]}"')
    call_command("migrate", verbosity=0)


def verify(client: Any, user: Any) -> None:
    """Two-step verification in the client's session, as a signed-in member of staff has it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


def measure(client: Any, url: str, rounds: int) -> tuple[float, float, int]:
    """A page's p50 and p95 in milliseconds over ``rounds`` requests after a warm-up, and the
    queries it makes."""
    import statistics
    import time

    client.get(url)  # warm up
    queries: list[str] = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(queries)


def print_ratios(
    rows: list[tuple[str, str, float, float, int]], pages: tuple[str, ...], small: int, large: int
) -> None:
    """The Markdown table of p95 at both sizes, their ratio and the query counts, from rows of
    (page, "small" or "large", p50, p95, queries)."""
    print(f"| page | p95 at {small:,} | p95 at {large:,} | large / small | queries |")
    print("|---|---|---|---|---|")
    for page in pages:
        s = next(r for r in rows if r[0] == page and r[1] == "small")
        la = next(r for r in rows if r[0] == page and r[1] == "large")
        print(f"| {page} | {s[3]:.0f} ms | {la[3]:.0f} ms | {la[3] / s[3]:.2f} | {s[4]} / {la[4]} |")


def measure_row(
    rows: list[tuple[str, str, float, float, int]], page: str, label: str, client: Any, url: str, rounds: int
) -> None:
    """Time ``url`` (``measure``), print the figures and add them to ``rows`` for ``print_ratios``."""
    p50, p95, queries = measure(client, url, rounds)
    rows.append((page, label, p50, p95, queries))
    print(f"{page} ({label}): p50 {p50:.1f} ms, p95 {p95:.1f} ms, {queries} queries", flush=True)


def evaluation_themes(programme: Any) -> tuple[list[str], list[str], dict[str, Any]]:
    """The committed evaluation set (its themes and texts) and one confirmed theme of ``programme``
    for each of its themes, by the set's name for it."""
    from sidebyside.insights.evaluate import read_tsv
    from sidebyside.insights.models import Theme

    themes_given, texts = read_tsv(ROOT / "sidebyside" / "insights" / "evaluation" / "comments.tsv")
    by_name = {
        name: Theme.objects.create(
            programme=programme, name=name.replace("_", " ").capitalize(), status="confirmed"
        )
        for name in sorted(set(themes_given))
    }
    return themes_given, texts, by_name


def begin(rounds: int) -> None:
    """Set Django up for timing pages with the test client, in a fresh database."""
    from django.conf import settings
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    fresh_database()
    print(f"database: {connection.vendor}; rounds per page: {rounds}")


def build_both(build: Callable[[str, int], Any], small: int, large: int) -> dict[str, Any]:
    """``build("small", small)`` and ``build("large", large)``, timed; then, on PostgreSQL, VACUUM
    ANALYZE: fresh planner statistics, and no autovacuum of the millions of new rows competing with
    the timings for the two cores (a database that grew over years has been vacuumed)."""
    built = {}
    for label, size in (("small", small), ("large", large)):
        started = time.perf_counter()
        built[label] = build(label, size)
        print(f"built {label}: {size:,} contributions in {time.perf_counter() - started:.0f} s", flush=True)
    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"vacuumed and analysed in {time.perf_counter() - started:.0f} s", flush=True)
    return built


def measure_both(
    rows: list[tuple[str, str, float, float, int]],
    page: str,
    small: tuple[Any, str],
    large: tuple[Any, str],
    rounds: int,
) -> None:
    """Time a page at both sizes with the requests taking turns (small, large, small, ...), so that
    whatever else the machine does in those seconds falls on both alike; add both rows as
    ``measure_row`` does."""
    import statistics

    timings: dict[str, list[float]] = {"small": [], "large": []}
    queries = {}
    for label, (client, url) in (("small", small), ("large", large)):
        client.get(url)  # warm up
        seen: list[str] = []
        with connection.execute_wrapper(
            lambda execute, sql, *args, seen=seen: seen.append(sql) or execute(sql, *args)
        ):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        queries[label] = len(seen)
    for _ in range(rounds):
        for label, (client, url) in (("small", small), ("large", large)):
            started = time.perf_counter()
            client.get(url)
            timings[label].append((time.perf_counter() - started) * 1000)
    for label, found in timings.items():
        found.sort()
        p50, p95 = statistics.median(found), found[int(len(found) * 0.95) - 1]
        rows.append((page, label, p50, p95, queries[label]))
        print(f"{page} ({label}): p50 {p50:.1f} ms, p95 {p95:.1f} ms, {queries[label]} queries", flush=True)
