"""Scoring: matrix lookup, scaling, mitigations, unknowns, and the laws that must hold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from secreview.engine.evaluate import evaluate
from secreview.engine.scoring import max_level, score, score_outcome
from secreview.profile import RuleOverride, load_profile
from secreview.rules.loader import Catalog, load_catalog
from secreview.system import SystemDescription

FIXTURE_RULES = Path(__file__).parent / "fixtures" / "rules"
MATRIX = load_profile()[0].matrix
MATRIX_5 = load_profile("iso27005-5x5")[0].matrix
CATALOG: Catalog = load_catalog([FIXTURE_RULES])


def scored(data: dict[str, Any], rule_id: str, matrix: Any = MATRIX,
           override: RuleOverride | None = None):  # type: ignore[no-untyped-def]
    evaluation = evaluate(SystemDescription.model_validate(data), CATALOG)
    outcome = next(o for o in evaluation.outcomes if o.rule.id == rule_id)
    return score_outcome(outcome, matrix, evaluation.facts, override)


def test_matrix_lookup_and_rule_scale() -> None:
    result = scored({"hosting": {"content": {"countries": ["US"]}},
                     "classification": {"confidentiality": 1}}, "test.third_country")
    assert (result.inherent.likelihood, result.inherent.consequence) == (3, 3)
    assert result.inherent.level == "high"
    five = scored({"hosting": {"content": {"countries": ["US"]}},
                   "classification": {"confidentiality": 1}}, "test.third_country", MATRIX_5)
    assert (five.inherent.likelihood, five.inherent.consequence) == (4, 4)


def test_consequence_follows_classification() -> None:
    low = scored({"hosting": {"content": {"countries": ["US"]}},
                  "classification": {"confidentiality": 2}}, "test.third_country")
    high = scored({"hosting": {"content": {"countries": ["US"]}},
                   "classification": {"confidentiality": 3}}, "test.third_country")
    assert low.inherent.consequence == 3 and high.inherent.consequence == 4
    assert high.inherent.level == "critical"
    assert any(s.kind == "scaling" and s.value == 3 for s in high.steps)


def test_unknown_classification_is_conservative() -> None:
    result = scored({"hosting": {"content": {"countries": ["US"]}}}, "test.third_country")
    assert result.inherent.consequence == 4
    assert any(s.kind == "scaling_unknown" for s in result.steps)


def test_mitigation_lowers_by_steps_never_below_floor() -> None:
    result = scored({"hosting": {"content": {"countries": ["US"], "customer_held_keys": True}},
                     "classification": {"confidentiality": 1}}, "test.third_country")
    assert result.inherent.likelihood == 3
    assert result.residual.likelihood == 1
    assert result.residual.level == "moderate"
    assert [s.kind for s in result.steps].count("mitigation") == 1


def test_unknown_outcome_gets_no_mitigation_credit() -> None:
    result = scored({"hosting": {"content": {"customer_held_keys": True}},
                     "classification": {"confidentiality": 1}}, "test.third_country")
    assert result.outcome.status == "unknown"
    assert result.residual == result.inherent
    assert any(s.kind == "no_credit" for s in result.steps)


def test_override_from_tailoring_replaces_the_default_and_moves_the_level() -> None:
    data = {"extensions": {"cloud_exit_tested": False}}
    default = scored(data, "test.exit")
    override = RuleOverride(rule="test.exit", consequence=4, reason="exit is critical for us")
    result = scored(data, "test.exit", override=override)
    step = result.steps[1]
    assert (step.kind, step.axis, step.before, step.after) == ("override", "consequence",
                                                               default.inherent.consequence, 4)
    assert result.inherent.likelihood == default.inherent.likelihood
    assert result.inherent.level == MATRIX.lookup(result.inherent.likelihood, 4)
    assert MATRIX.rank(result.inherent.level) > MATRIX.rank(default.inherent.level)


def test_max_level_rolls_up_by_maximum() -> None:
    assert max_level(["low"] * 99 + ["critical"], MATRIX) == "critical"
    assert max_level([], MATRIX) is None


systems = st.fixed_dictionaries({
    "hosting": st.fixed_dictionaries({
        "content": st.fixed_dictionaries({
            "countries": st.one_of(st.none(), st.lists(st.sampled_from(["SE", "US", "NO"]),
                                                       max_size=3, unique=True)),
            "customer_held_keys": st.one_of(st.none(), st.booleans())}),
        "subprocessors": st.one_of(st.none(), st.lists(
            st.fixed_dictionaries({"name": st.just("S"),
                                   "country": st.sampled_from(["SE", "US", "CN"])}),
            max_size=2)),
    }),
    "classification": st.fixed_dictionaries({
        "confidentiality": st.one_of(st.none(), st.integers(0, 4))}),
    "personal_data": st.fixed_dictionaries({"processed": st.one_of(st.none(), st.booleans())}),
    "contract": st.fixed_dictionaries({"processor_agreement": st.fixed_dictionaries(
        {"signed": st.one_of(st.none(), st.booleans())})}),
})


def overall(data: dict[str, Any]) -> int:
    evaluation = evaluate(SystemDescription.model_validate(data), CATALOG)
    levels = [s.residual.level for s in score(evaluation.outcomes, MATRIX, evaluation.facts)
              if s.outcome.status in ("finding", "unknown")]
    level = max_level(levels, MATRIX)
    return -1 if level is None else MATRIX.rank(level)


@given(systems)
def test_adding_a_mitigation_never_raises_any_level(data: dict[str, Any]) -> None:
    content = {**data["hosting"]["content"], "customer_held_keys": True}
    with_keys = {**data, "hosting": {**data["hosting"], "content": content}}
    before = {s.outcome.rule.id: MATRIX.rank(s.residual.level)
              for s in score(evaluate(SystemDescription.model_validate(data), CATALOG).outcomes,
                             MATRIX, {}) if s.outcome.status == "finding"}
    evaluation = evaluate(SystemDescription.model_validate(with_keys), CATALOG)
    for s in score(evaluation.outcomes, MATRIX, {}):
        if s.outcome.rule.id in before and s.outcome.status == "finding":
            assert MATRIX.rank(s.residual.level) <= before[s.outcome.rule.id]


@given(systems)
def test_adding_a_risk_fact_never_lowers_the_overall_level(data: dict[str, Any]) -> None:
    riskier = {**data, "hosting": {**data["hosting"],
                                   "subprocessors": [*(data["hosting"]["subprocessors"] or []),
                                                     {"name": "X", "country": "CN"}]}}
    assert overall(riskier) >= overall(data)
    unsigned = {**data, "contract": {"processor_agreement": {"signed": False}}}
    if data["personal_data"]["processed"] is True:
        assert overall(unsigned) >= overall(data)


@pytest.mark.parametrize("matrix", [MATRIX, MATRIX_5])
def test_matrix_is_monotone(matrix: Any) -> None:
    size_l, size_c = len(matrix.likelihood), len(matrix.consequence)
    for likelihood in range(1, size_l + 1):
        for consequence in range(1, size_c + 1):
            here = matrix.rank(matrix.lookup(likelihood, consequence))
            if likelihood < size_l:
                assert matrix.rank(matrix.lookup(likelihood + 1, consequence)) >= here
            if consequence < size_c:
                assert matrix.rank(matrix.lookup(likelihood, consequence + 1)) >= here


def test_both_bounds_of_an_unknown_classification() -> None:
    result = scored({"hosting": {"content": {"countries": ["US"], "customer_held_keys": False}}},
                    "test.third_country")
    assert (result.residual.consequence, result.residual.level) == (4, "critical")
    assert result.residual.basis == "assumed"
    assert result.confirmed is not None
    assert (result.confirmed.consequence, result.confirmed.level) == (3, "high")
    step = next(s for s in result.steps if s.kind == "scaling_unknown")
    assert (step.before, step.after, step.value) == (3, 4, 3)


def test_an_unknown_mitigation_is_credited_in_the_confirmed_level_only() -> None:
    result = scored({"hosting": {"content": {"countries": ["US"]}},
                     "classification": {"confidentiality": 1}}, "test.third_country")
    assert result.residual.likelihood == 3 and result.residual.basis == "assumed"
    assert result.confirmed is not None and result.confirmed.likelihood == 1


def test_known_facts_give_a_confirmed_level() -> None:
    result = scored({"hosting": {"content": {"countries": ["US"], "customer_held_keys": True}},
                     "classification": {"confidentiality": 1}}, "test.third_country")
    assert result.residual.basis == "confirmed"
    assert result.confirmed == result.residual


def test_an_unverified_requirement_has_no_confirmed_level() -> None:
    result = scored({"classification": {"confidentiality": 1}}, "test.third_country")
    assert result.outcome.status == "unknown"
    assert result.confirmed is None and result.residual.basis == "assumed"


@given(systems)
def test_confirmed_never_exceeds_the_worst_case(data: dict[str, Any]) -> None:
    evaluation = evaluate(SystemDescription.model_validate(data), CATALOG)
    for s in score(evaluation.outcomes, MATRIX, evaluation.facts):
        if s.confirmed is not None:
            assert MATRIX.rank(s.confirmed.level) <= MATRIX.rank(s.residual.level)
            assert s.confirmed.likelihood <= s.residual.likelihood
            assert s.confirmed.consequence <= s.residual.consequence
