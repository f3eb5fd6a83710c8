"""Risk per finding (inherent and residual), per aspect and overall, through the profile's matrix.

Every level has two bounds. The *worst case* (``residual``) is conservative, as a review must be:
an undecided rule counts as an unverified finding at its inherent level, a mitigation whose facts
are unknown earns no credit, an unknown classification scales to the highest level the rule names
and an escalation whose condition is unknown applies. The *confirmed* level is what the known
facts alone establish, the lowest level over every way the unknown facts could be answered:
lowest classification, unknown mitigations credited, unknown escalations not applied; there is
none when the finding itself rests on an unknown. Where the bounds meet, the level is confirmed;
otherwise it is assumed, and the assumptions behind the worst case are listed so a sentence can
say what would make it true. A reject may only rest on confirmed levels (``engine/decide.py``).

Risk rolls up by maximum, never by average; the compliance percentage beside it is for
information only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from secreview.engine.answers import candidate_values
from secreview.engine.evaluate import RuleOutcome, rule_status
from secreview.engine.memo import RuleMemo
from secreview.facts import FactSpec
from secreview.i18n import Text
from secreview.profile import RiskMatrix, RuleOverride
from secreview.rules.loader import CompiledRule
from secreview.rules.operators import Predicate
from secreview.tristate import Tri
from secreview.vocabulary import AssumptionEffect, Basis, Comparison, StepKind

ORDERED = ("int", "number", "date")


@dataclass(frozen=True)
class Step:
    """One step in how a finding's level came about (rendered in either language later)."""

    kind: StepKind
    axis: str | None = None
    before: int | None = None
    after: int | None = None
    ref: str | None = None  # mitigation id, fact path or override reason
    value: Any = None
    reason: Text | None = None  # an escalation's reason


@dataclass(frozen=True)
class MatrixCell:
    likelihood: int  # position on the matrix axis, 1-based
    consequence: int
    level: str
    basis: Basis = "confirmed"


@dataclass(frozen=True)
class Assumption:
    """One unknown fact the worst case rests on, and what it was assumed to be.

    ``assumed`` with ``comparison`` says which answers give the worst case: exactly one value
    (``eq``), a value or higher (``gte``; for ``scaling``, the lowest value from which the highest
    consequence applies), a value or lower (``lte``) or one of a few (``in``, a list); ``None``
    when no such short description exists and the fact is only assumed not to be answered in the
    rule's favour. ``ref`` names the mitigation or escalation (its position) concerned.
    """

    fact: str
    assumed: Any
    effect: AssumptionEffect
    ref: str | None = None
    comparison: Comparison = "eq"


@dataclass(frozen=True)
class Bounds:
    """Both bounds of one rule on the rule's own 1–4 scale: (likelihood, consequence)."""

    established: bool  # a finding that holds whatever the unknown facts turn out to be
    worst: tuple[int, int]
    low: tuple[int, int]
    residual_worst: tuple[int, int]
    residual_low: tuple[int, int] | None  # None unless established


@dataclass(frozen=True)
class Scored:
    outcome: RuleOutcome
    inherent: MatrixCell
    residual: MatrixCell
    confirmed: MatrixCell | None = None
    steps: tuple[Step, ...] = field(default_factory=tuple)
    assumptions: tuple[Assumption, ...] = field(default_factory=tuple)


def established(compiled: CompiledRule, status: str, facts: Mapping[str, Any]) -> bool:
    """Is a ``finding`` certain, whatever the unknown facts turn out to be?

    Not when ``on_unknown: finding`` made it one, nor when it rests on a fact being unanswered
    (``missing``): answering would take it away. Conditions are evaluated again only for rules
    where that can happen.
    """
    if status != "finding":
        return False
    strict = compiled.strict
    if strict is None and compiled.rule.on_unknown != "finding":
        return True
    applies = strict.applies if strict is not None else compiled.applies
    finding = strict.finding if strict is not None else compiled.finding
    return (applies is None or applies(facts) is True) and finding(facts) is True


def _predicates(compiled: CompiledRule) -> tuple[tuple[Predicate, ...], tuple[Predicate, ...]]:
    """Mitigation and escalation predicates, the Kleene ones where the rule tests presence."""
    strict = compiled.strict
    if strict is not None:
        return strict.mitigations, strict.escalations
    return (tuple(m.predicate for m in compiled.mitigations),
            tuple(e.predicate for e in compiled.escalations))


