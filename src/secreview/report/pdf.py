"""The decision report as PDF/A-3u: tagged, archivable, reproducible, with review.json embedded.

Safety: the HTML comes from :mod:`secreview.report.html` (every text escaped and length-capped)
and is bounded in size here; WeasyPrint then runs with a fetcher that serves bundled files only,
bounded in time (:mod:`secreview.report.pdf_write`).

Determinism: the document dates and the attachment's dates come from the review date, the fonts
are subset in advance and embedded whole, and the file identifier is a hash of the content, so the
same review gives the same bytes on every machine, with or without ``libharfbuzz-subset0``.

WeasyPrint is imported only when a PDF is written, so the CLI starts fast for other formats.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from secreview.errors import InputError
from secreview.i18n import Lang, label
from secreview.report.html import document_html
from secreview.report.logo import Logo
from secreview.report.pdf_write import (
    ATTACHMENT_NAME,
    PDF_VARIANT,
    TIME_LIMIT_SECONDS,
    Asset,
    FetchRefused,
    PdfJob,
    RenderTimeout,
    font_css,
    make_fetcher,
    time_limit,
    write_pdf,
)
from secreview.review import Review

__all__ = ["ATTACHMENT_NAME", "MAX_HTML_BYTES", "PDF_VARIANT", "FetchRefused", "RenderTimeout",
           "font_css", "make_fetcher", "prepare", "render_pdf", "time_limit"]

MAX_HTML_BYTES = 8 * 1024 * 1024
"""A report larger than this is refused before layout (it would be thousands of pages)."""


def prepare(review: Review, lang: Lang, *, logo: Logo | None = None,
            time_limit_seconds: float = TIME_LIMIT_SECONDS) -> PdfJob:
    """The HTML and the attachment of ``review``'s report, checked for size, ready to render."""
    html = document_html(review, lang, pdf=True, logo=logo)
    if len(html.encode("utf-8")) > MAX_HTML_BYTES:
        raise InputError.single(
            f"the report would be larger than {MAX_HTML_BYTES // (1024 * 1024)} MiB of HTML",
            suggestion="shorten the free texts in the system description or split the review")
    moment = dt.datetime.combine(review.review_date, dt.time(0, 0), tzinfo=dt.UTC)
    return PdfJob(html=html, attachment=review.to_json().encode("utf-8"),
                  attachment_description=label("report.attachment_note", lang), moment=moment,
                  logo=Asset(logo.mime, logo.data) if logo is not None else None,
                  time_limit_seconds=time_limit_seconds)


def render_pdf(review: Review, lang: Lang, *, logo: Logo | None = None,
               fetcher: Any = None, time_limit_seconds: float = TIME_LIMIT_SECONDS) -> bytes:
    """Render the decision report as PDF/A-3u bytes with ``review.json`` embedded (Data)."""
    return write_pdf(prepare(review, lang, logo=logo, time_limit_seconds=time_limit_seconds),
                     fetcher)
