"""Decision policy: first matching clause from the most severe, monotone in the level."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from secreview.engine.decide import MAX_STATEMENT_CONDITIONS, MAX_STATEMENT_FINDINGS, decide
from secreview.i18n import Text
from secreview.profile import DecisionPolicy, load_profile
from secreview.review import Assumption, Finding, RiskPoint
from secreview.vocabulary import OUTCOME_SEVERITY

PROFILE = load_profile()[0]
MATRIX = PROFILE.matrix
POLICY = PROFILE.decision
LEVELS = [level.id for level in MATRIX.levels]
T = Text(sv="x", en="x")


CONFIRMED = "same"


def finding(rule_id: str, level: str, status: str = "finding", remedy: str = "contract",
            screening: str | None = None, confirmed: str | None = CONFIRMED) -> Finding:
    """A finding at ``level`` in the worst case; ``confirmed`` is the level the known facts
    establish (by default the same for a finding, none for an unverified requirement)."""
    if confirmed == CONFIRMED:
        confirmed = level if status == "finding" else None
    basis = "confirmed" if confirmed == level else "assumed"
    point = RiskPoint(likelihood=1, consequence=1, level=level, basis=basis)
    low = RiskPoint(likelihood=1, consequence=1, level=confirmed, basis="confirmed") \
        if confirmed is not None else None
    return Finding(rule_id=rule_id, ruleset_id="r", aspect="gdpr", status=status,  # type: ignore[arg-type]
                   screening=screening, title=T, message=T, remediation=T, references=[],
                   evidence=[], inherent=point, residual=point, confirmed=low, remedy=remedy,
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


def test_an_assumed_critical_never_rejects() -> None:
    """The measured failure of issue 12: a finding raised to critical by an unknown
    classification (confirmed only moderate) gives incomplete with the worst case stated."""
    decision = decide([finding("s.foreign_law", "critical", confirmed="moderate")],
                      POLICY, MATRIX)
    assert decision.outcome == "incomplete"
    assert decision.clause == "assumed_critical_finding"
    assert decision.reasons[0].rule_ids == ["s.foreign_law"]
    assert decision.worst_case is not None
    assert (decision.worst_case.outcome, decision.worst_case.level) == ("reject", "critical")
    assert decision.worst_case.rule_ids == ["s.foreign_law"]
    assert "rejected" in decision.worst_case.statement.en
    assert "avslås" in decision.worst_case.statement.sv


def test_a_finding_resting_on_a_blank_never_rejects() -> None:
    decision = decide([finding("i.owner", "critical", confirmed=None)], POLICY, MATRIX)
    assert decision.outcome == "incomplete"


def test_a_confirmed_reject_wins_over_an_assumed_one() -> None:
    findings = [finding("a.assumed", "critical", confirmed="low"),
                finding("a.unmitigable", "high", remedy="none")]
    decision = decide(findings, POLICY, MATRIX)
    assert (decision.outcome, decision.clause) == ("reject", "unmitigable_high")
    assert decision.reasons[0].rule_ids == ["a.unmitigable"]


def test_confirmed_decision_has_no_worst_case() -> None:
    decision = decide([finding("a.b", "high"), finding("a.c", "moderate")], POLICY, MATRIX)
    assert decision.worst_case is None


def test_basis_filters_tell_confirmed_from_assumed() -> None:
    raw: dict[str, Any] = POLICY.model_dump(by_alias=True)
    raw["clauses"] = [
        {"id": "assumed_high", "outcome": "incomplete", "reason": {"sv": "x", "en": "x"},
         "when": {"status": ["finding"], "residual_at_least": "high", "basis": ["assumed"]}},
        {"id": "confirmed_high", "outcome": "approve_with_conditions",
         "reason": {"sv": "x", "en": "x"},
         "when": {"status": ["finding"], "residual_at_least": "high", "basis": ["confirmed"]}},
    ]
    policy = DecisionPolicy.model_validate(raw)
    assert decide([finding("a.b", "high", confirmed="low")], policy, MATRIX).clause == \
        "assumed_high"
    assert decide([finding("a.b", "high")], policy, MATRIX).clause == "confirmed_high"
    assert decide([finding("a.b", "moderate")], policy, MATRIX).outcome == "approve"


@pytest.mark.parametrize("when", [{"status": ["unknown"], "residual_at_least": "critical"},
                                  {"status": ["finding"], "residual_at_least": "critical",
                                   "basis": ["confirmed", "assumed"]}])
def test_a_profile_cannot_reject_on_an_assumption(when: dict[str, Any]) -> None:
    raw: dict[str, Any] = POLICY.model_dump(by_alias=True)
    raw["clauses"] = [{"id": "bad", "outcome": "reject", "when": when,
                       "reason": {"sv": "x", "en": "x"}}]
    with pytest.raises(ValidationError, match="a reject clause cannot match"):
        DecisionPolicy.model_validate(raw)


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


statuses_and_levels = st.lists(
    st.tuples(st.sampled_from(LEVELS), st.sampled_from(["finding", "unknown"]),
              st.sampled_from(["contract", "none"]), st.sampled_from([None, *LEVELS])),
    max_size=8)


def _findings(items: list[tuple[str, str, str, str | None]]) -> list[Finding]:
    """Findings whose confirmed level never exceeds the worst case (as scoring guarantees)."""
    made = []
    for i, (level, status, remedy, low) in enumerate(items):
        if status == "unknown" or (low is not None and MATRIX.rank(low) > MATRIX.rank(level)):
            low = None
        made.append(finding(f"r.x{i}", level, status, remedy, confirmed=low))
    return made


@given(statuses_and_levels)
def test_reject_rests_only_on_confirmed_levels(items: list[tuple[str, str, str, str | None]]
                                               ) -> None:
    """Whatever the worst cases, the outcome is reject exactly when the confirmed levels alone
    reject: setting every worst case to its confirmed level keeps a reject a reject."""
    findings = _findings(items)
    decision = decide(findings, POLICY, MATRIX)
    known_only = [f.model_copy(update={"residual": f.confirmed}) for f in findings
                  if f.confirmed is not None]
    rejected_on_facts = decide(known_only, POLICY, MATRIX).outcome == "reject"
    assert (decision.outcome == "reject") == rejected_on_facts
    if decision.worst_case is not None and decision.worst_case.outcome == "reject":
        assert decision.outcome in ("reject", "incomplete")


@given(statuses_and_levels)
def test_nothing_confirmed_is_never_a_reject(items: list[tuple[str, str, str, str | None]]
                                             ) -> None:
    unverified = [finding(f"r.x{i}", level, "unknown", remedy)
                  for i, (level, _status, remedy, _low) in enumerate(items)]
    assert decide(unverified, POLICY, MATRIX).outcome != "reject"


def _assumed(rule_id: str, facts: int) -> Finding:
    """A finding critical only on ``facts`` unanswered facts (confirmed moderate)."""
    return finding(rule_id, "critical", confirmed="moderate").model_copy(update={
        "assumptions": [Assumption(fact=f"x.f{i}", effect="finding") for i in range(facts)]})


@pytest.mark.parametrize(("extra", "sv", "en"), [
    (1, ("1 uppgift till besvaras ogynnsamt", "Detsamma gäller 1 risk till."),
     ("1 more fact is answered against the system", "The same holds for 1 more risk.")),
    (2, ("2 uppgifter till besvaras ogynnsamt", "Detsamma gäller 2 risker till."),
     ("2 more facts are answered against the system", "The same holds for 2 more risks.")),
])
def test_the_worst_case_counts_what_it_leaves_out_in_its_plural_form(
        extra: int, sv: tuple[str, str], en: tuple[str, str]) -> None:
    """Past the first three facts and two risks the statement counts the rest: "1 risk till",
    never "1 risker till"."""
    facts, risks = MAX_STATEMENT_CONDITIONS + extra, MAX_STATEMENT_FINDINGS + extra
    decision = decide([_assumed(f"a.r{i}", facts) for i in range(risks)], POLICY, MATRIX)
    assert decision.worst_case is not None
    statement = decision.worst_case.statement
    assert statement.sv.count(sv[0]) == MAX_STATEMENT_FINDINGS and statement.sv.endswith(sv[1])
    assert statement.en.count(en[0]) == MAX_STATEMENT_FINDINGS and statement.en.endswith(en[1])
