"""The decision report as one self-contained HTML file (CSS and charts inline, nothing fetched).

The PDF is rendered from the same HTML, so what a reader sees in a browser and in the archived PDF
is the same document; only the font declarations and the logo's address differ.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from secreview.bundled import templates_dir
from secreview.i18n import Lang, label
from secreview.report.charts import ChartStyle
from secreview.report.environment import drawable, environment
from secreview.report.logo import Logo
from secreview.report.pdf_write import LOGO_URL, PDF_FONT_FAMILY
from secreview.report.sections import build_document
from secreview.review import Review

TEMPLATE = "report.html.j2"
STYLESHEET = "report.css"
SCREEN_FONT_FAMILY = '"Noto Sans", "Segoe UI", "Helvetica Neue", Arial, sans-serif'


def css_string(text: str) -> str:
    """Quote text for a CSS string (used for our own labels in @page rules only)."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>\n\r' else c for c in text)
    return f'"{escaped}"'


def stylesheet() -> Markup:
    css = (templates_dir() / STYLESHEET).read_text(encoding="utf-8")
    if "</" in css:
        raise ValueError(f"{STYLESHEET} must not contain '</'")
    return Markup(css)  # noqa: S704 - our bundled stylesheet, checked above


def context(review: Review, lang: Lang, *, pdf: bool, logo: Logo | None) -> dict[str, Any]:
    """Everything the template needs: the document tree and the page furniture."""
    clean: Callable[[str], str] = drawable if pdf else str
    style = ChartStyle(font_family=PDF_FONT_FAMILY if pdf else SCREEN_FONT_FAMILY, clean=clean)
    document = build_document(review, lang, style)
    return {
        "review": review,
        "lang": lang,
        "pdf": pdf,
        "doc": document,
        "sections": document.for_format("html"),
        "css": stylesheet(),
        "page_label": Markup(css_string(clean(label("report.page", lang)))),  # noqa: S704
        "page_of": Markup(css_string(clean(label("report.page_of", lang)))),  # noqa: S704
        "logo_src": (LOGO_URL if pdf else logo.data_uri()) if logo else None,
    }


def document_html(review: Review, lang: Lang, *, pdf: bool, logo: Logo | None = None) -> str:
    return environment(pdf).get_template(TEMPLATE).render(
        context(review, lang, pdf=pdf, logo=logo))


def render_html(review: Review, lang: Lang, *, logo: Logo | None = None) -> str:
    """Self-contained HTML: open it in a browser, mail it, or attach it to a case."""
    return document_html(review, lang, pdf=False, logo=logo)
