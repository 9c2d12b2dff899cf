"""Calendars: a gathering as a calendar file, private calendar feeds, and the pages where a
person, or a hub's staff, get and replace their feed address.

A feed works without signing in, so its token is the only key: an unknown, malformed or
revoked token gets the same 404, and the token never reaches the logs (the request log
records the URL pattern only). Writes go through ``gatherings.calendar``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_safe

from sidebyside.accounts.models import User
from sidebyside.core.params import row_id
from sidebyside.gatherings import calendar
from sidebyside.gatherings.access import get_gathering_for
from sidebyside.hubs.access import get_hub_for
from sidebyside.hubs.models import Hub
from sidebyside.people.access import get_own_person

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
@require_safe
def gathering_calendar(request: HttpRequest, gathering_id: int) -> HttpResponse:
    """One gathering as a file to open in a calendar app."""
    gathering = get_gathering_for(request.user, gathering_id)
    response = HttpResponse(calendar.gathering_ical(gathering), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{calendar.gathering_filename(gathering)}"'
    return response


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A private feed: a person's gatherings or a hub's, for a calendar app to subscribe to."""
    feed = calendar.find_feed(token)
    if feed is None:
        raise Http404
    response = HttpResponse(calendar.feed_ical(feed), content_type=CONTENT_TYPE)
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _replaces(request: HttpRequest) -> int | None:
    return row_id(request.POST.get("replaces"))


@login_required
@require_http_methods(["GET", "POST"])
def me_calendar(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own calendar address."""
    person = get_own_person(request.user)
    actor = _actor(request)
    if request.method == "POST":
        if request.POST.get("action") == "replace":
            calendar.calendar_feed_replace(actor=actor, user=actor, replaces=_replaces(request))
            messages.success(request, "You have a new calendar address. The old one has stopped working")
        else:
            calendar.calendar_feed_create(actor=actor, user=actor)
            messages.success(request, "Your calendar address is ready")
        return redirect("gatherings:me_calendar")
    feed = calendar.current_feed(user=actor)
    address = calendar.feed_url(feed) if feed else ""
    return render(
        request,
        "gatherings/calendar/me.html",
        {
            "person": person,
            "feed": feed,
            "address": address,
            # Calendar apps on Apple devices (and Outlook) subscribe from a webcal:// link.
            "webcal": "webcal://" + address.split("://", 1)[-1] if address else "",
        },
    )


def _hub_to_plan(request: HttpRequest, hub_id: int) -> Hub:
    hub = get_hub_for(request.user, hub_id)
    if not request.user.has_perm("gatherings.plan_gathering", hub):
        raise PermissionDenied
    return hub


@login_required
@require_http_methods(["GET", "POST"])
def hub_calendar(request: HttpRequest, hub_id: int) -> HttpResponse:
    """A hub's calendar address, for the staff who plan its gatherings."""
    hub = _hub_to_plan(request, hub_id)
    actor = _actor(request)
    if request.method == "POST":
        if request.POST.get("action") == "replace":
            calendar.calendar_feed_replace(actor=actor, hub=hub, replaces=_replaces(request))
            messages.success(request, "The hub has a new calendar address. The old one has stopped working")
        else:
            calendar.calendar_feed_create(actor=actor, hub=hub)
            messages.success(request, "The hub's calendar address is ready")
        return redirect("gatherings:hub_calendar", hub_id=hub.pk)
    feed = calendar.current_feed(hub=hub)
    return render(
        request,
        "gatherings/calendar/hub.html",
        {"hub": hub, "feed": feed, "address": calendar.feed_url(feed) if feed else ""},
    )
