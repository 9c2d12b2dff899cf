from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sidebyside.people.phone import display_phone, normalise_phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("07700 900982", "+447700900982"),
        ("07700-900-982", "+447700900982"),
        ("+44 7700 900982", "+447700900982"),
        ("+44 (0)7700 900982", "+447700900982"),
        ("0044 7700 900982", "+447700900982"),
        ("(01223) 456789", "+441223456789"),
        ("0800 123 4567", "+448001234567"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("", ""),
    ],
)
def test_numbers_are_stored_in_international_form(typed: str, stored: str) -> None:
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12345", "UK phone number with the right number of digits"),
        ("07700 90098", "UK phone number with the right number of digits"),
        ("7700900982", "UK phone number with the right number of digits"),
        ("07700 900982 1", "UK phone number with the right number of digits"),
        ("call me", "using numbers only"),
        ("+33 6 12", "international phone number with its country code"),
        ("07700#900982", "using numbers only"),
    ],
)
def test_bad_numbers_get_a_specific_message(typed: str, message: str) -> None:
    with pytest.raises(ValidationError) as error:
        normalise_phone(typed)
    assert message in error.value.messages[0]


def test_uk_numbers_are_shown_the_national_way_and_others_internationally() -> None:
    assert display_phone("+447700900982") == "07700 900982"
    assert display_phone("+33612345678") == "+33 6 12 34 56 78"
    assert display_phone("") == ""
