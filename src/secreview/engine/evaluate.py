"""Evaluate compiled rules against one system description: outcomes with evidence.

Before any rule runs, the facts that follow from routing answers are filled in where unanswered
(``routing.apply_implications``: "no children" means no children's data) and the review date is
the one the review is made on, so set membership follows the law in force that day. DPIA
screening rules (``dpia_criterion``) run first; their result becomes the derived facts
``derived.dpia_criteria_met`` and ``derived.dpia_required`` that other rules may test. Nothing here
scores or decides: an :class:`RuleOutcome` says only what the rule found and on which facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from secreview.engine.dpia import derive_facts
from secreview.facts import REVIEW_DATE_FACT, classification_facts, flatten
from secreview.routing import apply_implications
from secreview.rules.loader import Catalog, CompiledRule
from secreview.rules.regex_safety import match_budget
from secreview.system import SystemDescription
from secreview.tristate import Tri
from secreview.vocabulary import OPEN_STATUSES, RuleStatus


class RuleOutcome(NamedTuple):
    """What one rule found for one system.

    A named tuple rather than a frozen dataclass: it is built once per rule and system, and a
    frozen dataclass's ``__init__`` cost more than evaluating most rules (docs/benchmarks.md).
    """

    rule: CompiledRule
    status: RuleStatus
    facts: Mapping[str, Any]
    mitigations_in_effect: tuple[str, ...]
    mitigations_unknown: tuple[str, ...]

    @property
    def evidence(self) -> tuple[tuple[str, Any], ...]:
        """Every fact the rule looked at, with its value (``None`` = unknown).

        Built on demand from the system's facts: most outcomes are passes nobody reads the
        evidence of, and building it eagerly cost more than evaluating the rule.
        """
        get = self.facts.get
        return tuple([(path, get(path)) for path in self.rule.facts_used])

    @property
    def unknown_facts(self) -> tuple[str, ...]:
        get = self.facts.get
        return tuple([path for path in self.rule.facts_used if get(path) is None])


_new_tuple = tuple.__new__


@dataclass(frozen=True)
class Evaluation:
    outcomes: tuple[RuleOutcome, ...]
    facts: Mapping[str, Any]
    answered: Mapping[str, Any] | None = None
    """The facts as answered, before anything was completed from them: where hypothetical
    answers are laid to be completed again (:mod:`secreview.engine.deciding`)."""


def decide_status(applies: Tri, finding: Tri, on_unknown: str) -> RuleStatus:
    """Combine scope and finding conditions under Kleene logic into one status."""
    if applies is False:
        return "not_applicable"
    if finding is False:
        return "pass"
    if finding is True and applies is True:
        return "finding"
    if on_unknown == "finding":
        return "finding"
    if on_unknown == "pass":
        return "pass"
    return "unknown"


def rule_status(compiled: CompiledRule, facts: Mapping[str, Any]) -> RuleStatus:
    """A rule's status alone: its scope and finding conditions, without mitigations or an
    :class:`RuleOutcome`. The benchmarks time this as the condition language's own cost."""
    applies = compiled.applies(facts) if compiled.applies is not None else True
    finding = compiled.finding(facts) if applies is not False else False
    return decide_status(applies, finding, compiled.rule.on_unknown)


def evaluate_rule(compiled: CompiledRule, facts: Mapping[str, Any]) -> RuleOutcome:
    """One rule against one system's facts. Mitigations are only looked at for a finding or an
    unknown: on a pass or an out-of-scope rule they would explain nothing."""
    # rule_status(), inlined: one call more costs a tenth of a typical rule's evaluation.
    applies = compiled.applies(facts) if compiled.applies is not None else True
    finding = compiled.finding(facts) if applies is not False else False
    status = decide_status(applies, finding, compiled.rule.on_unknown)
    in_effect: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    if compiled.mitigations and status in OPEN_STATUSES:
        holding: list[str] = []
        undecided: list[str] = []
        for mitigation in compiled.mitigations:
            holds = mitigation.predicate(facts)
            if holds is True:
                holding.append(mitigation.mitigation.id)
            elif holds is None:
                undecided.append(mitigation.mitigation.id)
        in_effect, unknown = tuple(holding), tuple(undecided)
    # What RuleOutcome(...) does, without its Python-level __new__: half the cost of the call.
    return _new_tuple(RuleOutcome, (compiled, status, facts, in_effect, unknown))


def prepare_facts(system: SystemDescription, review_date: dt.date | None = None) -> dict[str, Any]:
    """The facts rules see: the description flattened, the date of the review
    (``derived.review_date``), and the facts its routing answers imply (screening's derived
    facts are added by :func:`evaluate`)."""
    return complete_facts(answered_facts(system, review_date))


def answered_facts(system: SystemDescription, review_date: dt.date | None = None
                   ) -> dict[str, Any]:
    """The description flattened, with the date of the review (``derived.review_date``:
    ``review_date``, else the description's own ``review.date``, unknown when neither is
    given): what was answered."""
    facts = flatten(system)
    facts[REVIEW_DATE_FACT] = review_date or system.review.date
    return facts


F = TypeVar("F", bound=MutableMapping[str, Any])


def complete_facts(facts: F) -> F:
    """What follows from the answers, filled in where unanswered: the routing implications, then
    the derived classification levels. The deciding-facts search completes hypothetical answers
    with this too, so they are seen exactly as a description with those answers would be."""
    apply_implications(facts)
    facts.update(classification_facts(facts))
    return facts


def evaluate(system: SystemDescription, catalog: Catalog,
             review_date: dt.date | None = None) -> Evaluation:
    """Run every rule of the catalogue against ``system``; screening rules first.

    ``review_date`` is what conditions compare with as ``review_date`` and what dated value sets
    are read on (by default the description's own ``review.date``; unknown when neither is
    given). The regular expressions of all rules share one work budget for the whole review.
    """
    answered = answered_facts(system, review_date)
    facts = complete_facts(dict(answered))
    with match_budget():
        screening = [evaluate_rule(r, facts) for r in catalog.rules if r.rule.dpia_criterion]
        facts.update(derive_facts(screening, facts))
        screened = iter(screening)  # in catalogue order, like the rules they came from
        outcomes = tuple([next(screened) if r.rule.dpia_criterion else evaluate_rule(r, facts)
                          for r in catalog.rules])
    return Evaluation(outcomes=outcomes, facts=facts, answered=answered)
