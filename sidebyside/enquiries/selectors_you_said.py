"""Reads for "you said, we did": a hub's board of updates, and the poster for its wall.

An update belongs on a hub's board when it was written for contributors (``tell_contributors``)
about an enquiry the hub is part of. Each card recalls what was said: the enquiry, its framing and
a few quotes of what people *in this hub* said, those linked to the enquiry directly first, then
those people put in its themes. Quotes go through ``quotes.quotes`` only, so consent is read when
the page or the poster is made: a consent withdrawn today leaves the quote out of the next one.

The number of queries does not grow with the number of updates, enquiries or quotes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber

from sidebyside.enquiries.models import Action, Evidence, LeaderMessage, Update
from sidebyside.enquiries.quotes import Quote, quotable, quotes
from sidebyside.hubs.models import Hub
from sidebyside.insights.models import Tag
from sidebyside.voices.models import Contribution

PAGE_SIZE = 20
QUOTES_PER_CARD = 2
# Contributions read per enquiry from each source (linked directly; in a linked theme), newest
# first: enough that some left out for want of consent still leave quotes, never a whole theme.
CANDIDATES_PER_ENQUIRY = 5
REPLIES_ON_BOARD = 10
# The poster: what fits on a wall in big type.
POSTER_WE_DID = 6
POSTER_COULD_NOT = 2
POSTER_REPLIES = 2
POSTER_QUOTES_PER_CARD = 1

COULD_NOT = Update.Kind.COULD_NOT
WE_DID_KINDS = (Update.Kind.WE_DID, Update.Kind.PROGRESS)


@dataclass(frozen=True)
class Card:
    """One update, with what was said that led to it."""

    update: Update
    quotes: list[Quote]
    # The first card of its enquiry in its list: it alone says what was raised (the enquiry's
    # framing); later ones show only their other quotes and what happened.
    first: bool = True


@dataclass(frozen=True)
class Reply:
    """A senior leader's answer to the hub, and what they committed to."""

    message: LeaderMessage
    replied_by: str  # "Sam Jones, Testshire Council", or "A senior leader, Testshire Council"
    commitments: list[Action]


def updates_of(hub: Hub) -> QuerySet[Update]:
    """The updates written for contributors on the enquiries the hub is part of, newest first."""
    return (
        Update.objects.filter(tell_contributors=True, enquiry__hubs=hub)
        .select_related("enquiry")
        .order_by("-created_at", "-pk")
    )


def said_here(hub: Hub, enquiry_ids: Iterable[int]) -> dict[int, list[Contribution]]:
    """For each enquiry, the hub's contributions that may be quoted at all (shown, not raised for
    safeguarding; consent is for ``quotes`` to decide): those linked directly, newest first, then
    those in its linked themes by a person's choice. At most ``CANDIDATES_PER_ENQUIRY`` of each
    kind per enquiry; two queries, whatever the number of enquiries."""
    ids = sorted(set(enquiry_ids))
    if not ids:
        return {}
    here = quotable(Contribution.objects.filter(hub=hub)).values("pk")
    related = ("contribution__author__user", "contribution__hub")
    newest = [F("contribution__said_at").desc(), F("contribution_id").desc()]
    direct = (
        Evidence.objects.filter(enquiry_id__in=ids, contribution__in=here)
        .select_related(*related)
        .annotate(
            for_enquiry=F("enquiry_id"),
            rank=Window(RowNumber(), partition_by=[F("enquiry_id")], order_by=newest),
        )
        .filter(rank__lte=CANDIDATES_PER_ENQUIRY)
        .order_by("for_enquiry", "rank")
    )
    themed = (
        Tag.objects.filter(confirmed=True, theme__evidence__enquiry_id__in=ids, contribution__in=here)
        .select_related(*related)
        .annotate(
            for_enquiry=F("theme__evidence__enquiry_id"),
            rank=Window(RowNumber(), partition_by=[F("theme__evidence__enquiry_id")], order_by=newest),
        )
        .filter(rank__lte=CANDIDATES_PER_ENQUIRY)
        .order_by("for_enquiry", "rank")
    )
    found: dict[int, list[Contribution]] = {}
    rows: list[Any] = [*direct, *themed]
    for row in rows:
        mine = found.setdefault(row.for_enquiry, [])
        if all(contribution.pk != row.contribution_id for contribution in mine):
            mine.append(row.contribution)
    return found


