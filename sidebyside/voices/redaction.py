"""Finding personal details in what someone said, and taking them out.

One click on the moderation page replaces, with ``[removed]``:

* email addresses;
* phone numbers, UK (07…, 01…, 02…, +44…, 0044…, with spaces, dashes, dots or brackets) and
  international (+33 6 12 34 56 78, +1 (202) 555-0143): anything ``phonenumbers`` finds that has
  9 to 15 digits (fewer are dates, years, prices and room numbers);
* the names of the hub's people: each one's full name and the name they go by, as whole words,
  whatever the case; and each part of a full name (a first name, a surname) when it is written
  with a capital letter, as names are ("Marnie said…"), so that common words that are also
  names ("will", "hope") are left alone when they are plainly words.

Nothing here reads the database: the caller passes the names (``hub_names``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers

REMOVED = "[removed]"
MIN_PHONE_DIGITS = 9
MAX_PHONE_DIGITS = 15
MIN_NAME_PART = 3

EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)


@dataclass(frozen=True)
class Redacted:
    text: str
    phones: int = 0
    emails: int = 0
    names: int = 0
    words: int = 0  # taken out by hand (``remove_phrases``)

    @property
    def found(self) -> int:
        return self.phones + self.emails + self.names + self.words


def _phone_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
        digits = sum(ch.isdigit() for ch in match.raw_string)
        if MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS:
            start, raw = match.start, match.raw_string
            if raw.startswith("(") and ")" not in raw:  # "(07700 900123, …": the bracket is the writer's
                start += 1
            spans.append((start, match.end))
    return spans


def _replace_spans(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + REMOVED + text[end:]
    return text


def _whole(pattern: str) -> str:
    # Not \b: names can start or end with a character that is not a letter (O'Neil, Vasquez-Hale.).
    return rf"(?<![\w]){pattern}(?![\w])"


def names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for all the names: whole phrases in any case, single parts capitalised."""
    phrases: set[str] = set()
    parts: set[str] = set()
    for name in names:
        name = " ".join((name or "").split())
        if len(name) < MIN_NAME_PART:
            continue
        phrases.add(name.casefold())
        for part in name.split(" "):
            part = part.strip(".,")
            if len(part) >= MIN_NAME_PART:
                parts.add(part)
    alternatives = []
    # Longest first, so "Marnie Quillfeather" goes as one, not as two.
    for phrase in sorted(phrases, key=len, reverse=True):
        spaced = r"[ \t]+".join(re.escape(word) for word in phrase.split(" "))
        alternatives.append((len(phrase), f"(?i:{spaced})"))
    for part in sorted(parts, key=len, reverse=True):
        if part.casefold() in phrases:
            continue
        alternatives.append((len(part), f"[{re.escape(part[0].upper())}](?i:{re.escape(part[1:])})"))
    if not alternatives:
        return None
    alternatives.sort(key=lambda item: item[0], reverse=True)
    return re.compile(_whole("(?:" + "|".join(pattern for _, pattern in alternatives) + ")"))


def redact(text: str, names: Iterable[str] = ()) -> Redacted:
    """``text`` with emails, phone numbers and ``names`` replaced by ``[removed]``, and how many of each."""
    text, emails = EMAIL.subn(REMOVED, text)
    spans = _phone_spans(text)
    text = _replace_spans(text, spans)
    pattern = names_pattern(names)
    found_names = 0
    if pattern is not None:
        text, found_names = pattern.subn(REMOVED, text)
    return Redacted(text=text, phones=len(spans), emails=emails, names=found_names)


def remove_phrases(text: str, phrases: Iterable[str]) -> Redacted:
    """Replace every appearance of each of ``phrases`` in ``text`` with ``[removed]``: what a
    moderator takes out by hand when something other than a phone number, an email address or a
    known name would tell who someone is (a nickname, an address, a place).

    A phrase is found whatever its case, as whole words only ("Dave" is not taken out of
    "Davenport", nor "e" out of every word), never inside a ``[removed]`` already there, and all
    in one pass, longest first, so that "Blue Door hostel" goes whole before "Blue Door" and one
    phrase cannot eat into the mark left by another. ``Redacted.words`` counts the places changed."""
    wanted = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    if not wanted:
        return Redacted(text=text)
    either = "|".join(re.escape(phrase) for phrase in wanted)
    pattern = re.compile(rf"({re.escape(REMOVED)})|(?<!\w)(?:{either})(?!\w)", re.IGNORECASE)
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(1):
            return match.group(1)  # a mark already there stays as it is
        count += 1
        return REMOVED

    return Redacted(text=pattern.sub(replace, text), words=count)
