"""DPIA screening: criteria met, unknown, not screened, and a screening that was not done."""

from __future__ import annotations

import datetime as dt
from pathlib import Path


def test_dpia_screening_without_screening_rules_is_not_done(tmp_path: Path) -> None:
    """Own rules only (no screening rule selected): the screening was not done, so the report
    never says "no DPIA required" nor lists the nine criteria as not met."""
    from secreview.api import review_file
    from secreview.report import render

    rules = tmp_path / "own.yaml"
    rules.write_text(
        "ruleset: {id: own, version: 1.0.0, title: {sv: E, en: O}, owner: o, date: 2026-01-01,"
        " aspect: gdpr}\n"
        "rules:\n"
        "  - {id: own.dpia, title: {sv: D, en: D}, message: {sv: D, en: D},"
        " remediation: {sv: D, en: D}, references: [{source: GDPR}], consequence: 3,"
        " likelihood: 3, applies_if: {fact: derived.dpia_required, eq: true},"
        " finding_if: {fact: personal_data.dpia.status, ne: approved}}\n", encoding="utf-8")
    system = tmp_path / "system.yaml"
    system.write_text("dpia_screening: {large_scale: true, sensitive_data: true, "
                      "vulnerable_subjects: true}\n", encoding="utf-8")
    review = review_file(system, [rules], review_date=dt.date(2026, 11, 26))
    assert review.dpia.screened is False
    assert review.dpia.required is None
    assert review.dpia.criteria_not_met == []
    assert len(review.dpia.criteria_not_screened) == 9
    assert next(f for f in review.findings if f.rule_id == "own.dpia").status == "unknown"
    for fmt, lang, words in (("text", "sv", "DPIA-screening inte gjord"),
                             ("md", "en", "DPIA screening not done"),
                             ("html", "en", "DPIA screening not done")):
        out = render(review, fmt, lang)  # type: ignore[arg-type]
        assert isinstance(out, str) and words in out
        assert "No DPIA is required" not in out and "Ingen DPIA krävs" not in out
    assert '"screened": false' in render(review, "json", "en")
