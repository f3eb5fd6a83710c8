"""Deciding facts, the classification ceiling and the two failures issue 12 measured: a verdict
rests on the facts that decide it."""

from __future__ import annotations

import copy
import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, reject, settings
from hypothesis import strategies as st

from fast_yaml import safe_load
from reviewers import bundled_reviewer
from secreview.api import Reviewer
from secreview.engine.answers import candidates
from secreview.engine.assemble import build_review
from secreview.engine.decide import decide
from secreview.engine.deciding import Situation, deciding_facts
from secreview.engine.evaluate import evaluate
from secreview.errors import InputError
from secreview.inputs import Inputs
from secreview.review import Review
from secreview.routing import contradicts
from secreview.system import SystemDescription
from test_properties_review import _reviewer, systems

DATE = dt.date(2026, 11, 29)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TWO_ANSWERS = {"personal_data": {"processed": True}, "vendor": {"third_country_law_access": True}}


def inputs_for(data: dict[str, Any] | SystemDescription) -> Inputs:
    """The loaded description; one the Reviewer refuses (an answer contradicting what a routing
    answer implies) is no case for the laws below."""
    try:
        return _reviewer().load(data)
    except InputError:
        reject()


def review_of(data: dict[str, Any]) -> Review:
    return build_review(inputs_for(data), DATE)


def situation_of(inputs: Inputs) -> Situation:
    return Situation(inputs.catalog, evaluate(inputs.system, inputs.catalog, DATE), inputs.profile,
                     inputs.waivers, DATE)


def finding(review: Review, rule_id: str) -> Any:
    return next(f for f in review.findings if f.rule_id == rule_id)


def test_two_answers_give_incomplete_with_the_worst_case_not_reject() -> None:
    review = review_of(TWO_ANSWERS)
    decision = review.decision
    assert decision.outcome == "incomplete"
    assert decision.clause == "assumed_critical_finding"
    assert decision.worst_case is not None and decision.worst_case.outcome == "reject"
    assert "supplier.foreign_law_exposure" in decision.worst_case.rule_ids
    assert "rejected" in decision.worst_case.statement.en
    assert decision.deciding_facts
    assert [q.fact for q in review.questions[:len(decision.deciding_facts)]] == \
        decision.deciding_facts
    assert review.summary.overall_level == "critical"
    assert review.summary.confirmed_level != "critical"


VENDOR_ACCESS = {**TWO_ANSWERS, "hosting": {"vendor_access": True}}
"""The two answers, and a vendor that reaches the data: the foreign-law finding is established
and only its level rests on the unknown classification."""


def test_scaling_unknown_marks_the_level_assumed() -> None:
    review = review_of(VENDOR_ACCESS)
    assert review.decision.outcome == "incomplete"
    exposure = finding(review, "supplier.foreign_law_exposure")
    assert exposure.status == "finding"
    assert exposure.residual.level == "critical" and exposure.residual.basis == "assumed"
    assert exposure.inherent.basis == "assumed"
    assert exposure.confirmed is not None and exposure.confirmed.level != "critical"
    scaling = next(a for a in exposure.assumptions if a.effect == "scaling")
    assert (scaling.fact, scaling.assumed, scaling.comparison) == (
        "classification.confidentiality", 3, "gte")
    assert any(step.kind == "scaling_unknown" for step in exposure.explanation)


def test_answering_turns_the_assumed_level_into_a_confirmed_one() -> None:
    before = finding(review_of(VENDOR_ACCESS), "supplier.foreign_law_exposure")
    answers: dict[str, Any] = copy.deepcopy(VENDOR_ACCESS)
    answers["classification"] = {"confidentiality": 4}
    for assumption in before.assumptions:
        if assumption.effect == "mitigation":
            *parents, name = assumption.fact.split(".")
            node = answers
            for part in parents:
                node = node.setdefault(part, {})
            node[name] = assumption.assumed
    review = review_of(answers)
    after = finding(review, "supplier.foreign_law_exposure")
    assert after.residual.basis == "confirmed"
    assert after.confirmed is not None and after.confirmed.level == "critical"
    assert review.decision.outcome == "reject"


def test_a_missing_owner_is_not_a_confirmed_finding() -> None:
    owner = finding(review_of(TWO_ANSWERS), "integration.controller_named")
    assert owner.status == "unknown" and owner.confirmed is None
    assert owner.residual.basis == "assumed"


