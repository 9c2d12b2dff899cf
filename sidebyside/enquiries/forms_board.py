"""Forms for enquiries, their actions and updates."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from sidebyside.accounts.models import User
from sidebyside.core.forms import GovukDateField, GovukForm, IdsChoiceField
from sidebyside.enquiries.models import STAGES, Action, Enquiry, Update
from sidebyside.hubs.models import Hub, Membership, Organisation, Programme


class PersonChoice(IdsChoiceField):
    """People to choose from, each with their kind of expertise and where they are: their hubs, or
    for those with a role across the programme, their organisation. ``places`` is set by the form."""

    places: dict[int, str] = {}

    def label_from_instance(self, obj: Any) -> str:
        where = self.places.get(obj.pk, "")
        return f"{obj.display_name} ({obj.get_expertise_display().lower()}{', ' + where if where else ''})"


def places_of(programme: Programme) -> dict[int, str]:
    """Each person's hubs in the programme (or, with no hub, their organisation), by user id. One query."""
    hubs: dict[int, set[str]] = {}
    organisations: dict[int, set[str]] = {}
    rows = Membership.objects.filter(programme=programme, ended_at__isnull=True).values_list(
        "user_id", "hub__name", "organisation__name"
    )
    for user_id, hub, organisation in rows:
        if hub:
            hubs.setdefault(user_id, set()).add(hub)
        elif organisation:
            organisations.setdefault(user_id, set()).add(organisation)
    return {
        user_id: ", ".join(sorted(hubs.get(user_id) or organisations.get(user_id) or ()))
        for user_id in set(hubs) | set(organisations)
    }


class OwnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name


def programme_people(programme: Programme) -> QuerySet[User]:
    """Everyone with a current role in the programme: who can lead an enquiry or own an action."""
    return (
        User.objects.filter(
            is_active=True, memberships__programme=programme, memberships__ended_at__isnull=True
        )
        .distinct()
        .order_by("full_name")
    )


def _field(form: forms.Form, name: str) -> Any:
    return form.fields[name]


class EnquiryForm(GovukForm):
    title = forms.CharField(
        label="Title",
        max_length=160,
        help_text="A few words everyone will recognise, like “Getting a GP appointment without an address”.",
        error_messages={"required": "Enter a title", "max_length": "Keep the title under 160 letters"},
    )
    framing = forms.CharField(
        label="The issue, in the group's words",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Say what the issue is, as the group put it",
            "max_length": "Keep this under 4,000 letters",
        },
    )
    hubs = IdsChoiceField(
        label="Hubs",
        queryset=Hub.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose hubs from the list"},
    )
    co_leads = PersonChoice(
        label="Co-leads",
        queryset=User.objects.none(),
        required=False,
        # A programme has many people: static/js/filter-checkboxes.js adds a box to find one.
        widget=forms.CheckboxSelectMultiple(attrs={"filter_label": "Find a person by name or hub"}),
        help_text="At least one expert by experience and one expert by profession.",
        error_messages={"invalid_choice": "Choose co-leads from the list"},
    )
    partners = IdsChoiceField(
        label="Partner organisations",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose organisations from the list"},
    )
    questions = forms.CharField(
        label="Questions to explore (optional)",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Keep this under 4,000 letters"},
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, programme: Programme, record: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "hubs").queryset = Hub.objects.filter(programme=programme, archived_at__isnull=True)
        _field(self, "partners").queryset = Organisation.objects.filter(
            programme=programme, archived_at__isnull=True
        )
        _field(self, "co_leads").queryset = programme_people(programme)
        _field(self, "co_leads").places = places_of(programme)
        if record:  # changing an enquiry: the whole record
            for name, label in (
                ("findings", "What we found"),
                ("decisions", "What we decided"),
                ("outcomes", "What changed"),
                ("learned", "What we learned"),
            ):
                self.fields[name] = forms.CharField(
                    label=f"{label} (optional)",
                    max_length=4000,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 4, "class": "govuk-textarea"}),
                    error_messages={"max_length": "Keep this under 4,000 letters"},
                )
        else:
            del self.fields["lock_version"]


