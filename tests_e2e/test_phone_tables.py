"""Wide tables on a phone: each row a block, each cell named by its column, also after a list
is filtered as one types (htmx puts a new table in)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, expect

from tests_e2e.conftest import check_page


def test_the_people_list_stacks_on_a_phone_before_and_after_a_search(
    hub: Any, personas: Any, client_for: Callable[..., Client], browser: Browser, live_server: Any
) -> None:
    client = client_for("coordinator")
    client.get("/")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    try:
        page = context.new_page()
        page.goto(reverse("people:hub_people", args=[hub.pk]))
        table = page.locator("table.sbs-table--stack")
        expect(table).to_have_attribute("role", "table")
        first = page.locator("table.sbs-table--stack tbody td").first
        expect(first).to_have_attribute("data-label", "Name")  # a name beside each value
        assert (
            page.evaluate(
                "getComputedStyle(document.querySelector('table.sbs-table--stack tbody tr')).display"
            )
            == "block"
        )

        page.get_by_label("Search by name, email or phone").fill("Marnie")
        expect(page.locator("table.sbs-table--stack tbody tr")).to_have_count(1)
        # The live search shows where it is in the address bar, with the name sealed.
        expect(page).to_have_url(re.compile(r"\?find="))
        assert "Marnie" not in page.url
        assert "marnie" not in page.url
        expect(page.locator("table.sbs-table--stack tbody td").first).to_have_attribute("data-label", "Name")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        check_page(page, "people-phone-searched")
        # Reloading keeps the search; one that ended asks for the words again.
        page.reload()
        expect(page.get_by_label("Search by name, email or phone")).to_have_value("Marnie")
        expect(page.locator("table.sbs-table--stack tbody tr")).to_have_count(1)
        page.goto(page.url.split("?")[0] + "?find=no-longer-readable")
        expect(page.locator(".govuk-error-summary")).to_contain_text("That search has ended")
        check_page(page, "people-phone-search-ended")
    finally:
        context.close()