def test_an_empty_description_is_incomplete_and_names_what_decides() -> None:
    review = review_of({})
    assert review.decision.outcome == "incomplete"
    assert review.summary.confirmed_level is None
    assert 0 < len(review.decision.deciding_facts) <= 10


def test_decided_reviews_have_no_deciding_facts() -> None:
    for name in ("school-platform", "hr-service-se", "case-management-onprem"):
        review = bundled_reviewer().review(EXAMPLES / f"{name}.yaml")
        assert review.decision.outcome != "incomplete"
        assert review.decision.deciding_facts == []
        assert not any(q.deciding for q in review.questions)


def _without_confidentiality(name: str) -> dict[str, Any]:
    data = safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    del data["classification"]["confidentiality"]
    return data


def test_the_ceiling_approves_up_to_a_level_when_the_classification_is_unknown() -> None:
    data = _without_confidentiality("hr-service-se")
    review = review_of(data)
    decision = review.decision
    assert decision.outcome == "approve_with_conditions"
    assert decision.clause == "classification_ceiling"
    assert decision.ceiling is not None and decision.ceiling.value == 3
    assert "3" in decision.ceiling.text.sv and "3" in decision.ceiling.text.en
    assert decision.ceiling.owner_role == "information_owner"
    assert decision.worst_case is not None and decision.worst_case.outcome == "reject"
    for level in range(5):
        data["classification"]["confidentiality"] = level
        outcome = review_of(data).decision.outcome
        assert (outcome in ("approve", "approve_with_conditions")) == (level <= 3)


def test_no_ceiling_when_the_classification_is_known_or_does_not_help() -> None:
    assert review_of(safe_load((EXAMPLES / "hr-service-se.yaml").read_text(
        encoding="utf-8"))).decision.ceiling is None
    assert review_of(TWO_ANSWERS).decision.ceiling is None


# --- laws over generated descriptions -----------------------------------------------------------

@cache
def _valid(data_key: str) -> bool:
    try:
        SystemDescription.model_validate(safe_load(data_key))
    except ValueError:
        return False
    return True


def answered(system: SystemDescription, answers: dict[str, Any]) -> SystemDescription | None:
    """The description with ``answers`` (fact path → value) filled in; None if not valid."""
    data = system.model_dump(mode="python", exclude_none=True, by_alias=True)
    for path, value in answers.items():
        *parents, name = path.split(".")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[name] = value
    try:
        return SystemDescription.model_validate(data)
    except ValueError:
        return None


def core_outcome(inputs: Inputs) -> str:
    """The policy's outcome before any ceiling: what the deciding-facts search predicts."""
    review = build_review(inputs, DATE)
    return decide(review.findings, inputs.profile.decision, inputs.profile.matrix).outcome


def with_system(_inputs: Inputs, system: SystemDescription) -> Inputs:
    return inputs_for(system)


SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@pytest.mark.slow
@SETTINGS
@given(systems(), st.data())
def test_a_hypothetical_answer_decides_as_a_real_one(system: SystemDescription,
                                                     data: st.DataObject) -> None:
    """The search's cheap re-evaluation gives the outcome a full review of the answered
    description gives, so its deciding facts are about the real decision."""
    inputs = inputs_for(system.model_dump(mode="python", exclude_none=True, by_alias=True))
    situation = situation_of(inputs)
    assert situation.base.choice.outcome == core_outcome(inputs)
    unknown = [f for f in inputs.catalog.rules_by_fact
               if situation.facts.get(f) is None and not f.startswith("derived.")
               and candidates(inputs.catalog, f).values]
    assume(unknown)
    fact = data.draw(st.sampled_from(sorted(unknown)))
    value = data.draw(st.sampled_from(candidates(inputs.catalog, fact).values))
    assume(not contradicts(situation.facts, fact, value))  # such a description is refused
    changed = answered(inputs.system, {fact: value})
    assume(changed is not None)
    assert situation.answer({fact: value}).choice.outcome == \
        core_outcome(with_system(inputs, changed))  # type: ignore[arg-type]


