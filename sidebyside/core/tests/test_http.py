from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from sidebyside.core.http import client_ip


def request(remote: str = "10.0.0.5", forwarded: str | None = None):  # type: ignore[no-untyped-def]
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_saw_is_used() -> None:
    assert client_ip(request(forwarded="203.0.113.7")) == "203.0.113.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_addresses_a_client_writes_itself_are_ignored() -> None:
    # The client sent "X-Forwarded-For: 1.2.3.4"; our proxy appended what it really saw.
    assert client_ip(request(forwarded="1.2.3.4, 203.0.113.7")) == "203.0.113.7"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_outer_ones_view_is_used() -> None:
    assert client_ip(request(forwarded="1.2.3.4, 203.0.113.7, 10.0.0.2")) == "203.0.113.7"


@pytest.mark.parametrize("forwarded", [None, "", "203.0.113.7"])
@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_proxies_forwarded_headers_are_not_trusted(forwarded: str | None) -> None:
    assert client_ip(request(forwarded=forwarded)) == "10.0.0.5"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_a_shorter_chain_than_configured_falls_back_to_the_peer() -> None:
    assert client_ip(request(forwarded="203.0.113.7")) == "10.0.0.5"
