"""Forms for the method library and for agendas.

Each says what is wrong in words a person can act on; the views keep what was typed.
"""

from __future__ import annotations

from typing import Any

from django import forms

from sidebyside.core.forms import GovukForm
from sidebyside.gatherings.models import Method
from sidebyside.gatherings.services_methods import MAX_MINUTES, name_taken
from sidebyside.hubs.models import Programme

MAX_RULES_LENGTH = 3000


class MinutesField(forms.IntegerField):
    """A whole number of minutes from 1 to 240, typed in a narrow text box."""

    def __init__(self, *, label: str, what: str = "Minutes", required: bool = True, **kwargs: Any) -> None:
        super().__init__(
            label=label,
            required=required,
            min_value=1,
            max_value=MAX_MINUTES,
            widget=forms.TextInput(
                attrs={"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}
            ),
            error_messages={
                "required": f"Enter how many minutes {what.lower()} takes",
                "invalid": f"{what} must be a whole number, like 10",
                "min_value": f"{what} must be 1 or more",
                "max_value": f"{what} must be {MAX_MINUTES} or fewer (4 hours)",
            },
            **kwargs,
        )
        self.widget.attrs["class"] = "govuk-input govuk-input--width-3"


class MethodForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=80,
        error_messages={
            "required": "Enter the method's name",
            "max_length": "The name must be 80 characters or fewer",
        },
    )
    purpose = forms.CharField(
        label="What it is for",
        help_text="A sentence or two, in plain words.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter what the method is for",
            "max_length": "What it is for must be 2000 characters or fewer",
        },
    )
    group_size = forms.CharField(
        label="Group size",
        help_text="For example, “pairs”, “groups of 3” or “4 to 20 people”.",
        max_length=80,
        error_messages={
            "required": "Enter the size of group it suits",
            "max_length": "The group size must be 80 characters or fewer",
        },
    )

    def __init__(self, *args: Any, programme: Programme, method: Method | None = None, **kwargs: Any) -> None:
        self.programme, self.method = programme, method
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["class"] += " govuk-!-width-two-thirds"
        self.fields["group_size"].widget.attrs["class"] += " govuk-!-width-two-thirds"

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if name_taken(self.programme, name, self.method):
            raise forms.ValidationError(f"There is already a method called {name} in this programme")
        return name

    @staticmethod
    def initial_for(method: Method) -> dict[str, Any]:
        return {"name": method.name, "purpose": method.purpose, "group_size": method.group_size}


class ItemForm(GovukForm):
    """A free item on an agenda: what it is, how long, and a note for the facilitator."""

    title = forms.CharField(
        label="What happens",
        max_length=120,
        help_text="For example, “Welcome and introductions” or “Break”.",
        error_messages={
            "required": "Enter what happens in this item",
            "max_length": "The title must be 120 characters or fewer",
        },
    )
    minutes = MinutesField(label="How many minutes", what="Minutes")
    guidance = forms.CharField(
        label="Notes for whoever runs it (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The notes must be 2000 characters or fewer"},
    )

    def __init__(self, *args: Any, noun: str = "item", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["class"] += " govuk-!-width-two-thirds"
        self.fields["minutes"].error_messages["required"] = f"Enter how many minutes this {noun} takes"

    @staticmethod
    def initial_for(step: Any) -> dict[str, Any]:
        return {
            "title": step.title,
            "minutes": step.minutes,
            "minutes_each": step.minutes_each,
            "guidance": step.guidance,
        }


class StepForm(ItemForm):
    """A step of a method, or an agenda item, which may be taken in turns."""

    minutes_each = MinutesField(
        label="Minutes for each person, if people speak in turn (optional)",
        what="Minutes each",
        required=False,
        help_text="Leave blank unless everyone takes a turn. "
        "For a turn of 2 minutes each, the total is then about 2 minutes × the number of people.",
    )

    field_order = ["title", "minutes", "minutes_each", "guidance"]

    def __init__(self, *args: Any, noun: str = "step", **kwargs: Any) -> None:
        super().__init__(*args, noun=noun, **kwargs)
        self.fields["title"].label = "Title"
        self.fields["title"].help_text = ""
        self.fields["title"].error_messages["required"] = f"Enter a title for this {noun}"
        self.fields["minutes"].label = "How many minutes in all"
        self.fields["guidance"].label = "How to run it (optional)"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        minutes, each = cleaned.get("minutes"), cleaned.get("minutes_each")
        if minutes and each and minutes < each:
            self.add_error(
                "minutes",
                f"The total must be at least as long as one person's turn ({each} minutes)",
            )
        return cleaned


class AddMethodForm(GovukForm):
    """Choose one of the programme's methods (given as a list, their steps already fetched)."""

    method = forms.ChoiceField(
        label="Method",
        error_messages={
            "required": "Choose a method to add",
            "invalid_choice": "Choose a method from the list",
        },
    )

    def __init__(self, *args: Any, methods: list[Method], speakers: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.methods = {str(method.pk): method for method in methods}
        self.fields["method"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a method"),
            *(
                (key, f"{method.name} ({minutes_text(method_minutes(method, speakers))})")
                for key, method in self.methods.items()
            ),
        ]

    def clean_method(self) -> Method:
        return self.methods[self.cleaned_data["method"]]


class GroundRulesForm(GovukForm):
    ground_rules = forms.CharField(
        label="Group agreement",
        required=False,
        max_length=MAX_RULES_LENGTH,
        help_text="One rule a line. Shown on screen when the session runs.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "max_length": f"The group agreement must be {MAX_RULES_LENGTH} characters or fewer",
        },
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_ground_rules(self) -> str:
        lines = (line.strip() for line in self.cleaned_data["ground_rules"].splitlines())
        return "\n".join(line for line in lines if line)


def method_minutes(method: Method, speakers: int) -> int:
    """A method's time for this many people (its steps prefetched)."""
    return sum(
        step.minutes_each * speakers if step.minutes_each else step.minutes for step in method.steps.all()
    )


def minutes_text(minutes: int) -> str:
    """90 → "1 hour 30 minutes"."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)
