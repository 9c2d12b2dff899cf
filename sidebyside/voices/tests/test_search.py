"""Searching contributions: the same behaviour on SQLite (FTS5) and PostgreSQL (full text).

The suite runs on both databases; each test here runs on whichever this run uses.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from sidebyside.hubs.models import Hub
from sidebyside.voices.models import Contribution
from sidebyside.voices.search import MAX_TERMS, SQLITE_TRIGGERS, fts5_query, highlights, search, terms

pytestmark = pytest.mark.django_db

TEXTS = {
    "evening": "We need more evening sessions, after work",
    "listen": "Nobody listens to us when we ring the housing office",
    "bus": "The bus fare to get here is too much",
    "train": "Getting the train is hard with my chair",
    "later": "Sessions later in the evening would help",
    "food": "The food and a brew make it feel less like a meeting",
}


def add(hub: Hub, text: str, **fields: Any) -> Contribution:
    values = {"said_at": timezone.now(), "channel": "paper", **fields}
    return Contribution.objects.create(hub=hub, text=text, **values)


@pytest.fixture
def said(hub: Hub) -> dict[str, Contribution]:
    return {key: add(hub, text) for key, text in TEXTS.items()}


def found(text: str) -> set[str]:
    keys = {value: key for key, value in TEXTS.items()}
    return {keys.get(c.text, c.text) for c in search(Contribution.objects.all(), text)}


def test_empty_text_leaves_the_list_as_it_was(said: dict[str, Contribution]) -> None:
    everything = Contribution.objects.filter(hub=said["bus"].hub)
    for text in ("", "   ", None, "\n\t"):
        assert search(everything, text) is everything


def test_a_word_finds_the_contributions_that_have_it(said: dict[str, Contribution]) -> None:
    assert found("bus") == {"bus"}
    assert found("BUS") == {"bus"}
    assert found("housing") == {"listen"}


def test_every_word_must_be_there(said: dict[str, Contribution]) -> None:
    assert found("evening sessions") == {"evening", "later"}
    assert found("evening work") == {"evening"}
    assert found("evening bus") == set()


def test_other_forms_of_a_word_match(said: dict[str, Contribution]) -> None:
    """Stemming: "listening" finds "listens", "session" finds "sessions"."""
    assert found("listening") == {"listen"}
    assert found("session") == {"evening", "later"}
    assert found("meetings") == {"food"}


def test_a_phrase_in_quotes_must_be_there_as_written(said: dict[str, Contribution]) -> None:
    assert found('"evening sessions"') == {"evening"}
    assert found('"sessions later"') == {"later"}
    assert found('"later sessions"') == set()


def test_minus_leaves_out_and_or_gives_either(said: dict[str, Contribution]) -> None:
    assert found("sessions -work") == {"later"}
    assert found('sessions -"after work"') == {"later"}
    assert found("bus or train") == {"bus", "train"}
    assert found("bus OR train fare") == {"bus"}


def test_only_leaving_out_finds_nothing(said: dict[str, Contribution]) -> None:
    assert found("-bus") == set()


def test_best_matches_come_first(hub: Hub) -> None:
    once = add(hub, "The room was cold and the tea was late")
    twice = add(hub, "Cold room, cold tea, cold welcome")
    results = list(search(Contribution.objects.all(), "cold"))
    assert results == [twice, once]


def test_ranking_can_be_left_to_the_list_order(hub: Hub) -> None:
    older = add(hub, "Cold room, cold tea, cold welcome", said_at=timezone.now() - datetime.timedelta(days=1))
    newer = add(hub, "The room was cold")
    assert list(search(Contribution.objects.all(), "cold", rank=False)) == [newer, older]


def test_search_keeps_the_other_filters(said: dict[str, Contribution], other_hub: Hub) -> None:
    add(other_hub, "The bus never comes on time")
    assert search(Contribution.objects.all(), "bus").count() == 2
    assert list(search(Contribution.objects.filter(hub=other_hub), "bus")) == [
        Contribution.objects.get(hub=other_hub)
    ]


def test_the_index_follows_changes_and_deletions(said: dict[str, Contribution]) -> None:
    bus = said["bus"]
    bus.text = "Call me on [phone number removed] about the fare"
    bus.save()
    assert found("bus") == set()
    assert {c.pk for c in search(Contribution.objects.all(), "fare")} == {bus.pk}
    Contribution.objects.filter(pk=said["train"].pk).delete()
    assert found("train") == set()
    # Other changes to a row (moderation) leave it findable.
    Contribution.objects.filter(pk=said["food"].pk).update(state=Contribution.State.SHOWN)
    assert found("brew") == {"food"}


def test_emoji_and_other_scripts(hub: Hub) -> None:
    emoji = add(hub, "Great session 🙂 thank you")
    arabic = add(hub, "شكرا على الجلسة")
    assert {c.pk for c in search(Contribution.objects.all(), "🙂 thank")} == {emoji.pk}
    assert {c.pk for c in search(Contribution.objects.all(), "الجلسة")} == {arabic.pk}
    assert list(search(Contribution.objects.all(), "🙂")) == []


NONSENSE = [
    '"',
    '""',
    '"unclosed phrase',
    "AND",
    "OR",
    "NOT",
    "NEAR(bus train)",
    "bus AND OR NOT",
    "(",
    ")",
    "*",
    "bus*",
    "^bus",
    "text:bus",
    "a:b:c",
    "-",
    "--",
    "- -bus",
    "!",
    "&|!<>",
    "bus & train | !fare",
    "'; DROP TABLE voices_contribution; --",
    "%",
    "_",
    "\\",
    "\x00bus",
    "bus\x00",
    "<script>alert(1)</script>",
    "🙂🙂🙂",
    "x" * 1000,
    "bus " * 300,
    '"' * 999,
    "é" * 1001,
    "ﷺ",
    "\u202ebus",
]


@pytest.mark.parametrize("text", NONSENSE)
def test_nonsense_never_raises(said: dict[str, Contribution], text: str) -> None:
    results = list(search(Contribution.objects.all(), text))
    assert len(results) <= len(TEXTS)


def test_words_inside_nonsense_still_count(said: dict[str, Contribution]) -> None:
    assert found("bus*") == {"bus"}
    assert found("(bus)") == {"bus"}
    assert found("\x00bus") == {"bus"}


def test_fts5_query_quotes_every_word() -> None:
    assert fts5_query("bus") == '"bus"'
    assert fts5_query('say "no more" NOT') == '"say" AND "no more" AND "NOT"'
    assert fts5_query('a"b') == '"a""b"'
    assert fts5_query("bus or train -fare") == '(("bus" OR "train")) NOT "fare"'
    assert fts5_query("🙂") is None
    assert fts5_query("-bus") is None


def test_long_text_is_cut_to_a_sensible_number_of_words() -> None:
    assert len(terms(" ".join(f"word{i}" for i in range(500)))) == MAX_TERMS


def test_the_search_index_is_in_place_and_used(said: dict[str, Contribution]) -> None:
    """SQLite: the FTS5 triggers survive every migration (Django rebuilds a table to change it,
    dropping its triggers: a migration must call install_index again). PostgreSQL: the GIN index
    serves a search."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            names = {row[0] for row in cursor.fetchall()}
            assert names >= SQLITE_TRIGGERS
            return
        assert connection.vendor == "postgresql"
        queryset = search(Contribution.objects.all(), "bus", rank=False)
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "voices_contribution_text_search" in plan, plan


