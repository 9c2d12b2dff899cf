"""Contributions as a spreadsheet: CSV (with a byte-order mark, so Excel reads the accents and
emoji right) or XLSX.

Every cell that a spreadsheet could take for a formula (it starts with = + - @, a tab or a
carriage return) gets an apostrophe in front, so the words people wrote are only ever words.
Who said something follows how they chose to be known: full name, first name, or "Anonymous".
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from sidebyside.voices.models import Contribution

MAX_ROWS = 50_000
HEADERS = (
    "When",
    "Hub",
    "Gathering",
    "Question",
    "What was said",
    "Who",
    "How it came in",
    "Tags",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ANONYMOUS = "Anonymous"


def who(contribution: Contribution) -> str:
    """The name to show, as the person chose: full name, first name, or "Anonymous"."""
    if contribution.identify_as == Contribution.Identify.ANONYMOUS:
        return ANONYMOUS
    name = ""
    if contribution.author is not None and contribution.author.user is not None:
        name = contribution.author.user.full_name
    name = (name or contribution.name_given).strip()
    if not name:
        return ANONYMOUS
    if contribution.identify_as == Contribution.Identify.FIRST_NAME:
        return name.split()[0]
    return name


def guarded(value: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _gathering(contribution: Contribution) -> str:
    gathering = contribution.gathering
    if gathering is None:
        return ""
    return f"{gathering.title} ({timezone.localtime(gathering.starts_at):%-d %b %Y})"


def rows(contributions: Iterable[Contribution]) -> Iterator[tuple[datetime.datetime, list[str]]]:
    """Each contribution's time (local) and its other cells, guarded against formulas."""
    for c in contributions:
        cells = [
            c.hub.name,
            _gathering(c),
            c.prompt.text if c.prompt is not None else "",
            c.text,
            who(c),
            c.get_channel_display(),
            c.tags,
        ]
        yield timezone.localtime(c.said_at), [guarded(cell) for cell in cells]


def as_csv(contributions: Iterable[Contribution]) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for when, cells in rows(contributions):
        writer.writerow([f"{when:%Y-%m-%d %H:%M}", *cells])
    return out.getvalue().encode("utf-8")


def as_xlsx(contributions: Iterable[Contribution]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Contributions")
    for column, width in zip("ABCDEFGH", (17, 20, 30, 40, 80, 20, 22, 20), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    header = []
    for text in HEADERS:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for when, cells in rows(contributions):
        stamp = WriteOnlyCell(sheet, value=when.replace(tzinfo=None))
        stamp.number_format = "yyyy-mm-dd hh:mm"
        sheet.append([stamp, *(ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in cells)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
