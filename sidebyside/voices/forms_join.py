"""Forms for answering from a phone, and for staff choosing what a gathering asks."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError

from sidebyside.core.forms import GovukForm
from sidebyside.voices.access import normalise_code
from sidebyside.voices.models import Contribution, Prompt
from sidebyside.voices.services import Invalid, clean_text, parse_uuid
from sidebyside.voices.services_join import NAME_MAX

I = Contribution.Identify  # noqa: E741

# --- The phone's side: plain markup of our own (see templates/voices/join/) -------------------------


class CodeForm(forms.Form):
    code = forms.CharField(required=False)

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data.get("code") or "")
        if not code:
            raise ValidationError("Type the code from the screen or the poster")
        return code


class _Shared:
    """A field that every answer form uses as it is, instead of a copy of its own.

    Django copies a form's fields for each form it makes, so that a form may change its own (its
    choices, its widget's attributes). The answer form never changes them, and must not: they
    are shared by every request at once (``test_answer_forms_share_fields_and_change_none``).
    The answer is the busiest path of a session, where the copying took a tenth of the server's
    time (ADR 16)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        return self


class _CharField(_Shared, forms.CharField):
    pass


class _ChoiceField(_Shared, forms.ChoiceField):
    pass


class _BooleanField(_Shared, forms.BooleanField):
    pass


class AnswerForm(forms.Form):
    """One answer. ``uuid`` is made when the page is made, so sending it again stores it once."""

    uuid = _CharField(required=False, widget=forms.HiddenInput)
    question = _CharField(required=False, widget=forms.HiddenInput)
    # No max_length here: ``clean_text`` says what is too long, in plain words.
    text = _CharField(required=False, strip=False, widget=forms.Textarea)
    name = _CharField(required=False, strip=True)
    identify = _ChoiceField(
        choices=[(I.FIRST_NAME, "first name"), (I.NAMED, "full name"), (I.ANONYMOUS, "anonymous")],
        required=False,
    )
    # Shown only to someone signed in as a member of the hub: link the answer to them.
    hear_back = _BooleanField(required=False)

    def clean_uuid(self) -> UUID:
        try:
            return parse_uuid(self.cleaned_data.get("uuid"))
        except Invalid as error:
            raise ValidationError(str(error)) from None

    def clean_text(self) -> str:
        try:
            return clean_text(self.cleaned_data.get("text") or "")
        except Invalid as error:
            raise ValidationError(str(error)) from None

    def clean_name(self) -> str:
        name = " ".join((self.cleaned_data.get("name") or "").replace("\x00", "").split())
        if len(name) > NAME_MAX:
            raise ValidationError(f"Keep your name under {NAME_MAX} letters")
        return name

    def clean_identify(self) -> str:
        return self.cleaned_data.get("identify") or I.ANONYMOUS

    @property
    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) for the error summary, in the order of the page."""
        ids = {
            "uuid": "answer",
            "question": "answer",
            "text": "answer",
            "name": "name",
            "identify": "identify",
        }
        return [
            (ids.get(field, "answer"), str(error))
            for field, errors in self.errors.items()
            for error in errors
        ]


# Null characters are dropped by the form's own cleaning, not turned into an error nobody would
# understand. Set once here: the fields are shared (``_Shared``).
for _name in ("text", "name"):
    AnswerForm.base_fields[_name].validators = []


# --- The staff side: GOV.UK markup --------------------------------------------------------------


class QuestionAddForm(GovukForm):
    prompt = forms.ModelChoiceField(
        queryset=Prompt.objects.none(),
        required=False,
        label="Choose a question the programme already asks",
        empty_label="Choose a question",
    )
    text = forms.CharField(
        required=False,
        max_length=300,
        label="Or write a new question",
        help_text="Short and in plain words. It is kept for other sessions of the programme too.",
    )

    def __init__(self, *args: Any, prompts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["prompt"]
        assert isinstance(field, forms.ModelChoiceField)
        if prompts is not None:
            field.queryset = prompts
            if not prompts.exists():
                self.fields["text"].label = "Write a question"
        self.fields["text"].error_messages["max_length"] = "Keep the question under 300 characters"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = " ".join((data.get("text") or "").split())
        data["text"] = text
        if not data.get("prompt") and not text and "text" not in self.errors:
            self.add_error("prompt", "Choose a question, or write a new one")
        if data.get("prompt") and text:
            self.add_error("text", "Choose a question or write a new one, not both")
        return data


class CheckingForm(GovukForm):
    moderated = forms.TypedChoiceField(
        label="Check answers before they go on the shared screen?",
        choices=[
            ("yes", "Yes: nothing goes on the screen until a facilitator allows it"),
            ("no", "No: answers go on the screen straight away"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes or no"},
    )
