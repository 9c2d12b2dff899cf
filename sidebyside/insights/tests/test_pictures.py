"""Pictures for reports: the numbers, the page, and the downloads."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from conftest import sealed
from sidebyside.hubs.models import Hub, Programme
from sidebyside.insights import drawing, reports, services, tallies
from sidebyside.insights.models import DayTally, TallyState, Theme
from sidebyside.voices.models import Contribution

pytestmark = pytest.mark.django_db


def said(hub: Hub, text: str, when: datetime.datetime, **fields: Any) -> Contribution:
    return Contribution.objects.create(
        hub=hub, text=text, said_at=when, channel="paper", **{"state": "shown", **fields}
    )


@pytest.fixture
def themed(programme: Programme, hub: Hub, other_hub: Hub, personas: dict[str, Any]) -> dict[str, Any]:
    actor = personas["programme_admin"]
    march = datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)
    may = datetime.datetime(2026, 5, 2, 12, tzinfo=datetime.UTC)
    housing = services.theme_create(actor=actor, programme=programme, name="Housing", colour="green")
    money = services.theme_create(actor=actor, programme=programme, name="Money")
    ours = [said(hub, "The hostel is damp and cold", march) for _ in range(3)]
    ours += [said(hub, "Rent arrears letters frighten me", may)]
    theirs = [said(other_hub, "Kettle broken in the other hub", may) for _ in range(2)]
    hidden = said(hub, "Secret hostel words", may, state="hidden")
    concern = said(hub, "Danger hostel tonight", may, safeguarding_at=may)
    services.tags_add(actor=actor, theme=housing, contributions=[*ours[:3], hidden, concern, theirs[0]])
    services.tags_add(actor=actor, theme=money, contributions=[ours[3], theirs[1]])
    tallies.refresh(programme.pk)  # the worker's part, done here
    return {"housing": housing, "money": money, "march": march, "may": may}


def test_timeline_counts_by_month_with_the_months_between(
    programme: Programme, themed: dict[str, Any]
) -> None:
    found = reports.timeline(reports.Scope(programme_id=programme.pk, hubs=None))
    assert found.periods == ["Mar 2026", "Apr 2026", "May 2026"]
    counts = {theme.name: row for theme, row in found.series}
    assert counts == {"Housing": [3, 0, 1], "Money": [0, 0, 2]}  # hidden and concerns never count
    assert found.rows[2] == ("May 2026", [1, 2], 3)


def test_heat_counts_themes_by_hub_only_in_readable_hubs(
    programme: Programme, hub: Hub, other_hub: Hub, themed: dict[str, Any]
) -> None:
    everything = reports.heat(reports.Scope(programme_id=programme.pk, hubs=None))
    assert [h.name for h in everything.hubs] == sorted([hub.name, other_hub.name])
    mine = reports.heat(reports.Scope(programme_id=programme.pk, hubs={hub.pk}))
    assert mine.hubs == [hub]
    assert mine.counts == [[3], [1]]


def test_the_cloud_leaves_out_names_hidden_and_concerns(
    programme: Programme, hub: Hub, themed: dict[str, Any], personas: dict[str, Any]
) -> None:
    first_name = personas["facilitator"].full_name.split()[0]
    said(hub, f"{first_name} listened about the hostel", themed["may"])
    cloud = reports.word_cloud(reports.Scope(programme_id=programme.pk, hubs=None)).cloud
    words = {w.text for w in cloud.words}
    assert "hostel" in words
    assert first_name.lower() not in words
    assert "secret" not in words
    assert "danger" not in words


def test_the_page_and_its_downloads(
    client_for: Callable[..., Client], programme: Programme, themed: dict[str, Any]
) -> None:
    client = client_for("coordinator")
    url = reverse("insights:pictures", kwargs={"programme_id": programme.pk})
    html = client.get(url).content.decode()
    assert "Words said most" in html
    assert "<svg" in html
    assert "Kettle" not in html
    assert "kettle" not in html
    for name in ("cloud", "timeline", "heat"):
        svg = client.get(reverse("insights:picture_download", args=[programme.pk, name, "svg"]))
        assert svg["Content-Type"].startswith("image/svg+xml")
        assert svg["Content-Disposition"] == f'attachment; filename="{name}.svg"'
        assert svg.content.startswith(b"<svg")
        png = client.get(reverse("insights:picture_download", args=[programme.pk, name, "png"]))
        picture = Image.open(io.BytesIO(png.content))
        assert picture.format == "PNG"
        assert picture.width >= 600
    theme = client.get(url, {"theme": str(themed["money"].pk)}).content.decode()
    assert "Rent arrears" not in theme  # a count and a cloud, never the quotes
    assert "arrears" in theme


def test_bad_dates_are_named_and_kept(client_for: Callable[..., Client], programme: Programme) -> None:
    client = client_for("coordinator")
    url = reverse("insights:pictures", kwargs={"programme_id": programme.pk})
    response = client.get(
        url,
        {"said_from_day": "31", "said_from_month": "2", "said_from_year": "2026"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'value="31"' in html
    bad = client.get(reverse("insights:picture_download", args=[programme.pk, "pie", "svg"]))
    assert bad.status_code == 404


def test_svg_text_is_escaped() -> None:
    picture = drawing.Picture(100, 40, "<script>", "a & b")
    picture.shapes.append(drawing.Text(0, 20, "<b>hi</b>", 12))
    svg = drawing.to_svg(picture)
    assert "<script>" not in svg
    assert "&lt;b&gt;hi&lt;/b&gt;" in svg


def test_the_pictures_page_costs_the_same_with_more_themes(
    client_for: Callable[..., Client],
    programme: Programme,
    hub: Hub,
    themed: dict[str, Any],
    personas: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for("programme_admin")
    url = reverse("insights:pictures", kwargs={"programme_id": programme.pk})
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for n in range(8):
        theme = services.theme_create(
            actor=personas["programme_admin"], programme=programme, name=f"More {n}"
        )
        services.tags_add(
            actor=personas["programme_admin"],
            theme=theme,
            contributions=[said(hub, f"words {n}", themed["may"])],
        )
    tallies.refresh(programme.pk)  # the worker's part, done here
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
    assert Theme.objects.count() == 10


def test_search_across_hubs_you_run_and_themes(
    client_for: Callable[..., Client], programme: Programme, themed: dict[str, Any]
) -> None:
    url = reverse("insights:search", kwargs={"programme_id": programme.pk})
    facilitator = client_for("facilitator")
    html = facilitator.get(url, sealed({"q": "hostel"})).content.decode()
    assert 'The <mark class="sbs-found">hostel</mark> is damp and cold' in html  # why it was found
    assert "Secret hostel words" not in html  # hidden
    # Every quote can be followed to the contribution and what came of it.
    damp = Contribution.objects.filter(text="The hostel is damp and cold").first()
    assert damp is not None
    journey = reverse("enquiries:contribution_journey", args=[damp.pk])
    assert f'href="{journey}"' in html
    assert facilitator.get(journey).status_code == 200
    assert "Danger hostel tonight" not in html  # a safeguarding concern
    assert "3 contributions" in html
    kettle = facilitator.get(url, sealed({"q": "kettle"})).content.decode()
    assert "Kettle broken" not in kettle  # the other hub is not theirs to read
    theirs = client_for("programme_admin").get(url, sealed({"q": "kettle"})).content.decode()
    assert '<mark class="sbs-found">Kettle</mark> broken' in theirs
    themes = facilitator.get(url, sealed({"q": "money"})).content.decode()
    assert f'href="/themes/{themed["money"].pk}/"' in themes
    narrowed = facilitator.get(url, {"theme": str(themed["money"].pk)}).content.decode()
    assert "Rent arrears letters frighten me" in narrowed
    assert "The hostel is damp" not in narrowed


def test_search_with_a_bad_date_names_it(client_for: Callable[..., Client], programme: Programme) -> None:
    url = reverse("insights:search", kwargs={"programme_id": programme.pk})
    response = client_for("coordinator").get(
        url, sealed({"q": "hostel", "said_to_day": "40", "said_to_month": "1", "said_to_year": "2026"})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'value="hostel"' in html


def test_tallies_follow_changes_through_the_worker(
    programme: Programme,
    hub: Hub,
    themed: dict[str, Any],
    personas: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    scope = reports.Scope(programme_id=programme.pk, hubs=None)
    before = sum(sum(row) for _, row in reports.timeline(scope).series)
    with django_capture_on_commit_callbacks(execute=True):
        services.tags_add(
            actor=personas["coordinator"],
            theme=themed["money"],
            contributions=[said(hub, "Debt letters again", themed["may"])],
        )
    state = TallyState.objects.get(programme=programme)
    assert state.changed_at is None  # the worker (run at once in tests) counted the change
    assert sum(sum(row) for _, row in reports.timeline(scope).series) == before + 1


def test_old_tallies_are_refreshed_when_a_page_finds_them(
    client_for: Callable[..., Client],
    programme: Programme,
    hub: Hub,
    themed: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    concern = Contribution.objects.filter(hub=hub, text="The hostel is damp and cold").first()
    assert concern is not None
    Contribution.objects.filter(pk=concern.pk).update(safeguarding_at=themed["may"])  # elsewhere
    TallyState.objects.filter(programme=programme).update(refreshed_at=timezone.now() - tallies.MAX_AGE * 2)
    url = reverse("insights:pictures", kwargs={"programme_id": programme.pk})
    client_for("programme_admin").get(url)  # asks the worker, which runs at once in tests
    scope = reports.Scope(programme_id=programme.pk, hubs=None)
    counts = {theme.name: row for theme, row in reports.timeline(scope).series}
    assert counts["Housing"] == [2, 0, 1]


def test_a_programme_never_counted_is_counted_on_the_first_look(
    programme: Programme, themed: dict[str, Any]
) -> None:
    DayTally.objects.all().delete()
    TallyState.objects.all().delete()
    state = tallies.ensure(programme.pk)
    assert state.refreshed_at is not None
    assert DayTally.objects.filter(programme=programme).exists()


def test_very_many_matches_are_counted_to_a_cap_and_shown_newest_first(
    client_for: Callable[..., Client],
    programme: Programme,
    hub: Hub,
    themed: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sidebyside.insights import views

    monkeypatch.setattr(views, "SEARCH_CAP", 3)
    newest = said(hub, "The newest hostel worry", themed["may"])
    html = (
        client_for("coordinator")
        .get(reverse("insights:search", kwargs={"programme_id": programme.pk}), sealed({"q": "hostel"}))
        .content.decode()
    )
    assert "More than 3 contributions" in html
    found = '<mark class="sbs-found">hostel</mark>'
    assert html.index(f"The newest {found} worry") < html.index(f"The {found} is damp and cold")
    assert newest.pk


def test_the_search_is_posted_and_its_words_travel_sealed(
    client_for: Callable[..., Client], programme: Programme, themed: dict[str, Any]
) -> None:
    url = reverse("insights:search", kwargs={"programme_id": programme.pk})
    client = client_for("facilitator")
    location = client.post(url, {"q": "hostel", "csrfmiddlewaretoken": "x"})["Location"]
    assert location.startswith(url + "?find=")
    assert "hostel" not in location
    found = client.get(location)
    assert "3 contributions" in found.content.decode()
    assert found.context["query_string"].startswith("find=")
    ended = client.get(url, {"find": "changed"}).content.decode()
    assert "That search has ended. Type what you were looking for again" in ended
    assert "contributions matching" not in ended
    assert "contribution matching" not in client.get(url, {"q": "hostel"}).content.decode()  # never read
