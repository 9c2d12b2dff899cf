"""Pictures for reports, drawn once as shapes and written out as SVG (for the page and for
download) or PNG (for documents that take only pictures).

Three pictures: a word cloud, theme counts month by month (stacked bars), and themes by hub (a
heat table). Each page that shows one also shows a table of the same numbers; the pictures
carry a title and a description for screen readers too. No outside charting library: the
shapes are few, and the same shapes make both files, so the two downloads always agree.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from sidebyside.voices.wordcloud import Cloud

INK = "#0b0c0c"
MUTED = "#505a5f"
RULE = "#b1b4b6"
FONT = "Arial, Helvetica, sans-serif"
# The themes' colours (insights.models.Theme.Colour), as drawn.
COLOURS = {
    "blue": "#1d70b8",
    "green": "#00703c",
    "purple": "#4c2c92",
    "red": "#d4351c",
    "brown": "#b58840",
    "pink": "#d53880",
    "teal": "#28a197",
    "grey": "#505a5f",
}


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    size: int
    fill: str = INK
    anchor: str = "start"  # start, middle, end
    bold: bool = False


@dataclass
class Picture:
    width: int
    height: int
    title: str
    description: str
    shapes: list[Rect | Text] = field(default_factory=list)


def to_svg(picture: Picture, *, ident: str = "picture") -> str:
    """The picture as SVG; ``ident`` keeps its title's id apart from others on the same page."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {picture.width} {picture.height}" '
        f'width="{picture.width}" height="{picture.height}" role="img" class="sbs-picture" '
        f'aria-labelledby="{ident}-title {ident}-description" font-family={quoteattr(FONT)}>',
        f'<title id="{ident}-title">{escape(picture.title)}</title>',
        f'<desc id="{ident}-description">{escape(picture.description)}</desc>',
        f'<rect x="0" y="0" width="{picture.width}" height="{picture.height}" fill="#ffffff"/>',
    ]
    for shape in picture.shapes:
        if isinstance(shape, Rect):
            parts.append(
                f'<rect x="{shape.x:.1f}" y="{shape.y:.1f}" width="{shape.width:.1f}" '
                f'height="{shape.height:.1f}" fill="{shape.fill}"/>'
            )
        else:
            weight = ' font-weight="bold"' if shape.bold else ""
            parts.append(
                f'<text x="{shape.x:.1f}" y="{shape.y:.1f}" font-size="{shape.size}" fill="{shape.fill}" '
                f'text-anchor="{shape.anchor}"{weight}>{escape(shape.text)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def to_png(picture: Picture, *, scale: int = 2) -> bytes:
    """The same shapes as a PNG, ``scale`` times the size (sharp in a printed report)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (picture.width * scale, picture.height * scale), "#ffffff")
    draw = ImageDraw.Draw(image)
    fonts: dict[int, ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}
    anchors = {"start": "ls", "middle": "ms", "end": "rs"}
    for shape in picture.shapes:
        if isinstance(shape, Rect):
            draw.rectangle(
                [
                    shape.x * scale,
                    shape.y * scale,
                    (shape.x + shape.width) * scale - 1,
                    (shape.y + shape.height) * scale - 1,
                ],
                fill=shape.fill,
            )
        else:
            size = shape.size * scale
            if size not in fonts:
                fonts[size] = ImageFont.load_default(size=size)
            draw.text(
                (shape.x * scale, shape.y * scale),
                shape.text,
                fill=shape.fill,
                font=fonts[size],
                anchor=anchors[shape.anchor],
                stroke_width=1 if shape.bold else 0,
                stroke_fill=shape.fill,
            )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _fit(text: str, size: int, width: float) -> str:
    """Shorten a label to about ``width`` at ``size`` (letters a little over half as wide as tall)."""
    most = max(3, int(width / (size * 0.58)))
    return text if len(text) <= most else text[: most - 1] + "…"


# --- The three pictures ----------------------------------------------------------------------------


def cloud_picture(cloud: Cloud, *, title: str) -> Picture:
    words = ", ".join(f"{w.text} ({w.count})" for w in cloud.by_count[:10])
    picture = Picture(
        cloud.width,
        max(cloud.height, 40),
        title,
        f"The words said most, biggest first: {words}." if cloud else "No words to show.",
    )
    for word in cloud.words:
        picture.shapes.append(Text(word.x, word.y, word.text, word.size, anchor="middle"))
    return picture


def timeline_picture(
    *,
    title: str,
    periods: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[int]]],
) -> Picture:
    """Stacked bars, one a period; ``series`` is (theme name, colour, count for each period)."""
    width, left, top, bar_area = 760, 48, 36, 240
    legend_rows = (len(series) + 2) // 3
    picture = Picture(width, top + bar_area + 40 + 24 * legend_rows + 10, title, "")
    totals = [sum(counts[i] for _, _, counts in series) for i in range(len(periods))]
    highest = max(totals, default=0) or 1
    picture.shapes.append(Text(0, 20, title, 16, bold=True))
    step = (width - left - 10) / max(1, len(periods))
    bar = min(48.0, max(4.0, step * 0.7))
    bottom = top + bar_area
    for fraction in (0, 0.5, 1):
        y = bottom - bar_area * fraction
        picture.shapes.append(Rect(left, y, width - left - 10, 1, RULE))
        picture.shapes.append(Text(left - 6, y + 4, f"{round(highest * fraction):,}", 11, MUTED, "end"))
    every = max(1, round(len(periods) / 12))
    for i, period in enumerate(periods):
        x = left + i * step + (step - bar) / 2
        y = bottom
        for _, colour, counts in series:
            if counts[i]:
                height = bar_area * counts[i] / highest
                y -= height
                picture.shapes.append(Rect(x, y, bar, height, COLOURS.get(colour, MUTED)))
        if i % every == 0:
            picture.shapes.append(Text(x + bar / 2, bottom + 16, period, 11, MUTED, "middle"))
    for n, (name, colour, _) in enumerate(series):
        x, y = (n % 3) * (width / 3), bottom + 40 + (n // 3) * 24
        picture.shapes.append(Rect(x, y - 11, 12, 12, COLOURS.get(colour, MUTED)))
        picture.shapes.append(Text(x + 18, y, _fit(name, 13, width / 3 - 24), 13))
    busiest = sorted(zip(periods, totals, strict=True), key=lambda p: -p[1])[:3]
    picture.description = (
        f"Contributions in each theme, {periods[0]} to {periods[-1]}. Busiest: "
        + ", ".join(f"{p} ({t:,})" for p, t in busiest)
        + "."
        if periods
        else "Nothing to show."
    )
    return picture


def heat_picture(
    *, title: str, rows: Sequence[str], columns: Sequence[str], counts: Sequence[Sequence[int]]
) -> Picture:
    """A table of counts, darker for more: themes down the side, hubs across."""
    label, cell, row_height, top = 200, 96, 30, 64
    width = label + cell * max(1, len(columns)) + 10
    picture = Picture(width, top + row_height * max(1, len(rows)) + 10, title, "")
    picture.shapes.append(Text(0, 20, title, 16, bold=True))
    highest = max((c for row in counts for c in row), default=0) or 1
    for j, column in enumerate(columns):
        picture.shapes.append(
            Text(label + j * cell + cell / 2, top - 10, _fit(column, 12, cell - 6), 12, MUTED, "middle")
        )
    for i, row in enumerate(rows):
        y = top + i * row_height
        picture.shapes.append(Text(0, y + 20, _fit(row, 13, label - 10), 13))
        for j, count in enumerate(counts[i]):
            share = count / highest
            # From pale to the darkest blue: dark cells get white figures, for contrast.
            shade = _mix("#f3f2f1", "#003078", share)
            picture.shapes.append(Rect(label + j * cell + 1, y + 1, cell - 2, row_height - 2, shade))
            picture.shapes.append(
                Text(
                    label + j * cell + cell / 2,
                    y + 20,
                    f"{count:,}",
                    13,
                    "#ffffff" if share > 0.45 else INK,
                    "middle",
                )
            )
    picture.description = f"Contributions in each of {len(rows)} themes, for each of {len(columns)} hubs."
    return picture


def _mix(low: str, high: str, share: float) -> str:
    a = [int(low[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(high[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b, strict=True))
