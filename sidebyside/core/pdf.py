"""PDFs from our own HTML and CSS, with WeasyPrint told to fetch nothing (no images, fonts or
pages from anywhere: what is printed is only what we rendered)."""

from __future__ import annotations


def render_pdf(html: str, css: str) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    no_fetching = URLFetcher(allowed_protocols=())
    document = HTML(string=html, base_url=None, url_fetcher=no_fetching)
    pdf = document.write_pdf(stylesheets=[CSS(string=css, url_fetcher=no_fetching)])
    assert isinstance(pdf, bytes)
    return pdf
