"""The live decision beside the questionnaire: what a project lead needs at a glance.

Outcome, the level that known facts confirm against the worst case the unknowns allow, the
unanswered facts that decide, and the top findings. When the engine reports the deciding facts
itself (``decision.deciding_facts``) they are shown; until then the open questions ranked by the
risk they may hide stand in their place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from secreview.i18n import Lang, label, plurals
from secreview.report.common import level_colour, level_label
from secreview.report.view import worst_case_statement
from secreview.review import Finding, Review

DECISION_COLOURS = {"approve": "#2e7d32", "approve_with_conditions": "#a15c00",
                    "incomplete": "#37474f", "reject": "#b71c1c"}
TOP_FINDINGS = 5
TOP_FACTS = 5


@dataclass(frozen=True)
class LevelView:
    id: str | None
    label: str
    colour: str


@dataclass(frozen=True)
class FindingView:
    rule_id: str
    title: str
    status: str
    status_label: str
    level: LevelView


@dataclass(frozen=True)
class FactView:
    path: str
    question: str
    level: LevelView | None


@dataclass(frozen=True)
class DecisionView:
    outcome: str
    outcome_label: str
    plain: str
    colour: str
    confirmed: LevelView
    worst_case: LevelView
    worst_statement: str | None
    """Where the unknown answers could lead, in words, when that is another outcome."""
    deciding: list[FactView]
    deciding_from_engine: bool
    findings: list[FindingView]
    counts: dict[str, int]
    counts_text: str
    """The counts in words, each in its plural form ("1 brist, 97 overifierade, 2 uppfyllda
    krav")."""


def _level(review: Review, level: str | None, lang: Lang) -> LevelView:
    return LevelView(level, level_label(review, level, lang), level_colour(review, level))


def _levels(review: Review, findings: Sequence[Finding], confirmed: bool = False) -> str | None:
    """The highest residual level of ``findings``; with ``confirmed``, the highest level the
    known answers alone establish (a finding whose level rests on an unknown counts at its
    confirmed level, as the decision does: a reject rests only on those)."""
    points = [f.confirmed if confirmed else f.residual for f in findings]
    levels = [point.level for point in points if point is not None]
    if not levels:
        return None
    rank = {info.id: i for i, info in enumerate(review.matrix.levels)}
    return max(levels, key=lambda level: rank.get(level, -1))


def decision_view(review: Review, lang: Lang) -> DecisionView:
    risks = [f for f in review.findings if f.counts_as_risk]
    confirmed = _levels(review, [f for f in risks if f.status == "finding"], confirmed=True)
    worst = _levels(review, risks)
    engine_facts: list[str] | None = getattr(review.decision, "deciding_facts", None)
    questions = {q.fact: q for q in review.questions}
    if engine_facts is not None:
        paths = [str(getattr(f, "fact", f)) for f in engine_facts]
    else:
        paths = [q.fact for q in review.questions[:TOP_FACTS]]
    deciding = []
    for path in paths[:TOP_FACTS]:
        question = questions.get(path)
        deciding.append(FactView(
            path, question.question.get(lang) if question else path,
            _level(review, question.highest_level, lang)
            if question and question.highest_level else None))
    shown = [f for f in risks if f.status == "finding"][:TOP_FINDINGS]
    if len(shown) < TOP_FINDINGS:
        shown += [f for f in risks if f.status == "unknown"][:TOP_FINDINGS - len(shown)]
    findings = [FindingView(f.rule_id, f.title.get(lang), f.status,
                            label(f"status.{f.status}", lang),
                            _level(review, f.residual.level if f.residual else None, lang))
                for f in shown]
    outcome = review.decision.outcome
    counts = {s: review.summary.statuses.get(s, 0) for s in ("finding", "unknown", "pass")}
    return DecisionView(
        outcome=outcome, outcome_label=label(f"decision.{outcome}", lang),
        plain=label(f"report.plain.{outcome}", lang),
        colour=DECISION_COLOURS.get(outcome, "#37474f"),
        confirmed=_level(review, confirmed, lang), worst_case=_level(review, worst, lang),
        worst_statement=worst_case_statement(review, lang),
        deciding=deciding, deciding_from_engine=engine_facts is not None, findings=findings,
        counts=counts, counts_text=label("web.live.counts", lang, **plurals(
            "web.live.count", lang, findings=counts["finding"], unknown=counts["unknown"],
            passed=counts["pass"])))

