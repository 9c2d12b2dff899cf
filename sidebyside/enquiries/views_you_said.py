""" "You said, we did": a hub's board of updates, and a poster of the latest for the wall.

Everyone in the hub, its staff, the programme's admins and its leaders see the board
(``access.get_you_said_hub_for``). Quotes carry names only as each person agreed, and never to
partners and leaders (``access.shows_names``), who are told "A senior leader" rather than who
answered. The poster is a PDF for the next session, so people without internet see it too; it is
made afresh each time, with consent as it stands at that moment.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from sidebyside.core.audit import audit
from sidebyside.core.pdf import render_pdf
from sidebyside.enquiries import access
from sidebyside.enquiries import selectors_you_said as selectors

# Paper sizes for the poster; anything else is printed on A4.
SIZES = {"a4": "A4", "a3": "A3"}


@login_required
@require_GET
def you_said(request: HttpRequest, hub_id: int) -> HttpResponse:
    hub = access.get_you_said_hub_for(request.user, hub_id)
    names = access.shows_names(request.user, hub.programme_id)
    board = selectors.board(hub, names=names, page_number=request.GET.get("page"))
    return render(
        request,
        "enquiries/you_said/board.html",
        {"hub": hub, "board": board, "page": board.page, "sizes": SIZES},
    )


@login_required
@require_GET
def you_said_poster(request: HttpRequest, hub_id: int) -> HttpResponse:
    hub = access.get_you_said_hub_for(request.user, hub_id)
    size = request.GET.get("size", "").lower()
    if size not in SIZES:
        size = "a4"
    poster = selectors.poster(hub, names=access.shows_names(request.user, hub.programme_id))
    context: dict[str, Any] = {
        "hub": hub,
        "poster": poster,
        "size": size,
        "made_on": timezone.localdate(),
        "board_url": request.build_absolute_uri(reverse("enquiries:you_said", args=[hub.pk])),
    }
    pdf = render_pdf(
        render_to_string("enquiries/you_said/poster.html", context),
        render_to_string("enquiries/you_said/poster.css", {"page_size": SIZES[size], "size": size}),
    )
    quoted = sum(len(card.quotes) for card in [*poster.we_did, *poster.could_not])
    audit(actor=request.user, action="enquiries.you_said_poster", obj=hub, size=size, quotes=quoted)
    suffix = "" if size == "a4" else f"-{size}"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="you-said-we-did-{hub.pk}{suffix}.pdf"'
    return response
