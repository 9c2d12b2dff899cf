"""The database connection pool's check of a connection before a request is given it."""

from __future__ import annotations

import select
from typing import Any

import psycopg
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
