"""Words searched for, kept out of addresses (ADR 25).

A search for a person is their name, phone number or email address. In a query string it would
stay in the browser's history, in any proxy's access log and in bookmarks. So a search form that
can find people is posted, and the address it leads to carries the words sealed: encrypted and
dated with a key made from ``SECRET_KEY`` (``seal``), read back by the server only (``unseal``) for
``SEALED_FOR`` seconds. The address still works for going back, reloading and the next page of
results; past that time, or after ``SECRET_KEY`` and its fallbacks have changed, the search is
asked for again.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponseRedirect, QueryDict
from django.utils.crypto import salted_hmac

SEALED_FOR = 12 * 60 * 60  # a working day
_PURPOSE = "sidebyside.core.sealed"
# Words are sealed up to this many characters: more than any search box takes (200 at most), so
# a box's own error still says when there are too many. Sealed, that many of the widest
# characters make under 2,800; a longer token is not one of ours.
LONGEST_WORDS = 500
_LONGEST = 4096


@cache
def _fernet() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    keys = [salted_hmac(_PURPOSE, "search", secret=secret, algorithm="sha256").digest() for secret in secrets]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(key)) for key in keys])


def _reset(**kwargs: object) -> None:
    if kwargs.get("setting") in {"SECRET_KEY", "SECRET_KEY_FALLBACKS"}:
        _fernet.cache_clear()


setting_changed.connect(_reset)


def seal(words: str) -> str:
    """``words``, encrypted and dated, safe to put in an address."""
    return _fernet().encrypt(words.encode()).decode("ascii")


def unseal(token: str, *, max_age: int = SEALED_FOR) -> str | None:
    """The words sealed in ``token``, or None if it is not one of ours, was changed, or is older
    than ``max_age`` seconds."""
    if not token or len(token) > _LONGEST or not token.isascii():
        return None
    try:
        return _fernet().decrypt(token.encode("ascii"), ttl=max_age).decode()
    except (InvalidToken, UnicodeDecodeError):
        return None


# --- Search forms ---------------------------------------------------------------------------------
# A search form that can find people is posted (method="post"); the view answers the post with a
# redirect to ``sealed_address`` and reads its query with ``opened``. htmx follows the redirect, and
# with ``hx-replace-url="true"`` shows the sealed address.

SEALED = "find"  # the query parameter that carries the sealed words
_NOT_KEPT = ("page", "csrfmiddlewaretoken")


def sealed_query(data: QueryDict, *, words: str = "q", leave_out: tuple[str, ...] = ()) -> str:
    """``data`` (a posted search form) as a query string: each field as it is, but ``words``
    sealed under ``SEALED``; empty fields, the page number, the CSRF token and ``leave_out``
    left out."""
    params = QueryDict(mutable=True)
    typed = data.get(words, "").strip()[:LONGEST_WORDS]
    if typed:
        params[SEALED] = seal(typed)
    for name, values in data.lists():
        if name not in (words, SEALED, *_NOT_KEPT, *leave_out):
            params.setlist(name, [value for value in values if value])
    return params.urlencode()


def sealed_address(
    request: HttpRequest, *, words: str = "q", leave_out: tuple[str, ...] = ()
) -> HttpResponseRedirect:
    """A redirect to this page for the search posted, its words sealed."""
    query = sealed_query(request.POST, words=words, leave_out=leave_out)
    return HttpResponseRedirect(f"{request.path}?{query}" if query else request.path)


def opened(data: QueryDict, *, words: str = "q") -> tuple[QueryDict, bool]:
    """``data`` (a query string) with the sealed words back under ``words``, and whether there
    were sealed words that could not be read (too old, or changed). Words under ``words`` itself
    are never read from an address: only sealed ones are."""
    found = data.copy()
    found.pop(words, None)
    token = found.pop(SEALED, [""])[-1]
    if not token:
        return found, False
    typed = unseal(token)
    if typed is None:
        return found, True
    found[words] = typed
    return found, False


def kept_query(data: QueryDict, *, ended: bool = False, words: str = "q") -> str:
    """The query string to carry to the next page of results or a download: ``data`` (a query
    string) without its page number, plain words or, when they had ended, its sealed words."""
    kept = data.copy()
    for name in (*_NOT_KEPT, words, *([SEALED] if ended else [])):
        kept.pop(name, None)
    return kept.urlencode()


ENDED = "That search has ended. Type what you were looking for again"


@dataclass(frozen=True)
class EndedSearch:
    """An ended search as the one problem of a page whose search box is not a Django form: for
    ``includes/one_problem_summary.html`` (``message``, and ``anchor``, the box's id) and for
    base.html, which starts the title with "Error:" when ``form.errors`` is set."""

    anchor: str
    message: str = ENDED
    errors: bool = True
