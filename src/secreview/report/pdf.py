"""The decision report as PDF/A-3u: tagged, archivable, reproducible, with review.json embedded.

Safety: the HTML comes from :mod:`secreview.report.html` (every text escaped and length-capped),
and WeasyPrint gets a URL fetcher that serves only files inside the bundled templates folder and
the logo already read into memory; every other address (``file://`` elsewhere, ``http(s)``,
``data:``, anything else) is refused and recorded. Rendering is bounded in time, and the HTML in
size.

Determinism: the document dates and the attachment's dates come from the review date, fonts are
the bundled ones (subset), and the file identifier is a hash of the content, so the same review
gives the same bytes.

WeasyPrint is imported inside :func:`render_pdf` only, so the CLI starts fast for other formats.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import unquote, urlsplit

from secreview.bundled import templates_dir
from secreview.errors import InputError
from secreview.i18n import Lang, label
from secreview.report.html import LOGO_URL, PDF_FONT_FAMILY, document_html
from secreview.report.logo import Logo
from secreview.review import Review

PDF_VARIANT = "pdf/a-3u"
ATTACHMENT_NAME = "review.json"
MAX_HTML_BYTES = 8 * 1024 * 1024
"""A report larger than this is refused before layout (it would be thousands of pages)."""
TIME_LIMIT_SECONDS = 120.0
FONT_FILES = (("normal", "NotoSans-Regular.ttf"), ("bold", "NotoSans-Bold.ttf"))
FONT_TYPES = {".ttf": "font/ttf", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}


class FetchRefused(ValueError):
    """Raised (and caught by WeasyPrint) when the document asks for something not bundled."""


def font_css() -> str:
    """``@font-face`` rules for the bundled fonts, and the rule that nothing else is used."""
    faces = "".join(
        f'@font-face {{ font-family: "{PDF_FONT_FAMILY}"; font-weight: {weight}; '
        f'font-style: normal; src: url("fonts/{name}"); }}\n'
        for weight, name in FONT_FILES
    )
    return faces + f'html, body, svg, svg text {{ font-family: "{PDF_FONT_FAMILY}" !important; }}\n'


def _fetcher_class() -> type[Any]:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class BundledOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """Serves bundled files and the in-memory logo; refuses and records everything else."""

        def __init__(self, root: Path, logo: Logo | None) -> None:
            super().__init__(timeout=1, allowed_protocols=("file", "secreview-asset"),
                             allow_redirects=False, fail_on_errors=False)
            self.root = root.resolve()
            self.logo = logo
            self.served: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            del headers
            if url == LOGO_URL and self.logo is not None:
                self.served.append(url)
                return URLFetcherResponse(url, self.logo.data, {"Content-Type": self.logo.mime})
            parts = urlsplit(url)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(self.root) and path.is_file() \
                        and path.suffix in FONT_TYPES:
                    self.served.append(url)
                    return URLFetcherResponse(url, path.read_bytes(),
                                              {"Content-Type": FONT_TYPES[path.suffix]})
            self.refused.append(url)
            raise FetchRefused(f"not a bundled asset: {url[:200]}")

    return BundledOnlyFetcher


def make_fetcher(logo: Logo | None = None) -> Any:
    """A fetcher for one rendering; its ``served`` and ``refused`` lists tell what was asked."""
    return _fetcher_class()(templates_dir(), logo)


class RenderTimeout(BaseException):
    """Not an ``Exception``: WeasyPrint catches those around fetches and carries on."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop a rendering that runs away (SIGALRM; only possible in the main thread on POSIX)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or seconds <= 0:
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise RenderTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _single_af_entries(document: Any, pdf: Any) -> None:
    """WeasyPrint 70 lists each attachment twice in the catalog's /AF; keep each once."""
    del document
    entries = pdf.catalog.get("AF")
    if entries:
        unique = list(dict.fromkeys(entries))
        entries.clear()
        entries.extend(unique)


def _moment(review: Review) -> dt.datetime:
    return dt.datetime.combine(review.review_date, dt.time(0, 0), tzinfo=dt.UTC)


def render_pdf(review: Review, lang: Lang, *, logo: Logo | None = None,
               fetcher: Any = None, time_limit_seconds: float = TIME_LIMIT_SECONDS) -> bytes:
    """Render the decision report as PDF/A-3u bytes with ``review.json`` embedded (Data)."""
    from weasyprint import CSS, HTML, Attachment
    from weasyprint.text.fonts import FontConfiguration

    html = document_html(review, lang, pdf=True, logo=logo)
    if len(html.encode("utf-8")) > MAX_HTML_BYTES:
        raise InputError.single(
            f"the report would be larger than {MAX_HTML_BYTES // (1024 * 1024)} MiB of HTML",
            suggestion="shorten the free texts in the system description or split the review")
    fetcher = fetcher if fetcher is not None else make_fetcher(logo)
    base = templates_dir().resolve()
    base_url = base.as_uri() + "/"
    fonts = FontConfiguration()
    stylesheet = CSS(string=font_css(), base_url=base_url, url_fetcher=fetcher, font_config=fonts)
    moment = _moment(review)
    attachment = Attachment(
        string=review.to_json().encode("utf-8"), name=ATTACHMENT_NAME,
        description=label("report.attachment_note", lang), relationship="Data",
        created=moment, modified=moment, url_fetcher=fetcher,
    )
    try:
        with time_limit(time_limit_seconds), _logo_failures(logo) as failures:
            document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
                stylesheets=[stylesheet], font_config=fonts, pdf_variant=PDF_VARIANT,
                pdf_tags=True)
            # The template makes no <link rel=attachment>; drop any, so review.json is the only one.
            document.metadata.attachments = []
            data: bytes = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True,
                                             attachments=[attachment],
                                             finisher=_single_af_entries)
    except RenderTimeout:
        raise InputError.single(
            f"rendering the PDF took longer than {time_limit_seconds:g} s and was stopped",
            suggestion="shorten the free texts in the system description") from None
    if failures:
        raise InputError.single(
            "the logo could not be drawn in the PDF, which would have been left without it",
            found=failures[0][:200], suggestion="export the logo again as plain SVG or as PNG")
    return data


@contextlib.contextmanager
def _logo_failures(logo: Logo | None) -> Iterator[list[str]]:
    """WeasyPrint's messages that it could not load or draw the logo.

    It logs such failures and leaves the image out (it even catches a render timeout inside SVG
    drawing); a report without the logo it should carry is an error, not a silent omission.
    """
    failures: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if LOGO_URL in message:
                failures.append(message)

    handler = Collect(logging.ERROR)
    weasyprint_log = logging.getLogger("weasyprint")
    if logo is not None:
        weasyprint_log.addHandler(handler)
    try:
        yield failures
    finally:
        weasyprint_log.removeHandler(handler)
