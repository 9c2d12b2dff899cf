"""Times as GOV.UK writes them."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone

from sidebyside.core.dates import read_time_of_day, time_of_day

LONDON = zoneinfo.ZoneInfo("Europe/London")


def test_times_of_day_are_written_the_gov_uk_way() -> None:
    assert time_of_day(datetime.time(9, 0)) == "9am"
    assert time_of_day(datetime.time(13, 51)) == "1:51pm"
    assert time_of_day(datetime.time(0, 5)) == "12:05am"
    assert time_of_day(datetime.time(12, 30)) == "12:30pm"
    assert time_of_day(datetime.time(12, 0)) == "midday"
    assert time_of_day(datetime.time(0, 0)) == "midnight"
    assert time_of_day(datetime.time(23, 9)) == "11:09pm"


def test_aware_times_are_read_in_the_service_time_zone() -> None:
    summer_utc = datetime.datetime(2026, 7, 1, 8, 30, tzinfo=datetime.UTC)  # 9:30 in London
    assert time_of_day(summer_utc) == "9:30am"
    winter_utc = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)
    assert time_of_day(winter_utc) == "midday"
    assert time_of_day(timezone.localtime(summer_utc, LONDON)) == "9:30am"


def test_the_template_filter() -> None:
    rendered = Template("{{ when|date:'j F Y' }}, {{ when|govuk_time }}|{{ nothing|govuk_time }}").render(
        Context({"when": datetime.datetime(2026, 12, 1, 14, 5, tzinfo=datetime.UTC), "nothing": "soon"})
    )
    assert rendered == "1 December 2026, 2:05pm|"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("10am", datetime.time(10)),
        ("2:30pm", datetime.time(14, 30)),
        ("2.30 PM", datetime.time(14, 30)),
        (" 9 p.m. ", datetime.time(21)),
        ("14:30", datetime.time(14, 30)),
        ("9.15", datetime.time(9, 15)),
        ("12am", datetime.time(0)),
        ("12pm", datetime.time(12)),
        ("midday", datetime.time(12)),
        ("Noon", datetime.time(12)),
        ("12 noon", datetime.time(12)),
        ("midnight", datetime.time(0)),
    ],
)
def test_times_are_read_as_people_write_them(typed: str, expected: datetime.time) -> None:
    assert read_time_of_day(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", "teatime", "25:00", "13pm", "0am", "9:60", "9:5", "1030", "-1pm", "٩am"]
)
def test_anything_else_is_not_a_time(typed: str) -> None:
    with pytest.raises(ValueError, match="not a time"):
        read_time_of_day(typed)


@pytest.mark.parametrize("minutes", range(0, 24 * 60, 7))
def test_what_is_written_reads_back_as_the_same_time(minutes: int) -> None:
    """A form shows a stored time as GOV.UK writes it; sent back unchanged, it is the same time."""
    time = datetime.time(minutes // 60, minutes % 60)
    assert read_time_of_day(time_of_day(time)) == time
