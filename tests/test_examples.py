"""The three bundled example systems review as a practitioner would expect.

The decision and the exact set of critical and high risks are pinned, so a change to a rule's
levels or conditions that alters a realistic outcome shows up here and has to be argued for.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from reviewers import bundled_reviewer
from secreview.review import Review

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

EXPECTED: dict[str, tuple[str, set[tuple[str, str, str]]]] = {
    "school-platform": ("reject", {
        ("supplier.secret_data_foreign_law", "finding", "critical"),
        ("supplier.osl_disclosure_assessment", "finding", "high"),
        ("supplier.staff_confidentiality", "finding", "high"),
        ("gdpr.prior_consultation", "unknown", "critical"),
        ("gdpr.dpia_before_go_live", "finding", "high"),
        ("gdpr.dpia_content", "finding", "high"),
        ("gdpr.processor_agreement_scope", "finding", "high"),
        ("gdpr.telemetry_control", "finding", "high"),
        ("logging.incident_notification", "finding", "high"),
        ("logging.log_follow_up", "finding", "high"),
        ("archiving.e_archive_export", "finding", "high"),
    }),
    "case-management-onprem": ("approve_with_conditions", {
        ("logging.restore_tested", "finding", "high"),
    }),
    "hr-service-se": ("approve", set()),
    "room-booking": ("approve", set()),
}


@cache
def _review(name: str) -> Review:
    return bundled_reviewer().review(EXAMPLES / f"{name}.yaml")


def _serious(review: Review) -> set[tuple[str, str, str]]:
    return {
        (f.rule_id, f.status, f.residual.level)
        for f in review.findings
        if f.counts_as_risk and f.residual is not None
        and f.residual.level in ("critical", "high")
    }


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_decision(name: str) -> None:
    assert _review(name).decision.outcome == EXPECTED[name][0]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_critical_and_high_findings(name: str) -> None:
    assert _serious(_review(name)) == EXPECTED[name][1]


def test_school_platform_is_rejected_for_foreign_law_access() -> None:
    review = _review("school-platform")
    assert review.decision.clause == "critical_finding"
    assert review.decision.reasons[0].rule_ids == ["supplier.secret_data_foreign_law"]


def test_school_platform_support_access_is_covered_by_dpf() -> None:
    """US support access is a transfer; the DPF-certified recipient makes it lawful (2026)."""
    statuses = {f.rule_id: f.status for f in _review("school-platform").findings}
    assert statuses["supplier.transfer_mechanism"] == "pass"
    assert statuses["supplier.dpf_certification"] == "pass"


def test_dpia_screening_of_the_examples() -> None:
    assert _review("school-platform").dpia.required is True
    assert "vulnerable_subjects" in _review("school-platform").dpia.criteria_met
    assert "sensitive_data" in _review("case-management-onprem").dpia.criteria_met
    hr = _review("hr-service-se").dpia
    assert hr.criteria_met == ["sensitive_data", "vulnerable_subjects"]
    assert hr.required is True and hr.status == "approved"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_examples_are_dated_and_carry_the_schema_hint(name: str) -> None:
    path = EXAMPLES / f"{name}.yaml"
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../docs/schemas/system.schema.json"
    review = _review(name)
    assert str(review.review_date) == "2026-11-20"
    assert review.reviewer
