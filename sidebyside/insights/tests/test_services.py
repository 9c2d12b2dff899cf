"""Themes and tags: the writes people make, and the machine's runs."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sidebyside.core.models import AuditEvent
from sidebyside.hubs.models import Hub, Programme
from sidebyside.insights import services
from sidebyside.insights.evaluate import read_tsv
from sidebyside.insights.models import Tag, Theme, ThemingRun
from sidebyside.insights.tests.test_engine import SMALL
from sidebyside.voices.models import Contribution

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(personas: dict[str, Any]) -> Any:
    return personas["coordinator"]


def said(hub: Hub, *texts: str, **fields: Any) -> list[Contribution]:
    now = timezone.now()
    return [
        Contribution.objects.create(hub=hub, text=text, said_at=now, channel="paper", state="shown", **fields)
        for text in texts
    ]


def test_a_theme_name_is_unique_among_confirmed_themes(actor: Any, programme: Programme) -> None:
    services.theme_create(actor=actor, programme=programme, name="Housing")
    with pytest.raises(ValidationError, match="already a theme with that name"):
        services.theme_create(actor=actor, programme=programme, name="  housing ")
    assert Theme.objects.count() == 1
    assert AuditEvent.objects.filter(action="insights.theme_created").count() == 1


def test_a_change_made_meanwhile_is_not_overwritten(actor: Any, programme: Programme) -> None:
    theme = services.theme_create(actor=actor, programme=programme, name="Housing")
    services.theme_update(actor=actor, theme=theme, lock_version=0, description="Hostels and flats")
    with pytest.raises(ValidationError, match="Someone else changed"):
        services.theme_update(actor=actor, theme=theme, lock_version=0, name="Homes")
    theme.refresh_from_db()
    assert (theme.name, theme.description) == ("Housing", "Hostels and flats")


def test_sub_themes_go_one_level_deep(actor: Any, programme: Programme) -> None:
    main = services.theme_create(actor=actor, programme=programme, name="Housing")
    sub = services.theme_create(actor=actor, programme=programme, name="Hostels", parent=main)
    with pytest.raises(ValidationError):
        services.theme_create(actor=actor, programme=programme, name="Damp", parent=sub)
    with pytest.raises(ValidationError):
        services.theme_update(actor=actor, theme=main, parent=main)


def test_merging_moves_the_tags_and_keeps_a_trace(actor: Any, programme: Programme, hub: Hub) -> None:
    one, two, three = said(hub, "Damp hostel", "Council flat bidding", "Landlord eviction")
    a = services.theme_create(actor=actor, programme=programme, name="Hostels")
    b = services.theme_create(actor=actor, programme=programme, name="Housing")
    services.tags_add(actor=actor, theme=a, contributions=[one, two])
    services.tags_add(actor=actor, theme=b, contributions=[two, three])
    services.theme_merge(actor=actor, source=a, target=b)
    a.refresh_from_db()
    assert (a.status, a.merged_into) == (Theme.Status.MERGED, b)
    assert sorted(Tag.objects.filter(theme=b).values_list("contribution_id", flat=True)) == [
        one.pk,
        two.pk,
        three.pk,
    ]
    assert not Tag.objects.filter(theme=a).exists()


def test_a_theme_cannot_be_merged_into_itself(actor: Any, programme: Programme) -> None:
    a = services.theme_create(actor=actor, programme=programme, name="Hostels")
    with pytest.raises(ValidationError, match="into itself"):
        services.theme_merge(actor=actor, source=a, target=a)
    a.refresh_from_db()
    assert a.status == Theme.Status.CONFIRMED


def test_splitting_moves_the_chosen_contributions(actor: Any, programme: Programme, hub: Hub) -> None:
    rows = said(hub, "Damp hostel", "Council flat bidding", "Landlord eviction")
    theme = services.theme_create(actor=actor, programme=programme, name="Housing")
    services.tags_add(actor=actor, theme=theme, contributions=rows)
    new = services.theme_split(actor=actor, theme=theme, name="Hostels", contribution_ids=[rows[0].pk])
    assert list(Tag.objects.filter(theme=new).values_list("contribution_id", flat=True)) == [rows[0].pk]
    assert Tag.objects.filter(theme=theme).count() == 2
    with pytest.raises(ValidationError, match="Choose the contributions"):
        services.theme_split(actor=actor, theme=theme, name="Empty", contribution_ids=[])


def test_tagging_twice_adds_once(actor: Any, programme: Programme, hub: Hub) -> None:
    rows = said(hub, "Damp hostel", "Council flat bidding")
    theme = services.theme_create(actor=actor, programme=programme, name="Housing")
    assert services.tags_add(actor=actor, theme=theme, contributions=rows) == 2
    assert services.tags_add(actor=actor, theme=theme, contributions=rows) == 0
    assert Tag.objects.count() == 2


def test_a_run_on_nothing_says_so_and_stores_nothing(actor: Any, programme: Programme) -> None:
    with pytest.raises(ValidationError, match="no contributions"):
        services.theming_run_start(actor=actor, programme=programme, kind="suggest")
    assert not ThemingRun.objects.exists()


def test_suggest_then_confirm_reject_and_move(actor: Any, programme: Programme, hub: Hub) -> None:
    themes_given, texts = read_tsv(SMALL)
    rows = said(hub, *texts)
    flagged = said(hub, "Someone is in danger tonight", safeguarding_at=timezone.now())[0]
    run = services.theming_run_start(actor=actor, programme=programme, kind="suggest", count_wanted=3)
    run.refresh_from_db()
    assert (run.state, run.total, run.done, run.embedder) == ("done", 24, 24, "semantic")
    suggested = list(Theme.objects.filter(run=run).order_by("pk"))
    assert len(suggested) == 3
    assert all(t.status == Theme.Status.SUGGESTED and t.keyphrases for t in suggested)
    tags = Tag.objects.filter(theme__run=run)
    assert tags.count() == 24
    assert not tags.filter(confirmed=True).exists()
    assert not tags.filter(contribution=flagged).exists()  # flagged for safeguarding: never themed

    keep, drop, other = suggested
    services.theme_confirm(actor=actor, theme=keep, name="Somewhere to live")
    keep.refresh_from_db()
    assert (keep.name, keep.status, keep.confirmed_by) == ("Somewhere to live", "confirmed", actor)
    assert not Tag.objects.filter(theme=keep, confirmed=False).exists()
    services.theme_reject(actor=actor, theme=drop)
    assert not Theme.objects.filter(pk=drop.pk).exists()
    with pytest.raises(ValidationError):
        services.theme_reject(actor=actor, theme=keep)

    tag = Tag.objects.filter(theme=other).first()
    assert tag is not None
    services.tag_move(actor=actor, tag=tag, to=keep)
    tag.refresh_from_db()
    assert (tag.theme, tag.confirmed, tag.source) == (keep, True, "person")
    assert len(rows) == len(themes_given) == 24


def test_assign_sorts_new_contributions_with_a_confidence(actor: Any, programme: Programme, hub: Hub) -> None:
    themes_given, texts = read_tsv(SMALL)
    rows = said(hub, *texts)
    names = sorted(set(themes_given))
    made = {name: services.theme_create(actor=actor, programme=programme, name=name) for name in names}
    for name in names:
        examples = [row for row, given in zip(rows, themes_given, strict=True) if given == name][:3]
        services.tags_add(actor=actor, theme=made[name], contributions=examples)

    run = services.theming_run_start(actor=actor, programme=programme, kind="assign")
    run.refresh_from_db()
    assert run.state == "done", run.message
    assert run.total == 24 - 9
    machine = Tag.objects.filter(source="machine")
    assert machine.exists()
    assert all(0 <= t.confidence <= 1 and not t.confirmed for t in machine)
    assert run.message.endswith("not sure")


def test_assign_with_no_tagged_examples_says_what_to_do(actor: Any, programme: Programme, hub: Hub) -> None:
    said(hub, "Damp hostel")
    services.theme_create(actor=actor, programme=programme, name="Housing")
    run = services.theming_run_start(actor=actor, programme=programme, kind="assign")
    run.refresh_from_db()
    assert run.state == "failed"
    assert "tag a few first" in run.message


def test_a_suggestion_much_like_a_confirmed_theme_says_so(actor: Any, programme: Programme, hub: Hub) -> None:
    from sidebyside.insights.evaluate import read_tsv as read

    themes_given, texts = read(SMALL.parent.parent.parent / "evaluation" / "comments.tsv")
    housing = [t for theme, t in zip(themes_given, texts, strict=True) if theme == "housing"]
    # Being heard is far from housing in meaning; with money, whose comments talk of rent and
    # deposits, neither model splits the two cleanly and a mixed half could be hinted at 0.7.
    heard = [t for theme, t in zip(themes_given, texts, strict=True) if theme == "being_heard"]
    confirmed = services.theme_create(actor=actor, programme=programme, name="Somewhere to live")
    services.tags_add(actor=actor, theme=confirmed, contributions=said(hub, *housing[:15]))
    said(hub, *housing[15:], *heard[:15])
    run = services.theming_run_start(actor=actor, programme=programme, kind="suggest", count_wanted=2)
    run.refresh_from_db()
    assert run.embedder == "semantic"
    hinted = Theme.objects.filter(run=run, looks_like=confirmed)
    assert hinted.count() == 1
    members = set(Tag.objects.filter(theme=hinted.get()).values_list("contribution__text", flat=True))
    assert len(members & set(housing)) > len(members) / 2


def test_without_the_meaning_model_there_are_no_merge_hints(
    actor: Any, programme: Programme, hub: Hub, settings: Any
) -> None:
    settings.INSIGHTS_SEMANTIC = False
    confirmed = services.theme_create(actor=actor, programme=programme, name="Housing")
    services.tags_add(actor=actor, theme=confirmed, contributions=said(hub, "Damp hostel", "Hostel mould"))
    said(hub, "Damp hostel again", "Mouldy hostel room", "Benefits late", "Benefits stopped")
    run = services.theming_run_start(actor=actor, programme=programme, kind="suggest", count_wanted=2)
    assert not Theme.objects.filter(run=run, looks_like__isnull=False).exists()


def test_theme_counts_follow_every_change(actor: Any, programme: Programme, hub: Hub) -> None:
    rows = said(hub, "Damp hostel", "Council flat bidding", "Benefits late")
    housing = services.theme_create(actor=actor, programme=programme, name="Housing")
    money = services.theme_create(actor=actor, programme=programme, name="Money")

    def counts() -> list[tuple[int, int]]:
        return [
            (t.tag_count, t.unsure_count)
            for t in Theme.objects.filter(pk__in=[housing.pk, money.pk]).order_by("name")
        ]

    services.tags_add(actor=actor, theme=housing, contributions=rows)
    assert counts() == [(3, 0), (0, 0)]
    tag = Tag.objects.get(theme=housing, contribution=rows[2])
    services.tag_move(actor=actor, tag=tag, to=money)
    assert counts() == [(2, 0), (1, 0)]
    services.tag_remove(actor=actor, tag=Tag.objects.get(theme=money))
    assert counts() == [(2, 0), (0, 0)]
    services.theme_merge(actor=actor, source=housing, target=money)
    assert counts() == [(0, 0), (2, 0)]


def test_a_contribution_undone_leaves_its_themes_counted_right(
    actor: Any, programme: Programme, hub: Hub, django_capture_on_commit_callbacks: Any
) -> None:
    """Typing up a note, tagging it, then undoing the note: its tag goes with it, and the theme's
    count and the pictures' tallies follow."""
    from django.db.models import Sum

    from sidebyside.insights import tallies
    from sidebyside.insights.models import DayTally
    from sidebyside.voices import services_entry

    rows = said(hub, "Damp hostel", "Council flat bidding", entered_by=actor)
    housing = services.theme_create(actor=actor, programme=programme, name="Housing")
    services.tags_add(actor=actor, theme=housing, contributions=rows)
    tallies.refresh(programme.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services_entry.contribution_undo(actor=actor, contribution=rows[0])
    housing.refresh_from_db()
    assert (housing.tag_count, housing.unsure_count) == (1, 0)
    # The refresh the deletion asked for ran (tests run tasks at once).
    assert DayTally.objects.filter(theme=housing).aggregate(n=Sum("count"))["n"] == 1
    # A contribution in no theme changes nothing.
    untagged = said(hub, "Bus fares", entered_by=actor)[0]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services_entry.contribution_undo(actor=actor, contribution=untagged)
    assert callbacks == []


def test_sorting_learns_from_the_latest_examples_of_each_theme(
    actor: Any, programme: Programme, hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "ASSIGN_EXAMPLES", 2)
    seen: list[int] = []
    real = services.assign

    def spy(texts: Any, examples: Any, **kwargs: Any) -> Any:
        seen.extend(len(given) for given in examples.values())
        return real(texts, examples, **kwargs)

    monkeypatch.setattr(services, "assign", spy)
    housing = services.theme_create(actor=actor, programme=programme, name="Housing")
    services.tags_add(
        actor=actor, theme=housing, contributions=said(hub, "Damp hostel", "Mould", "Cold flat", "Rent")
    )
    said(hub, "The hostel is damp again")
    run = services.theming_run_start(actor=actor, programme=programme, kind="assign")
    run.refresh_from_db()
    assert run.state == "done"
    assert seen == [2]


def test_a_run_left_running_by_a_worker_that_stopped_starts_again_and_a_done_one_does_not(
    actor: Any, programme: Programme, hub: Hub
) -> None:
    """core.orphans queues the task of a run whose worker stopped part way: the run is found
    running, and starts again; its suggestions are stored once, with its end."""
    _, texts = read_tsv(SMALL)
    said(hub, *texts)
    run = services.theming_run_start(actor=actor, programme=programme, kind="suggest", count_wanted=3)
    assert Theme.objects.filter(run=run).count() == 3
    services.theming_run.call(run.pk)  # done: left alone
    assert Theme.objects.filter(run=run).count() == 3

    # As a worker stopped part way leaves it: running, nothing stored.
    Theme.objects.filter(run=run).delete()
    ThemingRun.objects.filter(pk=run.pk).update(state=ThemingRun.State.RUNNING, done=10, finished_at=None)
    services.theming_run.call(run.pk)
    run.refresh_from_db()
    assert (run.state, run.done) == ("done", 24)
    assert Theme.objects.filter(run=run).count() == 3
