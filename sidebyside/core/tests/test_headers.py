"""Security headers and a strict Content Security Policy on public and signed-in pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)


def assert_security_headers(response: Any) -> None:
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_signed_in_page_has_security_headers_and_is_never_stored(
    client_for: Callable[..., Client], personas: Any
) -> None:
    response = client_for("coordinator").get("/account/")

    assert response.status_code == 200
    assert_security_headers(response)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_public_page_has_security_headers_and_may_be_stored(client: Client, db: Any) -> None:
    response = client.get("/privacy/")

    assert response.status_code == 200
    assert_security_headers(response)
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("persona", ["coordinator", "member"])
def test_every_script_on_a_signed_in_page_is_a_file_with_the_nonce(
    persona: str, client_for: Callable[..., Client], personas: Any
) -> None:
    response = client_for(persona).get("/account/")
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce, "the policy must carry a nonce"

    scripts = SCRIPT.findall(html)

    assert scripts, "the page is expected to load scripts"
    assert html.count("<script") == len(scripts), "every <script> must be closed"
    for attrs, body in scripts:
        assert "src=" in attrs or "nonce=" in attrs, attrs
        assert f'nonce="{nonce.group(1)}"' in attrs, f"script without the page nonce: {attrs}"
        assert body.strip() == "", f"inline script body: {body[:80]!r}"
