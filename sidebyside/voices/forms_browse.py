"""The filters of a hub's contributions: the same on the page and on its downloads.

A filter that cannot be read (a date that does not exist, a gathering of another hub) is named
in the error summary and left out; the others still apply, and what was typed stays in the boxes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from sidebyside.core.forms import GovukDateField, GovukForm
from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub
from sidebyside.voices.models import Contribution, Prompt
from sidebyside.voices.search import MAX_QUERY, search

FLAGGED = "flagged"
GATHERING_CHOICES = 500  # the most recent; older ones can be found by date


@dataclass(frozen=True)
class Filters:
    text: str = ""
    gathering_id: int | None = None
    prompt_id: int | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    channel: str = ""
    state: str = ""

    @property
    def any(self) -> bool:
        return bool(self.text) or self.narrowed

    @property
    def narrowed(self) -> bool:
        """Whether any filter other than the words is set."""
        return any((self.gathering_id, self.prompt_id, self.since, self.until, self.channel, self.state))


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def contributions_of(hub: Hub, filters: Filters, *, flagged: bool) -> QuerySet[Contribution]:
    """The hub's contributions that pass ``filters``, best search matches first, else newest first.

    ``flagged``: include those flagged for safeguarding (for people who may moderate).
    """
    rows = Contribution.objects.filter(hub=hub).select_related("hub", "gathering", "prompt", "author__user")
    if not flagged:
        rows = rows.filter(safeguarding_at__isnull=True)
    if filters.gathering_id:
        rows = rows.filter(gathering_id=filters.gathering_id)
    if filters.prompt_id:
        rows = rows.filter(prompt_id=filters.prompt_id)
    if filters.since:
        rows = rows.filter(said_at__gte=_day_start(filters.since))
    if filters.until:
        rows = rows.filter(said_at__lt=_day_start(filters.until + datetime.timedelta(days=1)))
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.state == FLAGGED:
        rows = rows.filter(safeguarding_at__isnull=False)
    elif filters.state:
        rows = rows.filter(state=filters.state)
    return search(rows, filters.text)


class BrowseForm(GovukForm):
    q = forms.CharField(
        label="Search the words",
        required=False,
        help_text="Put words in quotes to find them together. Put a minus before a word to leave it out.",
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false", "maxlength": MAX_QUERY}),
    )
    gathering = forms.ChoiceField(
        label="Gathering",
        required=False,
        error_messages={"invalid_choice": "Choose a gathering of this hub from the list"},
    )
    prompt = forms.ChoiceField(
        label="Question",
        required=False,
        error_messages={"invalid_choice": "Choose a question from the list"},
    )
    since = GovukDateField(label="From", required=False, help_text="For example, 27 3 2024")
    until = GovukDateField(label="To", required=False, help_text="For example, 30 4 2024")
    channel = forms.ChoiceField(
        label="How it came in",
        required=False,
        choices=[("", "Any way"), *Contribution.Channel.choices],
        error_messages={"invalid_choice": "Choose how it came in from the list"},
    )
    state = forms.ChoiceField(
        label="Checked",
        required=False,
        error_messages={"invalid_choice": "Choose from the list"},
    )

    def __init__(self, *args: Any, hub: Hub, may_moderate: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        gatherings = Gathering.objects.filter(hub=hub).order_by("-starts_at", "-pk")[:GATHERING_CHOICES]
        self.fields["gathering"].choices = [  # type: ignore[attr-defined]
            ("", "Any gathering"),
            *(
                (str(pk), f"{title} ({timezone.localtime(starts_at):%-d %b %Y})")
                for pk, title, starts_at in gatherings.values_list("pk", "title", "starts_at")
            ),
        ]
        prompts = Prompt.objects.filter(programme_id=hub.programme_id).order_by("archived_at", "text")
        self.fields["prompt"].choices = [  # type: ignore[attr-defined]
            ("", "Any question"),
            *(
                (str(pk), f"{text} (archived)" if archived_at else text)
                for pk, text, archived_at in prompts.values_list("pk", "text", "archived_at")
            ),
        ]
        states = [("", "Any"), *Contribution.State.choices]
        if may_moderate:
            states.append((FLAGGED, "Flagged for safeguarding"))
        self.fields["state"].choices = states  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs["class"] += " govuk-!-width-full"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The ‘to’ date must be the same as or after the ‘from’ date")
        return cleaned

    def filters(self) -> Filters:
        """What could be read of the filters; call after ``is_valid()``."""
        data = self.cleaned_data if self.is_bound else {}

        def number(name: str) -> int | None:
            value = data.get(name)
            return int(value) if value else None

        return Filters(
            text=data.get("q") or "",
            gathering_id=number("gathering"),
            prompt_id=number("prompt"),
            since=data.get("since"),
            until=data.get("until") if "until" not in self.errors else None,
            channel=data.get("channel") or "",
            state=data.get("state") or "",
        )
