"""The service navigation: each role's entries, and which one is marked as the current page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sidebyside.enquiries import services
from sidebyside.hubs.models import Hub, Programme

pytestmark = pytest.mark.django_db


def current(client: Client, url: str) -> list[str]:
    page = client.get(url).content.decode()
    return re.findall(r'aria-current="page"><strong[^>]*>([^<]+)<', page)


def entries(client: Client, url: str) -> list[str]:
    page = client.get(url).content.decode()
    return re.findall(
        r'class="govuk-service-navigation__link" href="[^"]*"[^>]*>(?:<strong[^>]*>)?([^<]+)<', page
    )


def account_bar(client: Client, url: str) -> list[str]:
    page = client.get(url).content.decode()
    bar = page[page.index('class="sbs-account-bar"') : page.index("</nav>")]
    return [text.strip() for text in re.findall(r"<(?:a|button)[^>]*>([^<]+)<", bar)]


def enquiry_with_action(programme: Programme, hub: Hub, personas: dict[str, Any], *, owner: str) -> Any:
    """An enquiry of the hub with one action, owned by the persona ``owner``."""
    enquiry = services.enquiry_create(
        actor=personas["coordinator"], programme=programme, title="Buses", framing="Too few", hubs=[hub]
    )
    action = services.action_create(
        actor=personas["coordinator"], enquiry=enquiry, what="Ask", owner=personas[owner]
    )
    return enquiry, action


def test_the_current_page_is_marked_under_the_right_entry(
    client_for: Callable[..., Client], programme: Programme, hub: Hub, personas: dict[str, Any]
) -> None:
    enquiry, action = enquiry_with_action(programme, hub, personas, owner="coordinator")
    client = client_for("coordinator")
    assert current(client, reverse("dashboards:programme", args=[programme.pk])) == ["Dashboard"]
    for url in (
        reverse("enquiries:board", args=[programme.pk]),
        reverse("enquiries:actions", args=[programme.pk]),
        reverse("enquiries:enquiry", args=[enquiry.pk]),
        reverse("enquiries:action", args=[action.pk]),
    ):
        assert current(client, url) == ["Enquiries"], url
    assert current(client, reverse("people:programme_people", args=[programme.pk])) == ["People"]


def test_a_member_has_their_hub_and_what_they_said(client_for: Callable[..., Client], hub: Hub) -> None:
    client = client_for("member")
    assert entries(client, reverse("people:me")) == [hub.name, "What you said", "Your gatherings"]
    assert account_bar(client, reverse("people:me")) == ["Your details", "Your account", "Sign out"]
    assert 'href="/me/" aria-current="page">Your details' in client.get(reverse("people:me")).content.decode()
    assert current(client, reverse("enquiries:my_impact")) == ["What you said"]
    assert current(client, reverse("enquiries:you_said", args=[hub.pk])) == [hub.name]


def test_the_programme_dashboard_links_only_the_hubs_one_may_open(
    client_for: Callable[..., Client], programme: Programme, hub: Hub, other_hub: Hub
) -> None:
    """A hub's coordinator sees every hub's figures, but only their own hub's page opens for them:
    the others are named, not linked to a page that would say "not found"."""
    url = reverse("dashboards:programme", args=[programme.pk])
    archived = Hub.objects.create(programme=programme, name="Hub C", locality="Gamma", stage="started")
    archived.archived_at = archived.created_at
    archived.save(update_fields=["archived_at"])
    links = {
        persona: set(re.findall(r'href="/hubs/(\d+)/"', client_for(persona).get(url).content.decode()))
        for persona in ("coordinator", "programme_admin")
    }
    assert links["coordinator"] == {str(hub.pk)}
    assert links["programme_admin"] == {str(hub.pk), str(other_hub.pk), str(archived.pk)}
    page = client_for("coordinator").get(url).content.decode()
    assert f'{other_hub.name}<br><span class="govuk-body-s">Its page is for its own team</span>' in page
    assert "How it meets: Not decided yet" in page  # the hub's way of meeting, labelled
    assert "Its page is for its own team" not in client_for("programme_admin").get(url).content.decode()
    for hub_id in links["programme_admin"]:
        assert client_for("programme_admin").get(f"/hubs/{hub_id}/").status_code == 200
    assert client_for("coordinator").get(f"/hubs/{other_hub.pk}/").status_code == 404


def test_a_partner_lead_has_their_actions_in_the_menu(
    client_for: Callable[..., Client], programme: Programme, hub: Hub, personas: dict[str, Any]
) -> None:
    _, action = enquiry_with_action(programme, hub, personas, owner="leader")
    client = client_for("leader")
    page = client.get(reverse("enquiries:board", args=[programme.pk])).content.decode()
    yours = reverse("enquiries:actions", args=[programme.pk]) + "?show=yours"
    assert f'href="{yours}"' in page.replace("&amp;", "&")
    assert "Your actions" in entries(client, reverse("enquiries:board", args=[programme.pk]))
    assert current(client, yours) == ["Your actions"]
    assert current(client, reverse("enquiries:action", args=[action.pk])) == ["Your actions"]
    assert current(client, reverse("enquiries:board", args=[programme.pk])) == ["Enquiries"]
    # Staff who do not own actions as partners do not get the entry.
    assert "Your actions" not in entries(
        client_for("coordinator"), reverse("enquiries:board", args=[programme.pk])
    )
