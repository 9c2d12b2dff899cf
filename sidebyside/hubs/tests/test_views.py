from __future__ import annotations

from typing import Any

from django.urls import reverse

from sidebyside.hubs.models import Hub, Organisation


def hub_form(name: str, locality: str, stage: str, started: str = "", **extra: str) -> dict[str, str]:
    """The hub form as a browser posts it; ``started`` is "day/month/year"."""
    day, month, year = ([*started.split("/"), "", "", ""])[:3]
    data = {"name": name, "locality": locality, "stage": stage, "usual_format": "drop_in"}
    data.update(started_on_day=day, started_on_month=month, started_on_year=year, **extra)
    return data


def test_hub_create_works(client_for: Any, programme: Any) -> None:
    client = client_for("programme_admin")
    response = client.post(
        reverse("hubs:hub_create", args=[programme.pk]),
        hub_form("St Ives", "St Ives", "started", "1/6/2024"),
    )
    hub = Hub.objects.get(name="St Ives")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboards:hub", args=[hub.pk])
    assert hub.started_on.isoformat() == "2024-06-01"


def test_hub_create_bad_input_shows_every_error_and_keeps_values(client_for: Any, programme: Any) -> None:
    client = client_for("programme_admin")
    response = client.post(
        reverse("hubs:hub_create", args=[programme.pk]),
        hub_form("  ", "Ramsey", "established", "31/2/2024"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter the hub&#x27;s name" in page
    assert "Date started must be a real date" in page
    assert 'value="Ramsey"' in page
    assert 'value="31"' in page
    assert '<a href="#id_started_on_0">Date started must be a real date</a>' in page
    assert "<title>Error: Add a hub" in page
    assert not Hub.objects.filter(locality="Ramsey").exists()


def test_hub_create_rejects_duplicate_and_future_start(client_for: Any, programme: Any, hub: Any) -> None:
    client = client_for("programme_admin")
    response = client.post(
        reverse("hubs:hub_create", args=[programme.pk]),
        hub_form("hub a", "x", "started", "1/1/2999"),
    )
    page = response.content.decode()
    assert "There is already a hub called hub a in this programme" in page
    assert "Date started must be today or in the past" in page


def test_hub_edit_by_coordinator(client_for: Any, hub: Any) -> None:
    client = client_for("coordinator")
    response = client.post(
        reverse("hubs:hub_edit", args=[hub.pk]),
        hub_form("Hub A", "New place", "established", "12/4/2018", areas_of_work="One\n\nTwo\n"),
    )
    assert response.status_code == 302
    hub.refresh_from_db()
    assert hub.locality == "New place"
    assert hub.areas_of_work_list == ["One", "Two"]


def test_unknown_ids_are_404_not_500(client_for: Any, personas: Any) -> None:
    client = client_for("programme_admin")
    for url in ["/hubs/999999/", "/hubs/999999/edit/", "/programmes/999999/", "/organisations/999999/edit/"]:
        assert client.get(url).status_code == 404, url
    assert client.get("/hubs/not-a-number/").status_code == 404


def test_archive_hub_takes_it_off_the_dashboard(client_for: Any, hub: Any, programme: Any) -> None:
    client = client_for("programme_admin")
    assert client.post(reverse("hubs:hub_archive", args=[hub.pk])).status_code == 302
    dashboard = client.get(reverse("dashboards:programme", args=[programme.pk])).content.decode()
    assert "Archived hubs (1)" in dashboard
    client.post(reverse("hubs:hub_restore", args=[hub.pk]))
    hub.refresh_from_db()
    assert not hub.is_archived


def test_organisation_search_and_archive_filter(client_for: Any, programme: Any, organisation: Any) -> None:
    Organisation.objects.create(programme=programme, name="Testshire NHS Trust", kind="nhs")
    Organisation.objects.create(
        programme=programme, name="Old Charity", kind="charity", archived_at="2024-01-01T00:00Z"
    )
    client = client_for("coordinator")
    url = reverse("hubs:organisation_list", args=[programme.pk])
    page = client.get(url, {"q": "nhs"}).content.decode()
    assert "Testshire NHS Trust" in page
    assert "Testshire Council" not in page
    assert "Old Charity" not in client.get(url).content.decode()
    assert "Old Charity" in client.get(url, {"show_archived": "on"}).content.decode()


def test_organisation_bad_website_is_explained(client_for: Any, programme: Any) -> None:
    response = client_for("programme_admin").post(
        reverse("hubs:organisation_create", args=[programme.pk]),
        {"name": "Acme", "kind": "charity", "website": "not a url"},
    )
    assert "Enter a web address in the correct format" in response.content.decode()
    assert not Organisation.objects.filter(name="Acme").exists()


def test_viewing_a_hubs_people_is_audited(client_for: Any, hub: Any, personas: Any) -> None:
    from sidebyside.core.models import AuditEvent

    assert client_for("facilitator").get(reverse("people:hub_people", args=[hub.pk])).status_code == 200
    event = AuditEvent.objects.get(action="hub.people_viewed")
    assert event.actor == personas["facilitator"]
    assert event.object_id == str(hub.pk)


def test_a_superuser_must_verify_before_personal_data(client: Any, hub: Any) -> None:
    from conftest import make_user

    root = make_user("root")
    root.is_superuser = True
    root.save(update_fields=["is_superuser"])
    client.force_login(root)

    response = client.get(reverse("people:hub_people", args=[hub.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_step"))


def test_programme_edit_bad_input_keeps_values_and_changes_nothing(client_for: Any, programme: Any) -> None:
    response = client_for("programme_admin").post(
        reverse("hubs:programme_edit", args=[programme.pk]),
        {"name": "", "area": "New area", "description": "d"},
    )
    page = response.content.decode()
    assert "Enter the programme&#x27;s name" in page
    assert 'value="New area"' in page
    programme.refresh_from_db()
    assert programme.area == "Testshire"


def test_organisation_search_sends_only_the_results_to_htmx(
    client_for: Any, programme: Any, organisation: Any
) -> None:
    client = client_for("coordinator")
    url = reverse("hubs:organisation_list", args=[programme.pk])

    partial = client.get(url, {"q": "council"}, headers={"HX-Request": "true"}).content.decode()
    full = client.get(url, {"q": "council"}).content.decode()

    assert "Testshire Council" in partial
    assert "<html" not in partial
    assert 'id="organisation-results"' not in partial  # the live region stays on the page
    assert "<html" in full
    assert 'id="organisation-results"' in full