def rule_bounds(outcome: RuleOutcome, facts: Mapping[str, Any],
                override: RuleOverride | None = None, steps: list[Step] | None = None,
                assumptions: list[Assumption] | None = None,
                specs: Mapping[str, FactSpec] | None = None) -> Bounds:
    """Both bounds of one outcome on the rule's scale; ``steps`` and ``assumptions``, when given,
    collect the explanation (the deciding-facts search leaves them out, for speed). ``specs``
    (the fact catalogue) lets an assumption name the answer it stands for."""
    specs = specs or {}
    compiled = outcome.rule
    rule = compiled.rule
    likelihood, consequence = rule.likelihood, rule.consequence
    if steps is not None:
        steps.append(Step("default", before=likelihood, after=consequence))
    if override is not None:
        if override.likelihood is not None:
            if steps is not None:
                steps.append(Step("override", "likelihood", likelihood, override.likelihood,
                                  ref=override.reason))
            likelihood = override.likelihood
        if override.consequence is not None:
            if steps is not None:
                steps.append(Step("override", "consequence", consequence, override.consequence,
                                  ref=override.reason))
            consequence = override.consequence
    worst_l = low_l = likelihood
    worst_c = low_c = consequence
    scaling = rule.consequence_scaling
    if scaling is not None:
        value = facts.get(scaling.fact)
        if value is None:
            worst_c = max([consequence, *scaling.levels.values()])
            floor = compiled.scaling_floor
            low_c = max([consequence, *(c for t, c in scaling.levels.items()
                                        if floor is not None and floor >= t)])
            if steps is not None and worst_c > consequence:
                steps.append(Step("scaling_unknown", "consequence", consequence, worst_c,
                                  ref=scaling.fact, value=low_c))
            if assumptions is not None and worst_c > low_c:
                threshold = min(t for t, c in scaling.levels.items() if c >= worst_c)
                assumptions.append(Assumption(scaling.fact, threshold, "scaling",
                                              comparison="gte"))
        else:
            reached = [c for threshold, c in scaling.levels.items() if value >= threshold]
            worst_c = low_c = max([consequence, *reached])
            if steps is not None:
                steps.append(Step("scaling", "consequence", consequence, worst_c,
                                  ref=scaling.fact, value=value))
    mitigation_checks, escalation_checks = _predicates(compiled)
    pairs = zip(compiled.escalations, escalation_checks, strict=True)
    for index, (escalation, check) in enumerate(pairs):
        holds = check(facts)
        if holds is False:
            continue
        esc = escalation.escalation
        new_l = max(worst_l, esc.likelihood or 0)
        new_c = max(worst_c, esc.consequence or 0)
        if steps is not None and (new_l, new_c) != (worst_l, worst_c):
            kind: StepKind = "escalation" if holds else "escalation_unknown"
            for axis, before, after in (("likelihood", worst_l, new_l),
                                        ("consequence", worst_c, new_c)):
                if after != before:
                    steps.append(Step(kind, axis, before, after, ref=str(index),
                                      reason=esc.reason))
        if holds is None and assumptions is not None and (new_l, new_c) != (worst_l, worst_c):
            assumptions.extend(_witnesses(compiled, facts, escalation.facts, specs,
                                          _settles(check, True), "escalation", str(index)))
        worst_l, worst_c = new_l, new_c
        if holds:
            low_l = max(low_l, esc.likelihood or 0)
            low_c = max(low_c, esc.consequence or 0)
    worst, low = (worst_l, worst_c), (low_l, low_c)
    status = outcome.status
    certain = established(compiled, status, facts)
    residual_low: tuple[int, int] | None = None
    if status == "finding":
        in_effect, unknown = _mitigation_states(compiled, mitigation_checks, facts, outcome)
        residual_worst = _mitigated(compiled, in_effect, worst, steps)
        if certain:
            residual_low = _mitigated(compiled, in_effect + unknown, low, None)
            if assumptions is not None:
                for mitigation, check in zip(compiled.mitigations, mitigation_checks, strict=True):
                    if mitigation.mitigation.id in unknown:
                        assumptions.extend(_witnesses(
                            compiled, facts, mitigation.facts, specs, _settles(check, False),
                            "mitigation", mitigation.mitigation.id))
        elif assumptions is not None:
            assumptions.extend(_witnesses(compiled, facts, compiled.condition_facts, specs,
                                          _possible_finding(compiled), "finding"))
    else:
        residual_worst = worst
        if status == "unknown":
            if steps is not None and compiled.mitigations:
                steps.append(Step("no_credit"))
            if assumptions is not None:
                assumptions.extend(_witnesses(compiled, facts, compiled.condition_facts, specs,
                                              _possible_finding(compiled), "finding"))
    if steps is not None:
        for mitigation_id in outcome.mitigations_unknown:
            steps.append(Step("mitigation_unknown", ref=mitigation_id))
    return Bounds(certain, worst, low, residual_worst, residual_low)


