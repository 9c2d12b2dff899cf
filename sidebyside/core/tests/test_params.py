from __future__ import annotations

import pytest

from sidebyside.core.params import LARGEST_ID, row_id, row_ids, search_words


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("12", 12),
        (12, 12),
        (str(LARGEST_ID), LARGEST_ID),
        (str(LARGEST_ID + 1), None),
        ("99999999999999999999999999", None),
        ("0", None),
        ("-1", None),
        (" 12", None),
        ("12 ", None),
        ("1e3", None),
        ("²", None),  # a digit to str.isdigit, refused by int()
        ("١٢", None),  # Arabic-Indic digits: int() reads 12, but no browser sends an id so
        ("", None),
        (None, None),
        (True, None),
        (1.0, None),
        ("a\x00b", None),
    ],
)
def test_row_id(given: object, expected: int | None) -> None:
    assert row_id(given) == expected


def test_row_ids_keeps_the_ids_in_order_once() -> None:
    assert row_ids(["3", "x", "1", "3", "²", "99999999999999999999"]) == [3, 1]


def test_search_words_are_what_was_typed_without_what_nobody_types() -> None:
    assert search_words("  Universal Credit ") == "Universal Credit"
    assert search_words("a\x00b\x1bc") == "abc"  # PostgreSQL refuses NUL in any text
    assert search_words("café 🙂 مرحبا") == "café 🙂 مرحبا"
    assert search_words("x" * 500) == "x" * 200
    assert search_words("x" * 500, limit=100) == "x" * 100
    assert search_words(None) == ""
    assert search_words(["a"]) == ""
