"""Importing contributions from a file: what Mentimeter, Miro and spreadsheets export.

Reading (CSV in UTF-8, UTF-8 with a BOM, UTF-16 or Windows-1252, any usual delimiter; XLSX), guessing
which column is which, checking each row with a plain reason when it cannot be stored, and the
background task that stores the rows in batches, keeping the job's progress up to date.

Each row's UUID comes from the hub, the file's SHA-256 and the row's number, so importing the same
file again stores nothing new.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import io
import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from sidebyside.core.audit import audit
from sidebyside.voices.models import MAX_TEXT, Contribution, ImportJob

logger = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 100
BATCH = 500
PREVIEW_ROWS = 20
MAX_NAME = 100
MAX_TAGS = 200
# Clocks differ: a time a few minutes ahead is not "in the future".
FUTURE_SLACK = datetime.timedelta(minutes=10)
LONDON = ZoneInfo("Europe/London")

# Fixed for ever: changing it would let a file already imported be imported again.
ROW_NAMESPACE = uuid.UUID("6f1c0c52-4b7e-5d0a-9a53-3a3f2b6f8e01")

FIELDS: tuple[tuple[str, str], ...] = (
    ("text", "The words"),
    ("said_at", "When it was said"),
    ("name", "Name"),
    ("tags", "Tags"),
)

# Header names each field is guessed from, most likely first. Mentimeter exports "Response"
# (or the question itself); Miro's CSV of stickies "Content", "Author", "Created at", "Tags".
GUESSES: dict[str, tuple[str, ...]] = {
    "text": (
        "text", "words", "the words", "response", "responses", "answer", "answers", "comment", "comments",
        "feedback", "content", "contribution", "what they said", "sticky", "sticky note", "note", "notes",
        "idea", "ideas", "message", "body", "value", "thoughts",
    ),
    "said_at": (
        "said at", "when", "when said", "when it was said", "date", "time", "date time", "datetime",
        "timestamp", "created", "created at", "created on", "submitted", "submitted at", "date submitted",
        "submission date", "received", "updated at",
    ),
    "name": (
        "name", "first name", "your name", "author", "who", "participant", "person", "created by", "from",
        "nickname",
    ),
    "tags": ("tags", "tag", "theme", "themes", "labels", "label", "category", "categories", "topic", "group"),
}  # fmt: skip

DATE_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y, %H:%M:%S",
    "%d/%m/%Y, %H:%M",
    "%d/%m/%Y %I:%M %p",
    "%d/%m/%Y %I:%M:%S %p",
    "%d/%m/%Y",
    "%d/%m/%y %H:%M",
    "%d/%m/%y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%d %B %Y %H:%M",
    "%d %B %Y",
    "%d %b %Y %H:%M",
    "%d %b %Y",
    "%b %d, %Y %I:%M %p",
    "%B %d, %Y",
    "%b %d, %Y",
)


class BadFile(ValueError):
    """The file cannot be imported at all; the message says why, in plain words."""


class FileGone(BadFile):
    """The import's file is no longer kept (cleared after its time, or lost): upload it again."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    # (row number as a spreadsheet shows it, the row's cells padded to the header's length)
    rows: list[tuple[int, list[Any]]]


@dataclass(frozen=True)
class Row:
    number: int
    text: str
    said_at: datetime.datetime
    name: str
    tags: str


@dataclass(frozen=True)
class Problem:
    number: int
    reason: str


# --- Reading ---------------------------------------------------------------------------------


def kind_of(filename: str, data: bytes) -> str:
    """'csv' or 'xlsx', from the name and the first bytes; BadFile for anything else."""
    name = filename.lower().strip()
    suffix = name.rsplit(".", 1)[-1] if "." in name else ""
    is_zip = data[:4] == b"PK\x03\x04"
    if suffix in ("xlsx", "xlsm"):
        if not is_zip:
            raise BadFile(
                "The file is called .xlsx but is not an Excel file: open it and save it again as .xlsx or CSV"
            )
        return "xlsx"
    if suffix == "xls":
        raise BadFile("The file is in the old Excel format (.xls): open it and save it as .xlsx or CSV")
    if suffix in ("ods", "numbers"):
        raise BadFile("The file must be a CSV or Excel (.xlsx) file: open it and save it as one of those")
    if suffix in ("csv", "txt", "tsv", ""):
        if is_zip:
            raise BadFile("The file is not a CSV file: if it is an Excel file, save it as .xlsx or CSV")
        return "csv"
    raise BadFile("The file must be a CSV or Excel (.xlsx) file")


