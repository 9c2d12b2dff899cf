"""Dates and times written as GOV.UK writes them: "9am", "1:51pm", "midday", "midnight"."""

from __future__ import annotations

import datetime

from django.utils import timezone


def time_of_day(value: datetime.datetime | datetime.time) -> str:
    """The time of ``value`` (an aware date-time in the service's time zone), without a dot
    or a zero minute: "9am", "1:51pm"; "midday" and "midnight" rather than "12pm" and "12am"."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    hour, minute = value.hour, value.minute
    if minute == 0 and hour in (0, 12):
        return "midnight" if hour == 0 else "midday"
    twelve = hour % 12 or 12
    suffix = "am" if hour < 12 else "pm"
    return f"{twelve}{suffix}" if minute == 0 else f"{twelve}:{minute:02d}{suffix}"
