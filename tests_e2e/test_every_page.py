"""Every page of the service in Chromium, checked by axe: not only the pages the journeys pass.

The pages come from the permission matrix (``tests/test_permission_matrix.py``), with its rows
(a gathering, a contribution, a theme, an enquiry and the rest); each is opened by the first of
the people there who may see it, signed in as they would be; then again at the width of a phone
(390 px), where nothing may be wider than the screen. Files (CSV, PDF, pictures,
calendars) and the parts of pages that pages fetch (the wall's new items) are skipped: their own
tests check them. A screenshot of each goes to the screenshots
folder as ``every-<name>.png``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser

from tests.test_permission_matrix import (
    ADMIN,
    ANON,
    COORD,
    FAC,
    LEADER,
    MATRIX,
    MEMBER,
    first_allowed,
    make_ctx,
)
from tests_e2e.conftest import SCREENSHOTS, check_page

pytestmark = pytest.mark.django_db(transaction=True)
PHONE_WIDTH = 390


@pytest.fixture
def ctx(programme: Any, hub: Any, other_hub: Any, organisation: Any, personas: Any) -> dict[str, Any]:
    """The permission matrix's rows, made for each test and committed: the live server reads them."""
    return make_ctx(programme, hub, other_hub, organisation, personas)


# The coordinator first: the person most pages are for.
@pytest.mark.parametrize(
    ("name", "persona"),
    list(first_allowed("get", (COORD, ADMIN, FAC, MEMBER, LEADER, ANON), lambda status: status == 200)),
)
def test_every_page_passes_axe(
    name: str,
    persona: str,
    ctx: dict[str, Any],
    client_for: Callable[..., Client],
    browser: Browser,
    live_server: Any,
) -> None:
    url = reverse(name, kwargs=MATRIX[name].kwargs(ctx))
    client = client_for(persona)
    first = client.get(url)
    if not first["Content-Type"].startswith("text/html") or not first.content.lstrip()[
        :15
    ].lower().startswith(b"<!doctype html"):
        pytest.skip("a file or a part of a page, not a page: its own tests check it")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        if settings.SESSION_COOKIE_NAME in client.cookies:
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "url": live_server.url,
                    }
                ]
            )
        page = context.new_page()
        response = page.goto(url)
        assert response is not None
        assert response.status == 200, f"{persona} {url}: {response.status}"
        check_page(page, f"every-{name.replace(':', '-')}")
        # On a phone, nothing wider than the screen: a wide table scrolls in a box of its own.
        page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
        page.reload()
        wider = page.evaluate(
            """(width) => [...document.querySelectorAll("body *")]
                .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest(".sbs-table-scroll"))
                .slice(0, 3).map((el) => `${el.tagName.toLowerCase()}.${el.className}`)""",
            PHONE_WIDTH,
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, (
            f"{url} is wider than a phone ({PHONE_WIDTH} px): {wider}"
        )
        # Tables marked to stack show a block per row on a phone, every column in view.
        stacked = page.evaluate(
            """() => [...document.querySelectorAll("table.sbs-table--stack")].map((table) => ({
                stacked: table.classList.contains("sbs-stacked"),
                fits: table.scrollWidth <= table.parentElement.clientWidth + 1,
                labelled: [...table.querySelectorAll("tbody td")].some((td) => td.dataset.label),
            }))"""
        )
        assert all(t["stacked"] and t["fits"] for t in stacked), f"{url}: a table to stack did not: {stacked}"
        if stacked:
            assert any(t["labelled"] for t in stacked), f"{url}: no cell is named by its column"
            check_page(page, f"every-{name.replace(':', '-')}-phone")  # axe on the stacked layout too
        else:
            page.screenshot(
                path=str(SCREENSHOTS / f"every-{name.replace(':', '-')}-phone.png"), full_page=True
            )
    finally:
        context.close()