def decode(data: bytes) -> str:
    """Text of a CSV file: UTF-8 (with or without a BOM), UTF-16 with a BOM, or Windows-1252."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
    except UnicodeDecodeError:
        raise BadFile(_ENCODING) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise BadFile(_ENCODING) from None


_ENCODING = "The file's letters could not be read: save it again as “CSV UTF-8” and upload that"


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = text[:8192]  # the sniffer slows down steeply with more
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def _blank(cells: Sequence[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _table(records: Any) -> Table:
    """Header from the first row with something in it; then the rows below, blank ones skipped."""
    header: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in enumerate(records, start=1):
        cells = list(cells)
        if _blank(cells):
            continue
        if header is None:
            header = [as_text(cell).strip() for cell in cells]
            while header and not header[-1]:
                header.pop()
            header = header[:MAX_COLUMNS]
            if any(len(name) > 100 for name in header):
                raise BadFile(
                    "The first row must name the columns (such as “Words”, “When”, “Name”): "
                    "add a row at the top with a name for each column"
                )
            continue
        if len(rows) >= MAX_ROWS:
            raise BadFile(f"The file has more than {MAX_ROWS:,} rows: split it into smaller files")
        cells = cells[: len(header)]
        cells += [None] * (len(header) - len(cells))
        rows.append((number, cells))
    if header is None:
        raise BadFile("The file has nothing in it")
    if not rows:
        raise BadFile("The file has a row of column names but no rows below it")
    return Table(header, rows)


def read_csv(data: bytes) -> Table:
    text = decode(data)
    if "\x00" in text:
        raise BadFile("The file is not a CSV file: save it as CSV or Excel (.xlsx) and upload that")
    try:
        reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
        return _table(reader)
    except csv.Error:
        raise BadFile(
            "The file could not be read as CSV: open it in a spreadsheet and save it as CSV again"
        ) from None


def read_xlsx(data: bytes) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a broken zip or XML raises many kinds of error
        raise BadFile(
            "The Excel file could not be opened: open it and save it again as .xlsx or CSV"
        ) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise BadFile("The Excel file has no sheets in it")
        return _table(sheet.iter_rows(values_only=True))
    except BadFile:
        raise
    except Exception:
        raise BadFile("The Excel file could not be read: open it and save it again as .xlsx or CSV") from None
    finally:
        book.close()


def read_table(data: bytes, filename: str) -> Table:
    if not data:
        raise BadFile("The file is empty")
    if len(data) > MAX_BYTES:
        raise BadFile("The file must be 20 MB or smaller: split it into smaller files")
    if kind_of(filename, data) == "xlsx":
        return read_xlsx(data)
    return read_csv(data)


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- Mapping ---------------------------------------------------------------------------------


def _words(name: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", name.lower()).split())


def guess_mapping(header: Sequence[str]) -> dict[str, int | None]:
    """Which column holds each field, from the column names; None where nothing fits."""
    names = [_words(name) for name in header]
    chosen: dict[str, int | None] = dict.fromkeys(GUESSES)
    taken: set[int] = set()
    # Exact names first, for every field, then names that contain a known word.
    for exact in (True, False):
        for field, candidates in GUESSES.items():
            if chosen[field] is not None:
                continue
            for candidate in candidates:
                match = next(
                    (
                        index
                        for index, name in enumerate(names)
                        if index not in taken
                        and name
                        and (name == candidate if exact else f" {candidate} " in f" {name} ")
                    ),
                    None,
                )
                if match is not None:
                    chosen[field] = match
                    taken.add(match)
                    break
    if chosen["text"] is None:
        # One column left unnamed by the guesses: that is most likely the words.
        left = [index for index, name in enumerate(names) if index not in taken and name]
        if len(header) == 1 or len(left) == 1:
            chosen["text"] = left[0] if left else 0
    return chosen


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_label(header: Sequence[str], index: int) -> str:
    name = header[index] if index < len(header) else ""
    return f"Column {column_letter(index)}: {name}" if name else f"Column {column_letter(index)} (no name)"


# --- Checking rows ---------------------------------------------------------------------------


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def parse_when(value: Any) -> datetime.datetime | None:
    """An aware datetime from a cell, or None if it cannot be read. Times without a zone are UK time."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value < 2958466:  # Excel's serial dates, 1900 to 9999
            return None
        from openpyxl.utils.datetime import from_excel

        converted = from_excel(value)
        if not isinstance(converted, datetime.datetime):
            return None
        moment = converted
    else:
        moment_or_none = _parse_text_when(str(value))
        if moment_or_none is None:
            return None
        moment = moment_or_none
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=LONDON)
    return moment


