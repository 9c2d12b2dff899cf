"""GOV.UK form rendering and the day / month / year date field."""

from __future__ import annotations

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from sidebyside.accounts.forms import SignInForm
from sidebyside.core.forms import GovukDateField, GovukForm


class StartedForm(GovukForm):
    when = GovukDateField(label="Date started", required=False, past_only=True)


class RequiredDateForm(GovukForm):
    when = GovukDateField(label="Date of birth", error_messages={"required": "Enter the date of birth"})


def date_data(day: str = "", month: str = "", year: str = "") -> dict[str, str]:
    return {"when_day": day, "when_month": month, "when_year": year}


def test_date_field_reads_a_real_date() -> None:
    form = StartedForm(data=date_data("7", "3", "2024"))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == datetime.date(2024, 3, 7)


def test_date_field_widgets_are_named_day_month_year() -> None:
    html = str(StartedForm()["when"])

    assert re.findall(r'name="([^"]+)"', html) == ["when_day", "when_month", "when_year"]
    assert ">Day</label>" in html
    assert ">Year</label>" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (date_data("31", "2", "2024"), "Date started must be a real date"),
        (date_data("1", "13", "2024"), "Date started must be a real date"),
        (date_data("x", "2", "2024"), "Date started must be a real date, in numbers"),
        (date_data("7", "3", "24"), "The year of date started must include 4 numbers"),
    ],
)
def test_date_field_explains_what_is_wrong(data: dict[str, str], message: str) -> None:
    form = StartedForm(data=data)

    assert not form.is_valid()
    assert form.errors["when"] == [message]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (date_data("7", "", "2024"), "Date started must include a month"),
        (date_data("", "", "2024"), "Date started must include a day and a month"),
        (date_data("7", "3", ""), "Date started must include a year"),
    ],
)
def test_date_field_says_which_part_is_missing(data: dict[str, str], message: str) -> None:
    form = StartedForm(data=data)

    assert not form.is_valid()
    assert form.errors["when"] == [message]


def test_date_field_refuses_a_future_date_when_past_only() -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = StartedForm(data=date_data(str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)))

    assert not form.is_valid()
    assert form.errors["when"] == ["Date started must be today or in the past"]


def test_date_field_accepts_today_when_past_only() -> None:
    today = timezone.localdate()
    form = StartedForm(data=date_data(str(today.day), str(today.month), str(today.year)))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == today


def test_optional_date_field_left_blank_is_none() -> None:
    form = StartedForm(data=date_data("", "", ""))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] is None


def test_optional_date_field_with_only_spaces_is_none() -> None:
    form = StartedForm(data=date_data(" ", " ", ""))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] is None


def test_required_date_field_left_blank_uses_its_message() -> None:
    form = RequiredDateForm(data=date_data())

    assert not form.is_valid()
    assert form.errors["when"] == ["Enter the date of birth"]


def test_date_field_with_an_error_is_rendered_as_an_error() -> None:
    form = StartedForm(data=date_data("31", "2", "2024"))
    assert not form.is_valid()

    html = str(form)

    assert "govuk-form-group--error" in html
    assert html.count("govuk-input--error") == 3
    assert "Date started must be a real date" in html
    assert 'value="31"' in html, "what was typed is kept"
    assert 'role="group"' in html


def test_date_field_without_an_error_is_not_marked() -> None:
    form = StartedForm(data=date_data("7", "3", "2024"))
    assert form.is_valid()

    html = str(form)

    assert "govuk-form-group--error" not in html
    assert "govuk-input--error" not in html


def test_error_summary_links_a_date_field_to_its_day_input() -> None:
    form = StartedForm(data=date_data("31", "2", "2024"))
    assert not form.is_valid()

    summary = render_to_string("govuk/includes/error_summary.html", {"form": form})
    fields = str(form)

    targets = re.findall(r'href="#([^"]+)"', summary)
    assert targets, summary
    for target in targets:
        assert f'id="{target}"' in fields, f"#{target} is not an element of the form"


def test_error_summary_links_a_text_field_to_its_input() -> None:
    form = SignInForm(data={"username": "not an email", "password": ""})
    assert not form.is_valid()

    summary = render_to_string("govuk/includes/error_summary.html", {"form": form})
    fields = str(form)

    targets = re.findall(r'href="#([^"]+)"', summary)
    assert targets == ["id_username", "id_password"]
    for target in targets:
        assert f'id="{target}"' in fields
    assert "govuk-input--error" in fields