def cards(updates: Sequence[Update], hub: Hub, *, names: bool, per_card: int = QUOTES_PER_CARD) -> list[Card]:
    """Each update as a card with up to ``per_card`` quotes from the hub. Three queries at most."""
    said = said_here(hub, (u.enquiry_id for u in updates if u.enquiry_id is not None))
    unique = {c.pk: c for found in said.values() for c in found}
    allowed = {q.contribution_id: q for q in quotes(unique.values(), names=names)}
    made = []
    shown_before: dict[int, int] = {}  # cards of each enquiry so far: the next takes the next quotes
    for update in updates:
        key = update.enquiry_id or 0
        mine = [allowed[c.pk] for c in said.get(key, []) if c.pk in allowed]
        if mine:
            start = shown_before.get(key, 0) * per_card % len(mine)
            mine = mine[start:] + mine[:start]
            shown_before[key] = shown_before.get(key, 0) + 1
        made.append(Card(update=update, quotes=mine[:per_card]))
    return made


def replied_by(message: LeaderMessage, *, names: bool) -> str:
    """Who answered: the leader's name only to those who may see names; never to partners and
    leaders, who are told "A senior leader" and the organisation."""
    who = message.leader.display_name if names and message.leader is not None else "A senior leader"
    organisation = message.leader_organisation
    return f"{who}, {organisation.name}" if organisation is not None else who


def replies(hub: Hub, *, names: bool, limit: int) -> list[Reply]:
    """The hub's messages to senior leaders that have an answer, latest answer first. Two queries."""
    rows = (
        LeaderMessage.objects.filter(hub=hub, status=LeaderMessage.Status.REPLIED)
        .select_related("leader", "leader_organisation")
        .prefetch_related(
            Prefetch("commitments", queryset=Action.objects.order_by("created_at", "pk"), to_attr="promised")
        )
        .order_by("-replied_at", "-pk")[:limit]
    )
    return [
        Reply(message=message, replied_by=replied_by(message, names=names), commitments=message.promised)
        for message in rows
    ]


@dataclass(frozen=True)
class Board:
    page: Page[Update]
    we_did: list[Card]
    could_not: list[Card]
    replies: list[Reply]


def _firsts(made: list[Card]) -> list[Card]:
    """The cards, each marked whether it is the first of its enquiry among them."""
    seen: set[int] = set()
    marked = []
    for card in made:
        key = card.update.enquiry_id or 0
        marked.append(replace(card, first=key not in seen))
        seen.add(key)
    return marked


def board(hub: Hub, *, names: bool, page_number: Any) -> Board:
    """One page of the board: up to ``PAGE_SIZE`` updates (older ones on later pages), split into
    what was done and what could not be changed; leaders' answers on the first page."""
    page = Paginator(updates_of(hub), PAGE_SIZE).get_page(page_number)
    made = cards(list(page.object_list), hub, names=names)
    return Board(
        page=page,
        we_did=_firsts([card for card in made if card.update.kind != COULD_NOT]),
        could_not=_firsts([card for card in made if card.update.kind == COULD_NOT]),
        replies=replies(hub, names=names, limit=REPLIES_ON_BOARD) if page.number == 1 else [],
    )


@dataclass(frozen=True)
class Poster:
    we_did: list[Card]
    could_not: list[Card]
    replies: list[Reply]


def poster(hub: Hub, *, names: bool) -> Poster:
    """The latest of each, few enough for big type on one sheet."""
    updates = updates_of(hub)
    we_did = list(updates.filter(kind__in=WE_DID_KINDS)[:POSTER_WE_DID])
    could_not = list(updates.filter(kind=COULD_NOT)[:POSTER_COULD_NOT])
    made = cards(we_did + could_not, hub, names=names, per_card=POSTER_QUOTES_PER_CARD)
    return Poster(
        we_did=made[: len(we_did)],
        could_not=made[len(we_did) :],
        replies=replies(hub, names=names, limit=POSTER_REPLIES),
    )