def _parse_text_when(text: str) -> datetime.datetime | None:
    text = " ".join(text.strip().split())
    if not text:
        return None
    utc = False
    for suffix in (" UTC", " GMT", " Z"):
        if text.upper().endswith(suffix):
            text, utc = text[: -len(suffix)], True
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        moment = None
        for pattern in DATE_FORMATS:
            try:
                moment = datetime.datetime.strptime(text, pattern)  # noqa: DTZ007 (made aware by the caller)
                break
            except ValueError:
                continue
    if moment is None:
        return None
    if utc and moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def _cell(values: Sequence[Any], index: int | None) -> Any:
    if index is None or index >= len(values):
        return None
    return values[index]


def check_row(
    number: int,
    values: Sequence[Any],
    mapping: dict[str, int | None],
    *,
    default_when: datetime.datetime,
    now: datetime.datetime,
) -> Row | Problem:
    """The row as it will be stored, or the plain reason it cannot be."""
    text = as_text(_cell(values, mapping.get("text"))).replace("\r\n", "\n").replace("\x00", "").strip()
    if not text:
        return Problem(number, "The words are empty")
    if len(text) > MAX_TEXT:
        return Problem(
            number, f"The words are too long: {len(text):,} characters, and the most is {MAX_TEXT:,}"
        )
    raw_when = _cell(values, mapping.get("said_at"))
    said_at = default_when
    if raw_when is not None and as_text(raw_when).strip():
        parsed = parse_when(raw_when)
        if parsed is None:
            shown = as_text(raw_when).strip()[:40]
            return Problem(number, f"The date “{shown}” cannot be read: write it like 31/01/2025 14:30")
        if parsed > now + FUTURE_SLACK:
            return Problem(number, "The date is in the future")
        said_at = parsed
    name = " ".join(as_text(_cell(values, mapping.get("name"))).split())
    if len(name) > MAX_NAME:
        return Problem(number, f"The name is longer than {MAX_NAME} characters")
    raw_tags = as_text(_cell(values, mapping.get("tags")))
    tags = ", ".join(tag for tag in (" ".join(t.split()) for t in re.split(r"[,;|\n]", raw_tags)) if tag)
    if len(tags) > MAX_TAGS:
        return Problem(number, f"The tags are longer than {MAX_TAGS} characters")
    return Row(number, text, said_at, name, tags)


def saved_mapping(job: ImportJob) -> dict[str, int | None]:
    mapping = job.mapping or {}
    return {
        field: (mapping.get(field) if isinstance(mapping.get(field), int) else None) for field, _ in FIELDS
    }


def default_when(job: ImportJob) -> datetime.datetime:
    """When a row does not say: the gathering's start, else when the file was uploaded."""
    if job.gathering is not None:
        return job.gathering.starts_at
    return job.created_at or timezone.now()


@dataclass(frozen=True)
class Preview:
    rows: list[Row]  # the first rows that will be stored
    problems: list[Problem]
    good: int  # how many rows will be stored


def preview(job: ImportJob, table: Table) -> Preview:
    mapping = saved_mapping(job)
    when, now = default_when(job), timezone.now()
    rows: list[Row] = []
    problems: list[Problem] = []
    good = 0
    for number, values in table.rows:
        checked = check_row(number, values, mapping, default_when=when, now=now)
        if isinstance(checked, Problem):
            problems.append(checked)
            continue
        good += 1
        if len(rows) < PREVIEW_ROWS:
            rows.append(checked)
    return Preview(rows, problems, good)


def row_uuid(job: ImportJob, number: int) -> uuid.UUID:
    return uuid.uuid5(ROW_NAMESPACE, f"{job.hub_id}:{job.digest}:{number}")


def table_of(job: ImportJob) -> Table:
    """The job's file, read again. BadFile if it is gone or cannot be read."""
    if not job.file:
        raise FileGone("The file of this import is no longer kept: upload it again")
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        raise FileGone("The file of this import is no longer kept: upload it again") from None
    return read_table(data, job.filename)


# --- Writes ----------------------------------------------------------------------------------


