from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from sidebyside.hubs.models import Hub, Programme
from sidebyside.hubs.roles import roles_of


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool
    account: bool = False  # about the person themselves: in the account bar, not the menu


ACCOUNT_ENTRIES = frozenset({"Your details", "Your account"})


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Service navigation entries for the signed-in user, from their roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def items() -> list[NavItem]:
        roles = roles_of(user)
        path = request.path
        # label, address, and the other addresses whose pages belong under it
        entries: list[tuple[str, str, tuple[str, ...]]] = []
        programme_ids = sorted(roles.programme_ids())
        programme = Programme.objects.filter(pk__in=programme_ids).order_by("pk").first()
        if programme is not None and user.has_perm("hubs.view_programme", programme):
            at = f"/programmes/{programme.pk}/"
            entries.append(("Dashboard", reverse("dashboards:programme", args=[programme.pk]), ()))
            entries.append(("Organisations", reverse("hubs:organisation_list", args=[programme.pk]), ()))
            if user.has_perm("gatherings.view_methods", programme):
                entries.append(("Methods", reverse("gatherings:method_list", args=[programme.pk]), ()))
            if user.has_perm("voices.view_prompts", programme):
                entries.append(("Questions", reverse("voices:prompt_list", args=[programme.pk]), ()))
            if user.has_perm("insights.view_themes", programme):
                themes = ("/themes/", "/theme-tags/", "/theming-runs/")
                entries.append(("Themes", reverse("insights:themes", args=[programme.pk]), themes))
            enquiries = (
                *("/enquiries/", "/actions/", "/evidence/", "/updates/", "/messages-to-leaders/"),
                *(f"{at}actions/", f"{at}messages-to-leaders/"),
            )
            if "leader" in roles.programme_roles.get(programme.pk, frozenset()):
                # Partners own actions: theirs first (before "Enquiries", which it wins ties against).
                yours = reverse("enquiries:actions", args=[programme.pk]) + "?show=yours"
                entries.append(("Your actions", yours, (f"{at}actions/", "/actions/")))
            entries.append(("Enquiries", reverse("enquiries:board", args=[programme.pk]), enquiries))
            staff_roles = {"programme_admin"} & roles.programme_roles.get(programme.pk, frozenset())
            if staff_roles or any({"coordinator", "facilitator"} & r for r in roles.hub_roles.values()):
                entries.append(("People", reverse("people:programme_people", args=[programme.pk]), ()))
        else:
            hub_ids = sorted(roles.hub_roles)
            for hub in Hub.objects.filter(pk__in=hub_ids, archived_at__isnull=True).order_by("name")[:3]:
                entries.append((hub.name, reverse("dashboards:hub", args=[hub.pk]), ()))
        if any("member" in hub_roles for hub_roles in roles.hub_roles.values()):
            # "What happened to what you said": a member's words and where they led.
            entries.append(("What you said", reverse("enquiries:my_impact"), ()))
        entries.append(("Your gatherings", reverse("gatherings:my_gatherings"), ()))
        entries.append(("Your details", reverse("people:me"), ()))
        entries.append(("Your account", reverse("accounts:account"), ()))
        # The entry with the longest address that starts this page's is the current one; the
        # dashboard only on its own page (every programme page's address starts with its address).
        best, current = -1, None
        for label, url, also in entries:
            for prefix in (url, *also):
                exact_only = label == "Dashboard" and prefix == url
                matches = path == prefix if exact_only else path.startswith(prefix)
                if matches and len(prefix) > best:
                    best, current = len(prefix), label
        return [
            NavItem(label, url, label == current, account=label in ACCOUNT_ENTRIES)
            for label, url, _ in entries
        ]

    worked_out: list[list[NavItem]] = []

    def once() -> list[NavItem]:
        if not worked_out:
            worked_out.append(items())
        return worked_out[0]

    # Lazy: pages that never render the navigation (JSON, redirects) run no query.
    return {
        "navigation": SimpleLazyObject(lambda: [item for item in once() if not item.account]),
        "account_navigation": SimpleLazyObject(lambda: [item for item in once() if item.account]),
    }
