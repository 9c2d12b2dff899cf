"""A hub's contributions: filter, search, page through, and download as CSV or XLSX.

The hub's staff and the programme's admins (``voices.view_contributions``, two-step verified)
see them. Contributions flagged for safeguarding are shown, clearly marked, only to those who
may moderate; downloads always leave them out. Each download is audited (counts only).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from sidebyside.core.audit import audit
from sidebyside.core.sealed import ENDED, SEALED, kept_query, opened, sealed_address, sealed_query
from sidebyside.hubs.models import Hub
from sidebyside.voices import export
from sidebyside.voices.access import get_voices_hub_for
from sidebyside.voices.forms_browse import BrowseForm, contributions_of
from sidebyside.voices.models import Contribution
from sidebyside.voices.search import highlights

PAGE_SIZE = 50


def _filters_from(hub: Hub, may_moderate: bool, data: QueryDict, *, posted: bool = False) -> BrowseForm:
    """The filters in ``data``: a posted form as it is, or an address with its words sealed
    (``core.sealed``; words that can no longer be read are an error on the search box)."""
    filled, ended = (data.copy(), False) if posted else opened(data)
    for unused in ("page", "csrfmiddlewaretoken"):
        filled.pop(unused, None)
    form = BrowseForm(filled if filled or ended else None, hub=hub, may_moderate=may_moderate)
    form.is_valid()
    if ended:
        form.add_error("q", ENDED)
    return form


def _query_string(data: QueryDict, form: BrowseForm, *, posted: bool = False) -> str:
    """The filters for the next page and the downloads, the words sealed."""
    if posted:
        return sealed_query(data)
    return kept_query(data, ended="q" in form.errors and SEALED in data)


@login_required
@require_http_methods(["GET", "POST"])
def hub_contributions(request: HttpRequest, hub_id: int) -> HttpResponse:
    """The filters are posted and answered with this page's address, the words sealed, so what
    was searched for (a name, a phone number) is never in an address or a log."""
    hub = get_voices_hub_for(request.user, hub_id, "view")
    if request.method == "POST":
        return sealed_address(request)
    may_moderate = request.user.has_perm("voices.moderate", hub)
    form = _filters_from(hub, may_moderate, request.GET)
    filters = form.filters()
    found = contributions_of(hub, filters, flagged=may_moderate)
    if form.errors:  # no results until every filter can be read: a list without one would mislead
        found = found.none()
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    marks = highlights(Contribution.objects.filter(hub=hub), [c.pk for c in page.object_list], filters.text)
    for contribution in page.object_list:
        contribution.shown_as = export.who(contribution)  # type: ignore[attr-defined]
        contribution.pieces = marks.get(contribution.pk) or [(contribution.text, False)]  # type: ignore[attr-defined]
    return render(
        request,
        "voices/browse/hub_contributions.html",
        {
            "hub": hub,
            "form": form,
            "filters": filters,
            "page": page,
            "query_string": _query_string(request.GET, form),
            # The filters beyond the words are folded unless one is set or needs correcting.
            "unfolded": filters.narrowed or any(name != "q" for name in form.errors),
            "may_moderate": may_moderate,
            "max_rows": export.MAX_ROWS,
        },
    )


def _download(request: HttpRequest, hub_id: int, kind: str) -> HttpResponse:
    hub = get_voices_hub_for(request.user, hub_id, "view")
    posted = request.method == "POST"
    data = request.POST if posted else request.GET
    form = _filters_from(hub, False, data, posted=posted)
    filters = form.filters()
    back = reverse("voices:hub_contributions", args=[hub.pk])
    if query := _query_string(data, form, posted=posted):
        back += f"?{query}"
    if form.errors:  # the list says what to correct; nothing is downloaded without a filter asked for
        return redirect(back)
    # Downloads leave out what is flagged for safeguarding: they travel beyond this service.
    contributions = contributions_of(hub, filters, flagged=False)
    count = contributions.count()
    if count > export.MAX_ROWS:
        messages.error(
            request,
            f"That is {count:,} contributions: downloads hold up to {export.MAX_ROWS:,}. "
            "Choose dates or a gathering to download fewer at a time.",
        )
        return redirect(back)
    rows = contributions.iterator(chunk_size=2000)
    if kind == "csv":
        content, content_type = export.as_csv(rows), "text/csv; charset=utf-8"
    else:
        content = export.as_xlsx(rows)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    audit(
        actor=request.user,
        action="voices.contributions_downloaded",
        obj=hub,
        format=kind,
        rows=count,
        filtered=filters.any,
    )
    name = f"contributions-{slugify(hub.name) or hub.pk}-{timezone.localdate():%Y-%m-%d}.{kind}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def hub_contributions_csv(request: HttpRequest, hub_id: int) -> HttpResponse:
    return _download(request, hub_id, "csv")


@login_required
@require_http_methods(["GET", "POST"])
def hub_contributions_xlsx(request: HttpRequest, hub_id: int) -> HttpResponse:
    return _download(request, hub_id, "xlsx")