# --- Why each was found ----------------------------------------------------------------------------


def marked(said: dict[str, Contribution], key: str, text: str) -> list[str]:
    contribution = said[key]
    pieces = highlights(Contribution.objects.all(), [contribution.pk], text)[contribution.pk]
    assert "".join(piece for piece, _ in pieces) == contribution.text  # nothing lost or added
    return [piece for piece, match in pieces if match]


def test_the_words_matched_are_marked_in_their_own_form(said: dict[str, Contribution]) -> None:
    assert marked(said, "bus", "bus") == ["bus"]
    assert marked(said, "listen", "listening") == ["listens"]
    assert marked(said, "evening", "session evening") == ["evening", "sessions"]
    assert marked(said, "later", "Sessions") == ["Sessions"]
    # What was left out is not marked; nor are words no one searched for.
    assert marked(said, "later", "sessions -work") == ["Sessions"]


def test_highlights_for_a_page_in_one_query(
    said: dict[str, Contribution], django_assert_num_queries: Any
) -> None:
    ids = [c.pk for c in said.values()]
    with django_assert_num_queries(1):
        pieces = highlights(Contribution.objects.all(), ids, "evening")
    assert set(pieces) == set(ids)
    assert [piece for piece, match in pieces[said["bus"].pk] if match] == []  # not found: left whole


def test_nothing_to_highlight_costs_nothing(
    said: dict[str, Contribution], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        assert highlights(Contribution.objects.all(), [said["bus"].pk], "  ") == {}
        assert highlights(Contribution.objects.all(), [], "bus") == {}


@pytest.mark.parametrize("text", ['"unclosed', "((", "-", "🙂", "a" * 1200, "NEAR(bus train)", "bus*"])
def test_odd_search_text_never_breaks_highlighting(said: dict[str, Contribution], text: str) -> None:
    pieces = highlights(Contribution.objects.all(), [said["bus"].pk], text)
    for found_pieces in pieces.values():
        assert "".join(piece for piece, _ in found_pieces) == said["bus"].text


def test_a_text_with_the_markers_in_it_is_shown_whole(hub: Hub) -> None:
    odd = add(hub, "bus \x02stop\x03 bus")
    assert highlights(Contribution.objects.all(), [odd.pk], "bus") == {odd.pk: [(odd.text, False)]}


def test_other_databases_mark_each_word_typed_whatever_its_case() -> None:
    from sidebyside.voices.search import _plain_pieces

    assert _plain_pieces("Bus and BUS stop", ["bus"]) == [
        ("Bus", True),
        (" and ", False),
        ("BUS", True),
        (" stop", False),
    ]
    assert _plain_pieces("nothing to mark", []) == [("nothing to mark", False)]
