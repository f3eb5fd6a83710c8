"""The decision report as a small document tree that every format writes out.

The views (:mod:`secreview.report.sections`) decide *what* the report says, once, as sections made
of a handful of block kinds; the writers (HTML/PDF through one Jinja template, Markdown, text)
decide only *how* each kind looks. A new section is a new view; a format never needs to know it.

Text in the tree is plain, unescaped text: each writer escapes for its own format (Jinja's
autoescape for HTML, :func:`~secreview.report.markdown_text.md` for Markdown).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from markupsafe import Markup

SpanKind = Literal["text", "strong", "muted", "code", "name", "badge", "flag", "id"]
Part = Literal["memo", "signoff", "annex"]
Format = Literal["html", "md", "text"]


@dataclass(frozen=True)
class Span:
    """A run of text with one meaning.

    ``name`` marks a proper name (a system, a vendor, a person, a board) or an answer as the
    description gives it: never hyphenated by the document language's rules (a Swedish board
    name or a vendor's name in an English report, "Mailrelay Inc.").
    ``badge`` is a risk level (``level`` is its id, for the colour); ``id`` a risk id such as R3;
    ``flag`` a warning the reader must not miss; ``code`` an identifier for officers.
    """

    text: str
    kind: SpanKind = "text"
    level: str | None = None


Inline = tuple[Span, ...]


def spans(*parts: Span | str | None) -> Inline:
    """An inline run from spans and plain strings; ``None`` and empty strings are skipped."""
    return tuple(p if isinstance(p, Span) else Span(p) for p in parts if p)


def plain(inline: Inline) -> str:
    """The text of an inline run, without its marks (for alt texts and plain outputs)."""
    return "".join(span.text for span in inline)


@dataclass(frozen=True)
class Para:
    text: Inline
    style: str = ""  # lead | callout | muted | warning


@dataclass(frozen=True)
class Item:
    text: Inline
    detail: Inline = ()


@dataclass(frozen=True)
class Items:
    items: tuple[Item, ...]
    ordered: bool = False
    style: str = ""
    start: int = 1


@dataclass(frozen=True)
class Table:
    """A table with column headers; ``header_column`` makes the first cell of a row its header."""

    head: tuple[str, ...]
    rows: tuple[tuple[Inline, ...], ...]
    style: str = ""
    caption: str = ""
    header_column: bool = False


@dataclass(frozen=True)
class Facts:
    """Label and value pairs, one per row (the label is the row's header)."""

    rows: tuple[tuple[str, Inline], ...]
    style: str = ""


@dataclass(frozen=True)
class Figure:
    """A chart with its alternative: ``alt`` for a screen reader, ``text`` for Markdown/text."""

    svg: Markup
    alt: str
    caption: str
    text: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Subhead:
    text: Inline
    level: int = 3
    bookmark: bool = False
    style: str = ""


@dataclass(frozen=True)
class Box:
    """A framed group of blocks (the decision box, one risk's details)."""

    blocks: tuple[Block, ...]
    style: str = ""
    colour: str | None = None
    kicker: str = ""


@dataclass(frozen=True)
class Tiles:
    """Counts side by side (risks per level): ``(number, label, level id or None)``."""

    tiles: tuple[tuple[int, str, str | None], ...]


@dataclass(frozen=True)
class SignatureLine:
    role: str
    name: str = ""
    note: str = ""


@dataclass(frozen=True)
class Signatures:
    """The sign-off: decision options to tick, then a signature line per signer."""

    options: tuple[str, ...]
    lines: tuple[SignatureLine, ...]
    labels: tuple[str, str, str, str]  # name, position, date, signature


Block = Para | Items | Table | Facts | Figure | Subhead | Box | Tiles | Signatures


@dataclass(frozen=True)
class Section:
    """One section of the report: a bookmark in the PDF, a heading everywhere.

    ``part`` says where it stands (memo, sign-off, annexes); ``formats`` which outputs carry it
    (the terminal summary is the memo; the long description annex stays in HTML and PDF).
    """

    id: str
    title: str
    part: Part
    blocks: tuple[Block, ...]
    formats: frozenset[Format] = frozenset({"html", "md"})
    new_page: bool = False
    intro: Inline = ()


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    header: tuple[Block, ...] = ()
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def for_format(self, fmt: Format) -> Sequence[Section]:
        return [s for s in self.sections if fmt in s.formats]
