"""The themes pages: asking for suggestions and reviewing them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub, Programme
from sidebyside.insights import services
from sidebyside.insights.evaluate import read_tsv
from sidebyside.insights.models import ModelCheck, Tag, Theme, ThemingRun
from sidebyside.insights.tests.test_engine import SMALL
from sidebyside.voices.models import Contribution

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client_for: Callable[..., Client]) -> Client:
    return client_for("coordinator")


@pytest.fixture
def contributions(hub: Hub) -> list[Contribution]:
    _, texts = read_tsv(SMALL)
    now = timezone.now()
    return [
        Contribution.objects.create(hub=hub, text=text, said_at=now, channel="paper", state="shown")
        for text in texts
    ]


def themes_url(programme: Programme) -> str:
    return reverse("insights:themes", kwargs={"programme_id": programme.pk})


def test_suggest_then_review_accept_merge_and_turn_down(
    coordinator: Client, programme: Programme, contributions: list[Contribution]
) -> None:
    response = coordinator.post(themes_url(programme), {"kind": "suggest", "count_wanted": "3"})
    run = ThemingRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("insights:run", kwargs={"run_id": run.pk})
    page = coordinator.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Suggested themes to review" in html
    assert run.embedder == "semantic"
    assert "without the meaning model" not in html
    first, second, third = Theme.objects.filter(run=run).order_by("pk")
    listing = coordinator.get(themes_url(programme)).content.decode()
    assert "No themes have been accepted yet." in listing  # not "no themes": three wait
    assert "3 suggested themes from" in listing
    assert reverse("insights:run", kwargs={"run_id": run.pk}) in listing

    confirm = reverse("insights:theme_confirm", kwargs={"theme_id": first.pk})
    assert coordinator.post(confirm, {f"confirm-{first.pk}-name": "Somewhere to live"}).status_code == 302
    merge = reverse("insights:theme_merge", kwargs={"theme_id": second.pk})
    assert coordinator.post(merge, {f"merge-{second.pk}-target": str(first.pk)}).status_code == 302
    reject = reverse("insights:theme_reject", kwargs={"theme_id": third.pk})
    assert coordinator.post(reject).status_code == 302

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.name, first.status) == ("Somewhere to live", "confirmed")
    assert (second.status, second.merged_into) == ("merged", first)
    assert not Theme.objects.filter(pk=third.pk).exists()
    listing = coordinator.get(themes_url(programme)).content.decode()
    assert "Somewhere to live" in listing
    assert "waiting for a person" not in listing
    assert (
        "Nothing left to review from this run: every theme it suggested has been"
        in coordinator.get(reverse("insights:run", kwargs={"run_id": run.pk})).content.decode()
    )


def test_an_empty_name_is_refused_and_nothing_changes(
    coordinator: Client, programme: Programme, contributions: list[Contribution]
) -> None:
    run = services.theming_run_start(actor=None, programme=programme, kind="suggest", count_wanted=2)
    theme = Theme.objects.filter(run=run).first()
    assert theme is not None
    url = reverse("insights:theme_confirm", kwargs={"theme_id": theme.pk})
    response = coordinator.post(url, {f"confirm-{theme.pk}-name": "   "}, follow=True)
    assert "Enter a name for the theme" in response.content.decode()
    theme.refresh_from_db()
    assert theme.status == "suggested"


def test_merging_into_itself_is_refused(
    coordinator: Client, programme: Programme, contributions: list[Contribution]
) -> None:
    run = services.theming_run_start(actor=None, programme=programme, kind="suggest", count_wanted=2)
    theme = Theme.objects.filter(run=run).first()
    assert theme is not None
    url = reverse("insights:theme_merge", kwargs={"theme_id": theme.pk})
    response = coordinator.post(url, {f"merge-{theme.pk}-target": str(theme.pk)}, follow=True)
    assert "Choose a theme from the list" in response.content.decode()
    theme.refresh_from_db()
    assert theme.status == "suggested"


def test_a_gathering_of_another_hub_is_refused_with_what_was_chosen_kept(
    coordinator: Client, programme: Programme, hub: Hub, other_hub: Hub, contributions: list[Contribution]
) -> None:
    start = timezone.now()
    elsewhere = Gathering.objects.create(
        hub=other_hub,
        kind="meeting",
        title="Elsewhere",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    response = coordinator.post(
        themes_url(programme),
        {"kind": "suggest", "hub": str(hub.pk), "gathering": str(elsewhere.pk), "count_wanted": "4"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "That gathering belongs to another hub" in html
    assert 'value="4"' in html
    assert not ThemingRun.objects.exists()


def test_nothing_to_theme_says_so(coordinator: Client, programme: Programme) -> None:
    response = coordinator.post(themes_url(programme), {"kind": "suggest"})
    assert response.status_code == 200
    assert "There are no contributions to look at" in response.content.decode()


def test_sorting_needs_tagged_examples_and_says_so(
    coordinator: Client, programme: Programme, contributions: list[Contribution], personas: dict[str, Any]
) -> None:
    services.theme_create(actor=personas["coordinator"], programme=programme, name="Housing")
    response = coordinator.post(themes_url(programme), {"kind": "assign"}, follow=True)
    assert "tag a few first" in response.content.decode()


def test_a_finished_sorting_run_says_where_its_work_waits_to_be_checked(
    coordinator: Client, programme: Programme
) -> None:
    run = ThemingRun.objects.create(
        programme=programme, kind="assign", state="done", message="86 sorted into themes, 2 not sure"
    )
    html = coordinator.get(reverse("insights:run", kwargs={"run_id": run.pk})).content.decode()
    assert "86 sorted into themes, 2 not sure" in html
    assert "stays marked “put here by the machine” until someone checks it" in html
    assert "Nothing left to review" not in html  # it was never about suggested themes


def test_progress_refreshes_while_running_and_reloads_when_done(
    coordinator: Client, programme: Programme
) -> None:
    run = ThemingRun.objects.create(programme=programme, kind="suggest", state="running", total=200, done=50)
    url = reverse("insights:run", kwargs={"run_id": run.pk})
    partial = coordinator.get(url, HTTP_HX_REQUEST="true")
    assert "50 of 200 contributions read" in partial.content.decode()
    assert "<html" not in partial.content.decode()
    ThemingRun.objects.filter(pk=run.pk).update(state="done", message="3 themes suggested")
    finished = coordinator.get(url, HTTP_HX_REQUEST="true")
    assert finished.status_code == 204
    assert finished["HX-Refresh"] == "true"


def test_the_themes_page_costs_the_same_with_more_themes(
    coordinator: Client,
    programme: Programme,
    contributions: list[Contribution],
    personas: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    actor = personas["coordinator"]
    for n in range(2):
        theme = services.theme_create(actor=actor, programme=programme, name=f"Theme {n}")
        services.tags_add(actor=actor, theme=theme, contributions=contributions[:3])
    coordinator.get(themes_url(programme))
    with django_assert_max_num_queries(14) as few:
        coordinator.get(themes_url(programme))
    for n in range(2, 12):
        theme = services.theme_create(actor=actor, programme=programme, name=f"Theme {n}")
        services.tags_add(actor=actor, theme=theme, contributions=contributions[:3])
    with django_assert_max_num_queries(len(few.captured_queries)):
        coordinator.get(themes_url(programme))
    assert Tag.objects.count() == 36


def test_staff_must_verify_first(client_for: Callable[..., Client], programme: Programme) -> None:
    response = client_for("coordinator", verified=False).get(themes_url(programme))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_step"))


def test_the_review_page_costs_the_same_however_many_suggestions(
    coordinator: Client,
    programme: Programme,
    contributions: list[Contribution],
    django_assert_max_num_queries: Any,
) -> None:
    few = services.theming_run_start(actor=None, programme=programme, kind="suggest", count_wanted=2)
    many = services.theming_run_start(actor=None, programme=programme, kind="suggest", count_wanted=8)
    assert Theme.objects.filter(run=many).count() == 8
    coordinator.get(reverse("insights:run", kwargs={"run_id": few.pk}))
    with django_assert_max_num_queries(20) as counted:
        coordinator.get(reverse("insights:run", kwargs={"run_id": few.pk}))
    with django_assert_max_num_queries(len(counted.captured_queries)):
        page = coordinator.get(reverse("insights:run", kwargs={"run_id": many.pk}))
    html = page.content.decode()
    assert html.count("Turn down") == 8
    assert html.count("<li>“") >= 8  # typical quotes under each suggestion


def test_without_the_meaning_model_the_pages_say_so(
    coordinator: Client, programme: Programme, contributions: list[Contribution], settings: Any
) -> None:
    settings.INSIGHTS_SEMANTIC = False
    listing = coordinator.get(themes_url(programme)).content.decode()
    assert "the meaning model is turned off on this server" in listing
    response = coordinator.post(themes_url(programme), {"kind": "suggest", "count_wanted": "3"})
    run = ThemingRun.objects.get()
    assert run.embedder == "lexical"
    html = coordinator.get(response["Location"]).content.decode()
    assert "without the meaning model (the meaning model is turned off on this server)" in html


def test_when_the_worker_found_the_model_unsound_the_pages_say_so(
    coordinator: Client, programme: Programme, two_in_one: tuple[Theme, list[Contribution]]
) -> None:
    from sidebyside.insights import embeddings

    found = embeddings.located().files
    if found is None:
        pytest.skip("the meaning model is not installed here")
    listing = coordinator.get(themes_url(programme)).content.decode()
    assert "Suggestions on this service come from the words people used only" not in listing
    # As the worker records it when the model cannot tell alike sentences from unlike ones there.
    ModelCheck.objects.create(model_id=found.model_id, sound=False, checked_at=timezone.now())
    listing = coordinator.get(themes_url(programme)).content.decode()
    assert "Suggestions on this service come from the words people used only" in listing
    assert "it cannot tell alike sentences from unlike ones" in listing
    mixed, _ = two_in_one
    html = coordinator.get(theme_url(mixed, "insights:theme_split_suggest")).content.decode()
    assert "has not read" not in html  # no one is sent to wait for vectors that will not come
    assert "it cannot tell alike sentences from unlike ones" in html


# --- One theme's page ---------------------------------------------------------------------------


def theme_url(theme: Theme, name: str = "insights:theme") -> str:
    return reverse(name, kwargs={"theme_id": theme.pk})


@pytest.fixture
def two_themes(
    programme: Programme, contributions: list[Contribution], personas: dict[str, Any]
) -> tuple[Theme, Theme]:
    actor = personas["coordinator"]
    housing = services.theme_create(actor=actor, programme=programme, name="Housing")
    money = services.theme_create(actor=actor, programme=programme, name="Money")
    services.tags_add(actor=actor, theme=housing, contributions=contributions[:4])
    services.tags_add(actor=actor, theme=money, contributions=contributions[4:6])
    return housing, money


def test_move_then_undo_puts_it_back_as_it_was(
    coordinator: Client, two_themes: tuple[Theme, Theme], contributions: list[Contribution]
) -> None:
    housing, money = two_themes
    tag = Tag.objects.get(theme=housing, contribution=contributions[0])
    Tag.objects.filter(pk=tag.pk).update(source="machine", confidence=0.42, confirmed=False)
    page = coordinator.get(theme_url(housing)).content.decode()
    assert contributions[0].text in page
    assert "Put here by the machine" in page
    # Nothing is chosen for a person: a stray "Move" asks which theme, and moves nothing.
    assert f'name="move-{tag.pk}-target">\n          <option value="">Choose a theme</option>' in page
    stray = coordinator.post(
        reverse("insights:tag_move", kwargs={"tag_id": tag.pk}), {f"move-{tag.pk}-target": ""}, follow=True
    )
    assert "Choose the theme to move it to" in stray.content.decode()
    assert Tag.objects.get(pk=tag.pk).theme == housing

    response = coordinator.post(
        reverse("insights:tag_move", kwargs={"tag_id": tag.pk}), {f"move-{tag.pk}-target": str(money.pk)}
    )
    assert response["Location"] == theme_url(housing)
    moved = Tag.objects.get(contribution=contributions[0])
    assert (moved.theme, moved.source, moved.confirmed) == (money, "person", True)
    page = coordinator.get(theme_url(housing)).content.decode()
    assert "Moved to Money." in page
    assert contributions[0].text not in page

    coordinator.post(theme_url(housing, "insights:undo"))
    back = Tag.objects.get(contribution=contributions[0])
    assert (back.theme, back.source, back.confidence, back.confirmed) == (housing, "machine", 0.42, False)
    again = coordinator.post(theme_url(housing, "insights:undo"), follow=True)
    assert "There is nothing to undo" in again.content.decode()  # once only


def test_take_out_then_undo(
    coordinator: Client, two_themes: tuple[Theme, Theme], contributions: list[Contribution]
) -> None:
    housing, _ = two_themes
    tag = Tag.objects.get(theme=housing, contribution=contributions[1])
    coordinator.post(reverse("insights:tag_remove", kwargs={"tag_id": tag.pk}))
    assert not Tag.objects.filter(theme=housing, contribution=contributions[1]).exists()
    assert "Taken out of Housing." in coordinator.get(theme_url(housing)).content.decode()
    coordinator.post(theme_url(housing, "insights:undo"))
    assert Tag.objects.filter(theme=housing, contribution=contributions[1], confirmed=True).exists()


def test_keep_a_machine_tag(
    coordinator: Client, two_themes: tuple[Theme, Theme], contributions: list[Contribution]
) -> None:
    housing, _ = two_themes
    tag = Tag.objects.get(theme=housing, contribution=contributions[2])
    Tag.objects.filter(pk=tag.pk).update(source="machine", confidence=0.9, confirmed=False)
    coordinator.post(reverse("insights:tag_confirm", kwargs={"tag_id": tag.pk}))
    tag.refresh_from_db()
    assert (tag.confirmed, tag.source) == (True, "machine")


def test_moving_to_a_theme_of_another_programme_is_refused(
    coordinator: Client, two_themes: tuple[Theme, Theme], contributions: list[Contribution]
) -> None:
    housing, _ = two_themes
    tag = Tag.objects.get(theme=housing, contribution=contributions[0])
    response = coordinator.post(
        reverse("insights:tag_move", kwargs={"tag_id": tag.pk}),
        {f"move-{tag.pk}-target": str(housing.pk)},
        follow=True,
    )
    assert "Choose a theme from the list" in response.content.decode()
    assert Tag.objects.get(pk=tag.pk).theme == housing


def test_split_makes_a_new_theme_from_the_chosen(
    coordinator: Client, two_themes: tuple[Theme, Theme], contributions: list[Contribution]
) -> None:
    housing, _ = two_themes
    url = theme_url(housing, "insights:theme_split")
    nothing = coordinator.post(url, {"split-name": "Hostels"}, follow=True)
    assert "Choose the contributions to move" in nothing.content.decode()
    chosen = [str(contributions[0].pk), str(contributions[1].pk)]
    no_name = coordinator.post(url, {"chosen": chosen, "split-name": "  "}, follow=True)
    assert "Enter a name for the new theme" in no_name.content.decode()
    assert Theme.objects.count() == 2
    response = coordinator.post(url, {"chosen": chosen, "split-name": "Hostels"})
    new = Theme.objects.get(name="Hostels")
    assert response["Location"] == theme_url(new)
    assert set(Tag.objects.filter(theme=new).values_list("contribution_id", flat=True)) == {
        contributions[0].pk,
        contributions[1].pk,
    }
    assert Tag.objects.filter(theme=housing).count() == 2


def test_edit_keeps_what_was_typed_on_error_and_refuses_a_stale_form(
    coordinator: Client, two_themes: tuple[Theme, Theme]
) -> None:
    housing, _ = two_themes
    url = theme_url(housing, "insights:theme_edit")
    bad = coordinator.post(
        url, {"name": "", "description": "Roofs and rent", "colour": "green", "lock_version": "0"}
    )
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter a name for the theme" in html
    assert "Roofs and rent" in html
    taken = coordinator.post(url, {"name": "money", "colour": "green", "lock_version": "0"})
    assert "There is already a theme with that name" in taken.content.decode()
    ok = coordinator.post(
        url, {"name": "Somewhere to live", "description": "Roofs", "colour": "green", "lock_version": "0"}
    )
    assert ok["Location"] == theme_url(housing)
    housing.refresh_from_db()
    assert (housing.name, housing.description, housing.colour) == ("Somewhere to live", "Roofs", "green")
    stale = coordinator.post(url, {"name": "Again", "colour": "blue", "lock_version": "0"})
    assert "Someone else changed this theme" in stale.content.decode()
    housing.refresh_from_db()
    assert housing.name == "Somewhere to live"


def test_find_and_add_from_search(
    coordinator: Client, two_themes: tuple[Theme, Theme], contributions: list[Contribution]
) -> None:
    _, money = two_themes
    target = contributions[10]
    word = max(target.text.split(), key=len).strip(".,!?")
    found = coordinator.post(theme_url(money, "insights:theme_add"), {"q": word, "search": "1"})["Location"]
    assert found.startswith(theme_url(money, "insights:theme_add") + "?find=")
    assert word not in found
    page = coordinator.get(found).content.decode()
    assert target.text[:40] in page
    assert f'value="{word}"' in page
    coordinator.post(theme_url(money, "insights:theme_add"), {"chosen": [str(target.pk)], "q": word})
    assert Tag.objects.filter(theme=money, contribution=target, source="person", confirmed=True).exists()
    empty = coordinator.post(theme_url(money, "insights:theme_add"), {"q": word})
    assert "Choose at least one contribution to add" in empty.content.decode()


def test_retire_takes_it_off_the_list(
    coordinator: Client, programme: Programme, two_themes: tuple[Theme, Theme]
) -> None:
    housing, _ = two_themes
    coordinator.post(theme_url(housing, "insights:theme_retire"))
    housing.refresh_from_db()
    assert housing.status == "retired"
    assert theme_url(housing) not in coordinator.get(themes_url(programme)).content.decode()


def test_a_hub_you_do_not_run_stays_hidden(
    client_for: Callable[..., Client],
    other_hub: Hub,
    two_themes: tuple[Theme, Theme],
    personas: dict[str, Any],
) -> None:
    housing, _ = two_themes
    theirs = Contribution.objects.create(
        hub=other_hub, text="Words from the other hub", said_at=timezone.now(), channel="paper", state="shown"
    )
    services.tags_add(actor=personas["programme_admin"], theme=housing, contributions=[theirs])
    facilitator = client_for("facilitator")
    page = facilitator.get(theme_url(housing)).content.decode()
    assert "Words from the other hub" not in page
    assert "And 1 from hubs you do not run" in page
    tag = Tag.objects.get(contribution=theirs)
    assert facilitator.post(reverse("insights:tag_remove", kwargs={"tag_id": tag.pk})).status_code == 404
    assert Tag.objects.filter(pk=tag.pk).exists()
    admin_page = client_for("programme_admin").get(theme_url(housing)).content.decode()
    assert "Words from the other hub" in admin_page


def test_the_theme_page_costs_the_same_with_more_contributions(
    coordinator: Client,
    two_themes: tuple[Theme, Theme],
    contributions: list[Contribution],
    personas: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    housing, _ = two_themes
    coordinator.get(theme_url(housing))
    with django_assert_max_num_queries(16) as few:
        coordinator.get(theme_url(housing))
    services.tags_add(actor=personas["coordinator"], theme=housing, contributions=contributions)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = coordinator.get(theme_url(housing))
    assert page.content.decode().count('class="sbs-theme-item"') == len(contributions)
    journey = reverse("enquiries:contribution_journey", args=[contributions[0].pk])
    assert f'href="{journey}"' in page.content.decode()  # each quote leads to what came of it


def test_the_review_page_quotes_only_hubs_you_run(
    client_for: Callable[..., Client], programme: Programme, other_hub: Hub
) -> None:
    now = timezone.now()
    for n in range(6):
        Contribution.objects.create(
            hub=other_hub, text=f"Other hub worry number {n}", said_at=now, channel="paper", state="shown"
        )
    run = services.theming_run_start(actor=None, programme=programme, kind="suggest", count_wanted=2)
    url = reverse("insights:run", kwargs={"run_id": run.pk})
    assert "Other hub worry" not in client_for("facilitator").get(url).content.decode()
    assert "Other hub worry" in client_for("programme_admin").get(url).content.decode()


def test_find_to_add_offers_contributions_like_the_theme(
    coordinator: Client,
    programme: Programme,
    hub: Hub,
    personas: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = timezone.now()
    rows = [
        Contribution.objects.create(hub=hub, text=text, said_at=now, channel="paper", state="shown")
        for text in (
            "The hostel room is damp",
            "Mould in the hostel bathroom",
            "Damp and mould in my hostel",
            "Benefits were stopped",
            "The bus fare is too much",
        )
    ]
    theme = services.theme_create(actor=personas["coordinator"], programme=programme, name="Hostels")
    services.tags_add(actor=personas["coordinator"], theme=theme, contributions=rows[:2])
    html = coordinator.get(reverse("insights:theme_add", kwargs={"theme_id": theme.pk})).content.decode()
    assert "Like the contributions in this theme" in html
    assert "Damp and mould in my hostel" in html
    assert html.index("Damp and mould in my hostel") < html.find("Benefits were stopped") or (
        "Benefits were stopped" not in html
    )
    assert "The hostel room is damp" not in html  # already in the theme
    assert "by their words" in html  # nobody's contributions were read by the meaning model yet

    from sidebyside.insights import embeddings

    if embeddings.located().files is not None:
        # Once the worker has read them, the same page compares what they mean.
        monkeypatch.setattr(embeddings, "_ahead_marks", {})  # as a worker that starts afresh
        while embeddings.embed_ahead():
            pass
        html = coordinator.get(reverse("insights:theme_add", kwargs={"theme_id": theme.pk})).content.decode()
        assert "by what they mean" in html
        assert "Damp and mould in my hostel" in html


def test_a_theme_made_by_hand(
    coordinator: Client, programme: Programme, client_for: Callable[..., Client]
) -> None:
    assert (
        reverse("insights:theme_new", args=[programme.pk])
        in coordinator.get(themes_url(programme)).content.decode()
    )
    url = reverse("insights:theme_new", args=[programme.pk])
    response = coordinator.post(url, {"name": "  ", "description": "Kept words", "colour": "green"})
    page = response.content.decode()
    assert "Enter a name for the theme" in page
    assert "Kept words" in page
    assert not Theme.objects.exists()
    response = coordinator.post(url, {"name": "Bus fares", "description": "Getting there", "colour": "green"})
    theme = Theme.objects.get()
    assert (theme.name, theme.status, theme.colour, theme.programme) == (
        "Bus fares",
        "confirmed",
        "green",
        programme,
    )
    assert response["Location"] == reverse("insights:theme_add", args=[theme.pk])
    # Sitting under a main theme of another programme is refused.
    other = Theme.objects.create(programme=Programme.objects.create(name="Elsewhere"), name="Not ours")
    response = coordinator.post(url, {"name": "Child", "colour": "blue", "parent": other.pk})
    assert "Choose a main theme from the list" in response.content.decode()
    assert Theme.objects.filter(programme=programme).count() == 1


HOSTEL = [
    "The hostel room was damp and the mould came back",
    "Mould on the hostel walls made my chest bad",
    "Damp hostel, black mould in the shower",
    "The hostel never fixed the damp in my room",
    "Mould and damp everywhere in that hostel",
]
BENEFITS = [
    "My benefits were stopped after a missed appointment",
    "The benefits sanction left me with no money for food",
    "Universal Credit payments late again, no money",
    "Sanctioned on benefits because the letter came late",
    "No money for a fortnight while benefits were sorted",
]


@pytest.fixture
def two_in_one(programme: Programme, hub: Hub, personas: dict[str, Any]) -> tuple[Theme, list[Contribution]]:
    """A theme a person made of two: five contributions about a hostel, five about benefits."""
    now = timezone.now()
    rows = [
        Contribution.objects.create(hub=hub, text=text, said_at=now, channel="paper", state="shown")
        for text in HOSTEL + BENEFITS
    ]
    mixed = services.theme_create(actor=personas["coordinator"], programme=programme, name="Living")
    services.tags_add(actor=personas["coordinator"], theme=mixed, contributions=rows)
    return mixed, rows


def test_the_machine_suggests_a_split_and_a_person_makes_it(
    coordinator: Client,
    django_assert_max_num_queries: Any,
    two_in_one: tuple[Theme, list[Contribution]],
) -> None:
    mixed, rows = two_in_one
    assert (
        theme_url(mixed, "insights:theme_split_suggest") in coordinator.get(theme_url(mixed)).content.decode()
    )

    with django_assert_max_num_queries(12):
        response = coordinator.get(theme_url(mixed, "insights:theme_split_suggest"))
    html = response.content.decode()
    assert response.status_code == 200
    # Nobody ran the meaning model over these tags, so the groups come from their words, and the page says so.
    assert "the meaning model has not read 10 of these contributions yet" in html
    groups = response.context["groups"]
    assert len(groups) == 2
    placed = [{c.pk for c in group["contributions"]} for group in groups]
    hostel, benefits = {c.pk for c in rows[:5]}, {c.pk for c in rows[5:]}
    assert sorted(placed, key=min) == [hostel, benefits]
    # Every contribution is ticked, and the name is the machine's label until someone changes it.
    assert html.count('name="chosen"') == 10
    assert html.count("checked") == 10
    first = groups[0]
    response = coordinator.post(
        theme_url(mixed, "insights:theme_split"),
        {"chosen": [str(c.pk) for c in first["contributions"]][:4], "split-name": "Something else"},
    )
    new = Theme.objects.get(name="Something else")
    assert response["Location"] == theme_url(new)
    assert Tag.objects.filter(theme=new).count() == 4
    assert Tag.objects.filter(theme=mixed).count() == 6


def test_a_split_suggestion_uses_the_meaning_models_kept_vectors(
    coordinator: Client,
    two_in_one: tuple[Theme, list[Contribution]],
) -> None:
    from sidebyside.insights import embeddings

    if embeddings.located().files is None:
        pytest.skip("the meaning model is not installed here")
    mixed, rows = two_in_one
    embeddings.for_contributions([(c.pk, c.text) for c in rows])  # as a run would keep them
    response = coordinator.get(theme_url(mixed, "insights:theme_split_suggest"))
    html = response.content.decode()
    assert "words people used only" not in html
    placed = sorted(({c.pk for c in g["contributions"]} for g in response.context["groups"]), key=min)
    assert placed == [{c.pk for c in rows[:5]}, {c.pk for c in rows[5:]}]


def test_a_split_is_not_suggested_for_too_few_or_identical_contributions(
    coordinator: Client, programme: Programme, hub: Hub, personas: dict[str, Any]
) -> None:
    now = timezone.now()
    same = [
        Contribution.objects.create(hub=hub, text="Damp hostel", said_at=now, channel="paper", state="shown")
        for _ in range(5)
    ]
    theme = services.theme_create(actor=personas["coordinator"], programme=programme, name="Damp")
    services.tags_add(actor=personas["coordinator"], theme=theme, contributions=same[:3])
    html = coordinator.get(theme_url(theme, "insights:theme_split_suggest")).content.decode()
    assert "too few contributions in this theme to divide" in html
    assert (
        theme_url(theme, "insights:theme_split_suggest")
        not in coordinator.get(theme_url(theme)).content.decode()
    )
    services.tags_add(actor=personas["coordinator"], theme=theme, contributions=same[3:])
    html = coordinator.get(theme_url(theme, "insights:theme_split_suggest")).content.decode()
    assert "too alike for the machine to divide them" in html
    assert Theme.objects.count() == 1


def test_past_the_limit_a_run_looks_at_the_latest_and_says_so(
    coordinator: Client, programme: Programme, hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "RUN_LIMIT", 6)
    now = timezone.now()
    older = [
        Contribution.objects.create(hub=hub, text=text, said_at=now, channel="paper", state="shown")
        for text in HOSTEL[:4]
    ]
    latest = [
        Contribution.objects.create(hub=hub, text=text, said_at=now, channel="paper", state="shown")
        for text in BENEFITS + HOSTEL[4:]
    ]
    coordinator.post(themes_url(programme), {"kind": "suggest", "count_wanted": "2"})
    run = ThemingRun.objects.get()
    assert run.state == "done"
    assert run.total == 6
    tagged = set(Tag.objects.filter(theme__run=run).values_list("contribution_id", flat=True))
    assert tagged == {c.pk for c in latest}
    assert not tagged & {c.pk for c in older}
    html = coordinator.get(reverse("insights:run", kwargs={"run_id": run.pk})).content.decode()
    assert "A run looks at 6 contributions at most: these were the most recent" in html


def test_a_split_with_a_mistake_shows_the_page_again_with_what_was_chosen(
    coordinator: Client, two_themes: tuple[Theme, Theme], contributions: list[Contribution]
) -> None:
    housing, _ = two_themes
    chosen = [str(contributions[1].pk), str(contributions[2].pk)]
    response = coordinator.post(
        theme_url(housing, "insights:theme_split"), {"chosen": chosen, "split-name": "   "}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Housing" in html
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#split-name">Enter a name for the new theme</a>' in html
    for pk in chosen:
        assert f'value="{pk}" form="split-form" checked' in html
    assert f'value="{contributions[0].pk}" form="split-form">' in html  # not chosen, not ticked
    nothing = coordinator.post(theme_url(housing, "insights:theme_split"), {"split-name": "Hostels"})
    assert nothing.status_code == 200
    page = nothing.content.decode()
    assert "Choose the contributions to move into the new theme</a>" in page
    assert 'id="split-name" name="split-name" type="text" maxlength="100" value="Hostels"' in page
    assert Theme.objects.count() == 2


def test_a_mistake_in_a_suggested_split_keeps_the_groups_and_the_unticking(
    coordinator: Client,
    two_in_one: tuple[Theme, list[Contribution]],
) -> None:
    mixed, _ = two_in_one
    groups = coordinator.get(theme_url(mixed, "insights:theme_split_suggest")).context["groups"]
    second = [c.pk for c in groups[1]["contributions"]]
    response = coordinator.post(
        theme_url(mixed, "insights:theme_split"),
        {"group": "2", "chosen": [str(pk) for pk in second[1:]], "split-name": ""},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="#group-2-name">Enter a name for the new theme made from group 2</a>' in html
    assert f'id="group-2-{second[0]}" name="chosen" type="checkbox" value="{second[0]}">' in html  # unticked
    assert f'id="group-2-{second[1]}" name="chosen" type="checkbox" value="{second[1]}" checked>' in html
    first = groups[0]["contributions"][0].pk
    assert f'id="group-1-{first}" name="chosen" type="checkbox" value="{first}" checked>' in html
    assert f'value="{groups[0]["label"]}"' in html  # the other group keeps the machine's name
    assert Theme.objects.count() == 1


def test_a_theme_s_search_travels_sealed_and_asks_again_once_ended(
    coordinator: Client, two_themes: tuple[Theme, Theme], contributions: list[Contribution]
) -> None:
    housing, _ = two_themes
    tagged = Tag.objects.filter(theme=housing).select_related("contribution").first()
    assert tagged is not None
    word = max(tagged.contribution.text.split(), key=len).strip(".,!?")
    location = coordinator.post(theme_url(housing), {"q": word})["Location"]
    assert location.startswith(theme_url(housing) + "?find=")
    assert word not in location
    page = coordinator.get(location)
    assert f"matching “{word}”" in page.content.decode()
    assert page.context["query_string"].startswith("find=")
    ended = coordinator.get(theme_url(housing), {"find": "changed"}).content.decode()
    assert "There is a problem" in ended
    assert 'href="#theme-search"' in ended
    assert "That search has ended. Type what you were looking for again" in ended
    assert "matching" not in coordinator.get(theme_url(housing), {"q": word}).content.decode()  # not read
    again = coordinator.get(theme_url(housing, "insights:theme_add"), {"find": "changed"}).content.decode()
    assert "<title>Error: " in again
    assert 'class="govuk-error-summary"' in again
    assert 'href="#add-search"' in again
    assert 'id="add-search-error"' in again  # beside the box as well
    assert "govuk-notification-banner" not in again


def test_a_theme_made_by_hand_starts_with_a_colour_no_other_theme_has(
    coordinator: Client, programme: Programme
) -> None:
    url = reverse("insights:theme_new", args=[programme.pk])
    assert coordinator.get(url).context["form"]["colour"].initial == "blue"
    Theme.objects.create(programme=programme, name="Housing", colour="blue", status="confirmed")
    Theme.objects.create(programme=programme, name="Money", colour="green", status="suggested")
    Theme.objects.create(programme=programme, name="Old", colour="purple", status="retired")  # not live
    assert coordinator.get(url).context["form"]["colour"].initial == "purple"
    for colour in Theme.Colour.values:
        Theme.objects.create(programme=programme, name=f"More {colour}", colour=colour, status="confirmed")
    assert coordinator.get(url).context["form"]["colour"].initial == "purple"  # the fewest, again
    html = coordinator.get(url).content.decode()
    assert 'value="purple" checked' in html
