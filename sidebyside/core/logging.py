"""Structured (JSON lines) logging that carries no personal data.

Only whitelisted attributes of a record are written. Request logging records the
URL *pattern* (``/hubs/<int:hub_id>/``), never the raw path or query string. A message
that quotes a path anyway (Django's own line for a server error does) has any secret
path segment redacted: a calendar feed address is ``/calendar/…ics`` in the logs, a join page
``/j/…/``.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from datetime import UTC, datetime

# Paths whose segments are secrets (a private calendar feed's token; a session's join code,
# which lets anyone send answers to it), and what they become.
_SECRET_PATHS = (
    (re.compile(r"/calendar/[^/\s?#]+\.ics"), "/calendar/…ics"),
    (re.compile(r"/j/[^/\s?#]+"), "/j/…"),
)


def redact(text: str) -> str:
    for pattern, replacement in _SECRET_PATHS:
        text = pattern.sub(replacement, text)
    return text


_EXTRA_FIELDS = ("route", "method", "status", "duration_ms", "event", "worker_id", "count", "object_type")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for field in _EXTRA_FIELDS:
            if hasattr(record, field):
                payload[field] = getattr(record, field)
        if record.exc_info and record.exc_info[0] is not None:
            # The exception type and the frames, but not the message: messages can quote data.
            payload["exception"] = record.exc_info[0].__name__
            payload["traceback"] = "".join(traceback.format_tb(record.exc_info[2]))
        return json.dumps(payload, default=str)
