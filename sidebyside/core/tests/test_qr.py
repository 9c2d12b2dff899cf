"""QR codes that a page can make any size without cutting them off (``core.qr``)."""

from __future__ import annotations

import re

import segno

from sidebyside.core.qr import qr_svg


def assert_scales_whole(html: str | bytes) -> None:
    """The page's QR code (its first SVG) scales to the size CSS gives it: a square viewBox and no
    fixed width or height, which would make a smaller or larger box cut it off."""
    text = html.decode() if isinstance(html, bytes) else html
    tag = re.search(r"<svg\b[^>]*>", text)
    assert tag is not None, "no QR code on the page"
    assert not re.search(r"\s(width|height)=", tag.group(0)), tag.group(0)
    box = re.search(r'viewBox="0 0 (\d+) (\d+)"', tag.group(0))
    assert box is not None, tag.group(0)
    assert box.group(1) == box.group(2)


def test_the_code_scales_and_keeps_its_margin() -> None:
    data = "https://sidebyside.example/j/ABC234/"
    svg = qr_svg(data, title="QR code: scan it")
    assert_scales_whole(svg)
    size = segno.make(data, error="m").symbol_size(scale=1, border=0)[0]
    assert f'viewBox="0 0 {size + 8} {size + 8}"' in svg  # four modules of white on each side
    assert "<title>QR code: scan it</title>" in svg


def test_the_title_is_escaped() -> None:
    svg = qr_svg("x", title='Signs "<Ann>" in')
    assert "<Ann>" not in svg
    assert "&lt;Ann&gt;" in svg
