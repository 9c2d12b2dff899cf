"""Checks that other apps add to /health/, without core knowing about them.

An app registers a function in its ``ready()``; /health/ calls each one after the database check
and reports what it says under the check's name. A check reports, it does not decide: only the
database and the workers' heartbeats make /health/ answer 503, because what an app reports here
(for example, the meaning model found unsound, so themes are made from words) leaves the
platform working.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

Check = Callable[[], str]
_checks: dict[str, Check] = {}
RESERVED = frozenset({"status", "database", "worker", "workers_alive"})


def register(name: str, check: Check) -> None:
    """Add ``check`` under ``name``; registering the same name again replaces it."""
    if name in RESERVED:
        raise ValueError(f"/health/ already reports {name!r}")
    _checks[name] = check


def reports() -> dict[str, str]:
    """What each registered check says, in the order they were registered.

    A check that fails is reported as "unknown" and logged, so one app's fault cannot take
    /health/ down with it."""
    found: dict[str, str] = {}
    for name, check in _checks.items():
        try:
            found[name] = check()
        except Exception:
            logger.exception("health check failed", extra={"check": name})
            found[name] = "unknown"
    return found
