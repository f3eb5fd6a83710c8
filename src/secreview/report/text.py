"""The terminal summary: the report's memo as plain text, decision first.

Written from the same document tree as the other formats; the sections marked for text are the
memo (decision, what it takes to approve, conditions, accepted risks, risk list, open questions),
so the terminal says what the first pages of the PDF say.
"""

from __future__ import annotations

import textwrap

from secreview.i18n import Lang
from secreview.report.charts import ChartStyle
from secreview.report.document import (
    Block,
    Box,
    Document,
    Facts,
    Figure,
    Inline,
    Items,
    Para,
    Signatures,
    Subhead,
    Table,
    Tiles,
)
from secreview.report.sections import build_document
from secreview.review import Review

STYLE = ChartStyle(font_family="sans-serif", clean=str)
WIDTH = 100


def inline(run: Inline) -> str:
    """Spans as plain text; a risk level in brackets so it stands out without colour."""
    return "".join(f"[{s.text.upper()}]" if s.kind == "badge" else s.text for s in run)


def _wrap(text: str, indent: str, hang: str | None = None) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent,
                         subsequent_indent=hang if hang is not None else indent,
                         break_long_words=False, break_on_hyphens=False) or [indent.rstrip()]


def block(b: Block, indent: str = "  ") -> list[str]:
    if isinstance(b, Para):
        return _wrap(inline(b.text), indent)
    if isinstance(b, Subhead):
        return ["", f"{indent}{inline(b.text)}:"]
    if isinstance(b, Items):
        lines = []
        if b.style == "compact":
            indent += "    "
        for number, item in enumerate(b.items, b.start):
            marker = f"{number}. " if b.ordered else "- "
            lines += _wrap(inline(item.text), indent + marker, indent + " " * len(marker))
            if item.detail:
                lines += _wrap(inline(item.detail), indent + " " * len(marker))
        return lines
    if isinstance(b, Table):
        return [line for row in b.rows
                for line in _wrap(" · ".join(inline(cell) for cell in row), indent + "- ",
                                  indent + "  ")]
    if isinstance(b, Facts):
        return [f"{indent}{key}: {inline(value)}" for key, value in b.rows]
    if isinstance(b, Figure):
        return [f"{indent}{inline(item.text)}" for item in b.text]
    if isinstance(b, Box):
        return [line for inner in b.blocks for line in block(inner, indent)]
    if isinstance(b, Tiles):
        return [indent + " · ".join(f"{name} {number}" for number, name, _ in b.tiles)]
    if isinstance(b, Signatures):
        return []
    raise TypeError(f"no text for {type(b).__name__}")


def write(document: Document) -> str:
    out = [f"{document.title}", f"{document.subtitle}", ""]
    for b in document.header:
        out += block(b, "")
    for section in document.for_format("text"):
        out += ["", section.title.upper()]
        if section.intro:
            out += _wrap(inline(section.intro), "  ")
        for b in section.blocks:
            out += block(b)
    return "\n".join(out) + "\n"


def render_text(review: Review, lang: Lang) -> str:
    return write(build_document(review, lang, STYLE))
