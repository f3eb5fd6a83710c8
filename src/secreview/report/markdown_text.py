"""Escaping untrusted text for Markdown: the one escaper every Markdown output uses.

The report, the rule catalogue, the questions for the vendor and the re-review diff all print text
that came from a system description or a ruleset. Flattened to one line, with Markdown and HTML
metacharacters made inert, such text shows as typed and never becomes markup, a link or an image.
"""

from __future__ import annotations

import re

from secreview.report.common import MAX_SHORT, MAX_TEXT, cap

_ALWAYS = re.compile(r"([\\`*_\[\]#|~<>&])")
_LINE_START = re.compile(r"^([-+=>]|\d+[.)])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def md(text: str | None, limit: int = MAX_TEXT) -> str:
    """Escape untrusted text for Markdown: one line, metacharacters inert, length capped."""
    if not text:
        return ""
    flat = " ".join(cap(text, limit).split())
    escaped = _ALWAYS.sub(lambda m: _HTML.get(m.group(1), "\\" + m.group(1)), flat)
    return _LINE_START.sub(lambda m: "\\" + m.group(1) if len(m.group(1)) == 1
                           else m.group(1)[:-1] + "\\" + m.group(1)[-1], escaped)


def code(identifier: str) -> str:
    """An identifier (rule id, fact path, hash) as inline code; it cannot close the span early."""
    flat = " ".join(cap(identifier, MAX_SHORT).split()).replace("`", "'").replace("|", "/")
    return f"`{flat}`"
