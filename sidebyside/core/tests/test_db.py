"""The pool's check of a connection: free for a healthy one, and a connection the server closed
is refused (so the pool replaces it) rather than handed to a request."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import connection

from sidebyside.core import db
from sidebyside.core.db import check_pooled_connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def conninfo() -> str:
    if connection.vendor != "postgresql":
        pytest.skip("the connection pool is PostgreSQL's")
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    return psycopg.conninfo.make_conninfo(**{k: v for k, v in params.items() if isinstance(v, str | int)})


def test_a_healthy_idle_connection_passes_without_a_query(
    conninfo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    queried: list[object] = []
    monkeypatch.setattr(db.ConnectionPool, "check_connection", staticmethod(queried.append))
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("SELECT 1")
        check_pooled_connection(conn)
        check_pooled_connection(conn)
        assert queried == []
        assert conn.execute("SELECT 2").fetchone() == (2,)


def test_a_connection_the_server_closed_is_refused(conninfo: str) -> None:
    with (
        psycopg.connect(conninfo, autocommit=True) as doomed,
        psycopg.connect(conninfo, autocommit=True) as admin,
    ):
        pid = doomed.info.backend_pid
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 5
        while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        with pytest.raises(psycopg.OperationalError):
            check_pooled_connection(doomed)


def test_the_prepared_cursor_prepares_once_and_is_counted_like_any_query() -> None:
    """On PostgreSQL the same statement is parsed and planned once per connection; on SQLite it is
    Django's usual cursor. Either way Django sees the queries (counted, logged)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as seen:
        for value in (1, 2, 3):
            with db.prepared_cursor() as cursor:
                cursor.execute("SELECT %s + 1", [value])
                assert cursor.fetchone()[0] == value + 1
    assert len(seen.captured_queries) == 3
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["SELECT $1 + 1%"]
            )
            assert cursor.fetchone()[0] == 1
