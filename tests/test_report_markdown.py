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
    assert headings[0] == "## Beslut"
    order = ["## Beslut", "## Villkor", "## Riskbild", "## Underskrift", "## Bilaga A.",
             "## Bilaga B.", "## Bilaga C.", "## Bilaga D.", "## Bilaga E."]
    positions = [text.index(h) for h in order]
    assert positions == sorted(positions)
    assert "## Bilaga F." not in text  # the description as submitted stays in HTML and PDF
    assert "Acme &lt;script&gt;" in text
    assert "**Avslås**" in text


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


def test_the_worst_case_is_said_in_words_beside_the_decision_when_it_leads_elsewhere() -> None:
    """An incomplete review whose worst case is a reject says which answers would lead there;
    an approval whose worst case is the same approval says nothing more."""
    from reviewers import bundled_reviewer

    reviewer = bundled_reviewer()
    date = dt.date(2026, 11, 26)
    two = reviewer.review({"system": {"name": "Lärplattform"},
                           "personal_data": {"processed": True},
                           "vendor": {"third_country_law_access": True}}, date)
    assert two.decision.outcome == "incomplete" and two.decision.worst_case is not None
    for lang, lead in (("sv", "**I värsta fall:** Om konfidentialitetsnivån (KLASSA) är 3"),
                       ("en", "**In the worst case:** If the confidentiality level (KLASSA) is 3")):
        text = render_markdown(two, lang)
        assert lead in text
        assert text.index(lead) < text.index("## ", text.index(lead))  # in the decision section
    room = reviewer.review(Path(__file__).parent.parent / "examples" / "room-booking.yaml", date)
    assert room.decision.worst_case is not None
    assert room.decision.worst_case.outcome == room.decision.outcome == "approve"
    assert "I värsta fall" not in render_markdown(room, "sv")
