"""Reading a gathering's agenda: each item with its start time, and the running total.

Times are worked out from the gathering's start and shown in Europe/London.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

from sidebyside.core.dates import time_of_day
from sidebyside.gatherings.forms_methods import minutes_text
from sidebyside.gatherings.models import Gathering, Step

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class AgendaRow:
    step: Step
    starts_at: datetime.datetime
    running_total: int
    first: bool
    last: bool
    coming: int  # speakers now: those registered as coming, at least one

    @property
    def start_text(self) -> str:
        return clock(self.starts_at)

    @property
    def minutes_now(self) -> int | None:
        """For a step in turns whose time no longer fits the number coming: the time that would."""
        each = self.step.minutes_each
        if each and self.step.minutes != each * self.coming:
            return each * self.coming
        return None

    @property
    def speakers(self) -> int | None:
        """For a step in turns: how many speakers its time allows for, if it divides exactly."""
        each = self.step.minutes_each
        if each and self.step.minutes % each == 0:
            return self.step.minutes // each
        return None

    @property
    def minutes_text(self) -> str:
        return minutes_text(self.step.minutes)

    @property
    def running_text(self) -> str:
        return minutes_text(self.running_total)


@dataclass(frozen=True)
class Agenda:
    rows: list[AgendaRow]
    total: int
    length: int  # the gathering's length, in minutes

    @property
    def over_by(self) -> int:
        return max(self.total - self.length, 0)

    @property
    def spare(self) -> int:
        return max(self.length - self.total, 0)

    @property
    def total_text(self) -> str:
        return minutes_text(self.total)

    @property
    def length_text(self) -> str:
        return minutes_text(self.length)

    @property
    def over_text(self) -> str:
        return minutes_text(self.over_by)

    @property
    def spare_text(self) -> str:
        return minutes_text(self.spare)


def clock(moment: datetime.datetime) -> str:
    """10:30am, 2pm, midday: the GOV.UK style of time (``core.dates``), in London."""
    return time_of_day(timezone.localtime(moment, LONDON).time())


def gathering_minutes(gathering: Gathering) -> int:
    return int((gathering.ends_at - gathering.starts_at).total_seconds() // 60)


def agenda_for(gathering: Gathering, *, coming: int = 1) -> Agenda:
    """The agenda in order, timed from the start of the gathering: one query."""
    steps = list(Step.objects.filter(gathering=gathering).order_by("position", "pk"))
    rows, total = [], 0
    for index, step in enumerate(steps):
        rows.append(
            AgendaRow(
                step=step,
                # Elapsed time, then London's clock: right across a change of the clocks too.
                starts_at=timezone.localtime(gathering.starts_at + datetime.timedelta(minutes=total), LONDON),
                running_total=total + step.minutes,
                first=index == 0,
                last=index == len(steps) - 1,
                coming=coming,
            )
        )
        total += step.minutes
    return Agenda(rows=rows, total=total, length=gathering_minutes(gathering))
