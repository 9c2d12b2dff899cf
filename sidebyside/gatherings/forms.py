"""Forms for planning and recording gatherings (GOV.UK patterns, specific errors)."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from sidebyside.accounts.models import User
from sidebyside.core.forms import ClockTimeField, GovukDateField, GovukForm
from sidebyside.gatherings.models import Gathering, Registration, Series
from sidebyside.gatherings.services import MAX_REPEATS

LONDON = ZoneInfo("Europe/London")
PHOTO_TYPES = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
PHOTO_MAX_BYTES = 15 * 1024 * 1024


class GatheringForm(GovukForm):
    kind = forms.ChoiceField(
        label="What kind of gathering is it?",
        choices=Gathering.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of gathering it is"},
    )
    title = forms.CharField(label="Title", max_length=160, error_messages={"required": "Enter a title"})
    date = GovukDateField(
        label="Date", help_text="For example, 14 3 2027.", error_messages={"required": "Enter the date"}
    )
    start = ClockTimeField(
        label="Start time",
        help_text="For example, 10am or 2:30pm.",
        error_messages={
            "required": "Enter the start time",
            "invalid": "Enter the start time like 10am or 2:30pm",
        },
    )
    end = ClockTimeField(
        label="End time",
        error_messages={
            "required": "Enter the end time",
            "invalid": "Enter the end time like 12:30pm or 2pm",
        },
    )
    venue = forms.CharField(
        label="Place",
        required=False,
        max_length=200,
        help_text="For example, Riverside Community Centre. Give a place and its address, an online link, or both.",
    )
    address = forms.CharField(
        label="Address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="So that people can find the place.",
    )
    online_link = forms.URLField(
        label="Online link",
        help_text="If people can join online.",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "Enter the online link in full, like https://meet.example.org/abc"},
    )
    accessibility = forms.CharField(
        label="Access (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Step-free entrance, accessible toilet, hearing loop, quiet room, parking, bus routes.",
    )
    capacity = forms.IntegerField(
        label="How many people can come? (optional)",
        required=False,
        min_value=1,
        max_value=1000,
        help_text="Leave it blank if there is no limit.",
        error_messages={
            "invalid": "Enter how many people can come as a number, like 20",
            "min_value": "The number of people who can come must be at least 1",
            "max_value": "The number of people who can come must be 1000 or fewer",
        },
    )
    food = forms.CharField(
        label="Food and drink (optional)",
        required=False,
        max_length=200,
        help_text="For example, lunch provided, or tea and biscuits.",
    )
    facilitators = forms.MultipleChoiceField(
        label="Who is facilitating? (optional)", required=False, widget=forms.CheckboxSelectMultiple
    )
    repeats = forms.ChoiceField(
        label="Does it repeat?",
        required=False,
        choices=[("", "No, it happens once"), *Series.Repeats.choices],
        widget=forms.RadioSelect,
    )
    count = forms.IntegerField(
        label="How many times in all?",
        required=False,
        min_value=2,
        max_value=MAX_REPEATS,
        help_text=f"Including the first. Up to {MAX_REPEATS}.",
        error_messages={
            "invalid": "Enter how many times as a number, like 6",
            "min_value": "A repeating gathering happens at least 2 times",
            "max_value": f"Add up to {MAX_REPEATS} at once",
        },
    )

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, staff: list[User], creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].choices = [(str(u.pk), u.display_name) for u in staff]  # type: ignore[attr-defined]
        self.staff = {str(u.pk): u for u in staff}
        if not creating:
            del self.fields["repeats"]
            del self.fields["count"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", "The end time must be after the start time")
        if data.get("kind") != Gathering.Kind.CATCH_UP and "online_link" not in self.errors:
            venue, address, link = data.get("venue"), data.get("address"), data.get("online_link")
            if venue and not address and not link:
                self.add_error("address", f"Enter the address of {venue}, or an online link")
            elif not venue and not address and not link:
                self.add_error("venue", "Enter where it happens: a place and its address, or an online link")
        if data.get("repeats") and not data.get("count") and "count" not in self.errors:
            self.add_error("count", "Enter how many times it happens in all")
        return data

    def gathering_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        day: datetime.date = data["date"]
        starts_at = datetime.datetime.combine(day, data["start"], tzinfo=LONDON)
        ends_at = datetime.datetime.combine(day, data["end"], tzinfo=LONDON)
        return {
            "kind": data["kind"],
            "title": data["title"],
            "starts_at": starts_at,
            "ends_at": ends_at,
            "venue": data["venue"],
            "address": data["address"],
            "online_link": data["online_link"],
            "accessibility": data["accessibility"],
            "capacity": data["capacity"],
            "food": data["food"],
        }

    def chosen_facilitators(self) -> list[User]:
        return [self.staff[pk] for pk in self.cleaned_data.get("facilitators", []) if pk in self.staff]

    @staticmethod
    def initial_for(gathering: Gathering) -> dict[str, Any]:
        from django.utils import timezone

        start = timezone.localtime(gathering.starts_at, LONDON)
        end = timezone.localtime(gathering.ends_at, LONDON)
        return {
            "kind": gathering.kind,
            "title": gathering.title,
            "date": start.date(),
            "start": start.time(),
            "end": end.time(),
            "venue": gathering.venue,
            "address": gathering.address,
            "online_link": gathering.online_link,
            "accessibility": gathering.accessibility,
            "capacity": gathering.capacity,
            "food": gathering.food,
            "facilitators": [str(pk) for pk in gathering.facilitators.values_list("pk", flat=True)],
            "version": gathering.lock_version,
        }


class AddPeopleForm(GovukForm):
    people = forms.MultipleChoiceField(
        label="Who?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one person"},
    )
    status = forms.ChoiceField(
        label="Are they invited, or already coming?",
        choices=[
            (Registration.Status.INVITED, "Invite them (they get an invitation)"),
            (Registration.Status.REGISTERED, "They are coming"),
        ],
        widget=forms.RadioSelect,
        initial=Registration.Status.INVITED,
        error_messages={"required": "Select whether they are invited or coming"},
    )

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = candidates  # type: ignore[attr-defined]


class WalkInForm(GovukForm):
    full_name = forms.CharField(
        label="Their name", max_length=150, error_messages={"required": "Enter their name"}
    )
    expertise = forms.ChoiceField(
        label="Are they here as an expert by experience or by profession?",
        choices=User.Expertise.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they are here"},
    )


class WriteUpForm(GovukForm):
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What was talked about. Do not write anything about someone's health or support needs here.",
    )
    agreed = forms.CharField(
        label="What was agreed",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Actions, with who will do them and by when.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PhotoForm(GovukForm):
    image = forms.FileField(
        label="Photo",
        help_text="A JPEG, PNG or WebP picture, up to 15 MB. Check nobody's face or name is in it unless they agreed.",
        error_messages={"required": "Choose a photo to upload", "empty": "The photo you chose is empty"},
    )
    caption = forms.CharField(label="What it shows (optional)", required=False, max_length=200)

    def clean_image(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["image"]
        if upload.size and upload.size > PHOTO_MAX_BYTES:
            raise ValidationError("The photo must be 15 MB or smaller")
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(upload) as picture:
                picture.verify()
                kind = picture.format
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ValidationError("The file must be a photo: a JPEG, PNG or WebP picture") from None
        if kind not in PHOTO_TYPES:
            raise ValidationError("The file must be a photo: a JPEG, PNG or WebP picture")
        upload.seek(0)
        upload.name = f"photo.{PHOTO_TYPES[kind]}"
        return upload


HOUR_CHOICES = [
    ("168", "1 week before"),
    ("72", "3 days before"),
    ("48", "2 days before"),
    ("24", "1 day before"),
    ("4", "4 hours before"),
    ("2", "2 hours before"),
    ("1", "1 hour before"),
]


class ReminderTimesForm(GovukForm):
    hours = forms.MultipleChoiceField(
        label="When should reminders go out?",
        choices=HOUR_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="People get one reminder at each time you choose, by the way they prefer. Choose none to send no reminders.",
    )
