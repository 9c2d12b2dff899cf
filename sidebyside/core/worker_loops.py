"""What the worker's loops (``settings.WORKER_LOOPS``) share: looking at most every few seconds.

The worker calls each loop every time round (a fraction of a second). Loops that decide what is
due (invitations and reminders, digests, reminders to owners of actions) only need to look every
REMINDER_CHECK_SECONDS; each keeps a ``Throttle``. A call without a worker name (tests, a shell)
always runs.
"""

from __future__ import annotations

import math
import time

from django.conf import settings


class Throttle:
    def __init__(self) -> None:
        self._last: dict[str, float] = {}

    def due(self, worker: str) -> bool:
        """Whether ``worker`` should look now (and, if so, that it has)."""
        if not worker:
            return True
        clock = time.monotonic()
        if clock - self._last.get(worker, -math.inf) < settings.REMINDER_CHECK_SECONDS:
            return False
        self._last[worker] = clock
        return True
