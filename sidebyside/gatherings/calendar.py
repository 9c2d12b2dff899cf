"""Calendars: gatherings as iCalendar (RFC 5545) text, which gatherings a private feed
holds, and making and revoking feeds.

Times go out in Europe/London with a ``VTIMEZONE``, so a calendar shows 10:00 as 10:00 on
either side of the clock changes. An event carries what the gathering page shows everyone
who may see it (title, time, place, access, online link), never who is invited or coming.
A one-to-one catch-up goes out under its kind only: its title may name the person.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from icalendar import STATUS, Calendar, Event, vDuration

from sidebyside.core.audit import audit
from sidebyside.gatherings.models import CalendarFeed, Gathering, Registration
from sidebyside.hubs.models import Hub

PRODID = f"-//{settings.SERVICE_NAME}//Gatherings//EN"
# A feed holds the gatherings from this long ago onwards.
FEED_HISTORY = datetime.timedelta(days=30)
# How often a calendar app is asked to look again.
REFRESH = datetime.timedelta(hours=1)
# Tokens are made by ``secrets.token_urlsafe``: anything else cannot be one.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
COMING = (Registration.Status.INVITED, Registration.Status.REGISTERED)


def _site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def _host() -> str:
    return urlsplit(_site_url()).hostname or "sidebyside.invalid"


def gathering_url(gathering: Gathering) -> str:
    """The gathering page's full address."""
    return _site_url() + reverse("gatherings:gathering", kwargs={"gathering_id": gathering.pk})


def feed_url(feed: CalendarFeed) -> str:
    """The feed's full address: it works without signing in, so it is shown only to its owners."""
    return _site_url() + reverse("gatherings:calendar_feed", kwargs={"token": feed.token})


def summary_of(gathering: Gathering) -> str:
    if gathering.kind == Gathering.Kind.CATCH_UP:
        return str(Gathering.Kind.CATCH_UP.label)
    return gathering.title


def _location(gathering: Gathering) -> str:
    address = ", ".join(line.strip() for line in gathering.address.splitlines() if line.strip())
    place = ", ".join(part for part in (gathering.venue.strip(), address) if part)
    return place or gathering.online_link


def _description(gathering: Gathering) -> str:
    parts = []
    if gathering.is_cancelled:
        parts.append("This session has been cancelled.")
    if gathering.accessibility.strip():
        parts.append(f"Access: {gathering.accessibility.strip()}")
    if gathering.online_link:
        parts.append(f"Join online: {gathering.online_link}")
    parts.append(f"More about this session: {gathering_url(gathering)}")
    return "\n\n".join(parts)


def event_for(gathering: Gathering, *, stamp: datetime.datetime) -> Event:
    london = ZoneInfo(settings.TIME_ZONE)
    event = Event.new(
        uid=f"gathering-{gathering.pk}@{_host()}",
        stamp=stamp,
        start=gathering.starts_at.astimezone(london),
        end=gathering.ends_at.astimezone(london),
        summary=summary_of(gathering),
        location=_location(gathering) or None,
        description=_description(gathering),
        url=gathering_url(gathering),
        sequence=gathering.lock_version,
        status=STATUS.CANCELLED if gathering.is_cancelled else STATUS.CONFIRMED,
        last_modified=gathering.updated_at.astimezone(datetime.UTC),
    )
    if gathering.is_cancelled:
        event.add("TRANSP", "TRANSPARENT")
    return event


def to_ical(gatherings: Sequence[Gathering], *, name: str, uid: str) -> bytes:
    """One calendar holding one event per gathering, with the time zone they are in."""
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    calendar = Calendar.new(
        prodid=PRODID,
        method="PUBLISH",
        name=name,
        uid=uid,
        subcomponents=[event_for(gathering, stamp=stamp) for gathering in gatherings],
    )
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    if gatherings:
        # The zone's rules for the years the events fall in, and a year either side.
        london = ZoneInfo(settings.TIME_ZONE)
        first = min(g.starts_at.astimezone(london).date() for g in gatherings)
        last = max(g.ends_at.astimezone(london).date() for g in gatherings)
        calendar.add_missing_timezones(
            first_date=datetime.date(first.year - 1, 1, 1), last_date=datetime.date(last.year + 1, 12, 31)
        )
    return calendar.to_ical()


def gathering_ical(gathering: Gathering) -> bytes:
    return to_ical([gathering], name=summary_of(gathering), uid=f"gathering-{gathering.pk}@{_host()}")


def gathering_filename(gathering: Gathering) -> str:
    day = timezone.localtime(gathering.starts_at).date().isoformat()
    return f"{slugify(summary_of(gathering)) or 'session'}-{day}.ics"


