"""Browser journeys: Debian's Chromium driven by Playwright, axe on every page visited.

Run with ``bin/test`` (or ``DJANGO_ALLOW_ASYNC_UNSAFE=true pytest tests_e2e -m e2e``).
Screenshots of every checked page go to ``tests_e2e/screenshots/`` for people to look at.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
_axe = Axe()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: bin/test installs it (apt-get install chromium).")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    # A CSP violation or a broken script shows up as a console error: none are allowed.
    assert not errors, f"browser console errors: {errors}"


@pytest.fixture
def phone(browser: Browser, live_server: Any) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


def check_page(page: Page, name: str) -> None:
    """Screenshot the page and assert axe finds no violations on it."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    results = _axe.run(page)
    if results.violations_count:
        report = json.dumps(
            [
                {"id": v["id"], "help": v["help"], "nodes": [n["html"][:200] for n in v["nodes"]]}
                for v in results.response["violations"]
            ],
            indent=1,
        )
        pytest.fail(f"axe found {results.violations_count} violation(s) on {name} ({page.url}):\n{report}")


def tab_to(page: Page, pattern: str, *, attribute: str = "text", limit: int = 80) -> None:
    """Press Tab until the focused element's text (or another attribute) matches ``pattern``."""
    regex = re.compile(pattern)
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """(attribute) => {
                const el = document.activeElement;
                if (!el) return "";
                if (attribute === "text") return (el.innerText || el.value || "").trim();
                return el.getAttribute(attribute) || "";
            }""",
            attribute,
        )
        if regex.search(focused):
            return
    pytest.fail(f"could not reach an element matching {pattern!r} with the Tab key")


def follow(page: Page) -> None:
    """Press Enter on the focused link or button and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")
