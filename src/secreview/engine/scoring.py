"""Risk per finding (inherent and residual), per aspect and overall, through the profile's matrix.

Unknowns are conservative: an undecided rule counts as an unverified finding at its inherent
level, and a mitigation whose facts are unknown earns no credit. Risk rolls up by maximum, never by
average; the compliance percentage beside it is for information only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from secreview.engine.evaluate import RuleOutcome
from secreview.profile import RiskMatrix, RuleOverride
from secreview.vocabulary import StepKind


@dataclass(frozen=True)
class Step:
    """One step in how a finding's level came about (rendered in either language later)."""

    kind: StepKind
    axis: str | None = None
    before: int | None = None
    after: int | None = None
    ref: str | None = None  # mitigation id, fact path or override reason
    value: Any = None


@dataclass(frozen=True)
class MatrixCell:
    likelihood: int  # position on the matrix axis, 1-based
    consequence: int
    level: str


@dataclass(frozen=True)
class Scored:
    outcome: RuleOutcome
    inherent: MatrixCell
    residual: MatrixCell
    steps: tuple[Step, ...] = field(default_factory=tuple)


def _inherent_rule_scale(outcome: RuleOutcome, override: RuleOverride | None,
                         facts: Mapping[str, Any], steps: list[Step]) -> tuple[int, int]:
    rule = outcome.rule.rule
    likelihood, consequence = rule.likelihood, rule.consequence
    steps.append(Step("default", before=likelihood, after=consequence))
    if override is not None:
        if override.likelihood is not None:
            steps.append(Step("override", "likelihood", likelihood, override.likelihood,
                              ref=override.reason))
            likelihood = override.likelihood
        if override.consequence is not None:
            steps.append(Step("override", "consequence", consequence, override.consequence,
                              ref=override.reason))
            consequence = override.consequence
    scaling = rule.consequence_scaling
    if scaling is not None:
        value = facts.get(scaling.fact)
        if value is None:
            # Unknown classification is conservative: assume the highest level the rule names.
            scaled = max([consequence, *scaling.levels.values()])
            steps.append(Step("scaling_unknown", "consequence", consequence, scaled,
                              ref=scaling.fact))
            consequence = scaled
        else:
            reached = [c for threshold, c in scaling.levels.items() if value >= threshold]
            scaled = max([consequence, *reached])
            steps.append(Step("scaling", "consequence", consequence, scaled, ref=scaling.fact,
                              value=value))
            consequence = scaled
    return likelihood, consequence


def score_outcome(outcome: RuleOutcome, matrix: RiskMatrix, facts: Mapping[str, Any],
                  override: RuleOverride | None = None) -> Scored:
    """Inherent and residual risk of one outcome, with every step that led there."""
    steps: list[Step] = []
    likelihood, consequence = _inherent_rule_scale(outcome, override, facts, steps)
    scale = matrix.rule_scale
    inherent = MatrixCell(scale.likelihood[likelihood], scale.consequence[consequence],
                         matrix.lookup(scale.likelihood[likelihood],
                                       scale.consequence[consequence]))
    residual_l, residual_c = likelihood, consequence
    if outcome.status == "finding":
        by_id = {m.mitigation.id: m.mitigation for m in outcome.rule.mitigations}
        for mitigation_id in outcome.mitigations_in_effect:
            mitigation = by_id[mitigation_id]
            if mitigation.lowers == "likelihood":
                lowered = max(1, residual_l - mitigation.steps)
                steps.append(Step("mitigation", "likelihood", residual_l, lowered,
                                  ref=mitigation_id))
                residual_l = lowered
            else:
                lowered = max(1, residual_c - mitigation.steps)
                steps.append(Step("mitigation", "consequence", residual_c, lowered,
                                  ref=mitigation_id))
                residual_c = lowered
    elif outcome.status == "unknown" and outcome.rule.mitigations:
        steps.append(Step("no_credit"))
    for mitigation_id in outcome.mitigations_unknown:
        steps.append(Step("mitigation_unknown", ref=mitigation_id))
    rl, rc = scale.likelihood[residual_l], scale.consequence[residual_c]
    residual = MatrixCell(rl, rc, matrix.lookup(rl, rc))
    steps.append(Step("matrix", before=rl, after=rc, ref=residual.level))
    return Scored(outcome, inherent, residual, tuple(steps))


def score(outcomes: Iterable[RuleOutcome], matrix: RiskMatrix, facts: Mapping[str, Any],
          overrides: Mapping[str, RuleOverride] | None = None) -> list[Scored]:
    """Score every applicable outcome (pass included, for the compliance weighting)."""
    overrides = overrides or {}
    return [
        score_outcome(o, matrix, facts, overrides.get(o.rule.id))
        for o in outcomes
        if o.status != "not_applicable" and o.rule.rule.dpia_criterion is None
    ]


def max_level(levels: Iterable[str], matrix: RiskMatrix) -> str | None:
    """The highest level, by the matrix's order; None when there is nothing to roll up."""
    ranks = [matrix.rank(level) for level in levels]
    return matrix.levels[max(ranks)].id if ranks else None


def compliance_percent(weights_passed: float, weights_total: float) -> float | None:
    if weights_total <= 0:
        return None
    return round(100.0 * weights_passed / weights_total, 1)
