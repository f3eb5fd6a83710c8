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
from secreview.report import view
from secreview.report.charts import ChartStyle, aspect_chart, heat_map
from secreview.report.common import deciding_intro, dpia_verdict, overall_levels
from secreview.report.environment import drawable, environment
from secreview.report.logo import Logo
from secreview.review import Review
from secreview.vocabulary import DECISION_COLOURS

TEMPLATE = "report.html.j2"
STYLESHEET = "report.css"
PDF_FONT_FAMILY = "Secreview Noto Sans"
SCREEN_FONT_FAMILY = '"Noto Sans", "Segoe UI", "Helvetica Neue", Arial, sans-serif'
LOGO_URL = "secreview-asset:logo"
"""The logo's address inside the PDF; only the PDF's URL fetcher answers it."""


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
    """Everything the template needs, worked out once."""
    clean: Callable[[str], str] = drawable if pdf else str
    style = ChartStyle(font_family=PDF_FONT_FAMILY if pdf else SCREEN_FONT_FAMILY, clean=clean)
    titles = {f.rule_id: f.title.get(lang) for f in review.findings}
    rows = view.description_rows(review, lang)
    return {
        "review": review,
        "lang": lang,
        "pdf": pdf,
        "css": stylesheet(),
        "page_label": Markup(css_string(clean(label("report.page", lang)))),  # noqa: S704
        "page_of": Markup(css_string(clean(label("report.page_of", lang)))),  # noqa: S704
        "logo_src": (LOGO_URL if pdf else logo.data_uri()) if logo else None,
        "decision_colour": DECISION_COLOURS[review.decision.outcome],
        "rule_titles": titles,
        "aspect_titles": {a.id: a.title.get(lang) for a in review.aspects},
        "max_conditions": view.MAX_DECISION_PAGE_CONDITIONS,
        "key_findings": view.key_findings(review),
        "key_unverified": view.key_unverified(review),
        "key_levels": view.key_levels(review),
        "actions": view.action_plan(review),
        "level_counts": view.level_counts(review),
        "dpia_verdict": dpia_verdict(review, lang),
        "overall_levels": overall_levels(review, lang),
        "deciding_intro": deciding_intro(review, lang),
        "classification": view.classification(review),
        "classification_axes": view.CLASSIFICATION_AXES,
        "description_rows": rows,
        "description_truncated": view.description_truncated(rows),
        "listed_findings": view.listed_findings(review),
        "waived": view.waived_findings(review),
        "open_count": len(view.open_findings(review)),
        "explain": lambda step, finding: view.explain_step(step, finding, review, lang),
        "heat_map": heat_map(review, lang, style),
        "aspect_chart": aspect_chart(review, lang, style),
    }


def document_html(review: Review, lang: Lang, *, pdf: bool, logo: Logo | None = None) -> str:
    return environment(pdf).get_template(TEMPLATE).render(
        context(review, lang, pdf=pdf, logo=logo))


def render_html(review: Review, lang: Lang, *, logo: Logo | None = None) -> str:
    """Self-contained HTML: open it in a browser, mail it, or attach it to a case."""
    return document_html(review, lang, pdf=False, logo=logo)
