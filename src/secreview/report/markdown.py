"""The decision report as Markdown, for pasting into a case management system.

Written from the same document tree as the HTML and PDF (:mod:`secreview.report.sections`), so
the memo, the conditions and the annexes say the same in every format. Untrusted text is flattened
to one line and has its Markdown and HTML metacharacters escaped, so a system name like
``<img src=x>`` or ``[click](http://...)`` shows as typed and never becomes markup, a link or an
image. The long description annex is left to the PDF and the JSON.
"""

from __future__ import annotations

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
from secreview.report.markdown_text import code, md
from secreview.report.sections import build_document
from secreview.review import Review

STYLE = ChartStyle(font_family="sans-serif", clean=str)


def inline(run: Inline) -> str:
    """One run of spans as Markdown: names and text escaped, ids bold, levels in brackets."""
    out = []
    for span in run:
        core = span.text.strip()
        lead = span.text[: len(span.text) - len(span.text.lstrip())]
        trail = span.text[len(span.text.rstrip()):]
        if not core:
            out.append(span.text)
            continue
        text = md(core)
        out.append(lead)
        if span.kind in ("strong", "id", "flag"):
            out.append(f"**{text}**")
        elif span.kind == "badge":
            out.append(f"[{text}]")
        elif span.kind == "code":
            out.append(code(core))
        elif span.kind == "muted":
            out.append(f"*{text}*")
        else:
            out.append(text)
        out.append(trail)
    return "".join(out)


def _cell(run: Inline) -> str:
    return inline(run).replace("|", "\\|") or " "


def _table(head: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(md(h) or " " for h in head) + " |",
             "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def block(b: Block, depth: int) -> list[str]:
    """One block as Markdown lines; ``depth`` is the heading level of the enclosing section."""
    if isinstance(b, Para):
        text = inline(b.text)
        return [f"> {text}" if b.style == "callout" else text, ""]
    if isinstance(b, Subhead):
        return ["#" * min(depth + b.level - 2, 6) + " " + inline(b.text), ""]
    if isinstance(b, Items):
        lines = []
        for number, item in enumerate(b.items, b.start):
            marker = f"{number}." if b.ordered else "-"
            lines.append(f"{marker} {inline(item.text)}")
            if item.detail:
                lines.append(" " * (len(marker) + 1) + inline(item.detail))
        return [*lines, ""]
    if isinstance(b, Table):
        return _table(b.head, [[_cell(cell) for cell in row] for row in b.rows])
    if isinstance(b, Facts):
        return _table(("", ""), [[md(key), _cell(value)] for key, value in b.rows])
    if isinstance(b, Figure):
        lines = [f"*{md(b.caption)}*", ""]
        lines += [f"- {inline(item.text)}" for item in b.text]
        return [*lines, ""]
    if isinstance(b, Box):
        return [line for inner in b.blocks for line in block(inner, depth)]
    if isinstance(b, Tiles):
        return [" · ".join(f"{md(name)}: **{number}**" for number, name, _ in b.tiles), ""]
    if isinstance(b, Signatures):
        options = " ".join(f"☐ {md(option)}" for option in b.options)
        rows = [[md(line.role) + (f" *({md(line.note)})*" if line.note else ""),
                 md(line.name) or " ", " ", " "] for line in b.lines]
        return [options, "", *_table((b.labels[1], b.labels[0], b.labels[2], b.labels[3]), rows)]
    raise TypeError(f"no Markdown for {type(b).__name__}")


def write(document: Document) -> str:
    out = [f"# {md(document.subtitle)}: {md(document.title)}", ""]
    for b in document.header:
        out += block(b, 1)
    for section in document.for_format("md"):
        out += [f"## {md(section.title)}", ""]
        if section.intro:
            out += [inline(section.intro), ""]
        for b in section.blocks:
            out += block(b, 2)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def render_markdown(review: Review, lang: Lang) -> str:
    return write(build_document(review, lang, STYLE))
