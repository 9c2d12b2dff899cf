"""Voices: a coordinator imports a spreadsheet of answers from a workshop. A wrong file first; then
a CSV with two rows that cannot be stored: the columns, the preview, the import running in the
background with its progress updating on the page, and the two rows left out at the end."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from sidebyside.hubs.models import Hub
from sidebyside.voices import imports
from sidebyside.voices.models import Contribution, ImportJob
from tests_e2e.conftest import check_page
from tests_e2e.helpers import load_demo, sign_in_with_password, staff_with_password

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "coordinator.cambridge-south@example.org"
HUB = "Cambridge & South"

CSV = (
    b"Timestamp,Response,Your name,Theme\r\n"
    b"31/01/2025 10:02,Nobody told us what happened after the last meeting,Ash,feedback\r\n"
    b"31/01/2025 10:04,The forms are too long,,forms\r\n"
    b"31/01/2025 10:05,,Jo,\r\n"
    b"31/01/2025 10:07,Meet somewhere that is not the council offices,,venue\r\n"
    b"next week,Pay people for their time on the day,Sam,money\r\n"
    b"31/01/2025 10:11,More evening sessions for people who work,,times\r\n"
)


class Queued:
    """Stands in for the background worker: holds the task until the test runs it."""

    def __init__(self) -> None:
        self.jobs: list[int] = []

    def enqueue(self, job_id: int) -> None:
        self.jobs.append(job_id)


def test_a_coordinator_imports_a_workshop_spreadsheet(page: Page, monkeypatch: Any) -> None:
    load_demo()
    coordinator = staff_with_password(COORDINATOR)
    hub = Hub.objects.get(name=HUB)
    sign_in_with_password(page, COORDINATOR, coordinator)

    page.goto(f"/hubs/{hub.pk}/imports/new/")
    expect(page.get_by_role("heading", name="Import what people said from a file")).to_be_visible()
    check_page(page, "import-upload")

    # A PDF is not a spreadsheet: the error says what to do.
    page.get_by_label("File").set_input_files(
        {"name": "minutes.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}
    )
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The file must be a CSV or Excel (.xlsx) file"
    )
    check_page(page, "import-upload-error")

    gatherings = page.get_by_label("Which gathering was it said at? (optional)")
    gathering_label = gatherings.locator("option").nth(1).inner_text()
    gatherings.select_option(label=gathering_label)
    page.get_by_label("File").set_input_files({"name": "workshop.csv", "mimeType": "text/csv", "buffer": CSV})
    page.get_by_role("button", name="Upload and continue").click()

    expect(page.get_by_role("heading", name="Which column is which?")).to_be_visible()
    expect(page.get_by_label("The words")).to_have_value("1")
    expect(page.get_by_label("When it was said (optional)")).to_have_value("0")
    expect(page.get_by_label("Name (optional)")).to_have_value("2")
    expect(page.get_by_label("Tags (optional)")).to_have_value("3")
    check_page(page, "import-columns")
    page.get_by_role("button", name="Check the rows").click()

    expect(page.get_by_role("heading", name="Check the rows before importing")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Nobody told us what happened after the last meeting")
    left_out = page.get_by_role("table", name="Rows that will be left out (2)")
    expect(left_out).to_contain_text("The words are empty")
    expect(left_out).to_contain_text("The date “next week” cannot be read")
    check_page(page, "import-preview")
    assert not Contribution.objects.filter(channel="import").exists()

    # The worker picks the import up a moment later; meanwhile the page shows the progress.
    queued = Queued()
    real = imports.import_run
    monkeypatch.setattr(imports, "import_run", queued)
    page.get_by_role("button", name="Import 4 rows").click()
    expect(page.locator("main")).to_contain_text("0 of 6 rows checked")
    expect(page.get_by_role("link", name="Refresh")).to_be_visible()
    check_page(page, "import-running")

    job = ImportJob.objects.get(pk=queued.jobs[0])
    real.call(job.pk)
    # htmx asks again every 2 seconds: the page reaches the end without a reload.
    expect(page.get_by_role("heading", name="Import finished")).to_be_visible(timeout=10_000)
    expect(page.locator("main")).to_contain_text("4 new contributions stored")
    report = page.get_by_role("table", name="Rows left out (2)")
    expect(report).to_contain_text("The words are empty")
    expect(report.get_by_role("row")).to_have_count(3)
    check_page(page, "import-done")

    stored = Contribution.objects.filter(import_job=job)
    assert stored.count() == 4
    assert set(stored.values_list("gathering__title", flat=True)) != {None}

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the rows left out (CSV)").click()
    assert download.value.suggested_filename == f"import-{job.pk}-rows-left-out.csv"
