"""Importing contributions from a file: upload, say which column is which, preview the rows and
their problems, import in the background with progress shown, and the report of rows left out.

Every view fetches through ``voices.access`` (hub staff and programme admins, two-step verified);
writes go through ``voices.imports``.
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sidebyside.core.params import row_id
from sidebyside.voices import imports
from sidebyside.voices.access import get_import_for, get_voices_hub_for
from sidebyside.voices.forms_imports import MappingForm, UploadForm
from sidebyside.voices.models import ImportJob

S = ImportJob.Status
REPORT_ROWS = 500  # problems listed on the page; the CSV has them all
EARLIER = 10


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _started(job: ImportJob) -> bool:
    return job.status in (S.RUNNING, S.DONE, S.FAILED)


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest, hub_id: int) -> HttpResponse:
    hub = get_voices_hub_for(request.user, hub_id, "import")
    initial = {}
    if (wanted := row_id(request.GET.get("gathering"))) is not None:
        initial["gathering"] = str(wanted)
    form = UploadForm(_posted(request), request.FILES or None, hub=hub, initial=initial)
    if request.method == "POST" and form.is_valid():
        assert form.table is not None
        job = imports.import_job_create(
            actor=request.user,
            hub=hub,
            data=form.data_bytes,
            filename=form.cleaned_data["file"].name or "import.csv",
            table=form.table,
            gathering=form.cleaned_data.get("gathering"),
            prompt=form.cleaned_data.get("prompt"),
        )
        return redirect("voices:import_job", job_id=job.pk)
    earlier = list(ImportJob.objects.filter(hub=hub).order_by("-created_at")[:EARLIER])
    return render(request, "voices/imports/new.html", {"hub": hub, "form": form, "earlier": earlier})


@login_required
@require_http_methods(["GET", "POST"])
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """Which column is which."""
    job = get_import_for(request.user, job_id)
    if _started(job):
        return redirect("voices:import_progress", job_id=job.pk)
    try:
        table = imports.table_of(job)
    except imports.BadFile as error:
        return render(
            request,
            "voices/imports/unreadable.html",
            {"job": job, "hub": job.hub, "reason": str(error), "gone": isinstance(error, imports.FileGone)},
        )
    form = MappingForm(
        _posted(request), header=table.header, initial=MappingForm.initial_for(imports.saved_mapping(job))
    )
    if request.method == "POST" and form.is_valid():
        imports.import_job_map(actor=request.user, job=job, mapping=form.mapping())
        return redirect("voices:import_preview", job_id=job.pk)
    before = (
        ImportJob.objects.filter(hub=job.hub, digest=job.digest, status=S.DONE)
        .exclude(pk=job.pk)
        .order_by("-created_at")
        .first()
    )
    samples = [
        (
            imports.column_label(table.header, index),
            [imports.as_text(values[index])[:80] for _, values in table.rows[:3]],
        )
        for index in range(len(table.header))
    ]
    return render(
        request,
        "voices/imports/map.html",
        {
            "job": job,
            "hub": job.hub,
            "form": form,
            "samples": samples,
            "before": before,
            "rows": len(table.rows),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, job_id: int) -> HttpResponse:
    """The rows as they will be stored, and those that will be left out, before anything is stored."""
    job = get_import_for(request.user, job_id)
    if _started(job):
        return redirect("voices:import_progress", job_id=job.pk)
    if job.status != S.MAPPED:
        return redirect("voices:import_job", job_id=job.pk)
    if request.method == "POST":
        imports.import_start(actor=request.user, job=job)
        return redirect("voices:import_progress", job_id=job.pk)
    try:
        table = imports.table_of(job)
    except imports.BadFile as error:
        return render(
            request,
            "voices/imports/unreadable.html",
            {"job": job, "hub": job.hub, "reason": str(error), "gone": isinstance(error, imports.FileGone)},
        )
    seen = imports.preview(job, table)
    mapping = imports.saved_mapping(job)
    return render(
        request,
        "voices/imports/preview.html",
        {
            "job": job,
            "hub": job.hub,
            "preview": seen,
            "problems": seen.problems[:REPORT_ROWS],
            "more_problems": max(0, len(seen.problems) - REPORT_ROWS),
            "has": {field: mapping[field] is not None for field, _ in imports.FIELDS},
        },
    )


def _progress_context(job: ImportJob) -> dict[str, Any]:
    errors = [e for e in (job.errors or []) if isinstance(e, dict)]
    problems = [e for e in errors if e.get("row")]
    failure = next((e.get("reason", "") for e in errors if not e.get("row")), "")
    good = max(0, job.done - len(problems))
    return {
        "job": job,
        "hub": job.hub,
        "problems": problems[:REPORT_ROWS],
        "problem_count": len(problems),
        "more_problems": max(0, len(problems) - REPORT_ROWS),
        "failure": failure,
        "already": max(0, good - job.stored),
        "percent": int(100 * job.done / job.total) if job.total else 0,
        "running": job.status == S.RUNNING,
    }


@login_required
@require_GET
def import_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_import_for(request.user, job_id)
    template = "voices/imports/progress.html" + ("#progress" if request.htmx else "")  # type: ignore[attr-defined]
    return render(request, template, _progress_context(job))


@login_required
@require_GET
def import_problems_csv(request: HttpRequest, job_id: int) -> HttpResponse:
    """Every row left out, with the reason: to fix in the spreadsheet and import again."""
    job = get_import_for(request.user, job_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-rows-left-out.csv"'
    response.write("\ufeff")  # so that Excel reads the letters right
    writer = csv.writer(response)
    writer.writerow(["Row", "Problem"])
    for error in job.errors or []:
        if isinstance(error, dict) and error.get("row"):
            writer.writerow([error["row"], error.get("reason", "")])
    return response


@login_required
@require_POST
def import_again(request: HttpRequest, job_id: int) -> HttpResponse:
    """Try a failed import again."""
    job = get_import_for(request.user, job_id)
    if job.status == S.FAILED and imports.import_start(actor=request.user, job=job):
        messages.success(request, "Import started again")
    return redirect("voices:import_progress", job_id=job.pk)