@pytest.mark.slow
@SETTINGS
@given(systems(), st.data())
def test_facts_outside_the_open_findings_cannot_change_the_outcome(
        system: SystemDescription, data: st.DataObject) -> None:
    inputs = inputs_for(system.model_dump(mode="python", exclude_none=True, by_alias=True))
    situation = situation_of(inputs)
    open_facts = set(situation.open_facts(situation.base))
    others = [f for f in inputs.catalog.rules_by_fact
              if situation.facts.get(f) is None and f not in open_facts
              and not f.startswith("derived.")]
    assume(others)
    fact = data.draw(st.sampled_from(sorted(others)))
    for value in candidates(inputs.catalog, fact).values:
        assert situation.answer({fact: value}).choice.outcome == situation.base.choice.outcome


@pytest.mark.slow
@SETTINGS
@given(systems())
def test_answering_the_deciding_facts_decides(system: SystemDescription) -> None:
    """When the search says its facts suffice, the answers it assumed (the least helpful ones)
    give a decided outcome, in the search and in a full review of the answered description."""
    inputs = inputs_for(system.model_dump(mode="python", exclude_none=True, by_alias=True))
    situation = situation_of(inputs)
    search = deciding_facts(situation)
    if situation.base.decided:
        assert search.facts == []
        return
    assert len(search.facts) == len(set(search.facts)) <= 10
    assert all(situation.facts.get(f) is None for f in search.facts)
    if not search.suffice:
        return
    assert situation.answer(search.answers).decided
    changed = answered(inputs.system, search.answers)
    if changed is not None:
        assert core_outcome(with_system(inputs, changed)) != "incomplete"


@pytest.mark.slow
def test_a_ceiling_on_a_fact_that_cannot_carry_one_is_refused(tmp_path: Path) -> None:
    from secreview.errors import InputError
    from secreview.profile import bundled_profile_path
    from secreview.toolkit.lint import lint_profile

    text = bundled_profile_path().read_text(encoding="utf-8")
    for fact, message in (("classification.confidentialty", "unknown fact"),
                          ("personal_data.processed", "not a classification level")):
        profile = tmp_path / "profile.yaml"
        profile.write_text(text.replace("    fact: classification.confidentiality",
                                        f"    fact: {fact}"), encoding="utf-8")
        with pytest.raises(InputError, match=message) as caught:
            Reviewer(profile)
        assert caught.value.problems[0].line is not None
        assert [p.code for p in lint_profile(profile).problems] == ["ceiling"]


def test_a_worst_case_without_a_leading_risk_is_one_grammatical_sentence() -> None:
    """The room booking is approved, and only its levels are assumed: the worst case names no
    risk and says the outcome. In Swedish the verb comes second after "I värsta fall", which a
    bare "I värsta fall systemet godkänns" got wrong; a colon keeps every outcome's words right."""
    review = build_review(bundled_reviewer().load(EXAMPLES / "room-booking.yaml"), DATE)
    worst = review.decision.worst_case
    assert review.decision.outcome == "approve"
    assert worst is not None and worst.rule_ids == []
    assert worst.statement.sv == "I värsta fall: systemet godkänns."
    assert worst.statement.en == "In the worst case: the system is approved."


def test_the_worst_case_names_facts_in_words_not_by_their_paths() -> None:
    """Management reads the worst case: "Om konfidentialitetsnivån (KLASSA) är 3 eller högre
    och inloggningens tillitsnivå är 2 eller lägre ...", not "Om classification.confidentiality
    är 3 ..."."""
    review = bundled_reviewer().review("system:\n  name: x\npersonal_data:\n  processed: true\n",
                                       dt.date(2026, 11, 26))
    worst = review.decision.worst_case
    assert worst is not None and worst.outcome == "reject"
    path = re.compile(r"[a-z_]+\.[a-z_]+")
    for lang, names in (("sv", ("konfidentialitetsnivån (KLASSA)", "inloggningens tillitsnivå")),
                        ("en", ("the confidentiality level (KLASSA)",
                                "the sign-in assurance level"))):
        statement = worst.statement.get(lang)
        assert not path.search(statement), statement
        assert all(name in statement for name in names), statement
    assert worst.statement.sv.startswith(
        "Om konfidentialitetsnivån (KLASSA) är 3 eller högre och inloggningens tillitsnivå är 2 "
        "eller lägre blir risken")
