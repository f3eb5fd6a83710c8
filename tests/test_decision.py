"""Decision policy: first matching clause from the most severe, monotone in the level."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from secreview.engine.decide import decide
from secreview.i18n import Text
from secreview.profile import DecisionPolicy, load_profile
from secreview.review import Finding, RiskPoint
from secreview.vocabulary import OUTCOME_SEVERITY

PROFILE = load_profile()[0]
MATRIX = PROFILE.matrix
POLICY = PROFILE.decision
LEVELS = [level.id for level in MATRIX.levels]
T = Text(sv="x", en="x")


def finding(rule_id: str, level: str, status: str = "finding", remedy: str = "contract",
            screening: str | None = None) -> Finding:
    point = RiskPoint(likelihood=1, consequence=1, level=level)
    return Finding(rule_id=rule_id, ruleset_id="r", aspect="gdpr", status=status,  # type: ignore[arg-type]
                   screening=screening, title=T, message=T, remediation=T, references=[],
                   evidence=[], inherent=point, residual=point, remedy=remedy,
                   owner_role="procurement", due="before_contract")


def test_no_findings_approves() -> None:
    decision = decide([], POLICY, MATRIX)
    assert decision.outcome == "approve" and decision.clause is None
    assert decision.reasons[0].clause == "default"


def test_critical_rejects_and_names_the_rule() -> None:
    decision = decide([finding("a.b", "critical"), finding("a.c", "low")], POLICY, MATRIX)
    assert decision.outcome == "reject"
    assert decision.reasons[0].rule_ids == ["a.b"]


def test_high_with_remedy_gives_conditions() -> None:
    decision = decide([finding("a.b", "high"), finding("a.c", "moderate")], POLICY, MATRIX)
    assert decision.outcome == "approve_with_conditions"
    assert [c.rule_id for c in decision.conditions] == ["a.b"]


def test_unmitigable_high_rejects() -> None:
    assert decide([finding("a.b", "high", remedy="none")], POLICY, MATRIX).outcome == "reject"


def test_unknown_critical_is_incomplete() -> None:
    decision = decide([finding("a.b", "critical", status="unknown")], POLICY, MATRIX)
    assert decision.outcome == "incomplete"


def test_waived_and_screening_findings_do_not_decide() -> None:
    waived = finding("a.b", "critical", status="waived")
    screening = finding("a.c", "critical", screening="large_scale")
    assert decide([waived, screening], POLICY, MATRIX).outcome == "approve"


def test_policy_must_be_ordered_by_severity() -> None:
    raw: dict[str, Any] = POLICY.model_dump()
    raw["clauses"] = list(reversed(raw["clauses"]))
    with pytest.raises(ValidationError, match="most severe"):
        DecisionPolicy.model_validate(raw)


level_lists = st.lists(st.tuples(st.sampled_from(LEVELS), st.sampled_from(["finding", "unknown"]),
                                 st.sampled_from(["contract", "none"])), max_size=8)


@given(level_lists, st.integers(0, 7), st.sampled_from(LEVELS))
def test_decision_is_monotone_in_level(items: list[tuple[str, str, str]], index: int,
                                       raised_to: str) -> None:
    """Raising one finding's level never gives a milder decision."""
    findings = [finding(f"r.x{i}", lv, st_, rm) for i, (lv, st_, rm) in enumerate(items)]
    before = decide(findings, POLICY, MATRIX).outcome
    if findings:
        target = findings[index % len(findings)]
        if MATRIX.rank(raised_to) >= MATRIX.rank(target.residual.level):  # type: ignore[union-attr]
            point = RiskPoint(likelihood=1, consequence=1, level=raised_to)
            findings[index % len(findings)] = target.model_copy(update={"residual": point})
    after = decide(findings, POLICY, MATRIX).outcome
    assert OUTCOME_SEVERITY[after] >= OUTCOME_SEVERITY[before]


@given(level_lists)
def test_adding_a_finding_never_gives_a_milder_decision(items: list[tuple[str, str, str]]) -> None:
    findings = [finding(f"r.x{i}", lv, st_, rm) for i, (lv, st_, rm) in enumerate(items)]
    for cut in range(len(findings)):
        smaller = decide(findings[:cut], POLICY, MATRIX).outcome
        larger = decide(findings[: cut + 1], POLICY, MATRIX).outcome
        assert OUTCOME_SEVERITY[larger] >= OUTCOME_SEVERITY[smaller]

