"""Forms for people's records, shared by the staff pages and the member's own pages.

Each form checks what a person can fix (phone format, dates, email) with a specific
message; what it cannot check alone (someone else saved first, a duplicate record) the
view adds as a form error so nothing typed is lost.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import capfirst

from sidebyside.accounts.models import User
from sidebyside.core.forms import ClockTimeField, GovukDateField, GovukForm
from sidebyside.people.models import (
    PLAN_FIELDS,
    Consent,
    Person,
    SupportNeed,
    SupportNeeds,
    WellbeingPlan,
    plan_label,
    plan_values,
)
from sidebyside.people.phone import normalise_phone

CHANGED_MESSAGE = (
    "Someone else saved changes to this record while you were editing it. "
    "Check what is saved now, then make your changes again: what you typed is still below"
)


class VersionedForm(GovukForm):
    """Carries the version of the record the form was filled from (optimistic locking)."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _phone(value: str) -> str:
    return normalise_phone(value)


class DetailsForm(VersionedForm):
    """Name and contact details: what a member can correct themselves."""

    full_name = forms.CharField(
        label="Full name", max_length=150, error_messages={"required": "Enter your full name"}
    )
    known_as = forms.CharField(
        label="The name you like to be called (optional)",
        max_length=80,
        required=False,
        help_text="Leave blank to use your full name.",
    )
    pronouns = forms.CharField(
        label="Pronouns (optional)",
        max_length=40,
        required=False,
        help_text="For example, she/her or they/them.",
    )
    phone = forms.CharField(
        label="Mobile or phone number (optional)",
        max_length=30,
        required=False,
        help_text="For international numbers include the country code, like +33.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    address = forms.CharField(
        label="Postal address (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        for name in ("full_name", "phone", "email"):
            self.fields[name].widget.attrs["class"] += " govuk-!-width-two-thirds"

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data["phone"])

    def clean_email(self) -> str | None:
        email = (self.cleaned_data["email"] or "").strip().lower()
        if not email:
            return None
        taken = User.objects.filter(email__iexact=email)
        if self.user is not None:
            taken = taken.exclude(pk=self.user.pk)
        if taken.exists():
            raise ValidationError(
                "This email address is already used by someone else. Use a different one or leave it blank"
            )
        return email

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        user = person.user
        return {
            "full_name": user.full_name,
            "known_as": user.known_as,
            "pronouns": person.pronouns,
            "phone": person.phone_display,
            "email": user.email or "",
            "address": person.address,
            "lock_version": person.lock_version,
        }