# What a feed holds ---------------------------------------------------------------------------


def _recent(gatherings: QuerySet[Gathering]) -> QuerySet[Gathering]:
    since = timezone.now() - FEED_HISTORY
    return gatherings.filter(starts_at__gte=since).select_related("hub").order_by("starts_at", "pk")


def person_feed_gatherings(user: Any) -> list[Gathering]:
    """The gatherings ``user`` is invited to or coming to, from 30 days ago, that they may still see."""
    gatherings = _recent(
        Gathering.objects.filter(
            registrations__person__user=user,
            registrations__person__erased_at__isnull=True,
            registrations__status__in=COMING,
        )
    ).distinct()
    return [g for g in gatherings if user.has_perm("gatherings.view_gathering", g)]


def hub_feed_gatherings(hub: Hub) -> list[Gathering]:
    return list(_recent(Gathering.objects.filter(hub=hub)))


def feed_ical(feed: CalendarFeed) -> bytes:
    if feed.hub_id is not None:
        hub = feed.hub
        assert hub is not None
        return to_ical(
            hub_feed_gatherings(hub), name=f"{hub.name} sessions", uid=f"hub-{hub.pk}-sessions@{_host()}"
        )
    return to_ical(
        person_feed_gatherings(feed.user),
        name=f"My {settings.SERVICE_NAME} sessions",
        uid=f"feed-{feed.pk}@{_host()}",
    )


def find_feed(token: str) -> CalendarFeed | None:
    """The working feed with this token, or None for anything else (unknown, revoked, malformed)."""
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    feed = (
        CalendarFeed.objects.select_related("user__person", "hub")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        return None
    if feed.user is not None:
        # The address of someone whose account is closed, or whose record is erased, stops working.
        person = getattr(feed.user, "person", None)
        if not feed.user.is_active or person is None or person.is_erased:
            return None
    return feed


# Making and revoking feeds -------------------------------------------------------------------


def _working(*, user: Any | None, hub: Hub | None) -> QuerySet[CalendarFeed]:
    feeds = CalendarFeed.objects.filter(revoked_at__isnull=True)
    if hub is not None:
        return feeds.filter(hub=hub, user__isnull=True)
    return feeds.filter(user=user, hub__isnull=True)


def current_feed(*, user: Any | None = None, hub: Hub | None = None) -> CalendarFeed | None:
    """The newest working feed of a person (``user``) or of a hub."""
    return _working(user=user, hub=hub).order_by("-created_at", "-pk").first()


def _create(*, actor: Any, user: Any | None, hub: Hub | None) -> CalendarFeed:
    feed = CalendarFeed(user=user, hub=hub, created_by=actor)
    feed.full_clean()
    feed.save()
    audit(
        actor=actor,
        action="gatherings.feed_created",
        obj=feed,
        subject=user,
        **({"hub_id": hub.pk} if hub is not None else {}),
    )
    return feed


def _revoke(*, actor: Any, feeds: Iterable[CalendarFeed]) -> None:
    now = timezone.now()
    for feed in feeds:
        feed.revoked_at = now
        feed.save(update_fields=["revoked_at", "updated_at"])
        audit(
            actor=actor,
            action="gatherings.feed_revoked",
            obj=feed,
            subject=feed.user,
            **({"hub_id": feed.hub_id} if feed.hub_id is not None else {}),
        )


def _owner(user: Any | None, hub: Hub | None) -> None:
    if (user is None) == (hub is None):
        raise ValueError("A calendar feed is for one person or one hub")


@transaction.atomic
def calendar_feed_create(*, actor: Any, user: Any | None = None, hub: Hub | None = None) -> CalendarFeed:
    """Give a person (``user``) or a hub a calendar address, unless one already works."""
    _owner(user, hub)
    existing = current_feed(user=user, hub=hub)
    return existing if existing is not None else _create(actor=actor, user=user, hub=hub)


@transaction.atomic
def calendar_feed_replace(
    *, actor: Any, replaces: int | None, user: Any | None = None, hub: Hub | None = None
) -> CalendarFeed:
    """Stop the working addresses of a person or hub and make a new one.

    ``replaces`` is the feed the asker saw: if it has already been replaced (a second click,
    or someone else got there first), the newer address is kept and returned.
    """
    _owner(user, hub)
    working = list(_working(user=user, hub=hub).select_for_update().order_by("created_at", "pk"))
    if working and replaces not in {feed.pk for feed in working}:
        return working[-1]
    _revoke(actor=actor, feeds=working)
    return _create(actor=actor, user=user, hub=hub)
