"""The database connection pool's check of a connection before a request is given it."""

from __future__ import annotations

import select
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from django.db import connection
from psycopg_pool import ConnectionPool


def check_pooled_connection(conn: Any) -> None:
    """Raise if ``conn`` is no longer usable, without a round trip to the database when it is.

    An idle connection in the pool has nothing to read. One the server has closed (a restart, a
    failover, an idle timeout) has: the server's farewell and the end of the stream. Only then is
    an empty query sent to find out (psycopg_pool's own check, which sends one every time), so a
    request is never handed a dead connection after a restart, and the usual case costs nothing.
    A network that silently lost the server is not seen here; the request's first query fails and
    is answered 503 (``core.middleware.DatabaseUnavailableMiddleware``), as any fault then is.
    """
    if conn.closed or conn.broken:
        raise psycopg.OperationalError("the connection is closed")
    poller = select.poll()  # not select(): it cannot watch descriptors above 1023
    poller.register(conn.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
    if poller.poll(0):
        ConnectionPool.check_connection(conn)


@contextmanager
def prepared_cursor() -> Iterator[Any]:
    """A cursor for the statement run on every answer from a phone (``voices.services``).

    On PostgreSQL it binds parameters on the server, so the statement's text is the same every
    time and PostgreSQL parses and plans it once per connection (``prepare_threshold`` in the
    database options) instead of for every answer; the values travel apart from the SQL. Django's
    own cursors bind on the client and never prepare. Elsewhere it is Django's usual cursor.
    Queries go through Django's wrapper either way: they are logged, counted and wrapped alike.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw: Any = psycopg.Cursor(connection.connection)
    # Wrapped as Django wraps its own cursors: errors translated, queries logged when asked.
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    with wrap(raw) as cursor:
        yield cursor
