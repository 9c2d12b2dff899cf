"""Importing contributions from CSV and XLSX: reading, guessing columns, checking rows, the pages,
the background task with its progress, and importing the same file twice."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from typing import Any
from unittest import mock

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sidebyside.core.models import AuditEvent
from sidebyside.core.tests.test_worker import database_url
from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub
from sidebyside.voices import imports
from sidebyside.voices.imports import BadFile, Problem, Row, check_row, guess_mapping, parse_when, read_table
from sidebyside.voices.models import Contribution, ImportJob, Prompt

NOW = timezone.now()


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def coordinator(client_for: Callable[..., Client]) -> Client:
    return client_for("coordinator")


def upload(client: Client, hub: Hub, data: bytes, name: str = "answers.csv", **fields: Any) -> Any:
    return client.post(
        reverse("voices:import", kwargs={"hub_id": hub.pk}),
        {"file": SimpleUploadedFile(name, data), **fields},
    )


def latest_job() -> ImportJob:
    return ImportJob.objects.latest("pk")


# --- Reading files ---------------------------------------------------------------------------


def test_reads_utf8_csv_with_commas_inside_quotes() -> None:
    table = read_table(
        csv_bytes([["Words", "Name"], ["Tea, and a chat", "Sam"], ["Más café 🙂", ""]]), "a.csv"
    )
    assert table.header == ["Words", "Name"]
    assert table.rows == [(2, ["Tea, and a chat", "Sam"]), (3, ["Más café 🙂", ""])]


def test_reads_utf8_with_a_bom_and_the_header_loses_it() -> None:
    data = b"\xef\xbb\xbf" + csv_bytes([["Response", "Timestamp"], ["Fewer forms", "2025-01-31 10:00"]])
    table = read_table(data, "mentimeter.csv")
    assert table.header == ["Response", "Timestamp"]
    assert guess_mapping(table.header)["text"] == 0


def test_reads_windows_1252() -> None:
    data = csv_bytes([["Words"], ["It cost £5 – too much"], ["Café"]], encoding="cp1252")
    assert [row[1][0] for row in read_table(data, "old.csv").rows] == ["It cost £5 – too much", "Café"]


def test_reads_utf16_as_excel_saves_unicode_text() -> None:
    data = "Words\tName\nMore evening sessions\tJo\n".encode("utf-16")
    table = read_table(data, "unicode.txt")
    assert table.rows == [(2, ["More evening sessions", "Jo"])]


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_finds_the_delimiter(delimiter: str) -> None:
    rows = [["Words", "When", "Name"], ["Listen to us", "31/01/2025", "Ali"], ["Answer the phone", "", "Bo"]]
    table = read_table(csv_bytes(rows, delimiter=delimiter), "a.csv")
    assert table.header == ["Words", "When", "Name"]
    assert table.rows[0][1] == ["Listen to us", "31/01/2025", "Ali"]


def test_skips_blank_rows_and_numbers_rows_as_a_spreadsheet_does() -> None:
    data = b"\n\nWords,Name\nfirst,\n,\nsecond,Jo\n"
    table = read_table(data, "a.csv")
    assert table.rows == [(4, ["first", ""]), (6, ["second", "Jo"])]


def test_short_rows_are_padded_and_long_ones_cut() -> None:
    table = read_table(b"Words,Name,Tags\nonly words\na,b,c,d,e\n", "a.csv")
    assert table.rows == [(2, ["only words", None, None]), (3, ["a", "b", "c"])]


def test_reads_xlsx_with_real_dates() -> None:
    when = datetime.datetime(2025, 1, 31, 14, 30)  # noqa: DTZ001 (Excel has no time zones)
    data = xlsx_bytes(
        [["Content", "Author", "Created at", "Tags"], ["Warm space", "Kim", when, "housing"], [None]]
    )
    table = read_table(data, "miro.xlsx")
    assert table.header == ["Content", "Author", "Created at", "Tags"]
    assert table.rows == [(2, ["Warm space", "Kim", when, "housing"])]
    assert guess_mapping(table.header) == {"text": 0, "name": 1, "said_at": 2, "tags": 3}


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.csv", "The file is empty"),
        (b"%PDF-1.4 binary", "notes.pdf", "must be a CSV or Excel (.xlsx) file"),
        (b"\xd0\xcf\x11\xe0 old", "notes.xls", "old Excel format"),
        (b"Words\nhello\n", "notes.xlsx", "not an Excel file"),
        (b"PK\x03\x04broken zip", "notes.xlsx", "could not be opened"),
        (b"\n \n,,\n", "a.csv", "nothing in it"),
        (b"Words,Name\n", "a.csv", "no rows below it"),
        (b"Words\n\x81\x8d\x8f\x90\x9d\n", "a.csv", "letters could not be read"),
        (b"W\x00o\x00r\x00d\x00s\x00\n\x00", "a.csv", "not a CSV file"),
        (("x" * 150 + "\nmore\n").encode(), "a.csv", "first row must name the columns"),
    ],
)
def test_bad_files_say_what_is_wrong(data: bytes, name: str, message: str) -> None:
    with pytest.raises(BadFile, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        read_table(data, name)


def test_a_zip_called_csv_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.txt", "hello")
    with pytest.raises(BadFile, match="not a CSV file"):
        read_table(out.getvalue(), "a.csv")


def test_too_many_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    with pytest.raises(BadFile, match="more than 3 rows"):
        read_table(b"Words\na\nb\nc\nd\n", "a.csv")


# --- Guessing columns ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["Words", "When", "Name", "Tags"], {"text": 0, "said_at": 1, "name": 2, "tags": 3}),
        (["Timestamp", "Response"], {"text": 1, "said_at": 0, "name": None, "tags": None}),
        (
            ["ID", "Your name", "Date submitted", "Feedback comments"],
            {"text": 3, "said_at": 2, "name": 1, "tags": None},
        ),
        (["What would make the hub better?"], {"text": 0, "said_at": None, "name": None, "tags": None}),
        (["Date", "What has frustrated you?"], {"text": 1, "said_at": 0, "name": None, "tags": None}),
        (["A", "B", "C"], {"text": None, "said_at": None, "name": None, "tags": None}),
    ],
)
def test_guesses_the_columns_from_their_names(header: list[str], expected: dict[str, int | None]) -> None:
    assert guess_mapping(header) == expected


# --- Checking rows ---------------------------------------------------------------------------

MAPPING: dict[str, int | None] = {"text": 0, "said_at": 1, "name": 2, "tags": 3}
DEFAULT = datetime.datetime(2025, 1, 1, 9, tzinfo=datetime.UTC)


def check(*values: Any) -> Row | Problem:
    return check_row(7, list(values), MAPPING, default_when=DEFAULT, now=NOW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-31", datetime.datetime(2025, 1, 31, 0, 0, tzinfo=datetime.UTC)),
        ("2025-01-31T14:30:00.000Z", datetime.datetime(2025, 1, 31, 14, 30, tzinfo=datetime.UTC)),
        ("2025-06-30 14:30:05", datetime.datetime(2025, 6, 30, 13, 30, 5, tzinfo=datetime.UTC)),  # BST
        ("31/01/2025", datetime.datetime(2025, 1, 31, 0, 0, tzinfo=datetime.UTC)),
        ("31/01/2025 14:30", datetime.datetime(2025, 1, 31, 14, 30, tzinfo=datetime.UTC)),
        ("31/01/2025, 14:30:59", datetime.datetime(2025, 1, 31, 14, 30, 59, tzinfo=datetime.UTC)),
        ("31/01/2025 2:30 PM", datetime.datetime(2025, 1, 31, 14, 30, tzinfo=datetime.UTC)),
        ("31.01.2025 14:30", datetime.datetime(2025, 1, 31, 14, 30, tzinfo=datetime.UTC)),
        ("31 January 2025", datetime.datetime(2025, 1, 31, 0, 0, tzinfo=datetime.UTC)),
        ("Jan 31, 2025 2:30 PM", datetime.datetime(2025, 1, 31, 14, 30, tzinfo=datetime.UTC)),
        ("2025-01-31 14:30:00 UTC", datetime.datetime(2025, 1, 31, 14, 30, tzinfo=datetime.UTC)),
    ],
)
def test_reads_common_date_formats_as_uk_time(text: str, expected: datetime.datetime) -> None:
    parsed = parse_when(text)
    assert parsed is not None
    assert parsed == expected


def test_reads_excel_serial_dates() -> None:
    parsed = parse_when(45688.5)  # 31 January 2025, midday
    assert parsed is not None
    assert (parsed.year, parsed.month, parsed.day, parsed.hour) == (2025, 1, 31, 12)


def test_a_good_row_as_it_will_be_stored() -> None:
    row = check("  Listen to us \r\n please ", "31/01/2025 14:30", "  Sam   Smith ", "housing; money,, ")
    assert isinstance(row, Row)
    assert row.text == "Listen to us \n please"
    assert row.name == "Sam Smith"
    assert row.tags == "housing, money"
    assert row.said_at == datetime.datetime(2025, 1, 31, 14, 30, tzinfo=imports.LONDON)


def test_a_row_without_a_date_gets_the_default() -> None:
    row = check("Words", "", "", "")
    assert isinstance(row, Row)
    assert row.said_at == DEFAULT


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        (("", "", "", ""), "The words are empty"),
        (("   \n ", "", "", ""), "The words are empty"),
        (("x" * 4001, "", "", ""), "The words are too long: 4,001 characters, and the most is 4,000"),
        (("Words", "next tuesday", "", ""), "The date “next tuesday” cannot be read"),
        (("Words", "31/02/2025", "", ""), "cannot be read"),
        (("Words", (NOW + datetime.timedelta(days=2)).isoformat(), "", ""), "The date is in the future"),
        (("Words", "", "n" * 101, ""), "The name is longer than 100 characters"),
        (("Words", "", "", "t," * 150), "The tags are longer than 200 characters"),
    ],
)
def test_rows_that_cannot_be_stored_say_why(values: tuple[Any, ...], reason: str) -> None:
    problem = check(*values)
    assert isinstance(problem, Problem)
    assert problem.number == 7
    assert reason in problem.reason


# --- The pages -------------------------------------------------------------------------------


def test_upload_page_offers_the_hubs_gatherings_and_says_the_limits(coordinator: Client, hub: Hub) -> None:
    past = timezone.now() - datetime.timedelta(days=3)
    Gathering.objects.create(
        hub=hub,
        kind="meeting",
        title="Drop-in at the library",
        starts_at=past,
        ends_at=past + datetime.timedelta(hours=1),
    )
    page = coordinator.get(reverse("voices:import", kwargs={"hub_id": hub.pk})).content.decode()
    assert "20 MB and 50,000 rows" in page
    assert "Drop-in at the library" in page


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.csv", "The file is empty"),
        (b"%PDF", "a.pdf", "The file must be a CSV or Excel (.xlsx) file"),
        (b"Words\n", "a.csv", "The file has a row of column names but no rows below it"),
        (b"Words\n\x81\x8d\n", "a.csv", "The file’s letters could not be read"),
    ],
)
def test_bad_uploads_are_named_in_the_error_summary(
    coordinator: Client, hub: Hub, data: bytes, name: str, message: str
) -> None:
    response = upload(coordinator, hub, data, name)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert message.replace("’", "&#x27;") in page or message in page
    assert not ImportJob.objects.exists()


def test_no_file_chosen(coordinator: Client, hub: Hub) -> None:
    response = coordinator.post(reverse("voices:import", kwargs={"hub_id": hub.pk}), {})
    assert "Choose a file to import" in response.content.decode()


def test_a_file_too_big_is_refused(coordinator: Client, hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    from sidebyside.voices import forms_imports

    monkeypatch.setattr(forms_imports, "MAX_BYTES", 10)
    response = upload(coordinator, hub, b"Words\nmore than ten bytes\n")
    assert "The file must be 20 MB or smaller" in response.content.decode()


def test_a_gathering_of_another_hub_cannot_be_chosen(coordinator: Client, hub: Hub, other_hub: Hub) -> None:
    start = timezone.now() - datetime.timedelta(days=1)
    theirs = Gathering.objects.create(
        hub=other_hub,
        kind="meeting",
        title="Theirs",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    response = upload(coordinator, hub, b"Words\nhello\n", gathering=str(theirs.pk))
    assert "Choose a gathering from the list" in response.content.decode()


def test_upload_keeps_the_file_privately_with_its_digest(coordinator: Client, hub: Hub) -> None:
    data = csv_bytes([["Response", "Timestamp"], ["Fewer forms", "31/01/2025"]])
    response = upload(coordinator, hub, data, "mentimeter export.csv")
    job = latest_job()
    assert response["Location"] == reverse("voices:import_job", kwargs={"job_id": job.pk})
    assert job.hub == hub
    assert job.filename == "mentimeter export.csv"
    assert job.total == 1
    assert job.digest == imports.digest_of(data)
    assert job.mapping == {"text": 0, "said_at": 1, "name": None, "tags": None}
    assert "mentimeter" not in job.file.name  # stored under a random name
    with job.file.open("rb") as handle:
        assert handle.read() == data
    assert AuditEvent.objects.filter(action="voices.import_uploaded", object_id=str(job.pk)).exists()


def test_mapping_page_shows_the_columns_and_the_guess(coordinator: Client, hub: Hub) -> None:
    upload(coordinator, hub, csv_bytes([["Name", "Feedback"], ["Jo", "Open later"]]))
    page = coordinator.get(reverse("voices:import_job", kwargs={"job_id": latest_job().pk})).content.decode()
    assert "Column B: Feedback" in page
    assert '<option value="1" selected>Column B: Feedback</option>' in page
    assert "Open later" in page


def test_mapping_errors_are_named_and_keep_the_choices(coordinator: Client, hub: Hub) -> None:
    upload(coordinator, hub, csv_bytes([["A", "B"], ["x", "y"]]))
    url = reverse("voices:import_job", kwargs={"job_id": latest_job().pk})
    page = coordinator.post(url, {"text": "", "said_at": "", "name": "1", "tags": "1"}).content.decode()
    assert "Choose the column that holds the words" in page
    assert "Tags and name cannot come from the same column" in page
    assert '<option value="1" selected>' in page
    assert latest_job().status == ImportJob.Status.UPLOADED


def test_preview_shows_rows_as_stored_and_problems_before_storing(coordinator: Client, hub: Hub) -> None:
    rows = [
        ["Words", "When", "Name"],
        ["Good one", "31/01/2025 14:30", "Sam"],
        ["", "", "Jo"],
        ["Another", "soon", ""],
    ]
    upload(coordinator, hub, csv_bytes(rows))
    job = latest_job()
    response = coordinator.post(
        reverse("voices:import_job", kwargs={"job_id": job.pk}),
        {"text": "0", "said_at": "1", "name": "2", "tags": ""},
    )
    assert response["Location"] == reverse("voices:import_preview", kwargs={"job_id": job.pk})
    page = coordinator.get(response["Location"]).content.decode()
    assert "Good one" in page
    assert "31 Jan 2025, 2:30pm" in page
    assert "Sam" in page
    assert "The words are empty" in page
    assert "The date “soon” cannot be read" in page
    assert "Import 1 row" in page
    assert not Contribution.objects.exists()


def test_preview_before_mapping_goes_back_to_the_columns(coordinator: Client, hub: Hub) -> None:
    upload(coordinator, hub, b"A,B\nx,y\n")
    job = latest_job()
    response = coordinator.get(reverse("voices:import_preview", kwargs={"job_id": job.pk}))
    assert response["Location"] == reverse("voices:import_job", kwargs={"job_id": job.pk})


def _import(client: Client, hub: Hub, data: bytes, name: str = "answers.csv", **fields: Any) -> ImportJob:
    upload(client, hub, data, name, **fields)
    job = latest_job()
    mapping = {k: "" if v is None else str(v) for k, v in job.mapping.items()}
    client.post(reverse("voices:import_job", kwargs={"job_id": job.pk}), mapping)
    response = client.post(reverse("voices:import_preview", kwargs={"job_id": job.pk}))
    assert response["Location"] == reverse("voices:import_progress", kwargs={"job_id": job.pk})
    job.refresh_from_db()
    return job


def test_contributions_are_stored_as_the_issue_says(
    coordinator: Client, hub: Hub, programme: Any, personas: dict[str, Any]
) -> None:
    start = (timezone.now() - datetime.timedelta(days=5)).replace(microsecond=0)
    gathering = Gathering.objects.create(
        hub=hub,
        kind="meeting",
        title="Workshop",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    prompt = Prompt.objects.create(programme=programme, text="What has frustrated you?")
    data = xlsx_bytes(
        [
            ["Words", "When", "Name", "Tags"],
            ["Waiting lists", "31/01/2025 10:00", "Kim", "health"],
            ["Forms", None, None, None],
        ]
    )
    storage = ImportJob._meta.get_field("file").storage  # type: ignore[attr-defined]
    files_before = set(storage.listdir("imports")[1]) if storage.exists("imports") else set()
    job = _import(coordinator, hub, data, "workshop.xlsx", gathering=str(gathering.pk), prompt=str(prompt.pk))
    assert job.status == ImportJob.Status.DONE
    named, anonymous = Contribution.objects.order_by("text").reverse()
    assert named.text == "Waiting lists"
    assert named.name_given == "Kim"
    assert named.identify_as == Contribution.Identify.FIRST_NAME
    assert named.said_at == datetime.datetime(2025, 1, 31, 10, tzinfo=imports.LONDON)
    assert anonymous.identify_as == Contribution.Identify.ANONYMOUS
    assert anonymous.said_at == start
    for row in (named, anonymous):
        assert row.channel == Contribution.Channel.IMPORT
        assert row.state == Contribution.State.SHOWN
        assert (row.hub, row.gathering, row.prompt, row.import_job) == (hub, gathering, prompt, job)
        assert row.entered_by == personas["coordinator"]
    assert named.uuid == imports.row_uuid(job, 2)
    assert named.tags == "health"
    # Once imported, the uploaded file is not kept.
    assert not job.file
    assert set(job.file.storage.listdir("imports")[1]) == files_before


def test_pages_take_a_fixed_number_of_queries(
    coordinator: Client, hub: Hub, django_assert_max_num_queries: Any
) -> None:
    for i in range(3):
        _import(coordinator, hub, f"Words\nline {i}\n".encode())
    data, _ = big_file()
    job = _import(coordinator, hub, data)
    with django_assert_max_num_queries(12):
        coordinator.get(reverse("voices:import", kwargs={"hub_id": hub.pk}))
    with django_assert_max_num_queries(12):
        coordinator.get(reverse("voices:import_progress", kwargs={"job_id": job.pk}))
    with django_assert_max_num_queries(12):
        coordinator.get(reverse("voices:import_problems_csv", kwargs={"job_id": job.pk}))


def test_without_a_gathering_or_date_a_row_gets_the_upload_time(coordinator: Client, hub: Hub) -> None:
    job = _import(coordinator, hub, b"Words\nhello\n")
    assert Contribution.objects.get().said_at == job.created_at


def big_file() -> tuple[bytes, set[int]]:
    """5,000 rows; 12 cannot be stored (empty, too long, unreadable or future dates)."""
    future = (timezone.now() + datetime.timedelta(days=30)).strftime("%d/%m/%Y %H:%M")
    rows = [["Response", "Timestamp", "Name", "Tags"]]
    bad: set[int] = set()
    for i in range(5000):
        number = i + 2
        text, when, name = (
            f"Answer {i} – more time to talk 🙂",
            f"{(i % 28) + 1:02d}/01/2025 10:{i % 60:02d}",
            "",
        )
        if i % 3 == 0:
            name = f"Person {i}"
        kind = i // 400 if i % 400 == 7 and i < 4800 else None
        if kind is not None:
            bad.add(number)
            text, when = [("", when), ("x" * 4001, when), (text, "sometime"), (text, future)][kind % 4]
        rows.append([text, when, name, "waiting; housing"])
    assert len(bad) == 12
    return csv_bytes(rows, delimiter=";"), bad


def test_a_5000_row_file_with_12_bad_rows_then_the_same_file_again(coordinator: Client, hub: Hub) -> None:
    data, bad = big_file()
    saves: list[tuple[int, int, int]] = []
    real_save = ImportJob.save

    def spy(job: ImportJob, *args: Any, **kwargs: Any) -> None:
        if job.status == ImportJob.Status.RUNNING:
            saves.append((job.done, job.stored, len(job.errors)))
        real_save(job, *args, **kwargs)

    upload(coordinator, hub, data, "menti.csv")
    job = latest_job()
    preview = coordinator.post(
        reverse("voices:import_job", kwargs={"job_id": job.pk}),
        {"text": "0", "said_at": "1", "name": "2", "tags": "3"},
    )
    page = coordinator.get(preview["Location"]).content.decode()
    assert "Import 4,988 rows" in page
    assert "Rows that will be left out (12)" in page

    with mock.patch.object(ImportJob, "save", spy):
        coordinator.post(reverse("voices:import_preview", kwargs={"job_id": job.pk}))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.total, job.done, job.stored) == (5000, 5000, 4988)
    assert Contribution.objects.filter(import_job=job).count() == 4988
    assert {error["row"] for error in job.errors} == bad
    # Progress was saved after every batch of 500, and it only went up.
    assert [done for done, _, _ in saves] == list(range(500, 5001, 500))
    assert all(a[1] <= b[1] and a[2] <= b[2] for a, b in itertools.pairwise(saves))
    assert saves[-1] == (5000, 4988, 12)

    progress = coordinator.get(reverse("voices:import_progress", kwargs={"job_id": job.pk})).content.decode()
    assert "4,988 new contributions stored" in progress
    assert "Rows left out (12)" in progress
    assert "The words are empty" in progress
    assert "The date is in the future" in progress
    report = coordinator.get(reverse("voices:import_problems_csv", kwargs={"job_id": job.pk}))
    assert report["Content-Disposition"].startswith("attachment")
    lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert lines[0] == ["Row", "Problem"]
    assert {int(line[0]) for line in lines[1:]} == bad
    assert len(lines) == 13

    # The same file again: a new job, nothing new stored, and the page says so.
    again = _import(coordinator, hub, data, "menti (1).csv")
    assert again.pk != job.pk
    assert again.digest == job.digest
    assert again.status == ImportJob.Status.DONE
    assert again.stored == 0
    assert Contribution.objects.count() == 4988
    page = coordinator.get(reverse("voices:import_progress", kwargs={"job_id": again.pk})).content.decode()
    assert "Already imported: 0 new" in page
    assert "4,988 rows were already stored" in page
    assert AuditEvent.objects.filter(action="voices.import_finished").count() == 2


def test_mapping_page_says_when_a_file_was_imported_before(coordinator: Client, hub: Hub) -> None:
    _import(coordinator, hub, b"Words\nhello\n")
    upload(coordinator, hub, b"Words\nhello\n")
    page = coordinator.get(reverse("voices:import_job", kwargs={"job_id": latest_job().pk})).content.decode()
    assert "This file was imported before" in page


def test_the_same_file_in_another_hub_is_imported_there(
    client_for: Callable[..., Client], coordinator: Client, hub: Hub, other_hub: Hub
) -> None:
    first = _import(coordinator, hub, b"Words\nhello\n")
    job = ImportJob.objects.create(
        hub=other_hub, filename="a.csv", digest=first.digest, mapping={"text": 0}, total=1
    )
    job.file.save("a.csv", io.BytesIO(b"Words\nhello\n"), save=True)
    assert imports.row_uuid(job, 2) != imports.row_uuid(first, 2)


def test_a_second_click_on_import_does_not_start_it_twice(coordinator: Client, hub: Hub) -> None:
    job = _import(coordinator, hub, b"Words\nhello\n")
    with mock.patch.object(imports, "import_run") as run:
        response = coordinator.post(reverse("voices:import_preview", kwargs={"job_id": job.pk}))
        assert imports.import_start(actor=None, job=job) is False
    assert response["Location"] == reverse("voices:import_progress", kwargs={"job_id": job.pk})
    run.enqueue.assert_not_called()
    assert Contribution.objects.count() == 1


def test_progress_while_running_polls_and_has_a_refresh_link(coordinator: Client, hub: Hub) -> None:
    upload(coordinator, hub, b"Words\nhello\nagain\n")
    job = latest_job()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, done=1, stored=1)
    url = reverse("voices:import_progress", kwargs={"job_id": job.pk})
    page = coordinator.get(url).content.decode()
    assert "1 of 2 rows checked" in page
    assert 'hx-trigger="every 2s"' in page
    assert f'href="{url}">Refresh</a>' in page
    partial = coordinator.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial
    assert "1 of 2 rows checked" in partial
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE, done=2, stored=2)
    partial = coordinator.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial
    assert "Import finished" in partial


def test_a_worker_stopped_part_way_resumes_where_it_left_off(hub: Hub) -> None:
    rows = [["Words"]] + [[f"line {i}"] for i in range(1200)]
    data = csv_bytes(rows)
    job = ImportJob(
        hub=hub, filename="a.csv", digest=imports.digest_of(data), mapping={"text": 0}, total=1200
    )
    job.file.save("a.csv", io.BytesIO(data), save=False)
    job.status = ImportJob.Status.RUNNING
    job.done = 500
    job.save()
    imports.import_run.call(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.done == 1200
    assert job.stored == 700
    assert set(Contribution.objects.values_list("text", flat=True)) == {f"line {i}" for i in range(500, 1200)}
    # Running again after it is done does nothing.
    assert imports.import_run.call(job.pk) == 0


def test_a_lost_file_fails_the_import_with_a_way_to_try_again(coordinator: Client, hub: Hub) -> None:
    upload(coordinator, hub, b"Words\nhello\n")
    job = latest_job()
    coordinator.post(reverse("voices:import_job", kwargs={"job_id": job.pk}), {"text": "0"})
    job.file.delete(save=False)
    coordinator.post(reverse("voices:import_preview", kwargs={"job_id": job.pk}))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    page = coordinator.get(reverse("voices:import_progress", kwargs={"job_id": job.pk})).content.decode()
    assert "The import stopped" in page
    assert "upload it again" in page
    assert "Try again" in page
    response = coordinator.post(reverse("voices:import_again", kwargs={"job_id": job.pk}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED  # still no file: it fails again, nothing stored
    assert not Contribution.objects.exists()


def test_the_mapping_page_of_a_lost_file_says_so(coordinator: Client, hub: Hub) -> None:
    upload(coordinator, hub, b"Words\nhello\n")
    job = latest_job()
    job.file.delete(save=False)
    response = coordinator.get(reverse("voices:import_job", kwargs={"job_id": job.pk}))
    assert response.status_code == 200
    assert "This file is no longer kept" in response.content.decode()


# --- Who may ---------------------------------------------------------------------------------


def test_staff_of_another_hub_may_not_know_its_imports(
    client_for: Callable[..., Client], other_hub: Hub
) -> None:
    job = ImportJob.objects.create(hub=other_hub, filename="theirs.csv", digest="1" * 64)
    for name in ("import_job", "import_preview", "import_progress", "import_problems_csv"):
        response = client_for("facilitator").get(reverse(f"voices:{name}", kwargs={"job_id": job.pk}))
        assert response.status_code == 404, name


def test_staff_must_verify_before_importing(client_for: Callable[..., Client], hub: Hub) -> None:
    response = client_for("facilitator", verified=False).get(
        reverse("voices:import", kwargs={"hub_id": hub.pk})
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_step"))


# --- A real worker ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_process_runs_the_queued_import(coordinator: Client, hub: Hub, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    data, bad = big_file()
    job = _import(coordinator, hub, data, "menti.csv")
    # Queued, not run: the page shows it waiting.
    assert job.status == ImportJob.Status.RUNNING
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "sidebyside.voices.imports.import_run"
    assert queued.args_kwargs["args"] == [job.pk]
    page = coordinator.get(reverse("voices:import_progress", kwargs={"job_id": job.pk})).content.decode()
    assert "0 of 5,000 rows checked" in page

    env = {
        **os.environ,
        "SIDEBYSIDE_ENV": "test",
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": "database",
    }
    finished = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.2",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    job.refresh_from_db()
    assert (job.status, job.done, job.stored) == (ImportJob.Status.DONE, 5000, 4988)
    assert {error["row"] for error in job.errors} == bad


def test_a_file_no_longer_kept_is_called_that_not_unreadable(coordinator: Client, hub: Hub) -> None:
    job = ImportJob.objects.create(hub=hub, filename="old.csv", digest="2" * 64)  # its file cleared
    page = coordinator.get(reverse("voices:import_job", kwargs={"job_id": job.pk})).content.decode()
    assert "This file is no longer kept" in page
    assert "This file cannot be read" not in page
    assert "upload it again" in page
