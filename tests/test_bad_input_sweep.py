"""Bad input, sent to every page and every action, never answers with a server error.

For each page somebody can open (from the permission matrix), the sweep reads the page's forms
and sends each one once for every kind of bad input in ``BAD``, every field filled with it: a NUL
character, a line break, a 100 KB text, a number too large for any column, a superscript digit (a
digit to ``str.isdigit`` that ``int`` refuses), a negative number, an impossible date,
right-to-left text with emoji and markup, and nothing at all. Options and checkboxes get the same,
which is never one of their values. The page is also asked for again with every query-string name
any view reads set to each kind; each form is sent again with every name any view reads from a
POST, and so is every address that only takes a POST; every address with an id in it is asked
for with an id too large for any column. The answer may be an error message, a redirect, a
refusal or "not found", never a server error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from tests.test_permission_matrix import (  # noqa: F401 - ctx, personas and world are fixtures
    ADMIN,
    ANON,
    COORD,
    FAC,
    LEADER,
    MATRIX,
    MEMBER,
    ctx,
    first_allowed,
    personas,
    world,
)

BAD = {
    "NUL": "a\x00b",
    "line break": "a\r\nLocation: /b",
    "100 KB": "x" * 100_000,
    "huge number": "99999999999999999999999999",
    "superscript": "²",
    "negative": "-1",
    "impossible date": "2026-02-30",
    "mixed": "\u202eمرحبا 🙂 <script>alert(1)</script> ' OR 1=1 --",
    "empty": "",
}

SIGN_OUT = ("accounts:sign_out", "accounts:sign_out_everywhere")


def names_read(method: str) -> list[str]:
    """Every name a view reads from ``request.GET`` or ``request.POST`` by name, from the source."""
    pattern = re.compile(rf'request\.{method}\.(?:get|getlist)\(\s*"([^"]+)"')
    found: set[str] = set()
    for path in (Path(__file__).resolve().parent.parent / "sidebyside").rglob("*.py"):
        if "tests" not in path.parts:
            found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return sorted(found)


GET_NAMES, POST_NAMES = names_read("GET"), names_read("POST")


@dataclass
class Form:
    action: str
    method: str
    fields: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._current: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._current = Form(action=found.get("action", ""), method=found.get("method", "get").lower())
            self.forms.append(self._current)
        elif tag in ("input", "select", "textarea", "button") and self._current is not None:
            name, kind = found.get("name"), found.get("type", tag).lower()
            if not name or name == "csrfmiddlewaretoken" or kind in ("submit", "reset"):
                return
            into = self._current.files if kind == "file" else self._current.fields
            if name not in into:
                into.append(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def forms_on(html: str) -> list[Form]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


EVERYONE = (ADMIN, COORD, FAC, MEMBER, LEADER, ANON)  # staff first: they see the most forms


def _pages() -> list[tuple[str, str]]:
    """Each page that shows itself (GET) to somebody, with the first who may see it."""
    return list(first_allowed("get", EVERYONE, lambda status: status == 200))


def _actions() -> list[tuple[str, str]]:
    """Each address that only takes a POST, with the first it does not turn away."""
    return [
        (name, persona)
        for name, persona in first_allowed("post", EVERYONE, lambda status: status < 400)
        if name not in SIGN_OUT
    ]


def _as(persona: str, client_for: Callable[..., Client]) -> Client:
    """A client signed in as ``persona`` that hands back a server error instead of raising it."""
    client = client_for(persona)
    client.raise_request_exception = False
    return client


def test_the_sweep_reads_forms_and_names() -> None:
    page = (
        '<form method="post" action="/a/"><input type="hidden" name="csrfmiddlewaretoken" value="t">'
        '<input name="title"><select name="hub"></select><input type="file" name="upload">'
        '<button type="submit" name="go">Go</button><button name="action" value="x">X</button></form>'
        '<form><input type="search" name="q"></form>'
    )
    forms = forms_on(page)
    assert [(f.action, f.method, f.fields, f.files) for f in forms] == [
        ("/a/", "post", ["title", "hub", "action"], ["upload"]),
        ("", "get", ["q"], []),
    ]
    assert {"q", "page"} <= set(GET_NAMES)
    assert {"chosen", "remove"} <= set(POST_NAMES)


@pytest.mark.parametrize(("name", "persona"), _pages())
def test_no_bad_input_makes_a_server_error(
    name: str,
    persona: str,
    ctx: dict[str, Any],  # noqa: F811 - the fixture imported above
    client_for: Callable[..., Client],
) -> None:
    client = _as(persona, client_for)
    url = reverse(name, kwargs=MATRIX[name].kwargs(ctx))
    page = client.get(url)
    assert page.status_code == 200
    failures: list[str] = []
    sign_out = {reverse(n) for n in SIGN_OUT}
    forms = forms_on(page.content.decode()) if page["Content-Type"].startswith("text/html") else []
    sent = 0
    for kind, value in BAD.items():
        response = client.get(url, dict.fromkeys(GET_NAMES, value))
        sent += 1
        if response.status_code >= 500:
            failures.append(f"GET {url} with every query name {kind}: {response.status_code}")
        for form in forms:
            target = urljoin(url, form.action) if form.action else url
            if urlsplit(target).netloc or urlsplit(target).path in sign_out:
                continue
            tries: list[tuple[str, list[str]]] = [("its fields", form.fields)]
            if form.method == "post":
                tries.append(("its fields and every POST name", sorted({*form.fields, *POST_NAMES})))
            for what, names in tries:
                data: dict[str, Any] = dict.fromkeys(names, value)
                if form.method == "post":
                    for upload in form.files:
                        data[upload] = SimpleUploadedFile("bad.csv", value.encode("utf-8", "surrogatepass"))
                    response = client.post(target, data)
                else:
                    response = client.get(target, data)
                sent += 1
                if response.status_code >= 500:
                    failures.append(f"{form.method.upper()} {target}, {what} {kind}: {response.status_code}")
    assert sent >= len(BAD)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(("name", "persona"), _actions())
def test_no_bad_input_to_an_action_makes_a_server_error(
    name: str,
    persona: str,
    ctx: dict[str, Any],  # noqa: F811 - the fixture imported above
    client_for: Callable[..., Client],
) -> None:
    """Addresses that only take a POST (buttons on pages, forms the sweep above may not reach)."""
    client = _as(persona, client_for)
    url = reverse(name, kwargs=MATRIX[name].kwargs(ctx))
    failures = []
    for kind, value in BAD.items():
        response = client.post(url, dict.fromkeys(POST_NAMES, value))
        if response.status_code >= 500:
            failures.append(f"POST {url} with every POST name {kind}: {response.status_code}")
    assert not failures, "\n".join(failures)


def _with_ids(patterns: list[Any], namespace: str = "", ids: bool = False) -> Iterator[str]:
    """The names of the URL patterns with a number in their path (``<int:…>``, here or above)."""
    for pattern in patterns:
        here = ids or any(isinstance(c, IntConverter) for c in pattern.pattern.converters.values())
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _with_ids(pattern.url_patterns, inner, here)
        elif here:
            yield f"{namespace}{pattern.name}"


@pytest.mark.parametrize("name", sorted(set(_with_ids(get_resolver().url_patterns)) - set(SIGN_OUT)))
def test_an_address_with_an_id_no_row_could_have_is_not_a_server_error(
    name: str,
    ctx: dict[str, Any],  # noqa: F811 - the fixture imported above
    client_for: Callable[..., Client],
) -> None:
    """Every id in the address made larger than any id column holds (SQLite cannot compare such
    a number with an id), for staff, a member and someone not signed in."""
    entry = MATRIX[name]
    kwargs = entry.kwargs(ctx)
    too_large = {key: 10**20 if isinstance(value, int) else value for key, value in kwargs.items()}
    assert too_large != kwargs
    url = reverse(name, kwargs=too_large)
    for persona in (ADMIN, COORD, MEMBER, ANON):
        response = getattr(_as(persona, client_for), entry.method)(url)
        assert response.status_code < 500, f"{persona} {entry.method.upper()} {url}: {response.status_code}"
