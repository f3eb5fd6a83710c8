"""Open questions: the unknown facts that keep rules undecided, ranked by the risk they may hide."""

from __future__ import annotations

from secreview.addressees import fact_addressee
from secreview.engine.scoring import max_level
from secreview.profile import Profile
from secreview.questions import question_for
from secreview.review import Finding, Question
from secreview.rules.loader import Catalog


def rank_questions(findings: list[Finding], catalog: Catalog,
                   profile: Profile) -> list[Question]:
    """Unknown facts that decide a rule, ranked by the risk they may hide.

    A fact ranks by the highest inherent level among the rules it leaves unverified, then by the
    summed level weights of those rules (two high risks hide more than one), then by their number.
    Derived facts (``derived.dpia_required``) are not asked: the screening facts behind them are,
    on behalf of the rules that depend on the derived fact.
    """
    matrix = profile.matrix
    screening_unknown = sorted({fact for f in findings if f.screening and f.status == "unknown"
                                for fact in f.open_questions})
    # Keyed by rule id (insertion-ordered): a membership test on a list made this quadratic.
    asked: dict[str, dict[str, Finding]] = {}
    for finding in findings:
        if finding.status != "unknown":
            continue
        for fact in finding.open_questions:
            facts = screening_unknown if fact.startswith("derived.") else [fact]
            for asked_fact in facts:
                asked.setdefault(asked_fact, {})[finding.rule_id] = finding
    weights = matrix.weights()
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
        ))
    questions.sort(key=lambda q: (-(matrix.rank(q.highest_level) if q.highest_level else -1),
                                  -hidden[q.fact], -len(q.rule_ids), q.fact))
    return questions
