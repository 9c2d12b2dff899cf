"""What the worker's loops (``settings.WORKER_LOOPS``) share: looking at most every few seconds.

The worker calls each loop every time round (a fraction of a second). Loops that decide what is
due (invitations and reminders, digests, reminders to owners of actions) only need to look every
REMINDER_CHECK_SECONDS; each keeps a ``Throttle``. A call without a worker name (tests, a shell)
always runs. The watch over tasks left by a worker that has gone (``orphans``) keeps one with
its own interval.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from django.conf import settings


def _reminder_seconds() -> float:
    return settings.REMINDER_CHECK_SECONDS


class Throttle:
    def __init__(
        self, every: Callable[[], float] = _reminder_seconds, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """``every`` gives the seconds between looks (read each time: settings may change)."""
        self.every = every
        self.clock = clock
        self._last: dict[str, float] = {}

    def due(self, worker: str) -> bool:
        """Whether ``worker`` should look now (and, if so, that it has)."""
        if not worker:
            return True
        clock = self.clock()
        if clock - self._last.get(worker, -math.inf) < self.every():
            return False
        self._last[worker] = clock
        return True
