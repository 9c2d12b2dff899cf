"""QR codes drawn as inline SVG, for a page to size as it needs (a poster, a card, a screen)."""

from __future__ import annotations

import segno


def qr_svg(data: str, *, title: str) -> str:
    """``data`` as a QR code in an SVG that scales to whatever size the page's CSS gives it.

    The SVG has a ``viewBox`` and no fixed width or height: with a fixed size, CSS that made it
    smaller or larger cut the code off (its corner squares, which a camera needs to find it)
    instead of scaling it. The white margin round the code (four modules) is kept inside it."""
    return str(segno.make(data, error="m").svg_inline(omitsize=True, border=4, title=title))
