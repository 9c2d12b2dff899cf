"""Back links to where the person came from (``core.back``)."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import RequestFactory

from sidebyside.core.back import back_from

PAGES = {"insights:search": "Back to the search", "voices:hub_contributions": "Back to what people said"}


def request_from(referer: str | None, *, secure: bool = False) -> HttpRequest:
    extra = {"HTTP_REFERER": referer} if referer is not None else {}
    return RequestFactory().get("/contributions/1/journey/", secure=secure, **extra)


@pytest.mark.parametrize(
    ("referer", "expected"),
    [
        (
            "http://testserver/programmes/3/themes/search/?q=bus+fares&hub=2",
            ("/programmes/3/themes/search/?q=bus+fares&hub=2", "Back to the search"),
        ),
        ("http://testserver/hubs/4/contributions/", ("/hubs/4/contributions/", "Back to what people said")),
    ],
)
def test_a_known_page_on_this_site(referer: str, expected: tuple[str, str]) -> None:
    assert back_from(request_from(referer), PAGES) == expected


@pytest.mark.parametrize(
    "referer",
    [
        None,
        "",
        "https://elsewhere.example/programmes/3/themes/search/?q=x",  # another site
        "//elsewhere.example/programmes/3/themes/search/",
        "javascript:alert(1)",
        "/programmes/3/themes/search/",  # browsers send whole addresses
        "http://testserver/programmes/3/themes/",  # on this site, but not one of the pages
        "http://testserver/no/such/page/",
        "http://testserver/programmes/3/themes/search/?q=" + "x" * 3000,
        "http://testserver/programmes/3/themes/search/\r\nSet-Cookie: a=b",
    ],
)
def test_anything_else_is_not_followed(referer: str | None) -> None:
    assert back_from(request_from(referer), PAGES) is None


def test_plain_http_is_not_followed_from_a_secure_page() -> None:
    request = request_from("http://testserver/hubs/4/contributions/", secure=True)
    assert back_from(request, PAGES) is None
    request = request_from("https://testserver/hubs/4/contributions/", secure=True)
    assert back_from(request, PAGES) == ("/hubs/4/contributions/", "Back to what people said")
