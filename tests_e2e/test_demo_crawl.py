"""The demo programme walked link by link on a phone, as five people would.

From the start page, every page a link leads to (up to ``LIMIT`` each) is opened at the width
of a phone, on the demo's data (more rows and longer words than the permission matrix's), by a
programme admin, a hub's coordinator, a facilitator, a member and a partner's senior leader. On
every page: axe finds nothing, nothing is wider than the screen, and no link leads to a page
that says "not found" or "you cannot do this" to the person it was shown to. Files (CSV,
spreadsheets, PDFs, pictures, calendars) are not opened; neither is "sign out".
"""

from __future__ import annotations

import json
from collections import deque
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser

from conftest import verify_session
from sidebyside.accounts.models import User
from tests_e2e.helpers import load_demo

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_WIDTH = 390
LIMIT = 200  # pages per person: the demo has fewer for a member, more for an admin
FILES = (".csv", ".xlsx", ".pdf", ".png", ".svg", ".ics", ".zip")
NOT_PAGES = ("/sign-out/", "/qr")


def _sign_in(browser: Browser, live_server: Any, user: User, *, staff: bool) -> Any:
    client = Client()
    client.force_login(user)
    if staff:  # staff have passed two-step verification, as they must to see people's details
        verify_session(client, user)
    context = browser.new_context(base_url=live_server.url, viewport={"width": PHONE_WIDTH, "height": 844})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context


@pytest.mark.parametrize(
    ("email", "staff"),
    [
        ("manager@example.org", True),  # programme admin
        ("coordinator.cambridge-south@example.org", True),
        ("cambridge-south.1@example.org", True),  # a peer mentor who facilitates
        ("cambridge-south.2@example.org", False),  # a member
        ("partnerships.nhs@example.org", True),  # a senior leader of a partner
    ],
)
def test_every_page_linked_from_the_start_works_on_a_phone(
    email: str, staff: bool, browser: Browser, live_server: Any
) -> None:
    load_demo()
    context = _sign_in(browser, live_server, User.objects.get(email=email), staff=staff)
    page = context.new_page()
    axe = Axe()
    host = urlsplit(live_server.url).netloc
    queue: deque[str] = deque(["/"])
    found_on: dict[str, str] = {}
    opened: set[str] = set()
    problems: list[str] = []
    try:
        while queue and len(opened) < LIMIT:
            address = queue.popleft()
            path = urlsplit(address).path
            if path in opened:
                continue
            opened.add(path)
            response = page.goto(address)
            assert response is not None
            if response.status >= 400:
                problems.append(f"{address} answers {response.status} (linked from {found_on.get(path)})")
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            two_step = "/sign-in/two-step/"
            if staff and urlsplit(page.url).path == two_step and path != two_step:
                problems.append(f"{address} sent a verified member of staff to two-step verification")
                continue
            if page.evaluate("document.documentElement.scrollWidth") > PHONE_WIDTH:
                wider = page.evaluate(
                    """(width) => [...document.querySelectorAll("body *")]
                        .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest(".sbs-table-scroll"))
                        .slice(0, 4).map((el) => `${el.tagName.toLowerCase()}.${el.className}`)""",
                    PHONE_WIDTH,
                )
                problems.append(f"{address} is wider than a phone: {wider}")
            results = axe.run(page)
            if results.violations_count:
                found = [
                    (v["id"], [n["html"][:120] for n in v["nodes"]]) for v in results.response["violations"]
                ]
                problems.append(f"{address}: axe {json.dumps(found)}")
            for href in page.eval_on_selector_all("a[href]", "links => links.map((a) => a.href)"):
                link = urlsplit(urljoin(page.url, href))
                if link.scheme not in ("http", "https") or link.netloc != host:
                    continue
                if link.path.endswith(FILES) or any(part in link.path for part in NOT_PAGES):
                    continue
                if link.path not in opened:
                    queue.append(link.path + (f"?{link.query}" if link.query else ""))
                    found_on.setdefault(link.path, urlsplit(page.url).path)
    finally:
        context.close()
    assert len(opened) > 40, f"only {len(opened)} pages reached: is the start page linking anywhere?"
    assert not problems, "\n".join(problems)
