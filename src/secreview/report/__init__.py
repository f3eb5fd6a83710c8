"""Renderers: every output is a function of one :class:`~secreview.review.Review` and a language.

Heavy renderers (PDF) are imported only when used, so the CLI starts fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from secreview.errors import InputError, did_you_mean
from secreview.labels import Lang

if TYPE_CHECKING:
    from secreview.report.logo import Logo
    from secreview.review import Review

Renderer = Callable[["Review", Lang], "str | bytes"]

# format name -> (module, function); imported lazily.
FORMATS: dict[str, tuple[str, str]] = {
    "text": ("secreview.report.text", "render_text"),
    "json": ("secreview.report.jsonout", "render_json"),
    "md": ("secreview.report.markdown", "render_markdown"),
    "html": ("secreview.report.html", "render_html"),
    "csv": ("secreview.report.csvout", "render_csv"),
    "pdf": ("secreview.report.pdf", "render_pdf"),
}
EXTENSIONS: dict[str, str] = {".txt": "text", ".json": "json", ".md": "md", ".html": "html",
                              ".htm": "html", ".csv": "csv", ".pdf": "pdf"}
LOGO_FORMATS = frozenset({"html", "pdf"})
"""Formats that show the organisation's logo (passed as the ``logo`` keyword)."""


def renderer(fmt: str) -> Renderer:
    if fmt not in FORMATS:
        raise InputError.single(f"unknown output format '{fmt}'",
                                suggestion=did_you_mean(fmt, FORMATS)
                                or f"formats: {', '.join(FORMATS)}")
    module, function = FORMATS[fmt]
    return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]


def format_for(path: str | Path | None, explicit: str | None) -> str:
    """``--format`` wins; otherwise the output file's extension; otherwise text."""
    if explicit:
        return explicit
    if path is not None:
        suffix = Path(path).suffix.lower()
        if suffix in EXTENSIONS:
            return EXTENSIONS[suffix]
        raise InputError.single(
            f"cannot tell the output format from the extension '{suffix or '(none)'}'",
            file=str(path),
            suggestion=f"use one of {', '.join(sorted(EXTENSIONS))} or pass --format",
        )
    return "text"


def render(review: Review, fmt: str, lang: Lang, logo: Logo | None = None) -> str | bytes:
    if logo is not None and fmt in LOGO_FORMATS:
        return renderer(fmt)(review, lang, logo=logo)  # type: ignore[call-arg]
    return renderer(fmt)(review, lang)
