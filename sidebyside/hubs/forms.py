from __future__ import annotations

from typing import Any

from django import forms

from sidebyside.core.forms import GovukDateField, GovukModelForm
from sidebyside.hubs.models import Hub, Organisation, Programme


def _unique_name(form: HubForm | OrganisationForm, model: type[Hub | Organisation], kind: str) -> str:
    """Names are unique within a programme, whatever their case: say so on the field."""
    name: str = form.cleaned_data["name"].strip()
    clash = model.objects.filter(programme=form.programme, name__iexact=name)
    if form.instance.pk:
        clash = clash.exclude(pk=form.instance.pk)
    if clash.exists():
        raise forms.ValidationError(f"There is already {kind} called {name} in this programme")
    return name


class ProgrammeForm(GovukModelForm):
    class Meta:
        model = Programme
        fields = ["name", "area", "description"]
        error_messages = {
            "name": {"required": "Enter the programme's name"},
            "area": {"required": "Enter the area the programme covers"},
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class HubForm(GovukModelForm):
    started_on = GovukDateField(
        label="Date started",
        required=False,
        past_only=True,
        help_text="For example, 27 3 2023. Leave blank if the hub has not started.",
    )

    class Meta:
        model = Hub
        fields = ["name", "locality", "stage", "started_on", "usual_format", "description", "areas_of_work"]
        error_messages = {
            "name": {"required": "Enter the hub's name"},
            "locality": {"required": "Enter the town or area the hub serves"},
            "stage": {"required": "Select the stage the hub is at"},
            "usual_format": {"required": "Select how the hub usually meets"},
        }
        widgets = {
            "stage": forms.RadioSelect,
            "usual_format": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
            "areas_of_work": forms.Textarea(attrs={"rows": 6}),
        }
        labels = {"usual_format": "How the hub usually meets"}

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        self.programme = programme
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["class"] += " govuk-!-width-two-thirds"
        self.fields["locality"].widget.attrs["class"] += " govuk-!-width-two-thirds"
        # Radio groups have no blank choice.
        self.fields["stage"].choices = Hub.Stage.choices  # type: ignore[attr-defined]
        self.fields["usual_format"].choices = Hub.Format.choices  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        return _unique_name(self, Hub, "a hub")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        stage = cleaned.get("stage")
        has_started = stage in (Hub.Stage.STARTED, Hub.Stage.ESTABLISHED)
        if has_started and not cleaned.get("started_on") and "started_on" not in self.errors:
            self.add_error("started_on", "Enter the date the hub started")
        return cleaned

    def _post_clean(self) -> None:
        # The programme is not a form field: set it so model validation sees it.
        self.instance.programme = self.programme
        super()._post_clean()  # type: ignore[misc]


class OrganisationForm(GovukModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "website"]
        error_messages = {
            "name": {"required": "Enter the organisation's name"},
            "kind": {"required": "Select the kind of organisation"},
            "website": {"invalid": "Enter a web address in the correct format, like https://www.example.org"},
        }
        widgets = {"kind": forms.RadioSelect}
        labels = {"kind": "Kind of organisation", "website": "Website (optional)"}

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        self.programme = programme
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Organisation.Kind.choices  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        return _unique_name(self, Organisation, "an organisation")

    def _post_clean(self) -> None:
        self.instance.programme = self.programme
        super()._post_clean()  # type: ignore[misc]


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(label="Search organisations", required=False, max_length=100)
    show_archived = forms.BooleanField(label="Show archived organisations", required=False)
