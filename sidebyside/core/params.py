"""What browsers send in query strings and hidden fields: row ids and words to search for."""

from __future__ import annotations

import re
from typing import Any

# Every id column is a 64-bit integer; SQLite cannot even compare a larger number with one.
LARGEST_ID = 2**63 - 1
_ID = re.compile(r"[0-9]{1,19}")
# Characters no one types: NUL (which PostgreSQL refuses in any text) and the other controls.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def row_id(value: Any) -> int | None:
    """The id in ``value`` ("12" → 12), or None when it cannot be one: not plain digits 0–9
    ("²" and "١٢" are digits to ``str.isdigit`` but not ids), 0, or larger than any id column
    holds. Never raises, so a changed address is a page saying "not found", not a server error."""
    text = value if isinstance(value, str) else str(value) if type(value) is int else ""
    if not _ID.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= LARGEST_ID else None


def row_ids(values: Any) -> list[int]:
    """The ids among ``values`` (``request.POST.getlist(...)``), in order, without repeats."""
    found = (row_id(value) for value in values)
    return list(dict.fromkeys(number for number in found if number is not None))


def search_words(value: Any, *, limit: int = 200) -> str:
    """Words to search for, as typed: spaces at the ends and characters no one types taken
    away, at most ``limit`` characters."""
    text = value if isinstance(value, str) else ""
    return _CONTROLS.sub("", text).strip()[:limit]
