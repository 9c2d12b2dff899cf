"""Strict CSP: no template may carry inline scripts or inline styles."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

SCRIPT_WITH_BODY = re.compile(r"<script\b[^>]*>(?!\s*</script>)", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b", re.IGNORECASE)


def template_files() -> list[Path]:
    base = Path(settings.BASE_DIR)
    files = sorted((base / "templates").rglob("*.html"))
    files += sorted(base.glob("sidebyside/*/templates/**/*.html"))
    return files


def test_no_template_has_inline_scripts_or_styles() -> None:
    files = template_files()
    assert len(files) > 20, "expected to find the project's templates"
    problems = []
    for path in files:
        text = path.read_text()
        for name, pattern in (
            ("inline <script> body", SCRIPT_WITH_BODY),
            ("style attribute", STYLE_ATTRIBUTE),
            ("<style> tag", STYLE_TAG),
        ):
            if pattern.search(text):
                problems.append(f"{path.relative_to(settings.BASE_DIR)}: {name}")
    assert problems == []


def test_the_scan_would_catch_inline_scripts_and_styles() -> None:
    assert SCRIPT_WITH_BODY.search("<script>alert(1)</script>")
    assert SCRIPT_WITH_BODY.search('<script nonce="x">\n  go();\n</script>')
    assert not SCRIPT_WITH_BODY.search('<script src="/a.js" nonce="x"></script>')
    assert not SCRIPT_WITH_BODY.search('<script src="/a.js">\n</script>')
    assert STYLE_ATTRIBUTE.search('<div style="color: red">')
    assert not STYLE_ATTRIBUTE.search('<div class="govuk-!-font-weight-bold">')
    assert STYLE_TAG.search("<style>p{}</style>")
