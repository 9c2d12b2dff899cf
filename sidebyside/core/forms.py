"""GOV.UK Design System form rendering, written once for every form.

* ``GovukFormRenderer`` renders every field as a GOV.UK form group (label, hint,
  error message, widget) from ``templates/govuk/forms/`` and the widget
  templates under ``templates/django/forms/widgets/``.
* ``GovukFormMixin`` puts the component classes on widgets and the error
  modifiers on fields that failed validation.
* ``GovukDateField`` is the day / month / year date-input pattern.
* ``IdsChoiceField`` is Django's ``ModelMultipleChoiceField`` for rows with integer ids.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils import timezone

from sidebyside.core.dates import read_time_of_day, time_of_day
from sidebyside.core.params import row_id

_INPUT_TYPES = (
    forms.TextInput,
    forms.EmailInput,
    forms.NumberInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.DateInput,
    forms.TimeInput,
)


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


def _component_class(widget: forms.Widget) -> str | None:
    if isinstance(widget, GovukDateWidget):
        return None
    if isinstance(widget, forms.Textarea):
        return "govuk-textarea"
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.CheckboxInput)):
        return None  # their templates carry the classes of each item
    if isinstance(widget, forms.Select):
        return "govuk-select"
    if isinstance(widget, _INPUT_TYPES):
        return "govuk-input"
    return None


def _add_class(widget: forms.Widget, css_class: str) -> None:
    existing = widget.attrs.get("class", "")
    if css_class not in existing.split():
        widget.attrs["class"] = f"{existing} {css_class}".strip()


class GovukFormMixin:
    """Mix into every ``Form``/``ModelForm`` of the service."""

    fields: dict[str, forms.Field]
    errors: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css_class = _component_class(field.widget)
            if css_class:
                _add_class(field.widget, css_class)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:
            field = self.fields.get(name)
            if field is None:
                continue
            css_class = _component_class(field.widget)
            if css_class:
                _add_class(field.widget, f"{css_class}--error")
            if isinstance(field.widget, GovukDateWidget):
                field.widget.has_error = True


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


class GovukDateWidget(forms.MultiWidget):
    template_name = "govuk/forms/date_input.html"
    use_fieldset = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        self.has_error = False
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "2"}),
            "month": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "2"}),
            "year": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "4"}),
        }
        super().__init__(widgets, attrs)

    def id_for_label(self, id_: str) -> str:
        # Django's MultiWidget names no target; the error summary links to the day box.
        return f"{id_}_0" if id_ else ""

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["has_error"] = self.has_error
        return context


class GovukDateField(forms.MultiValueField):
    """A date entered as day, month and year, with the GOV.UK error messages."""

    widget = GovukDateWidget

    def __init__(self, *, past_only: bool = False, **kwargs: Any) -> None:
        self.past_only = past_only
        # Optional parts: compress() names whichever part is missing, the GOV.UK way.
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields, **kwargs)

    def compress(self, data_list: list[Any]) -> datetime.date | None:
        if not data_list or not any(data_list):
            return None
        label = (self.label or "The date").capitalize()
        day, month, year = (str(part or "").strip() for part in data_list)
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise ValidationError(f"{label} must include a {' and a '.join(missing)}", code="incomplete")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(f"{label} must be a real date, in numbers", code="invalid")
        if len(year) != 4:
            raise ValidationError(f"The year of {label.lower()} must include 4 numbers", code="invalid")
        try:
            value = datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{label} must be a real date", code="invalid") from None
        if self.past_only and value > timezone.localdate():
            raise ValidationError(f"{label} must be today or in the past", code="future")
        return value

    def clean(self, value: Any) -> Any:
        if self.required and (not value or not any(value)):
            raise ValidationError(self.error_messages["required"], code="required")
        return super().clean(value)


class ClockTimeField(forms.Field):
    """A time of day as people write it ("10am", "2:30pm", "14:30", "midday": see
    ``core.dates.read_time_of_day``), shown again as GOV.UK writes times ("2:30pm")."""

    widget = forms.TextInput
    default_error_messages = {"invalid": "Enter a time like 10am or 2:30pm"}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"class": "govuk-input govuk-input--width-5", "autocomplete": "off", "maxlength": "12"}
        )

    def to_python(self, value: Any) -> datetime.time | None:
        if isinstance(value, datetime.time):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return read_time_of_day(text)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime.time):
            return time_of_day(value)
        return value


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Several rows chosen by their ids (checkboxes). A value that no id could be, like a number
    too large for the column, is a choice not on the list: Django's own field would ask the
    database, and SQLite cannot compare such a number with an id at all."""

    def clean(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            for chosen in value:
                if chosen not in self.empty_values and row_id(chosen) is None:
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": chosen}
                    )
        return super().clean(value)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal on the form that asked for it: on the field it names when the form
    has one, otherwise at the top of the form (the error summary shows both)."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems[0])
    else:
        form.add_error(None, error.messages[0])
