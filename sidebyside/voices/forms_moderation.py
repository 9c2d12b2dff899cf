"""Forms for checking contributions and for a hub's safeguarding lead."""

from __future__ import annotations

from typing import Any

from django import forms

from sidebyside.accounts.models import User
from sidebyside.core.forms import GovukForm
from sidebyside.voices.redaction import REMOVED, remove_phrases
from sidebyside.voices.services_moderation import Concern

BACK_TO = (("queue", "queue"), ("contribution", "contribution"))


class ActionForm(GovukForm):
    """One button's worth: the version of the contribution the moderator saw, and where to go back."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    back = forms.ChoiceField(widget=forms.HiddenInput, choices=BACK_TO, required=False)


class ConcernForm(GovukForm):
    concern = forms.ChoiceField(
        label="What is the concern?",
        help_text="Choose the one that fits best. The safeguarding lead will read the words themselves.",
        choices=Concern.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the concern is"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    back = forms.ChoiceField(widget=forms.HiddenInput, choices=BACK_TO, required=False)


MAX_PHRASES_LENGTH = 2000


class RemoveWordsForm(GovukForm):
    """Words a moderator takes out by hand: one phrase a line, each of which must be in the words
    as whole words (``redaction.remove_phrases``)."""

    words = forms.CharField(
        label="Words to take out",
        help_text=(
            "One on each line, copied as they are written above: a nickname, an address, a place, "
            "anything else that would tell who someone is. Each place they appear as whole words "
            "becomes [removed]."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        max_length=MAX_PHRASES_LENGTH,
        error_messages={
            "required": "Enter the words to take out",
            "max_length": f"Words to take out must be {MAX_PHRASES_LENGTH:,} characters or fewer",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    back = forms.ChoiceField(widget=forms.HiddenInput, choices=BACK_TO, required=False)

    def __init__(self, *args: Any, text: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.text = text

    def clean_words(self) -> list[str]:
        phrases = [line.strip() for line in self.cleaned_data["words"].splitlines() if line.strip()]
        if not phrases:
            raise forms.ValidationError("Enter the words to take out")
        for phrase in phrases:
            if phrase.casefold() == REMOVED.casefold():
                raise forms.ValidationError(
                    f"{REMOVED} is what is left where words were taken out: it cannot be taken out"
                )
            if not remove_phrases(self.text, [phrase]).found:
                raise forms.ValidationError(
                    f"“{phrase}” is not in what was said as whole words. "
                    "Copy the words as they are written above"
                )
        return phrases


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class LeadForm(GovukForm):
    user = StaffChoiceField(
        label="Who is the safeguarding lead for this hub?",
        help_text="They are told, by email or text message, when someone raises a concern about what was said.",
        queryset=User.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select who the safeguarding lead is",
            "invalid_choice": "Select one of the hub's coordinators or facilitators",
        },
    )

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = staff
