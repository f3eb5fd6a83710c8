"""Markdown for a case system: every section there, untrusted text inert."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from secreview.api import review_file
from secreview.report.markdown import md, render_markdown

FIXTURES = Path(__file__).parent / "fixtures"


def test_sections_in_order() -> None:
    review = review_file(FIXTURES / "system_min.yaml", [FIXTURES / "rules"],
                         review_date=dt.date(2026, 11, 26))
    text = render_markdown(review, "sv")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[0] == "## Beslut: Avslås"
    order = ["## Beslut", "## Risk per område", "## Förhandsbedömning", "## Kritiska och höga",
             "## Handlingsplan", "## Öppna frågor", "## Alla granskade krav", "## Spårbarhet"]
    positions = [text.index(h) for h in order]
    assert positions == sorted(positions)
    assert "Acme &lt;script&gt;" in text


def test_escapes() -> None:
    assert md("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
    assert md("[a](http://x)") == "\\[a\\](http://x)"
    assert md("# title") == "\\# title"
    assert md("- item") == "\\- item"
    assert md("1. item") == "1\\. item"
    assert md("a\n\n# b | c") == "a \\# b \\| c"
    assert md("*bold* _it_ `code`") == "\\*bold\\* \\_it\\_ \\`code\\`"


@given(st.text(max_size=200))
def test_no_markup_survives(text: str) -> None:
    out = md(text)
    assert "\n" not in out and "<" not in out and ">" not in out
    assert not re.search(r"(?<!\\)[\[\]`*_|#]", out.replace("\\\\", ""))


def test_code_spans_cannot_be_closed_early() -> None:
    from secreview.report.markdown import code

    assert code("a`b|c") == "`a'b/c`"
    assert code("test.rule_id") == "`test.rule_id`"
