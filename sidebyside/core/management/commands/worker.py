"""Run the background worker, with a heartbeat that /health/ reads.

A thin wrapper around django-tasks-db's ``db_worker``: same options, plus a
thread that records every ``--heartbeat`` seconds that this worker is alive, and a thread
that runs the loops named in ``settings.WORKER_LOOPS`` (such as delivering the outbox).
A loop is a callable taking ``worker=`` that returns how much it did; when it did nothing,
the thread waits ``--poll`` seconds before calling it again.

A first SIGTERM (or Ctrl+C) lets the current step end: a task runs to its end, and a claim
being written is committed, before the worker stops. The library's own worker leaves at once
when no task runs, which can be in the middle of committing a claim; a second signal still
stops at once.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from argparse import ArgumentParser
from datetime import timedelta
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker as DbWorker

from sidebyside.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def beat(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"last_seen": timezone.now()})


def prune_dead_workers() -> int:
    """Workers killed without warning leave their row behind: clear those a day old."""
    deleted, _ = WorkerHeartbeat.objects.filter(last_seen__lt=timezone.now() - timedelta(days=1)).delete()
    return deleted


def keep_beating(worker_id: str, *, every: float, stop: threading.Event) -> None:
    """Beat every ``every`` seconds until ``stop`` is set, then remove the heartbeat. A beat that
    fails (the database away for a while) is logged and tried again at the next: a worker that
    stopped beating would be taken for gone, and its task run again by another (core.orphans)."""
    try:
        while not stop.is_set():
            close_old_connections()
            try:
                beat(worker_id)
            except Exception:
                logger.warning("heartbeat not recorded: trying again", exc_info=True)
            stop.wait(every)
    finally:
        try:
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
        except Exception:
            logger.warning("heartbeat not removed: it will be pruned", exc_info=True)
        connection.close()


class Worker(DbWorker):
    """The library's worker, stopping between steps rather than inside one."""

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if not self.running:
            # A second signal: stop now, as the library does.
            super().shutdown(signum, frame)
            return
        logger.warning("Received %s: stopping once this step ends", signal.strsignal(signum))
        # The loop checks this after each claim, task and wait of at most --interval seconds.
        self.running = False


class Command(DbWorkerCommand):
    help = "Run the background worker (django-tasks-db) with a heartbeat."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--heartbeat", type=float, default=15.0, help="seconds between heartbeats")
        parser.add_argument(
            "--poll", type=float, default=1.0, help="seconds to wait when a loop had nothing to do"
        )

    def handle(self, *args: Any, heartbeat: float, poll: float, worker_id: str, **options: Any) -> None:  # type: ignore[override]
        reload = bool(options.get("reload")) and not options.get("batch")
        if reload and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The autoreloader's parent only watches files; its child runs tasks and beats.
            super().handle(*args, worker_id=worker_id, **options)
            return
        stop = threading.Event()

        def run_loops() -> None:
            loops = [import_string(path) for path in settings.WORKER_LOOPS]
            try:
                while not stop.is_set():
                    close_old_connections()
                    busy = False
                    for run in loops:
                        try:
                            busy = bool(run(worker=worker_id)) or busy
                        except Exception:
                            logger.exception("worker loop failed", extra={"loop": run.__qualname__})
                    if not busy:
                        stop.wait(poll)
            finally:
                connection.close()

        prune_dead_workers()
        beat(worker_id)
        threads = [
            threading.Thread(
                target=keep_beating,
                name="heartbeat",
                args=(worker_id,),
                kwargs={"every": heartbeat, "stop": stop},
                daemon=True,
            ),
            threading.Thread(target=run_loops, name="loops", daemon=True),
        ]
        for thread in threads:
            thread.start()
        try:
            if reload:
                # Reloading is for development: there the library's worker runs as it is,
                # since its file watcher only ends when the signal handler exits.
                super().handle(*args, worker_id=worker_id, **options)
            else:
                self.run_worker(worker_id=worker_id, **options)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=5)

    def run_worker(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        """The library's ``handle`` without reloading, with the worker above in place of its own."""
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("--reload and --batch cannot be used together: not reloading")
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        worker.configure_signals()
        worker.run()
