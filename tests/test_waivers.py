"""Waivers: applied visibly, never silently; expired, unowned-critical and unknown ones refused."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from secreview.api import Reviewer
from secreview.engine.assemble import build_review
from secreview.errors import InputError
from secreview.loading import parse_yaml_text
from secreview.validation import validate
from secreview.waivers import WaiverFile, load_waivers

FIXTURES = Path(__file__).parent / "fixtures"
DATE = dt.date(2026, 11, 26)


def review(waivers: Path | None = FIXTURES / "waivers.yaml"):  # type: ignore[no-untyped-def]
    reviewer = Reviewer(rules=[FIXTURES / "rules"], waivers=waivers)
    return reviewer.review(FIXTURES / "system_min.yaml", DATE)


def test_waived_finding_keeps_its_place() -> None:
    result = review()
    by_id = {f.rule_id: f for f in result.findings}
    waived = by_id["test.processor_agreement"]
    assert waived.status == "waived"
    assert waived.waiver is not None and waived.waiver.accepted_by == "Anna Berg"
    assert waived.residual is not None and waived.residual.level == "high"
    assert result.summary.statuses["waived"] == 1


def test_critical_needs_named_risk_owner() -> None:
    result = review()
    critical = next(f for f in result.findings if f.rule_id == "test.subprocessor_outside")
    assert critical.status == "finding"
    assert any("risk_owner" in w.en for w in result.warnings)
    assert result.decision.outcome == "reject"


def test_expired_and_unknown_waivers_warn() -> None:
    result = review()
    assert next(f for f in result.findings if f.rule_id == "test.exit").status == "finding"
    assert any("expired on 2025-12-31" in w.en and "gick ut 2025-12-31" in w.sv
               for w in result.warnings)
    assert any("test.nonexistent" in w.en for w in result.warnings)


def test_malformed_waivers_are_errors(tmp_path: Path) -> None:
    bad = tmp_path / "w.yaml"
    bad.write_text("waivers:\n  - rule: test.exit\n    justification: short\n"
                   "    accepted_by: {name: A B, role: CISO}\n    accepted_on: 2026-01-01\n"
                   "    expires: 2025-01-01\n", encoding="utf-8")
    with pytest.raises(InputError, match="justification: String should have at least 10"):
        load_waivers(bad)
    bad.write_text(bad.read_text(encoding="utf-8").replace("short", "accepted for a reason"),
                   encoding="utf-8")
    with pytest.raises(InputError, match="'expires' must be after 'accepted_on'"):
        load_waivers(bad)


def test_duplicate_waiver_is_an_error(tmp_path: Path) -> None:
    entry = ("  - rule: test.exit\n    justification: accepted for a reason\n"
             "    accepted_by: {name: A B, role: CISO}\n    accepted_on: 2026-01-01\n"
             "    expires: 2027-01-01\n")
    file = tmp_path / "w.yaml"
    file.write_text("waivers:\n" + entry + entry, encoding="utf-8")
    with pytest.raises(InputError, match="waived twice"):
        load_waivers(file)


@pytest.mark.slow
@given(st.sets(st.sampled_from(["test.processor_agreement", "test.third_country", "test.exit",
                                "test.subprocessor_outside"])))
def test_a_waiver_never_removes_a_finding(rules: set[str]) -> None:
    entries = "".join(
        f"  - rule: {rule}\n    justification: accepted for the test\n"
        "    accepted_by: {name: A B, role: CISO}\n    risk_owner: {name: C D, role: Director}\n"
        "    accepted_on: 2026-01-01\n    expires: 2027-01-01\n" for rule in sorted(rules))
    text = "waivers:\n" + entries if entries else "waivers: []\n"
    waivers = validate(WaiverFile, parse_yaml_text(text, "w.yaml"))
    inputs = Reviewer(rules=[FIXTURES / "rules"]).load(FIXTURES / "system_min.yaml")
    plain = build_review(inputs, DATE)
    waived = build_review(dataclasses.replace(inputs, waivers=waivers), DATE)
    assert [f.rule_id for f in plain.findings] == sorted(
        (f.rule_id for f in waived.findings), key=[f.rule_id for f in plain.findings].index)
    assert len(waived.findings) == len(plain.findings)
    for rule in rules:
        status = next(f.status for f in waived.findings if f.rule_id == rule)
        original = next(f.status for f in plain.findings if f.rule_id == rule)
        assert status == ("waived" if original in ("finding", "unknown") else original)


def test_warnings_reach_every_report_in_both_languages() -> None:
    from secreview.report import render

    result = review()
    for lang, phrase in (("sv", "gick ut 2025-12-31"), ("en", "expired on 2025-12-31")):
        for fmt in ("text", "md", "html"):
            rendered = render(result, fmt, lang)
            assert isinstance(rendered, str)
            assert phrase in rendered, (fmt, lang)
