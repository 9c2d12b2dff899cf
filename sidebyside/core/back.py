"""Back links that go back where the person came from, when that is one of a few known pages.

A page reached from several places (a contribution's journey, from a hub's list, a search or a
theme) would otherwise send everyone back to one of them. The address comes from the browser's
``Referer`` header, which this site sends only to itself (``SECURE_REFERRER_POLICY``), so no new
address is made with the search words in it: the link is the address the person was already on.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

# Longer than any address this site makes; anything longer is not followed.
MAX_LENGTH = 2000


def back_from(request: HttpRequest, pages: dict[str, str]) -> tuple[str, str] | None:
    """(address, link text) of the page this request came from, if it is on this site and one of
    ``pages`` (URL name, with its namespace → link text); otherwise None."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or len(referer) > MAX_LENGTH:
        return None
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(referer)
    if not parts.netloc:  # a browser always sends a whole address
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    text = pages.get(match.view_name)
    if text is None:
        return None
    return (parts.path + (f"?{parts.query}" if parts.query else ""), text)
