"""What the decision report shows, worked out once from a Review for every document format.

The HTML/PDF templates and the Markdown renderer share these selections (which findings get a
section of their own, what goes into the action plan, how the description is listed), so the
formats never disagree about the content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from secreview.i18n import Lang, format_fact, label
from secreview.review import ExplanationStep, Finding, Review
from secreview.vocabulary import DUE_KINDS, OPEN_STATUSES

DUE_ORDER = DUE_KINDS
OPEN = OPEN_STATUSES
KEY_LEVELS = 2
"""Findings at the matrix's two highest levels (high and critical) get a section each."""
MAX_DESCRIPTION_ROWS = 400
"""The description appendix lists at most this many facts; the embedded JSON has them all."""
MAX_DECISION_PAGE_CONDITIONS = 12
"""The decision page lists at most this many conditions; the action plan has them all."""
CLASSIFICATION_AXES = ("confidentiality", "integrity", "availability", "traceability")


@dataclass(frozen=True)
class Action:
    """One line of the action plan: a condition or a remediation, with who and by when."""

    finding: Finding
    is_condition: bool
    due: str


@dataclass(frozen=True)
class FactRow:
    path: str
    text: str


def key_levels(review: Review) -> list[str]:
    """The level ids that count as high or critical on this review's matrix."""
    return [level.id for level in review.matrix.levels[-KEY_LEVELS:]]


def _at_key_level(review: Review, status: str) -> list[Finding]:
    wanted = key_levels(review)
    return [f for f in review.findings if f.status == status and f.screening is None
            and f.residual is not None and f.residual.level in wanted]


def key_findings(review: Review) -> list[Finding]:
    """Confirmed findings at the two highest residual levels, worst first: a section each."""
    return _at_key_level(review, "finding")


def key_unverified(review: Review) -> list[Finding]:
    """Unverified requirements at those levels: listed compactly with the facts they need.

    A description with many unanswered facts would otherwise fill dozens of pages with risks
    nobody has confirmed; the open questions section says what to ask.
    """
    return _at_key_level(review, "unknown")


def open_findings(review: Review) -> list[Finding]:
    return [f for f in review.findings if f.counts_as_risk]


def waived_findings(review: Review) -> list[Finding]:
    return [f for f in review.findings if f.status == "waived"]


def listed_findings(review: Review) -> list[Finding]:
    """Every finding the appendix table lists: all but not-applicable and DPIA screening rules."""
    return [f for f in review.findings if f.status != "not_applicable" and f.screening is None]


def action_plan(review: Review) -> list[Action]:
    """Conditions first, then the other confirmed findings' remediations, by due point.

    Unverified requirements that are not conditions stay out: what they need is an answer (the
    open questions), not yet an action.
    """
    conditions = {c.rule_id for c in review.decision.conditions}
    order: dict[str, int] = {due: i for i, due in enumerate(DUE_ORDER)}
    actions = [Action(finding=f, is_condition=f.rule_id in conditions, due=f.due)
               for f in open_findings(review)
               if f.rule_id in conditions or f.status == "finding"]
    ranks = {level.id: i for i, level in enumerate(review.matrix.levels)}
    return sorted(actions, key=lambda a: (
        not a.is_condition, order.get(a.due, len(order)),
        -ranks.get(a.finding.residual.level if a.finding.residual else "", -1)))


def level_counts(review: Review) -> list[tuple[str, int]]:
    """Open findings per residual level, highest level first."""
    return [(level.id, review.summary.levels.get(level.id, 0))
            for level in reversed(review.matrix.levels)]


def classification(review: Review) -> dict[str, Any]:
    """The information classification as submitted (``None`` where it was not answered)."""
    raw = review.description.get("classification", {})
    return raw if isinstance(raw, dict) else {}


def describe(path: str, value: Any, lang: Lang) -> str:
    """A submitted value as a person reads it; list items that are objects as ``key: value``.

    ``path`` is the fact's dotted path, so enumerated ids read as their labels.
    """
    if isinstance(value, dict):
        return ", ".join(f"{key}: {describe(f'{path}.{key}', inner, lang)}"
                         for key, inner in value.items())
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):
        return "; ".join(describe(path, item, lang) for item in value)
    return format_fact(path, value, lang)


def description_rows(review: Review, lang: Lang) -> list[FactRow]:
    """The description flattened to dotted paths, in the order it was submitted."""
    rows: list[FactRow] = []

    def walk(prefix: str, value: Any) -> None:
        if len(rows) >= MAX_DESCRIPTION_ROWS:
            return
        if isinstance(value, dict) and value:
            for key, inner in value.items():
                walk(f"{prefix}.{key}", inner)
        else:
            rows.append(FactRow(path=prefix, text=describe(prefix, value, lang)))

    for key, value in review.description.items():
        if key != "$schema":
            walk(str(key), value)
    return rows


def description_truncated(rows: list[FactRow]) -> bool:
    return len(rows) >= MAX_DESCRIPTION_ROWS


def explain_step(step: ExplanationStep, finding: Finding, review: Review, lang: Lang) -> str:
    """One step of how a finding's risk came about, as a sentence."""
    titles = {m.id: m.title.get(lang) for m in finding.mitigations}
    axis = label(f"report.axis.{step.axis}", lang) if step.axis else ""
    if step.kind == "default":
        return label("report.step.default", lang, likelihood=step.before, consequence=step.after)
    if step.kind == "override":
        return label("report.step.override", lang, axis=axis, before=step.before,
                     after=step.after, reason=step.ref or "")
    if step.kind == "scaling":
        return label("report.step.scaling", lang, fact=step.ref or "",
                     value=format_fact(step.ref or "", step.value, lang), before=step.before,
                     after=step.after)
    if step.kind == "scaling_unknown":
        return label("report.step.scaling_unknown", lang, fact=step.ref or "",
                     before=step.before, after=step.after,
                     value=step.value if step.value is not None else step.before)
    if step.kind in ("escalation", "escalation_unknown"):
        return label(f"report.step.{step.kind}", lang, axis=axis, before=step.before,
                     after=step.after, reason=step.reason.get(lang) if step.reason else "")
    if step.kind == "mitigation":
        return label("report.step.mitigation", lang, ref=titles.get(step.ref or "", step.ref or ""),
                     axis=axis,
                     before=step.before, after=step.after)
    if step.kind == "mitigation_unknown":
        return label("report.step.mitigation_unknown", lang, ref=step.ref or "")
    if step.kind == "no_credit":
        return label("report.step.no_credit", lang)
    if step.kind == "waiver":
        return label("report.step.waiver", lang, ref=step.ref or "")
    if step.kind == "matrix":
        level = next((lv.label.get(lang) for lv in review.matrix.levels if lv.id == step.ref),
                     step.ref or "")
        return label("report.step.matrix", lang, likelihood=step.before, consequence=step.after,
                     level=level)
    return step.kind
