"""Searching what people said: one interface, the database's own full-text search underneath.

``search(contributions, "evening sessions")`` gives back the contributions that match, best first.

* PostgreSQL: full-text search with the English configuration (so "listening" finds "listen"),
  the query read with ``websearch_to_tsquery`` (``"a phrase"``, ``-leave out``, ``this or that``),
  ranked with ``ts_rank``. A GIN index on the same expression is made by migration 0002.
* SQLite: an FTS5 table (``voices_contribution_fts``: the contribution's id as rowid and its
  text), kept in step by triggers on insert, update and delete (migration 0002), with the Porter
  stemmer. What people type is never passed to FTS5 as syntax: each word or phrase is quoted,
  and only the same three forms as on PostgreSQL are understood.

Whatever is typed (quotes, brackets, operators, emoji, a thousand characters) never raises:
text with nothing searchable in it finds nothing, and empty text leaves the list as it was.

``highlights(contributions, ids, "evening sessions")`` cuts the words of the contributions shown
into pieces, marking those the search matched ("sessions" for "session"), so a results page can
show why each one was found: ``ts_headline`` on PostgreSQL, FTS5's ``highlight()`` on SQLite,
each with the same reading of the query as the search itself. One query for the page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, FloatField, Func, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL

FTS_TABLE = "voices_contribution_fts"
MAX_QUERY = 1000  # characters of search text looked at
MAX_TERMS = 32  # words or phrases looked at
RANK = "search_rank"

_TOKENS = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def tidy(text: str | None) -> str:
    """The search text without control characters (NUL breaks PostgreSQL), trimmed and capped."""
    text = (text or "")[:MAX_QUERY]
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text).strip()


def _searchable(word: str) -> bool:
    return any(ch.isalnum() for ch in word)


def terms(text: str) -> list[tuple[bool, list[str]]]:
    """Read search text the way ``websearch_to_tsquery`` does.

    Returns ``(left_out, alternatives)`` items: ``-word`` and ``-"a phrase"`` are left out;
    ``a or b`` is one item with two alternatives; everything else must all be there.
    Words with nothing searchable in them (punctuation, emoji) are dropped.
    """
    items: list[tuple[bool, list[str]]] = []
    either = False
    for match in _TOKENS.finditer(tidy(text)):
        minus, phrase, word = match.groups()
        if word is not None:
            left_out = word.startswith("-") and len(word) > 1
            word = word[1:] if left_out else word
            if word.casefold() == "or" and not left_out:
                either = bool(items) and not items[-1][0]
                continue
        else:
            left_out, word = bool(minus), phrase
        if not _searchable(word):
            either = False
            continue
        if either and not left_out:
            items[-1][1].append(word)
        else:
            items.append((left_out, [word]))
        either = False
        if len(items) >= MAX_TERMS:
            break
    return items


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def fts5_query(text: str) -> str | None:
    """An FTS5 query in which every word typed is a quoted string; None if nothing is searchable."""
    items = terms(text)
    wanted = []
    for left_out, alternatives in items:
        if not left_out:
            quoted = " OR ".join(_quoted(word) for word in alternatives)
            wanted.append(f"({quoted})" if len(alternatives) > 1 else quoted)
    if not wanted:
        return None
    query = " AND ".join(wanted)
    for left_out, alternatives in items:
        if left_out:
            query = f"({query}) NOT {_quoted(alternatives[0])}"
    return query


class _Bm25(Func):
    """FTS5's bm25 score of one contribution for a query (lower is better)."""

    template = f"(SELECT bm25({FTS_TABLE}) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %(expressions)s)"  # noqa: S608
    arg_joiner = f" AND {FTS_TABLE}.rowid = "
    output_field = FloatField()


def _sqlite[M: Any](queryset: QuerySet[M], text: str, rank: bool) -> QuerySet[M]:
    query = fts5_query(text)
    if query is None:
        return queryset.none()
    # Only constants are formatted in; what was typed is a parameter.
    found = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [query])  # noqa: S608, S611
    queryset = queryset.filter(pk__in=found)
    if rank:
        queryset = queryset.annotate(**{RANK: _Bm25(Value(query), F("pk"))}).order_by(
            RANK, *_ordering(queryset)
        )
    return queryset


def _postgres[M: Any](queryset: QuerySet[M], text: str, rank: bool) -> QuerySet[M]:
    if not any(not left_out for left_out, _ in terms(text)):
        return queryset.none()
    vector = SearchVector("text", config="english")
    query = SearchQuery(text, search_type="websearch", config="english")
    queryset = queryset.alias(search_vector=vector).filter(search_vector=query)
    if rank:
        queryset = queryset.annotate(**{RANK: SearchRank(vector, query)}).order_by(
            f"-{RANK}", *_ordering(queryset)
        )
    return queryset


def _anything_else[M: Any](queryset: QuerySet[M], text: str) -> QuerySet[M]:
    """Other databases: every word somewhere in the text (no stemming, no ranking)."""
    items = terms(text)
    if not any(not left_out for left_out, _ in items):
        return queryset.none()
    for left_out, alternatives in items:
        either = Q()
        for word in alternatives:
            either |= Q(text__icontains=word)
        queryset = queryset.exclude(either) if left_out else queryset.filter(either)
    return queryset


def _ordering(queryset: QuerySet[Any]) -> list[Any]:
    """The list's own order, to break ties between equally good matches."""
    return list(queryset.query.order_by or queryset.model._meta.ordering or ["-pk"])


