"""Answers resting only on the vendor's word that decide a serious rule become conditions."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from secreview.addressees import addressee_of
from secreview.api import Reviewer
from secreview.facts import flatten
from secreview.inputs import Inputs
from secreview.report import render
from secreview.review import Review
from secreview.system import SystemDescription

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
WHEN = dt.date(2026, 12, 3)


def _with_provenance(role: str, source: str | None = "DPA bilaga 2",
                     example: str = "hr-service-se.yaml") -> tuple[Inputs, Review]:
    """An example (the approved HR service by default) with every vendor answer attributed
    to ``role``."""
    reviewer = Reviewer()
    inputs = reviewer.load(EXAMPLES / example)
    data = inputs.system.model_dump(by_alias=True, exclude_none=True)
    entry: dict[str, Any] = {"role": role, "when": WHEN, "who": "Lönesystem AB"}
    if source:
        entry["source"] = source
    data["provenance"] = {path: entry for path, value in flatten(inputs.system).items()
                          if value is not None and addressee_of(path) == "vendor"}
    inputs.system = SystemDescription.model_validate(data)
    return inputs, reviewer.review(inputs)


def test_the_example_is_approved_without_provenance() -> None:
    review = Reviewer().review(EXAMPLES / "hr-service-se.yaml")
    assert review.decision.outcome == "approve"
    assert not any(c.verify_fact for c in review.decision.conditions)


def test_vendor_answers_that_decide_serious_rules_become_conditions() -> None:
    _, review = _with_provenance("vendor")
    decision = review.decision
    assert decision.outcome == "approve_with_conditions"
    assert decision.clause == "verify_vendor_answers"
    verify = [c for c in decision.conditions if c.verify_fact]
    assert verify
    ranks = {lv.id: i for i, lv in enumerate(review.matrix.levels)}
    assert all(ranks[c.level] >= ranks["high"] for c in verify)
    assert [ranks[c.level] for c in verify] == sorted((ranks[c.level] for c in verify),
                                                      reverse=True)
    assert len({c.verify_fact for c in verify}) == len(verify)
    mfa = next(c for c in verify if c.verify_fact == "access.mfa_admins")
    assert "enligt leverantören 2026-12-03, DPA bilaga 2" in mfa.remediation.sv
    assert "according to the vendor 2026-12-03, DPA bilaga 2" in mfa.remediation.en
    assert mfa.owner_role == "procurement" and mfa.due == "before_contract"
    assert decision.reasons[0].clause == "verify_vendor_answers"


def test_only_deciding_answers_count() -> None:
    """An answer the rule looked at but did not need (the rule would come out the same with
    it unknown) is not a condition; the municipality's own facts never are."""
    _, review = _with_provenance("vendor")
    facts = {c.verify_fact for c in review.decision.conditions if c.verify_fact}
    assert all(addressee_of(f) == "vendor" for f in facts)
    # vendor.name is looked at by several rules (in messages) but decides none.
    assert "vendor.name" not in facts


def test_a_verified_answer_is_no_condition() -> None:
    """Once procurement has verified the answer in the contract, it is theirs, not the
    vendor's word."""
    _, review = _with_provenance("procurement", source="Avtal 4.2")
    assert review.decision.outcome == "approve"
    assert not any(c.verify_fact for c in review.decision.conditions)


def test_provenance_travels_with_the_evidence_into_json_and_reports() -> None:
    _, review = _with_provenance("vendor")
    data = json.loads(review.to_json())
    evidence = [e for f in data["findings"] for e in f["evidence"]]
    attributed = [e for e in evidence if "provenance" in e]
    assert attributed and all(e["provenance"]["role"] == "vendor" for e in attributed)
    assert all(addressee_of(e["fact"]) == "vendor" for e in attributed)
    plain = [e for e in evidence if "provenance" not in e]
    assert plain  # facts without provenance carry no null key
    markdown = render(review, "md", "sv")
    assert "enligt leverantören 2026-12-03, DPA bilaga 2" in markdown
    text = render(review, "text", "en")
    assert "according to the vendor 2026-12-03, DPA bilaga 2" in text
    _, rejected = _with_provenance("vendor", example="school-platform.yaml")
    html = render(rejected, "html", "sv")
    assert isinstance(html, str)
    assert "(enligt leverantören 2026-12-03, DPA bilaga 2)</span>" in html