def import_job_create(
    *,
    actor: Any,
    hub: Any,
    data: bytes,
    filename: str,
    table: Table,
    gathering: Any = None,
    prompt: Any = None,
) -> ImportJob:
    """Keep the uploaded file privately and start a job for it, with a guessed mapping."""
    suffix = "xlsx" if kind_of(filename, data) == "xlsx" else "csv"
    with transaction.atomic():
        job = ImportJob(
            hub=hub,
            gathering=gathering,
            prompt=prompt,
            filename=filename[-200:],
            digest=digest_of(data),
            mapping=guess_mapping(table.header),
            total=len(table.rows),
            created_by=actor,
        )
        job.file.save(f"{uuid.uuid4().hex}.{suffix}", ContentFile(data), save=False)
        job.save()
        audit(actor=actor, action="voices.import_uploaded", obj=job, hub=hub.pk, rows=job.total)
    return job


def import_job_map(*, actor: Any, job: ImportJob, mapping: dict[str, int | None]) -> ImportJob:
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.MAPPED):
        raise BadFile("This import has already started: its columns cannot be changed")
    job.mapping = {field: mapping.get(field) for field, _ in FIELDS}
    job.status = ImportJob.Status.MAPPED
    job.save(update_fields=["mapping", "status", "updated_at"])
    return job


def import_start(*, actor: Any, job: ImportJob) -> bool:
    """Queue the import. False if it is already running or done (a second click does nothing)."""
    with transaction.atomic():
        started = ImportJob.objects.filter(
            pk=job.pk, status__in=[ImportJob.Status.MAPPED, ImportJob.Status.FAILED]
        ).update(status=ImportJob.Status.RUNNING, done=0, stored=0, errors=[], updated_at=timezone.now())
        if not started:
            return False
        audit(actor=actor, action="voices.import_started", obj=job, rows=job.total)
        # Queued in the same transaction: no job left "importing" with nothing queued.
        import_run.enqueue(job.pk)
    return True


def _fail(job_id: int, reason: str) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.FAILED, errors=[{"row": 0, "reason": reason}], updated_at=timezone.now()
    )


@task()
def import_run(job_id: int) -> int:
    """Store the job's rows in batches; returns how many this run stored. Safe to run again."""
    job = ImportJob.objects.select_related("gathering").filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.RUNNING:
        return 0
    try:
        table = table_of(job)
    except BadFile as error:
        _fail(job.pk, str(error))
        return 0
    try:
        return _store(job, table)
    except Exception:
        logger.exception("import failed", extra={"import_job": job.pk})
        _fail(job.pk, "Something went wrong while importing: try again, and if it happens again, tell us")
        return 0


def _store(job: ImportJob, table: Table) -> int:
    mapping = saved_mapping(job)
    when, now = default_when(job), timezone.now()
    errors: list[dict[str, Any]] = list(job.errors or [])
    before = job.stored
    # A worker stopped part way resumes where it left off: the rows before are already stored.
    start = job.done
    identify = Contribution.Identify
    for offset in range(start, len(table.rows), BATCH):
        batch = table.rows[offset : offset + BATCH]
        new: list[Contribution] = []
        for number, values in batch:
            checked = check_row(number, values, mapping, default_when=when, now=now)
            if isinstance(checked, Problem):
                errors.append({"row": checked.number, "reason": checked.reason})
                continue
            new.append(
                Contribution(
                    uuid=row_uuid(job, checked.number),
                    hub_id=job.hub_id,
                    gathering_id=job.gathering_id,
                    prompt_id=job.prompt_id,
                    text=checked.text,
                    said_at=checked.said_at,
                    channel=Contribution.Channel.IMPORT,
                    name_given=checked.name,
                    identify_as=identify.FIRST_NAME if checked.name else identify.ANONYMOUS,
                    state=Contribution.State.SHOWN,
                    tags=checked.tags,
                    entered_by_id=job.created_by_id,
                    import_job=job,
                )
            )
        with transaction.atomic():
            Contribution.objects.bulk_create(new, ignore_conflicts=True)
            job.done = offset + len(batch)
            job.stored = Contribution.objects.filter(import_job=job).count()
            job.errors = errors
            job.save(update_fields=["done", "stored", "errors", "updated_at"])
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE,
            done=len(table.rows),
            total=len(table.rows),
            updated_at=timezone.now(),
        )
        audit(
            actor=None,
            action="voices.import_finished",
            obj=job,
            rows=job.total,
            stored=job.stored,
            problems=len(errors),
        )
    _forget_file(job)
    return job.stored - before


def _forget_file(job: ImportJob) -> None:
    """Once imported, the words live in the contributions: the uploaded file need not be kept."""
    name = job.file.name
    if not name:
        return
    ImportJob.objects.filter(pk=job.pk).update(file="")
    try:
        job.file.storage.delete(name)
    except OSError:
        logger.warning("could not delete an imported file", extra={"import_job": job.pk})
