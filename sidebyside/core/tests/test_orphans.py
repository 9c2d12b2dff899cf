"""Tasks left running by a worker that has gone are queued again (core.orphans)."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from sidebyside.core.management.commands import worker as worker_command
from sidebyside.core.models import WorkerHeartbeat
from sidebyside.core.orphans import MOST_CLAIMS, OrphanWatch
from sidebyside.core.tests.test_worker import running_worker, wait_for
from sidebyside.hubs.models import Programme
from sidebyside.insights.models import TallyState

S = TaskResultStatus
TALLIES = "sidebyside.insights.tallies.refresh_tallies"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def claimed(*workers: str, task_path: str = TALLIES, args: list[Any] | None = None) -> DBTaskResult:
    """A task marked as running, claimed by ``workers`` in turn."""
    return DBTaskResult.objects.create(
        status=S.RUNNING,
        started_at=timezone.now() - timedelta(minutes=5),
        args_kwargs={"args": args or [0], "kwargs": {}},
        task_path=task_path,
        worker_ids=list(workers),
        backend_name="default",
        run_after=get_date_max(),
    )


def last_beat(worker_id: str, ago: timedelta) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"last_seen": timezone.now() - ago}
    )


def status(task: DBTaskResult) -> str:
    task.refresh_from_db()
    return task.status


@pytest.fixture
def watch() -> OrphanWatch:
    return OrphanWatch(clock=Clock())


def later(watch: OrphanWatch, seconds: float = 30) -> OrphanWatch:
    assert isinstance(watch.throttle.clock, Clock)
    watch.throttle.clock.now += seconds
    return watch


@pytest.mark.django_db
def test_a_task_whose_worker_is_silent_is_queued_again_on_the_second_look(watch: OrphanWatch) -> None:
    last_beat("gone", timedelta(minutes=10))
    task = claimed("gone")

    assert watch.look() == 0  # once may be a database that was away
    assert status(task) == S.RUNNING
    assert later(watch, 29).look() == 0  # too soon to look again
    assert status(task) == S.RUNNING
    assert later(watch, 1).look() == 1
    assert status(task) == S.READY
    assert DBTaskResult.objects.ready().filter(pk=task.pk).exists()  # any worker will take it


@pytest.mark.django_db
def test_a_worker_with_no_heartbeat_left_counts_as_gone(watch: OrphanWatch) -> None:
    task = claimed("pruned-long-ago")
    watch.look()
    assert later(watch).look() == 1
    assert status(task) == S.READY


@pytest.mark.django_db
def test_a_living_worker_keeps_its_task(watch: OrphanWatch) -> None:
    last_beat("alive", timedelta(seconds=5))
    task = claimed("alive")
    for _ in range(4):
        assert later(watch).look() == 0
    assert status(task) == S.RUNNING


@pytest.mark.django_db
def test_a_worker_that_beats_again_between_looks_keeps_its_task(watch: OrphanWatch) -> None:
    """The database was away: every heartbeat was old; the worker beat again when it came back."""
    last_beat("back", timedelta(minutes=3))
    task = claimed("back")
    watch.look()
    last_beat("back", timedelta(seconds=1))
    assert later(watch).look() == 0
    assert status(task) == S.RUNNING


@pytest.mark.django_db
def test_a_task_claimed_again_between_looks_is_left_to_its_new_worker(watch: OrphanWatch) -> None:
    task = claimed("gone")
    watch.look()
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now(), worker_ids=["gone", "new"])
    last_beat("new", timedelta(seconds=1))
    assert later(watch).look() == 0
    assert status(task) == S.RUNNING


@pytest.mark.django_db
def test_a_task_that_stopped_its_workers_each_time_is_left_and_logged(
    watch: OrphanWatch, caplog: pytest.LogCaptureFixture
) -> None:
    task = claimed(*(f"gone-{n}" for n in range(MOST_CLAIMS)))
    watch.look()
    with caplog.at_level(logging.ERROR, logger="sidebyside.core.orphans"):
        assert later(watch).look() == 0
        assert later(watch).look() == 0
        assert later(watch).look() == 0  # logged once, not at every look
    assert status(task) == S.RUNNING
    assert [r.getMessage() for r in caplog.records] == ["task left running: its workers stopped each time"]


@pytest.mark.django_db(transaction=True)
def test_a_heartbeat_that_fails_is_tried_again(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def flaky_beat(worker_id: str) -> None:
        calls.append(worker_id)
        if len(calls) == 1:
            raise OperationalError("the database went away")
        WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"last_seen": timezone.now()})

    monkeypatch.setattr(worker_command, "beat", flaky_beat)
    stop = threading.Event()
    thread = threading.Thread(
        target=worker_command.keep_beating, args=("w",), kwargs={"every": 0.01, "stop": stop}
    )
    thread.start()
    try:
        deadline = timezone.now() + timedelta(seconds=10)
        while len(calls) < 3 and timezone.now() < deadline:
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert len(calls) >= 3, "the heartbeat stopped after one failure"
    assert not WorkerHeartbeat.objects.exists()  # removed at the end


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_its_killed_predecessor_left_running(programme: Programme) -> None:
    """A worker killed outright left its claim behind; the next worker queues it again and runs it."""
    last_beat("killed", timedelta(minutes=10))
    task = claimed("killed", args=[programme.pk])
    with running_worker("--interval", "0.2", env={"WORKER_ORPHAN_LOOK_SECONDS": "1"}) as run:
        done = wait_for(lambda: status(task) == S.SUCCESSFUL, timeout=30, process=run.process)
        run.process.terminate()
        run.process.wait(timeout=10)
    assert done, run.output
    assert task.worker_ids[0] == "killed"
    assert len(task.worker_ids) == 2
    assert TallyState.objects.get(programme=programme).refreshed_at is not None
    assert "task queued again: its worker stopped" in run.output
    assert "Traceback" not in run.output, run.output
