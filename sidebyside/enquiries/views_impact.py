"""What happened to what people said.

- "What happened to what you said" (``my_impact``): the signed-in person's own page. Everything
  they said, newest first, each with its journey (themes → enquiries → actions → updates), and the
  updates owed to them. Only their own words, fetched with ``people.access.get_own_person``;
  nothing takes a person id from the address. Their hidden or flagged words are still theirs and
  are shown to them, with nothing said about any safeguarding flag.
- One contribution's journey (``contribution_journey``) for the hub's staff and the programme's
  admins, fetched with ``voices.access.get_contribution_for`` (as the moderation pages are).

Both read journeys with ``enquiries.journey.journeys``: the query count does not grow with rows.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from sidebyside.core.back import back_from
from sidebyside.enquiries.journey import journeys
from sidebyside.enquiries.models import Evidence, Notice
from sidebyside.insights.models import Tag, Theme
from sidebyside.people.access import get_own_person
from sidebyside.voices.access import get_contribution_for
from sidebyside.voices.models import Contribution

PAGE_SIZE = 20
NOTICES_SHOWN = 20
ENQUIRIES_SHOWN = 3  # under each thing said; the rest are counted
HUB_LIST = "voices:hub_contributions"
# Where a contribution's journey is opened from, and the back link to each (the hub's list when
# the page was opened from anywhere else).
JOURNEY_BACK = {
    HUB_LIST: "Back to what people said",
    "insights:search": "Back to the search",
    "insights:theme": "Back to the theme",
}


def fed_an_enquiry() -> Q:
    """Contributions linked to an enquiry: directly, or through a confirmed tag in a confirmed theme
    that is evidence for one."""
    direct = Exists(Evidence.objects.filter(contribution_id=OuterRef("pk")))
    via_theme = Exists(
        Tag.objects.filter(
            contribution_id=OuterRef("pk"),
            confirmed=True,
            theme__status=Theme.Status.CONFIRMED,
            theme__evidence__isnull=False,
        )
    )
    return Q(direct) | Q(via_theme)


@login_required
@require_GET
def my_impact(request: HttpRequest) -> HttpResponse:
    person = get_own_person(request.user)
    said = Contribution.objects.filter(author=person)
    totals = said.aggregate(total=Count("pk"), led=Count("pk", filter=fed_an_enquiry()))
    notices = Notice.objects.filter(person=person)
    notice_count = notices.count()
    newest = list(
        notices.select_related("update__enquiry", "update__message__hub").order_by("-created_at", "-pk")[
            :NOTICES_SHOWN
        ]
    )
    page = Paginator(
        said.select_related("hub", "prompt", "gathering").order_by("-said_at", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    found = journeys([c.pk for c in page.object_list], most=ENQUIRIES_SHOWN)
    return render(
        request,
        "enquiries/impact/my_impact.html",
        {
            "person": person,
            "total": totals["total"],
            "led": totals["led"],
            "notice_count": notice_count,
            "notices": newest,
            "more_notices": notice_count - len(newest),
            "page": page,
            "items": [(c, found[c.pk]) for c in page.object_list],
        },
    )


def _tags_to_check(contribution: Contribution) -> list[Tag]:
    """Where it has been put but does not count yet (the journey counts tags people made or
    checked, in themes people confirmed): put there by the machine and not checked, or in a theme
    still only suggested. For staff, so that "not in a theme yet" is not the whole story."""
    return list(
        Tag.objects.filter(
            contribution=contribution, theme__status__in=(Theme.Status.SUGGESTED, Theme.Status.CONFIRMED)
        )
        .exclude(confirmed=True, theme__status=Theme.Status.CONFIRMED)
        .select_related("theme")
        .order_by("theme__name", "theme_id")
    )


@login_required
@require_GET
def contribution_journey(request: HttpRequest, contribution_id: int) -> HttpResponse:
    contribution = get_contribution_for(request.user, contribution_id, "view")
    journey = journeys([contribution.pk])[contribution.pk]
    told = 0
    if contribution.author_id is not None:
        told = Notice.objects.filter(
            person_id=contribution.author_id,
            update_id__in=[u.id for e in journey.enquiries for u in e.updates],
        ).count()
    return render(
        request,
        "enquiries/impact/contribution_journey.html",
        {
            "contribution": contribution,
            "hub": contribution.hub,
            "journey": journey,
            "told": told,
            "to_check": _tags_to_check(contribution),
            "may_moderate": request.user.has_perm("voices.moderate", contribution),
            "back": back_from(request, JOURNEY_BACK)
            or (reverse("voices:hub_contributions", args=[contribution.hub_id]), JOURNEY_BACK[HUB_LIST]),
        },
    )