def escalated(compiled: CompiledRule, facts: Mapping[str, Any]) -> Tri:
    """Does an escalation of the rule apply: true if one does for certain, unknown if one might,
    false if none can."""
    _mitigations, checks = _predicates(compiled)
    result: Tri = False
    for check in checks:
        holds = check(facts)
        if holds is True:
            return True
        if holds is None:
            result = None
    return result


def _mitigation_states(compiled: CompiledRule, checks: tuple[Predicate, ...],
                       facts: Mapping[str, Any], outcome: RuleOutcome
                       ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Mitigations in effect and undecided, by the Kleene predicates where the rule has them."""
    if compiled.strict is None:
        return outcome.mitigations_in_effect, outcome.mitigations_unknown
    holding: list[str] = []
    undecided: list[str] = []
    for mitigation, check in zip(compiled.mitigations, checks, strict=True):
        holds = check(facts)
        if holds is True:
            holding.append(mitigation.mitigation.id)
        elif holds is None:
            undecided.append(mitigation.mitigation.id)
    return tuple(holding), tuple(undecided)


def _mitigated(compiled: CompiledRule, mitigation_ids: Iterable[str], start: tuple[int, int],
               steps: list[Step] | None) -> tuple[int, int]:
    likelihood, consequence = start
    by_id = {m.mitigation.id: m.mitigation for m in compiled.mitigations}
    for mitigation_id in mitigation_ids:
        mitigation = by_id[mitigation_id]
        if mitigation.lowers == "likelihood":
            lowered = max(1, likelihood - mitigation.steps)
            if steps is not None:
                steps.append(Step("mitigation", "likelihood", likelihood, lowered,
                                  ref=mitigation_id))
            likelihood = lowered
        else:
            lowered = max(1, consequence - mitigation.steps)
            if steps is not None:
                steps.append(Step("mitigation", "consequence", consequence, lowered,
                                  ref=mitigation_id))
            consequence = lowered
    return likelihood, consequence


def _witnesses(compiled: CompiledRule, facts: Mapping[str, Any], read: Iterable[str],
               specs: Mapping[str, FactSpec], check: Callable[[Mapping[str, Any]], Tri],
               effect: AssumptionEffect, ref: str | None = None) -> list[Assumption]:
    """Each unknown fact that ``read`` names, with the one answer for which ``check`` holds,
    when there is exactly one among the answers the rule can tell apart. The facts are copied
    once and each answer tried in the copy (a copy per answer was about 8 % of scoring's time),
    so ``check`` must not keep the mapping it is given."""
    found: list[Assumption] = []
    trial: dict[str, Any] | None = None  # the facts with one answer tried: copied once
    for fact in read:
        if facts.get(fact) is not None:
            continue
        spec = specs.get(fact)
        options = candidate_values(spec, compiled.tests) if spec is not None else None
        values = options.values if options is not None else ()
        keeping = []
        if values:
            if trial is None:
                trial = dict(facts)
            for value in values:
                trial[fact] = value
                if check(trial):
                    keeping.append(value)
            if fact in facts:
                trial[fact] = facts[fact]
            else:
                del trial[fact]
        ordered = spec is not None and spec.kind in ORDERED
        assumed, comparison = _describe(values, keeping, ordered)
        found.append(Assumption(fact, assumed, effect, ref, comparison))
    return found


MAX_LISTED = 3


def _describe(values: tuple[Any, ...], keeping: list[Any],
              ordered: bool) -> tuple[Any, Comparison]:
    """The answers in ``keeping`` (out of the representatives ``values``) as one short
    description: a value, a value or higher/lower, or one of a few."""
    if not keeping or len(keeping) == len(values):
        return None, "eq"
    if ordered:
        ascending = sorted(values)
        kept = sorted(keeping)
        if kept == ascending[-len(kept):]:
            return kept[0], "gte"
        if kept == ascending[:len(kept)]:
            return kept[-1], "lte"
    if len(keeping) == 1:
        return keeping[0], "eq"
    if len(keeping) <= MAX_LISTED:
        return keeping, "in"
    return None, "eq"


def _possible_finding(compiled: CompiledRule) -> Callable[[Mapping[str, Any]], Tri]:
    """Does the rule still possibly fire (a finding, or undecided) on these facts?"""
    def check(facts: Mapping[str, Any]) -> Tri:
        return rule_status(compiled, facts) in ("finding", "unknown")
    return check


def _settles(predicate: Predicate, wanted: bool) -> Callable[[Mapping[str, Any]], Tri]:
    """Is ``predicate`` not settled against ``wanted`` (true or unknown when ``wanted``)?"""
    def check(facts: Mapping[str, Any]) -> Tri:
        return predicate(facts) is not (not wanted)
    return check


def _point(matrix: RiskMatrix, scale: tuple[int, int], basis: Basis) -> MatrixCell:
    likelihood = matrix.rule_scale.likelihood[scale[0]]
    consequence = matrix.rule_scale.consequence[scale[1]]
    return MatrixCell(likelihood, consequence, matrix.lookup(likelihood, consequence), basis)


def score_outcome(outcome: RuleOutcome, matrix: RiskMatrix, facts: Mapping[str, Any],
                  override: RuleOverride | None = None,
                  specs: Mapping[str, FactSpec] | None = None) -> Scored:
    """Inherent and residual risk of one outcome, both bounds, with every step that led there."""
    steps: list[Step] = []
    assumptions: list[Assumption] = []
    bounds = rule_bounds(outcome, facts, override, steps, assumptions, specs)
    inherent_low = _point(matrix, bounds.low, "confirmed")
    inherent = _point(matrix, bounds.worst, "confirmed")
    if inherent.level != inherent_low.level or (
            outcome.status in ("finding", "unknown") and not bounds.established):
        inherent = _point(matrix, bounds.worst, "assumed")
    confirmed = None
    if bounds.residual_low is not None:
        confirmed = _point(matrix, bounds.residual_low, "confirmed")
    residual = _point(matrix, bounds.residual_worst, "confirmed")
    if outcome.status in ("finding", "unknown"):
        if confirmed is None or confirmed.level != residual.level:
            residual = _point(matrix, bounds.residual_worst, "assumed")
    elif residual.level != inherent_low.level:
        residual = _point(matrix, bounds.residual_worst, "assumed")
    steps.append(Step("matrix", before=residual.likelihood, after=residual.consequence,
                      ref=residual.level))
    return Scored(outcome, inherent, residual, confirmed, tuple(steps), tuple(assumptions))


def score(outcomes: Iterable[RuleOutcome], matrix: RiskMatrix, facts: Mapping[str, Any],
          overrides: Mapping[str, RuleOverride] | None = None,
          specs: Mapping[str, FactSpec] | None = None,
          memo: RuleMemo | None = None) -> list[Scored]:
    """Score every applicable outcome (pass included, for the compliance weighting).

    ``memo`` (the Reviewer's, for this matrix, these overrides and specs) returns the score a
    rule had before on the same values of the facts it reads."""
    overrides = overrides or {}
    applicable = [o for o in outcomes
                  if o.status != "not_applicable" and o.rule.rule.dpia_criterion is None]
    if memo is None:
        return [score_outcome(o, matrix, facts, overrides.get(o.rule.id), specs)
                for o in applicable]
    return [memo.get_or_compute(
        "score", o.rule.id, o.rule.facts_used, facts,
        partial(score_outcome, o, matrix, facts, overrides.get(o.rule.id), specs),
        o.rule.reads_date)
        for o in applicable]


def max_level(levels: Iterable[str], matrix: RiskMatrix) -> str | None:
    """The highest level, by the matrix's order; None when there is nothing to roll up."""
    ranks = [matrix.rank(level) for level in levels]
    return matrix.levels[max(ranks)].id if ranks else None


def compliance_percent(weights_passed: float, weights_total: float) -> float | None:
    if weights_total <= 0:
        return None
    return round(100.0 * weights_passed / weights_total, 1)

