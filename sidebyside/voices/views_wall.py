"""The live wall: what people are saying at a gathering, on the shared screen, as it arrives.

The wall shows only what is allowed on it (``visible_on_wall``): nothing flagged as a
safeguarding concern, and, when the gathering's join code is moderated, nothing a facilitator
has not let on. Each item says who wrote it by first name only, and only when they chose to
be named; otherwise "Anonymous".

``wall.js`` fetches the live part (``wall_live``) every few seconds and swaps it in; without
JavaScript there is a "Refresh" link. ``?screen=1`` leaves out the facilitator's buttons and
the "waiting to be checked" list, for a projector the room can see.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from sidebyside.gatherings.access import get_gathering_for
from sidebyside.gatherings.models import Gathering
from sidebyside.voices import access
from sidebyside.voices.models import Contribution, JoinCode, visible_on_wall
from sidebyside.voices.services_entry import NotAllowed, contribution_wall_set
from sidebyside.voices.services_moderation import hub_names
from sidebyside.voices.views_join import join_address, join_qr_svg
from sidebyside.voices.wordcloud import name_words, word_cloud

WALL_ITEMS = 60  # newest first; older ones still count in the word cloud
CLOUD_FROM = 500  # the most recent contributions the word cloud is made from
QUEUE_ITEMS = 50
POLL_SECONDS = 3
ANONYMOUS = "Anonymous"


def wall_name(contribution: Contribution) -> str:
    """How the wall names the writer: a first name when they said so, never more."""
    if contribution.identify_as == Contribution.Identify.ANONYMOUS:
        return ANONYMOUS
    name = contribution.name_given.strip()
    author = contribution.author
    if not name and author is not None and not author.is_erased and author.user.is_active:
        name = author.user.known_as.strip() or author.user.full_name.strip()
    words = name.split()
    return words[0][:40] if words else ANONYMOUS


def _gathering_for_wall(user: Any, gathering_id: int) -> Gathering:
    gathering = get_gathering_for(user, gathering_id, "run")
    access.check(user, gathering.hub, "view")
    return gathering


def _queue(gathering: Gathering, state: str) -> list[Contribution]:
    return list(
        Contribution.objects.filter(gathering=gathering, state=state, safeguarding_at__isnull=True)
        .select_related("author__user")
        .order_by("-created_at", "-pk")[:QUEUE_ITEMS]
    )


def wall_context(request: HttpRequest, gathering: Gathering) -> dict[str, Any]:
    """Everything the live part of the wall shows. A fixed number of queries, however many items."""
    screen = request.GET.get("screen") == "1"
    may_moderate = request.user.has_perm("voices.moderate", gathering.hub) and not screen
    shown = Contribution.objects.filter(gathering=gathering).filter(visible_on_wall())
    items = list(shown.select_related("author__user").order_by("-created_at", "-pk")[:WALL_ITEMS])
    for item in items:
        item.wall_name = wall_name(item)  # type: ignore[attr-defined]
    texts = shown.order_by("-created_at", "-pk").values_list("text", flat=True)[:CLOUD_FROM]
    join = JoinCode.objects.filter(gathering=gathering).first()
    pending: list[Contribution] = []
    hidden: list[Contribution] = []
    if may_moderate:
        pending = _queue(gathering, Contribution.State.PENDING)
        hidden = _queue(gathering, Contribution.State.HIDDEN)
    return {
        "gathering": gathering,
        "hub": gathering.hub,
        "items": items,
        "shown_count": shown.count(),
        "cloud": word_cloud(texts, leave_out=name_words(hub_names(gathering.hub))),  # one query
        "join": join,
        "moderated": join is not None and join.moderated,
        "pending": pending,
        "hidden": hidden,
        "may_moderate": may_moderate,
        "screen": screen,
        "poll_seconds": POLL_SECONDS,
        "live_url": reverse("voices:wall_live", kwargs={"gathering_id": gathering.pk})
        + ("?screen=1" if screen else ""),
    }


@login_required
@require_GET
def wall(request: HttpRequest, gathering_id: int) -> HttpResponse:
    gathering = _gathering_for_wall(request.user, gathering_id)
    context = wall_context(request, gathering)
    join = context["join"]
    if join is not None and access.is_open(join):
        # How the room joins in: drawn once with the page, not on every refresh of its live part.
        context |= {"join_address": join_address(request), "join_qr": join_qr_svg(request, join)}
    return render(request, "voices/wall/wall.html", context)


@login_required
@require_GET
def wall_live(request: HttpRequest, gathering_id: int) -> HttpResponse:
    """The live part of the wall alone, for ``wall.js`` to swap in."""
    gathering = _gathering_for_wall(request.user, gathering_id)
    response = render(request, "voices/wall/_live.html", wall_context(request, gathering))
    response["Cache-Control"] = "no-store"
    return response


def _set(request: HttpRequest, gathering_id: int, contribution_id: int, *, show: bool) -> HttpResponse:
    gathering = _gathering_for_wall(request.user, gathering_id)
    contribution = access.get_contribution_for(request.user, contribution_id, "moderate")
    if contribution.gathering_id != gathering.pk:
        raise Http404
    try:
        contribution_wall_set(actor=request.user, contribution=contribution, show=show)
    except NotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Now showing on the wall" if show else "Hidden from the wall")
    return redirect("voices:wall", gathering_id=gathering.pk)


@login_required
@require_POST
def wall_hide(request: HttpRequest, gathering_id: int, contribution_id: int) -> HttpResponse:
    return _set(request, gathering_id, contribution_id, show=False)


@login_required
@require_POST
def wall_show(request: HttpRequest, gathering_id: int, contribution_id: int) -> HttpResponse:
    return _set(request, gathering_id, contribution_id, show=True)
