"""Template helpers for GOV.UK Design System markup (loaded into every template)."""

from __future__ import annotations

import datetime

from django import template

from sidebyside.core.dates import time_of_day

register = template.Library()


@register.filter
def govuk_time(value: object) -> str:
    """``{{ gathering.starts_at|govuk_time }}``: "9am", "1:51pm", "midday" (``core.dates``);
    nothing for a value that is not a time."""
    if isinstance(value, datetime.datetime | datetime.time):
        return time_of_day(value)
    return ""
