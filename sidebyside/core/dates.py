"""Dates and times written as GOV.UK writes them: "9am", "1:51pm", "midday", "midnight"."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone

_CLOCK = re.compile(r"^([0-9]{1,2})(?:[:.]([0-9]{2}))?(am|pm|a\.m\.|p\.m\.)?$")
_WORDS = {
    "midday": datetime.time(12),
    "noon": datetime.time(12),
    "12noon": datetime.time(12),
    "midnight": datetime.time(0),
}


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


def read_time_of_day(text: str) -> datetime.time:
    """A time as people write it: "10am", "2:30pm", "2.30 pm", "14:30", "9.15", "midday",
    "noon", "midnight". Raises ValueError for anything else, or for a time that does not exist
    ("25:00", "13pm")."""
    squeezed = "".join(text.split()).lower()
    if squeezed in _WORDS:
        return _WORDS[squeezed]
    match = _CLOCK.match(squeezed)
    if not match:
        raise ValueError(f"not a time: {text!r}")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            raise ValueError(f"not a time: {text!r}")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"not a time: {text!r}")
    return datetime.time(hour, minute)
