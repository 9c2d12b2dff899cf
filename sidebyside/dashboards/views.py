from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sidebyside.core.exceptions import VerificationRequired
from sidebyside.dashboards import selectors
from sidebyside.enquiries.measures import loop_closure
from sidebyside.enquiries.models import Notice
from sidebyside.gatherings.models import Registration
from sidebyside.gatherings.selectors import recent_for_hub, upcoming_for_hub
from sidebyside.hubs.access import get_hub_for, get_programme_for
from sidebyside.hubs.models import Hub, Membership, Programme
from sidebyside.hubs.roles import roles_of
from sidebyside.notify import services as notify_services
from sidebyside.notify.models import OutboxMessage
from sidebyside.people.models import Person


def home(request: HttpRequest) -> HttpResponse:
    """Send each person to where they start: the dashboard, their hub, or the sign-in choices."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "dashboards/start.html")
    roles = roles_of(user)
    for programme in Programme.objects.filter(pk__in=roles.programme_ids()).order_by("pk"):
        if user.has_perm("hubs.view_programme", programme):
            return redirect("dashboards:programme", programme_id=programme.pk)
    hubs = list(Hub.objects.filter(pk__in=roles.hub_roles.keys(), archived_at__isnull=True).order_by("name"))
    if len(hubs) == 1:
        return redirect("dashboards:hub", hub_id=hubs[0].pk)
    return render(request, "dashboards/my_hubs.html", {"hubs": hubs})


@login_required
def programme(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = get_programme_for(request.user, programme_id)
    context = selectors.programme_overview(programme)
    loop, loop_total = loop_closure(programme.pk, [f.hub.pk for f in context["figures"]])  # type: ignore[attr-defined]
    context.update(
        loop=[(f.hub, loop[f.hub.pk]) for f in context["figures"]],  # type: ignore[attr-defined]
        loop_total=loop_total,
        can_see_enquiries=request.user.has_perm("enquiries.view_enquiries", programme),
    )
    archived = context["archived_hubs"]
    assert isinstance(archived, list)
    hubs = [f.hub for f in context["figures"]] + archived  # type: ignore[attr-defined]
    context.update(
        programme=programme,
        # A coordinator sees every hub's figures but opens only their own hub's page.
        openable={hub.pk for hub in hubs if request.user.has_perm("hubs.view_hub", hub)},
        can_change=request.user.has_perm("hubs.change_programme", programme),
        can_add_hub=request.user.has_perm("hubs.add_hub", programme),
    )
    return render(request, "dashboards/programme.html", context)


@login_required
def hub(request: HttpRequest, hub_id: int) -> HttpResponse:
    hub = get_hub_for(request.user, hub_id)
    (figures,) = selectors.hub_figures([hub])
    user = request.user
    return render(
        request,
        "dashboards/hub.html",
        {
            "hub": hub,
            "for_you": _for_you(user, hub),
            "figures": figures,
            "upcoming": upcoming_for_hub(hub.pk),
            "recent": recent_for_hub(hub.pk),
            "can_change": user.has_perm("hubs.change_hub", hub),
            "can_archive": user.has_perm("hubs.archive_hub", hub),
            "can_see_people": user.has_perm("hubs.view_hub_people", hub),
            "can_see_voices": user.has_perm("voices.view_contributions", hub),
            "can_see_you_said": user.has_perm("enquiries.view_you_said", hub),
            "can_see_programme": user.has_perm("hubs.view_programme", hub.programme),
        },
    )


def _for_you(user: Any, hub: Hub) -> dict[str, Any] | None:
    """For a member of the hub: news of what they said (updates passed on to them in the last
    month) and the next gathering they are coming to here, so the page they land on says first
    what is theirs. None for staff, who start elsewhere. Two queries."""
    if Membership.Role.MEMBER not in roles_of(user).in_hub(hub.pk):
        return None
    person = Person.objects.filter(user_id=user.pk).first()
    if person is None:
        return None
    now = timezone.now()
    news = Notice.objects.filter(person=person, created_at__gte=now - datetime.timedelta(days=30)).count()
    coming = (
        Registration.objects.filter(
            person=person,
            status=Registration.Status.REGISTERED,
            gathering__hub=hub,
            gathering__ends_at__gte=now,
            gathering__cancelled_at__isnull=True,
        )
        .select_related("gathering")
        .order_by("gathering__starts_at")
        .first()
    )
    return {"news": news, "next": coming.gathering if coming is not None else None}


def _messages_programme(request: HttpRequest, programme_id: int) -> Programme:
    programme = get_programme_for(request.user, programme_id, need="change")
    user: Any = request.user  # django-otp adds is_verified()
    if not user.is_verified():
        raise VerificationRequired  # the list names people
    return programme


def _programme_messages(programme: Programme) -> QuerySet[OutboxMessage]:
    people = Membership.objects.filter(programme=programme).values("user_id")
    return OutboxMessage.objects.filter(user_id__in=people)


@login_required
def messages_failed(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Messages that could not be sent, for the programme admin to check and send again."""
    programme = _messages_programme(request, programme_id)
    failed = _programme_messages(programme).filter(status=OutboxMessage.Status.FAILED).select_related("user")
    page = Paginator(failed.order_by("-failed_at", "-pk"), 50).get_page(request.GET.get("page"))
    waiting = _programme_messages(programme).filter(status=OutboxMessage.Status.QUEUED).count()
    return render(
        request, "dashboards/messages_failed.html", {"programme": programme, "page": page, "waiting": waiting}
    )


@login_required
@require_POST
def message_retry(request: HttpRequest, programme_id: int, message_id: int) -> HttpResponse:
    programme = _messages_programme(request, programme_id)
    message = _programme_messages(programme).filter(pk=message_id).first()
    if message is None:
        raise Http404
    notify_services.message_retry(actor=request.user, message=message)
    messages.success(request, "The message will be sent again in a moment")
    return redirect("dashboards:messages_failed", programme_id=programme.pk)