def search[M: Any](queryset: QuerySet[M], text: str | None, *, rank: bool = True) -> QuerySet[M]:
    """The contributions of ``queryset`` whose text matches ``text``; the best matches first if ``rank``."""
    text = tidy(text)
    if not text:
        return queryset
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        return _postgres(queryset, text, rank)
    if vendor == "sqlite":
        return _sqlite(queryset, text, rank)
    return _anything_else(queryset, text)


# Why each was found ------------------------------------------------------------------------------

# What the database puts round each match. They are control characters; a text that already
# holds one is shown unmarked (``_pieces``).
_START, _STOP = "\x02", "\x03"
_MARKED = re.compile(f"{_START}([^{_START}{_STOP}]*){_STOP}")
HIGHLIGHT = "search_highlight"
Pieces = list[tuple[str, bool]]


class _Highlight(Func):
    """FTS5's copy of one contribution's text with each match between ``_START`` and ``_STOP``."""

    template = (
        f"(SELECT highlight({FTS_TABLE}, 0, char(2), char(3)) FROM {FTS_TABLE} "  # noqa: S608
        f"WHERE {FTS_TABLE} MATCH %(expressions)s)"
    )
    arg_joiner = f" AND {FTS_TABLE}.rowid = "
    output_field = TextField()


def _pieces(marked: str | None, text: str) -> Pieces:
    """``text`` in pieces, True for a match; all of it unmarked unless the marks fit it exactly."""
    if not marked or _START in text or _STOP in text:
        return [(text, False)]
    pieces: Pieces = []
    end = 0
    for match in _MARKED.finditer(marked):
        if match.start() > end:
            pieces.append((marked[end : match.start()], False))
        if match.group(1):
            pieces.append((match.group(1), True))
        end = match.end()
    if end < len(marked):
        pieces.append((marked[end:], False))
    if "".join(piece for piece, _ in pieces) != text:
        return [(text, False)]
    return pieces


def _plain_pieces(text: str, words: list[str]) -> Pieces:
    """Other databases: each word typed, wherever it is in the text, whatever its case."""
    if not words:
        return [(text, False)]
    pattern = re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.I)
    return _pieces(pattern.sub(lambda match: f"{_START}{match.group()}{_STOP}", text), text)


def highlights(queryset: QuerySet[Any], ids: Sequence[int], text: str | None) -> dict[int, Pieces]:
    """For each of ``ids`` (contributions of ``queryset``): its words in pieces, True for the
    pieces ``text`` matched, read as ``search`` reads it. Empty for empty text; a contribution
    the search would not find comes back in one unmarked piece."""
    text = tidy(text)
    if not text or not ids:
        return {}
    rows = queryset.model._default_manager.using(queryset.db).filter(pk__in=list(ids))
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config="english")
        headline = SearchHeadline(
            "text", query, config="english", start_sel=_START, stop_sel=_STOP, highlight_all=True
        )
        found = rows.annotate(**{HIGHLIGHT: headline}).values_list("pk", "text", HIGHLIGHT)
    elif vendor == "sqlite":
        fts = fts5_query(text)
        if fts is None:
            return {}
        found = rows.annotate(**{HIGHLIGHT: _Highlight(Value(fts), F("pk"))}).values_list(
            "pk", "text", HIGHLIGHT
        )
    else:
        wanted = [word for left_out, words in terms(text) if not left_out for word in words]
        return {pk: _plain_pieces(words, wanted) for pk, words in rows.values_list("pk", "text")}
    return {pk: _pieces(marked, words) for pk, words, marked in found}


# The index, made by migration 0002 ---------------------------------------------------------------

_SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_update",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_delete",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
# Written out in full (the table name is FTS_TABLE): nothing here comes from outside.
_SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE voices_contribution_fts "
    "USING fts5(text, tokenize='porter unicode61 remove_diacritics 2')",
    "INSERT INTO voices_contribution_fts(rowid, text) SELECT id, text FROM voices_contribution",
    """CREATE TRIGGER voices_contribution_fts_insert AFTER INSERT ON voices_contribution BEGIN
        INSERT INTO voices_contribution_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER voices_contribution_fts_update AFTER UPDATE OF text ON voices_contribution BEGIN
        DELETE FROM voices_contribution_fts WHERE rowid = old.id;
        INSERT INTO voices_contribution_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER voices_contribution_fts_delete AFTER DELETE ON voices_contribution BEGIN
        DELETE FROM voices_contribution_fts WHERE rowid = old.id;
    END""",
]
SQLITE_TRIGGERS = frozenset({f"{FTS_TABLE}_insert", f"{FTS_TABLE}_update", f"{FTS_TABLE}_delete"})
# The expression SearchVector("text", config="english") writes, so the planner uses the index.
_POSTGRES_CREATE = [
    "CREATE INDEX IF NOT EXISTS voices_contribution_text_search ON voices_contribution "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(text, '')))",
]
_POSTGRES_DROP = ["DROP INDEX IF EXISTS voices_contribution_text_search"]


def _execute(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install_index(connection: Any) -> None:
    """Make (or make again, from the contributions as they are) the full-text index.

    On SQLite, Django rebuilds a table to change it, and that drops the table's triggers: a
    migration that changes ``voices_contribution`` must call this again afterwards (a test
    checks the triggers are there after every migration).
    """
    if connection.vendor == "sqlite":
        _execute(connection, _SQLITE_DROP + _SQLITE_CREATE)
    elif connection.vendor == "postgresql":
        _execute(connection, _POSTGRES_CREATE)


def remove_index(connection: Any) -> None:
    if connection.vendor == "sqlite":
        _execute(connection, _SQLITE_DROP)
    elif connection.vendor == "postgresql":
        _execute(connection, _POSTGRES_DROP)