class ContactForm(VersionedForm):
    preferred_channel = forms.ChoiceField(
        label="What is the best way to get in touch?",
        choices=Person.Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the best way to get in touch"},
    )
    quiet_from = ClockTimeField(
        label="Do not contact after (optional)",
        required=False,
        help_text="For example, 9pm.",
        error_messages={"invalid": "Enter a time like 9pm or 8:30pm"},
    )
    quiet_until = ClockTimeField(
        label="Do not contact before (optional)",
        required=False,
        help_text="For example, 9:30am.",
        error_messages={"invalid": "Enter a time like 9am or 9:30am"},
    )
    contact_notes = forms.CharField(
        label="Any other times not to get in touch (optional)",
        max_length=200,
        required=False,
        help_text="For example, not on Mondays, or not in the school holidays.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("quiet_from", "quiet_until"):
            self.fields[name].widget.attrs["class"] += " govuk-input--width-5"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("quiet_from"), cleaned.get("quiet_until")
        if (start is None) != (end is None) and not self.errors:
            missing = "quiet_until" if end is None else "quiet_from"
            self.add_error(missing, "Enter both times, or neither")
        return cleaned

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        return {
            "preferred_channel": person.preferred_channel,
            "quiet_from": person.quiet_from.strftime("%H:%M") if person.quiet_from else "",
            "quiet_until": person.quiet_until.strftime("%H:%M") if person.quiet_until else "",
            "contact_notes": person.contact_notes,
            "lock_version": person.lock_version,
        }


def _person_label(person: Person) -> str:
    return person.user.display_name


class PersonForm(DetailsForm, ContactForm):
    """Everything a coordinator records about someone, in one form."""

    expertise = forms.ChoiceField(
        label="Kind of expertise",
        choices=User.Expertise.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of expertise they bring"},
    )
    how_came = forms.ChoiceField(
        label="How did they come to us? (optional)",
        choices=Person.HowCame.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    key_worker = forms.ModelChoiceField(
        label="Trusted person or key worker (optional)",
        queryset=Person.objects.none(),
        required=False,
        empty_label="Nobody named",
    )
    buddy = forms.ModelChoiceField(
        label="Buddy or peer mentor (optional)",
        queryset=Person.objects.none(),
        required=False,
        empty_label="Nobody named",
    )
    not_duplicate = forms.BooleanField(
        label="This is a different person: add them anyway",
        required=False,
    )

    field_order = [
        "full_name",
        "known_as",
        "pronouns",
        "expertise",
        "phone",
        "email",
        "address",
        "preferred_channel",
        "quiet_from",
        "quiet_until",
        "contact_notes",
        "how_came",
        "key_worker",
        "buddy",
    ]

    def __init__(
        self, *args: Any, candidates: Any = None, person: Person | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, label in (
            ("full_name", "Full name"),
            ("known_as", "The name they like to be called (optional)"),
            ("phone", "Phone number (optional)"),
        ):
            self.fields[name].label = label
        self.fields["full_name"].error_messages["required"] = "Enter the person's full name"
        self.fields["known_as"].help_text = "Leave blank to use their full name."
        people = candidates if candidates is not None else Person.objects.none()
        if person is not None:
            people = people.exclude(pk=person.pk)
        for name in ("key_worker", "buddy"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = people
            field.label_from_instance = _person_label  # type: ignore[method-assign,assignment]
        self.fields["not_duplicate"].widget = forms.HiddenInput()

    def show_duplicate_confirmation(self) -> None:
        self.fields["not_duplicate"].widget = forms.CheckboxInput()

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        return {
            **DetailsForm.initial_for(person),
            **ContactForm.initial_for(person),
            "expertise": person.user.expertise,
            "how_came": person.how_came,
            "key_worker": person.key_worker_id,
            "buddy": person.buddy_id,
        }


def _textarea(label: str, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=4000,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": 4, "class": "govuk-textarea"}),  # also for fields added later
    )


class AboutMeForm(VersionedForm):
    about_communication = _textarea("How best to communicate with me", "For example, short texts, not calls.")
    about_know = _textarea("What I'd like others to know about me")
    about_counted_on = _textarea("What I can be counted on for")
    about_learn = _textarea("What I'd like to learn")

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        return {
            "about_communication": person.about_communication,
            "about_know": person.about_know,
            "about_counted_on": person.about_counted_on,
            "about_learn": person.about_learn,
            "lock_version": person.lock_version,
        }


class SupportNeedsForm(VersionedForm):
    needs = forms.MultipleChoiceField(
        label="What helps you take part?",
        choices=SupportNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )
    details = _textarea(
        "Anything else that helps (optional)", "For example, the language for an interpreter."
    )

    @staticmethod
    def initial_for(record: SupportNeeds | None) -> dict[str, Any]:
        if record is None:
            return {"needs": [], "details": "", "lock_version": 0}
        return {"needs": record.needs, "details": record.details, "lock_version": record.lock_version}


class PlanForm(GovukForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    review_on = GovukDateField(
        label="Date to review the plan",
        required=False,
        help_text="Usually about a month from now. For example, 27 3 2027.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        review = self.fields.pop("review_on")
        for name in PLAN_FIELDS:
            self.fields[name] = _textarea(capfirst(plan_label(name)))
        self.fields["review_on"] = review

    @staticmethod
    def initial_for(plan: WellbeingPlan | None) -> dict[str, Any]:
        return {**plan_values(plan), "base_version": plan.version if plan else 0}


class CatchUpForm(GovukForm):
    held_on = GovukDateField(
        label="Date of the catch-up",
        past_only=True,
        help_text="For example, 14 11 2026.",
        error_messages={"required": "Enter the date of the catch-up"},
    )
    notes = _textarea("What you talked about")


class ConsentForm(GovukForm):
    """One purpose's answer. Staff say how it was given; a member's own answer is given online, today."""

    level = forms.ChoiceField(
        label="How may they be named?",
        choices=[  # in staff's words: the model's own labels are the person's ("with my full name")
            (Consent.Level.NAMED.value, "With their full name"),
            (Consent.Level.FIRST_NAME.value, "With their first name only"),
            (Consent.Level.ANONYMOUS.value, "Without their name"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they may be named"},
    )
    how = forms.ChoiceField(
        label="How was consent given?",
        choices=Consent.How.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how consent was given"},
    )
    given_on = GovukDateField(
        label="Date consent was given",
        help_text="For example, 14 11 2026.",
        error_messages={"required": "Enter the date consent was given"},
    )
    expires_on = GovukDateField(
        label="Date it ends (optional)",
        required=False,
        help_text="Leave blank if it lasts until they change their mind.",
    )

    def __init__(self, *args: Any, purpose: str, staff: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.purpose = purpose
        self.staff = staff
        if purpose not in Consent.LEVELLED:
            del self.fields["level"]
        elif not staff:
            self.fields["level"].label = "How may we name you?"
            self.fields["level"].error_messages["required"] = "Select how we may name you"
        if not staff:
            del self.fields["how"]
            del self.fields["given_on"]
            del self.fields["expires_on"]

    def clean_given_on(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["given_on"]
        if value > timezone.localdate():
            raise ValidationError("The date consent was given must be today or in the past")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given, ends = cleaned.get("given_on"), cleaned.get("expires_on")
        if given and ends and ends < given:
            self.add_error("expires_on", "The date it ends must be on or after the date consent was given")
        return cleaned


def carry_version(form: forms.Form, name: str, value: int) -> None:
    """After "someone else saved first", carry the version now saved so the next save can go ahead."""
    assert isinstance(form.data, QueryDict)
    data = form.data.copy()
    data[name] = str(value)
    form.data = data


def saved_now_rows(form: forms.Form, values: dict[str, Any]) -> list[tuple[str, str]]:
    """What is saved now, as label and text, for the fields of ``form``: shown after someone else saved."""
    rows = []
    for name, field in form.fields.items():
        if field.widget.is_hidden or name not in values:
            continue
        value = values[name]
        if isinstance(field, forms.ChoiceField):
            labels = dict(field.choices)  # type: ignore[arg-type]
            chosen = value if isinstance(value, list) else [value]
            text = ", ".join(str(labels.get(v, v)) for v in chosen if v)
        elif isinstance(value, datetime.date):
            text = value.strftime("%-d %B %Y")
        else:
            text = "" if value is None else str(value)
        rows.append((str(field.label), text))
    return rows
