"""Times as GOV.UK writes them."""

from __future__ import annotations

import datetime
import zoneinfo

from django.template import Context, Template
from django.utils import timezone

from sidebyside.core.dates import time_of_day

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
