"""Quotes: what people said, shown only as each person allowed.

A contribution written by someone we know is quoted only while that person's consent to be
quoted is in force, and never more identifiably than both that consent and the choice they made
when they wrote it. A contribution sent without an account is quoted as its writer chose on the
page they answered on. Hidden contributions, those waiting to be checked and those raised for
safeguarding are never quoted. Partners and leaders see quotes without names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from sidebyside.people import consent
from sidebyside.people.models import Consent
from sidebyside.voices.models import Contribution, visible_on_wall

Level = Consent.Level


@dataclass(frozen=True)
class Quote:
    contribution_id: int
    text: str
    said_by: str  # "Sam", "Sam Jones", or "Someone at Hub A"
    hub: str
    said_on: str


def quotable(contributions: QuerySet[Contribution]) -> QuerySet[Contribution]:
    """Those that may be quoted at all, before consent: shown, and not raised for safeguarding."""
    return contributions.filter(visible_on_wall())


def _name(contribution: Contribution, level: str) -> str:
    if level == Level.NAMED:
        name = contribution.author.user.full_name if contribution.author else contribution.name_given
    elif level == Level.FIRST_NAME:
        if contribution.author:
            user = contribution.author.user
            name = (user.known_as or user.full_name).split()[0] if (user.known_as or user.full_name) else ""
        else:
            name = contribution.name_given.split()[0] if contribution.name_given.strip() else ""
    else:
        name = ""
    return name.strip()


def quotes(contributions: Iterable[Contribution], *, names: bool, limit: int | None = None) -> list[Quote]:
    """The quotes among ``contributions`` (fetched with author__user and hub), in the order given.
    Two queries at most, whatever the number."""
    rows = list(contributions)
    levels = consent.quote_levels({c.author_id for c in rows if c.author_id is not None})
    found = []
    for contribution in rows:
        if not contribution.on_wall:
            continue
        if contribution.author_id is not None:
            allowed = levels.get(contribution.author_id)
            if allowed is None:
                continue  # no consent to be quoted (or it was withdrawn): never shown
            level = consent.least_identifying(allowed, contribution.identify_as)
        else:
            level = contribution.identify_as
        name = _name(contribution, level) if names else ""
        hub = contribution.hub.name
        found.append(
            Quote(
                contribution_id=contribution.pk,
                text=contribution.text,
                said_by=name or f"Someone at {hub}",
                hub=hub,
                said_on=f"{contribution.said_at:%B %Y}",
            )
        )
        if limit is not None and len(found) >= limit:
            break
    return found
