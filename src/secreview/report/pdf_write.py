"""The WeasyPrint side of the PDF report: HTML in, PDF/A-3u bytes out, nothing else fetched.

Kept apart from :mod:`secreview.report.pdf` (which builds the HTML from a Review) so that it needs
neither pydantic nor the review model: the command line runs it in a process of its own, started
before the review loads (:mod:`secreview.report.pdf_worker`), and that process only imports this
module and WeasyPrint.

Safety: WeasyPrint gets a URL fetcher that serves only files inside the bundled templates folder
and the logo already read into memory; every other address (``file://`` elsewhere, ``http(s)``,
``data:``, anything else) is refused and recorded. Rendering is bounded in time.

Determinism: the fonts are the bundled ones, subset once in advance and embedded whole
(:mod:`secreview.report.fonts`: no subsetting at render time, so the bytes do not depend on
whether the system has ``libharfbuzz-subset0``); the dates come from the job (the review date).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import unquote, urlsplit

from secreview.bundled import templates_dir
from secreview.errors import InputError
from secreview.report import weasy

PDF_FONT_FAMILY = "Secreview Noto Sans"
LOGO_URL = "secreview-asset:logo"
"""The logo's address inside the PDF; only the PDF's URL fetcher answers it."""

PDF_VARIANT = "pdf/a-3u"
ATTACHMENT_NAME = "review.json"
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
    weasy.load()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class BundledOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """Serves bundled files and the in-memory logo; refuses and records everything else."""

        def __init__(self, root: Path, logo: Asset | None) -> None:
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


def make_fetcher(logo: Asset | None = None) -> Any:
    """A fetcher for one rendering; its ``served`` and ``refused`` lists tell what was asked."""
    return _fetcher_class()(templates_dir(), logo)


ALARM_REPEAT_SECONDS = 0.05
"""How soon the alarm fires again when the first one was swallowed."""


class RenderTimeout(BaseException):
    """Not an ``Exception``: WeasyPrint catches those around fetches and carries on."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop a rendering that runs away (SIGALRM; only possible in the main thread on POSIX).

    The alarm repeats until the rendering stops: Python runs a signal handler wherever the
    interpreter happens to be, and an exception raised inside a garbage-collector callback or a
    ``__del__`` is printed and dropped, so one alarm alone may be lost. A rendering that outlived
    the limit is reported even if every alarm was swallowed and it finished anyway.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or seconds <= 0:
        yield
        return
    state = {"expired": False, "done": False}

    def expire(signum: int, frame: FrameType | None) -> None:
        if state["done"]:
            return
        state["expired"] = True
        raise RenderTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, ALARM_REPEAT_SECONDS)
    try:
        yield
        if state["expired"]:
            raise RenderTimeout
    finally:
        try:
            state["done"] = True
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


@contextlib.contextmanager
def _logo_failures(logo: Asset | None) -> Iterator[list[str]]:
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


@dataclass(frozen=True)
class Asset:
    """An image served from memory (the profile's logo): its MIME type and bytes."""

    mime: str
    data: bytes


@dataclass(frozen=True)
class PdfJob:
    """Everything WeasyPrint needs for one report, in plain values that cross a process pipe."""

    html: str
    attachment: bytes
    attachment_description: str
    moment: dt.datetime
    logo: Asset | None = None
    time_limit_seconds: float = 120.0


def write_pdf(job: PdfJob, fetcher: Any = None) -> bytes:
    """Render ``job`` as PDF/A-3u bytes with its attachment embedded as ``review.json`` (Data)."""
    weasy.load()
    from weasyprint import CSS, HTML, Attachment
    from weasyprint.text.fonts import FontConfiguration

    fetcher = fetcher if fetcher is not None else make_fetcher(job.logo)
    base_url = templates_dir().resolve().as_uri() + "/"
    fonts = FontConfiguration()
    stylesheet = CSS(string=font_css(), base_url=base_url, url_fetcher=fetcher, font_config=fonts)
    attachment = Attachment(
        string=job.attachment, name=ATTACHMENT_NAME, description=job.attachment_description,
        relationship="Data", created=job.moment, modified=job.moment, url_fetcher=fetcher,
    )
    try:
        with time_limit(job.time_limit_seconds), _logo_failures(job.logo) as failures:
            document = HTML(string=job.html, base_url=base_url, url_fetcher=fetcher).render(
                stylesheets=[stylesheet], font_config=fonts, pdf_variant=PDF_VARIANT,
                pdf_tags=True)
            # The template makes no <link rel=attachment>; drop any, so review.json is the only one.
            document.metadata.attachments = []
            # full_fonts: the bundled fonts are already subset (secreview.report.fonts), so
            # WeasyPrint embeds them as they are and never subsets, with or without HarfBuzz.
            data: bytes = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True,
                                             attachments=[attachment], full_fonts=True,
                                             finisher=_single_af_entries)
    except RenderTimeout:
        raise InputError.single(
            f"rendering the PDF took longer than {job.time_limit_seconds:g} s and was stopped",
            suggestion="shorten the free texts in the system description") from None
    if failures:
        raise InputError.single(
            "the logo could not be drawn in the PDF, which would have been left without it",
            found=failures[0][:200], suggestion="export the logo again as plain SVG or as PNG")
    return data
