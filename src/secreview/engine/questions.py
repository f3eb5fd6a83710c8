"""Open questions: the unknown facts that keep rules undecided or levels assumed, ranked.

The deciding facts (:mod:`secreview.engine.deciding`) come first, in their own order: they are
the answers that settle the decision. The rest rank by the risk they may hide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from secreview.addressees import fact_addressee
from secreview.engine.scoring import max_level
from secreview.facts import CLASSIFICATION_DERIVED
from secreview.profile import Profile
from secreview.questions import question_for
from secreview.review import Finding, Question
from secreview.rules.loader import Catalog


def _asked(findings: list[Finding], facts: Mapping[str, Any]) -> dict[str, dict[str, Finding]]:
    """Fact → the open findings (by rule id) it leaves unverified or assumed.

    Derived facts are not asked: the facts behind them are, on behalf of the rules that depend
    on the derived fact (the screening facts for ``derived.dpia_required``, the classification
    levels for ``derived.protection_level``).
    """
    screening_unknown = sorted({fact for f in findings if f.screening and f.status == "unknown"
                                for fact in f.open_questions})

    def sources(fact: str) -> list[str]:
        if fact in CLASSIFICATION_DERIVED:
            return [p for p in CLASSIFICATION_DERIVED[fact] if facts.get(p) is None]
        return screening_unknown

    # Keyed by rule id (insertion-ordered): a membership test on a list made this quadratic.
    asked: dict[str, dict[str, Finding]] = {}
    for finding in findings:
        if not finding.counts_as_risk:
            continue
        unknown = list(finding.open_questions) if finding.status == "unknown" else []
        unknown += [a.fact for a in finding.assumptions if a.fact not in unknown]
        for fact in unknown:
            for asked_fact in (sources(fact) if fact.startswith("derived.") else [fact]):
                asked.setdefault(asked_fact, {})[finding.rule_id] = finding
    return asked


def rank_questions(findings: list[Finding], catalog: Catalog, profile: Profile,
                   deciding: Sequence[str] = (),
                   facts: Mapping[str, Any] | None = None) -> list[Question]:
    """Unknown facts that decide a rule or a level: the deciding facts first, in their order;
    then by the highest inherent level among the rules a fact leaves unverified or assumed, by
    the summed level weights of those rules (two high risks hide more than one), by their
    number."""
    matrix = profile.matrix
    asked = _asked(findings, facts or {})
    open_by_rule = {f.rule_id: f for f in findings if f.counts_as_risk}
    for fact in deciding:
        if fact not in asked:
            asked[fact] = {catalog.rules[i].id: open_by_rule[catalog.rules[i].id]
                           for i in catalog.rules_by_fact.get(fact, ())
                           if catalog.rules[i].id in open_by_rule}
    weights = matrix.weights()
    order = {fact: i for i, fact in enumerate(deciding)}
    questions = []
    hidden: dict[str, float] = {}
    for fact, by_rule in asked.items():
        by = list(by_rule.values())
        levels = [f.inherent.level for f in by if f.inherent]
        hidden[fact] = sum(weights[level] for level in levels)
        questions.append(Question(
            fact=fact, question=question_for(fact, catalog),
            addressee=fact_addressee(fact, catalog),
            rule_ids=sorted(f.rule_id for f in by), highest_level=max_level(levels, matrix),
            deciding=fact in order,
        ))
    questions.sort(key=lambda q: (order.get(q.fact, len(order)),
                                  -(matrix.rank(q.highest_level) if q.highest_level else -1),
                                  -hidden[q.fact], -len(q.rule_ids), q.fact))
    return questions
