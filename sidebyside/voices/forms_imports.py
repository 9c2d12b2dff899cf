"""Forms for importing a file of contributions: the upload, and which column is which."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from sidebyside.core.forms import GovukForm
from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub
from sidebyside.voices.imports import FIELDS, MAX_BYTES, BadFile, Table, column_label, read_table
from sidebyside.voices.models import Prompt

GATHERING_CHOICES = 200


class GatheringChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} – {timezone.localtime(obj.starts_at):%-d %B %Y}"


class UploadForm(GovukForm):
    file = forms.FileField(
        label="File",
        help_text=(
            "A CSV file or an Excel file (.xlsx), up to 20 MB and 50,000 rows, with the names of the "
            "columns in the first row. Mentimeter, Miro and spreadsheets can all save one."
        ),
        error_messages={
            "required": "Choose a file to import",
            "empty": "The file is empty",
            "invalid": "Choose a file to import",
        },
    )
    gathering = GatheringChoice(
        label="Which gathering was it said at? (optional)",
        queryset=Gathering.objects.none(),
        required=False,
        empty_label="Not at a gathering",
        error_messages={"invalid_choice": "Choose a gathering from the list"},
    )
    prompt = forms.ModelChoiceField(
        label="Which question were people answering? (optional)",
        queryset=Prompt.objects.none(),
        required=False,
        empty_label="No question",
        error_messages={"invalid_choice": "Choose a question from the list"},
    )

    def __init__(self, *args: Any, hub: Hub, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recent = list(
            Gathering.objects.filter(hub=hub, cancelled_at__isnull=True, starts_at__lte=timezone.now())
            .order_by("-starts_at")
            .values_list("pk", flat=True)[:GATHERING_CHOICES]
        )
        gathering = self.fields["gathering"]
        assert isinstance(gathering, forms.ModelChoiceField)
        gathering.queryset = Gathering.objects.filter(pk__in=recent).order_by("-starts_at")
        prompt = self.fields["prompt"]
        assert isinstance(prompt, forms.ModelChoiceField)
        prompt.queryset = Prompt.objects.filter(programme_id=hub.programme_id, archived_at__isnull=True)
        self.fields["file"].widget.attrs.update(
            {"class": "govuk-file-upload", "accept": ".csv,.xlsx,.txt,text/csv"}
        )
        self.data_bytes = b""
        self.table: Table | None = None

    def full_clean(self) -> None:
        super().full_clean()
        if "file" in self.errors:
            self.fields["file"].widget.attrs["class"] = "govuk-file-upload govuk-file-upload--error"

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size and upload.size > MAX_BYTES:
            raise ValidationError("The file must be 20 MB or smaller: split it into smaller files")
        upload.seek(0)
        data = upload.read()
        try:
            self.table = read_table(data, upload.name or "")
        except BadFile as error:
            raise ValidationError(str(error)) from None
        self.data_bytes = data
        return upload


NOT_IN_FILE = ""


class MappingForm(GovukForm):
    """One select per field, offering the file's columns."""

    def __init__(self, *args: Any, header: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        columns = [(str(index), column_label(header, index)) for index in range(len(header))]
        for field, label in FIELDS:
            required = field == "text"
            choices = [(NOT_IN_FILE, "Choose a column" if required else "Not in the file"), *columns]
            self.fields[field] = forms.ChoiceField(
                label=label if required else f"{label} (optional)",
                help_text=HELP[field],
                choices=choices,
                required=required,
                error_messages={
                    "required": "Choose the column that holds the words",
                    "invalid_choice": "Choose a column from the list",
                },
            )
            self.fields[field].widget.attrs["class"] = "govuk-select"

    @staticmethod
    def initial_for(mapping: dict[str, int | None]) -> dict[str, str]:
        return {field: ("" if mapping.get(field) is None else str(mapping[field])) for field, _ in FIELDS}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        seen: dict[str, str] = {}
        labels = dict(FIELDS)
        for field, _ in FIELDS:
            column = cleaned.get(field)
            if not column:
                continue
            if column in seen:
                self.add_error(
                    field,
                    f"{labels[field]} and {labels[seen[column]].lower()} cannot come from the same column",
                )
            else:
                seen[column] = field
        return cleaned

    def mapping(self) -> dict[str, int | None]:
        return {
            field: (int(self.cleaned_data[field]) if self.cleaned_data.get(field) else None)
            for field, _ in FIELDS
        }


HELP = {
    "text": "What people said or wrote. Rows with nothing in this column are left out.",
    "said_at": (
        "A date, or a date and time, such as 31/01/2025 14:30 or 2025-01-31 14:30. "
        "Rows without one get the start of the gathering, or the time the file was uploaded."
    ),
    "name": "If a name is given, it is shown as a first name; otherwise the words are anonymous.",
    "tags": "Words to group by, separated by commas.",
}
