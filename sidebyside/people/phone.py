"""Phone numbers as people type them, stored one way (E.164, like +447700900123)."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError

UK_EXAMPLE = "07700 900 982"


def _uk_national_ok(national: str) -> bool:
    # UK numbers have 10 digits after the leading 0 (a few old area codes have 9).
    return (len(national) == 10 and national[0] in "1235789") or (len(national) == 9 and national[0] == "1")


def normalise_phone(text: str) -> str:
    """A UK number (07…, 01…, +44…) or an international one with a leading +, in E.164.

    Lenient about spaces, dashes and brackets; strict about the digits. Ranges are
    checked by length, not against a list of allocated numbers, so new ranges work.
    Raises ``ValidationError`` with a message for the person who typed it.
    """
    raw = text.strip()
    if not raw:
        return ""
    if any(ch.isalpha() for ch in raw):
        raise ValidationError(
            f"Enter a phone number using numbers only, like {UK_EXAMPLE}", code="invalid_characters"
        )
    compact = "".join(ch for ch in raw if ch not in " -().")
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    international = compact.startswith("+")
    digits = compact[1:] if international else compact
    if not digits.isdigit():
        raise ValidationError(
            f"Enter a phone number using numbers only, like {UK_EXAMPLE}", code="invalid_characters"
        )
    if not international or digits.startswith("44"):
        national = digits[2:] if international else digits[1:]
        if international and national.startswith("0"):
            national = national[1:]  # +44 (0)1223 …
        if (not international and not digits.startswith("0")) or not _uk_national_ok(national):
            raise ValidationError(
                f"Enter a UK phone number with the right number of digits, like {UK_EXAMPLE}, "
                "or an international number starting with +",
                code="invalid",
            )
        return f"+44{national}"
    try:
        number = phonenumbers.parse(compact, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or phonenumbers.is_possible_number_with_reason(number) != 0:
        raise ValidationError(
            "Enter an international phone number with its country code, like +33 6 12 34 56 78",
            code="invalid",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """How a stored number is shown: UK numbers in the national way, others internationally."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