class MoveForm(GovukForm):
    stage = forms.ChoiceField(
        label="Move to",
        choices=Enquiry.Stage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a stage", "invalid_choice": "Choose a stage"},
    )
    reason = forms.CharField(
        label="Why (needed when going back a stage)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the reason under 500 letters"},
    )

    def __init__(self, *args: Any, enquiry: Enquiry, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enquiry = enquiry
        _field(self, "stage").choices = [
            (v, label) for v, label in Enquiry.Stage.choices if v != enquiry.stage
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        stage = data.get("stage")
        if (
            stage
            and STAGES.index(stage) < STAGES.index(self.enquiry.stage)
            and not data.get("reason", "").strip()
        ):
            self.add_error("reason", "Say why the enquiry is going back a stage")
        return data


class ActionForm(GovukForm):
    what = forms.CharField(
        label="What will be done",
        max_length=200,
        error_messages={"required": "Say what will be done", "max_length": "Keep this under 200 letters"},
    )
    details = forms.CharField(
        label="More detail (optional)",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep this under 4,000 letters"},
    )
    owner = OwnerChoice(
        label="Owner (optional if an organisation owns it)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody named",
        error_messages={"invalid_choice": "Choose an owner from the list"},
    )
    organisation = forms.ModelChoiceField(
        label="Owning organisation (optional if a person owns it)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="No organisation",
        error_messages={"invalid_choice": "Choose an organisation from the list"},
    )
    due_on = GovukDateField(label="Due date (optional)", required=False, help_text="For example, 27 3 2027")
    past_ok = forms.BooleanField(label="Yes, the due date is right although it has passed", required=False)
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "owner").queryset = programme_people(programme)
        _field(self, "organisation").queryset = Organisation.objects.filter(
            programme=programme, archived_at__isnull=True
        )
        self.past_warning = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("owner") and not data.get("organisation") and "owner" not in self.errors:
            self.add_error("owner", "Choose who owns this: a person, an organisation, or both")
        due = data.get("due_on")
        if isinstance(due, datetime.date) and due < timezone.localdate() and not data.get("past_ok"):
            self.past_warning = True
            self.add_error(
                "due_on",
                "The due date has already passed: check it, or tick the box to say it is right",
            )
        return data


class StatusForm(GovukForm):
    status = forms.ChoiceField(
        label="How it stands",
        choices=Action.Status.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how the action stands",
            "invalid_choice": "Choose how the action stands",
        },
    )
    reason = forms.CharField(
        label="Why (needed if it is stuck or will not be done)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the reason under 500 letters"},
    )
    update_text = forms.CharField(
        label="An update on what happened (optional)",
        help_text="Plain words, a few sentences. It is shown on the enquiry and on this action.",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Keep the update under 1,000 letters"},
    )
    tell_contributors = forms.BooleanField(
        label="Tell the people whose words led here (on their page and in their weekly message)",
        required=False,
        initial=True,
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        status = data.get("status")
        if status in Action.NEED_REASON and not data.get("reason", "").strip():
            self.add_error(
                "reason",
                "Say why it is stuck" if status == Action.Status.STUCK else "Say why it will not be done",
            )
        return data


class UpdateForm(GovukForm):
    kind = forms.ChoiceField(
        label="What kind of update",
        choices=Update.Kind.choices,
        widget=forms.RadioSelect,
        initial=Update.Kind.WE_DID,
        error_messages={"required": "Choose what kind of update this is"},
    )
    text = forms.CharField(
        label="The update",
        help_text="Plain words, a few sentences, as you would say it to someone at the hub.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write the update", "max_length": "Keep the update under 1,000 letters"},
    )
    tell_contributors = forms.BooleanField(
        label="Tell the people whose words led here (on their page and in their weekly message)",
        required=False,
        initial=True,
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Write the update")
        return text


class EvidenceSearchForm(GovukForm):
    q = forms.CharField(label="Find themes and contributions", max_length=200, required=False)
