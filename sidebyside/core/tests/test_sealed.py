"""Search words sealed for addresses: what goes in comes back, and nothing else does."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.test import RequestFactory

from sidebyside.core.sealed import (
    LONGEST_WORDS,
    SEALED,
    kept_query,
    opened,
    seal,
    sealed_address,
    sealed_query,
    unseal,
)


def test_what_is_sealed_comes_back_and_is_not_readable_on_the_way() -> None:
    for words in ("Marnie Quillfeather", "07700 900555", "marnie@example.org", "مرحبا 👋", "a" * 200):
        token = seal(words)
        assert token.isascii()
        assert QueryDict(f"{SEALED}={token}")[SEALED] == token  # survives a query string as it is
        assert words not in token
        assert unseal(token) == words
    assert seal("same") != seal("same")  # the same words do not give the same address


def test_what_is_not_ours_is_not_read() -> None:
    token = seal("quill")
    middle = len(token) // 2
    changed = token[:middle] + ("B" if token[middle] == "A" else "A") + token[middle + 1 :]
    for other in ("", "quill", token[:-1], changed, token.swapcase(), "é", "x" * 5000):
        assert unseal(other) is None
    assert unseal(token, max_age=-1) is None


def test_a_new_secret_key_ends_sealed_searches_unless_the_old_is_a_fallback(settings: Any) -> None:
    token = seal("quill")
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "another secret key, long enough to be one " + old
    assert unseal(token) is None
    settings.SECRET_KEY_FALLBACKS = [old]
    assert unseal(token) == "quill"


def test_a_posted_search_becomes_an_address_with_only_its_words_sealed() -> None:
    posted = QueryDict(mutable=True)
    posted.update({"q": "  Quill ", "status": "active", "csrfmiddlewaretoken": "t", "page": "3", "hub": ""})
    posted.setlist("kind", ["meeting", "drop_in"])
    query = sealed_query(posted)
    assert "Quill" not in query
    assert "csrfmiddlewaretoken" not in query
    assert "page" not in query
    assert "hub" not in query  # left empty
    back, ended = opened(QueryDict(query))
    assert not ended
    assert back["q"] == "Quill"
    assert back["status"] == "active"
    assert back.getlist("kind") == ["meeting", "drop_in"]

    request = RequestFactory().post("/hubs/1/people/", {"q": "Quill"})
    location = sealed_address(request)["Location"]
    assert location.startswith(f"/hubs/1/people/?{SEALED}=")
    assert (
        sealed_address(RequestFactory().post("/hubs/1/people/", {"q": " "}))["Location"] == "/hubs/1/people/"
    )


def test_plain_words_in_an_address_are_never_read() -> None:
    data, ended = opened(QueryDict("q=Quill&status=active"))
    assert "q" not in data
    assert not ended
    data, ended = opened(QueryDict(f"{SEALED}=changed&status=active"))
    assert ended
    assert "q" not in data
    assert data["status"] == "active"
    assert kept_query(QueryDict(f"{SEALED}=changed&status=active&page=2"), ended=True) == "status=active"
    assert kept_query(QueryDict(f"{SEALED}=abc&page=2&q=x")) == f"{SEALED}=abc"


def test_however_much_is_typed_the_search_comes_back_readable() -> None:
    """A box over its limit says so itself: the sealed words must not read as "ended" first."""
    for typed in ("🙂" * 5000, "x" * 5000, "ab " * 2000):
        posted = QueryDict(mutable=True)
        posted["q"] = typed
        query = sealed_query(posted)
        back, ended = opened(QueryDict(query))
        assert not ended
        assert back["q"] == typed.strip()[:LONGEST_WORDS]
        assert len(query) < 4000
