"""The committed rule catalogue in docs/rules must match the bundled rulesets.

Regenerate with: secreview rules docs -o docs/rules
"""

from __future__ import annotations

from pathlib import Path

from secreview.report.rules_docs import render_catalogue
from secreview.rules.loader import load_catalog

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"


def test_docs_rules_is_up_to_date() -> None:
    expected = render_catalogue(load_catalog(), "en")
    committed = {p.name: p.read_text(encoding="utf-8") for p in DOCS.iterdir() if p.is_file()}
    assert sorted(committed) == sorted(expected), "run: secreview rules docs -o docs/rules"
    stale = [name for name, text in expected.items() if committed[name] != text]
    assert not stale, f"stale catalogue pages {stale}; run: secreview rules docs -o docs/rules"
