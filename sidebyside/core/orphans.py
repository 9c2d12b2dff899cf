"""Tasks left running by a worker that has gone are queued again.

A worker killed outright (out of memory, a machine restarted, a stop that ran past the service
manager's patience) leaves the task it had claimed marked as running, and django-tasks-db never
looks at it again: an import would show "importing" for ever. Every worker records a heartbeat
(``WorkerHeartbeat``). A running task whose worker has not beaten for
``WORKER_HEARTBEAT_STALE_AFTER``, and still had not on a second look ``WORKER_ORPHAN_LOOK_EVERY``
later, is made ready again for any worker to run. The second look is for a database that was
away for a while: every worker's heartbeat is old then, and the living ones beat again within a
heartbeat of its return.

Our tasks can be run again: an import goes on from the last batch it stored, a theming run starts
again, a tally is counted again. A task claimed ``MOST_CLAIMS`` times is left alone, in case it
is the task that stops the workers; that is logged as an error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sidebyside.core.models import WorkerHeartbeat
from sidebyside.core.worker_loops import Throttle

logger = logging.getLogger(__name__)

MOST_CLAIMS = 3

Mark = tuple[datetime | None, datetime | None]  # the claim's start, the worker's last beat


def _look_seconds() -> float:
    return settings.WORKER_ORPHAN_LOOK_EVERY.total_seconds()


class OrphanWatch:
    """One worker's watch over the tasks others left running; ``look`` is its loop."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.throttle = Throttle(every=_look_seconds, clock=clock)
        self.suspects: dict[str, Mark] = {}
        self.given_up: set[str] = set()

    def look(self) -> int:
        """How many tasks were queued again; at most one look each ``WORKER_ORPHAN_LOOK_EVERY``."""
        # Named, so even a call from a shell waits its turn: the second look must come later.
        if not self.throttle.due("orphans"):
            return 0
        running = list(
            DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
                "id", "started_at", "worker_ids"
            )
        )
        workers = {ids[-1] for _, _, ids in running if ids}
        beats = dict(
            WorkerHeartbeat.objects.filter(worker_id__in=workers).values_list("worker_id", "last_seen")
        )
        cutoff = timezone.now() - settings.WORKER_HEARTBEAT_STALE_AFTER
        suspects: dict[str, Mark] = {}
        queued = 0
        for task_id, started_at, ids in running:
            key = str(task_id)
            last_seen = beats.get(ids[-1]) if ids else None
            if (last_seen is not None and last_seen >= cutoff) or key in self.given_up:
                continue  # its worker is alive, or it was left for good
            mark = (started_at, last_seen)
            if self.suspects.get(key) != mark:
                suspects[key] = mark  # first seen so, or its worker beat since: look again later
                continue
            if len(ids) >= MOST_CLAIMS:
                self.given_up.add(key)
                logger.error("task left running: its workers stopped each time", extra={"task_id": key})
                continue
            # Only if nobody has claimed it again, or queued it again, since the first look.
            if DBTaskResult.objects.filter(
                pk=task_id, status=TaskResultStatus.RUNNING, started_at=started_at
            ).update(status=TaskResultStatus.READY):
                queued += 1
                logger.warning(
                    "task queued again: its worker stopped", extra={"task_id": key, "claims": len(ids)}
                )
        self.suspects = suspects
        return queued


_watch = OrphanWatch()


def requeue_orphans(*, worker: str) -> int:
    """The worker's loop (``settings.WORKER_LOOPS``)."""
    return _watch.look()
