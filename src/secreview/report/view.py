"""What the decision report says, worked out once from a Review for every document format.

Selections (which risks block, which conditions fall due when, which accepted risks expire before
the next review) and wordings (the decision sentence, explanation steps in words, evidence as
question and answer) live here; :mod:`secreview.report.sections` arranges them into sections and
the writers only lay them out, so the formats never disagree about the content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from secreview.i18n import (
    Lang,
    Text,
    Words,
    fact_name,
    format_date,
    format_fact,
    has_label,
    label,
    plural,
)
from secreview.report.common import level_label
from secreview.review import ApprovalCondition, ExplanationStep, Finding, Question, Review
from secreview.vocabulary import DUE_KINDS

DUE_ORDER = DUE_KINDS
KEY_LEVELS = 2
"""Risks at the matrix's two highest levels (high and critical) are the key risks."""
MAX_DESCRIPTION_ROWS = 400
"""The description annex lists at most this many facts; the embedded JSON has them all."""
MAX_MEMO_CONDITIONS = 12
"""The memo lists at most this many conditions; the action plan in the annex has them all."""
MAX_MEMO_RISKS = 14
"""The memo's risk list names at most this many risks; the annex describes every one."""
CLASSIFICATION_AXES = ("confidentiality", "integrity", "availability", "traceability")
CLASSIFICATION_PREFIX = "classification."


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


@dataclass(frozen=True)
class Accepted:
    """An accepted risk, and whether its waiver runs out before the next review."""

    finding: Finding
    expires: dt.date
    expires_before_next_review: bool


@dataclass(frozen=True)
class EvidenceRow:
    question: str
    answer: str
    known: bool
    fact: str
    source: str | None = None


# --- selections ---------------------------------------------------------------------------------

def key_levels(review: Review) -> list[str]:
    """The level ids that count as high or critical on this review's matrix."""
    return [level.id for level in review.matrix.levels[-KEY_LEVELS:]]


def risk_number(finding: Finding) -> int:
    """The number in a risk id (R12 → 12), for sorting; findings without one sort last."""
    return int(finding.risk_id[1:]) if finding.risk_id else 1_000_000


def numbered(review: Review) -> list[Finding]:
    """Every risk with an id, in id order (R1, R2, ...)."""
    return sorted((f for f in review.findings if f.risk_id), key=risk_number)


def by_rule(review: Review) -> dict[str, Finding]:
    return {f.rule_id: f for f in review.findings}


def open_findings(review: Review) -> list[Finding]:
    return [f for f in review.findings if f.counts_as_risk]


def waived_findings(review: Review) -> list[Finding]:
    return [f for f in review.findings if f.status == "waived"]


def listed_findings(review: Review) -> list[Finding]:
    """Every requirement the annex lists: all but the DPIA screening rules."""
    return [f for f in review.findings if f.screening is None]


def blocking(review: Review) -> list[Finding]:
    """The risks behind a rejection, in id order: what stands between the system and approval."""
    if review.decision.outcome != "reject":
        return []
    rules = by_rule(review)
    ids = {rule_id for reason in review.decision.reasons for rule_id in reason.rule_ids}
    return sorted((rules[r] for r in ids if r in rules), key=risk_number)


def reason_risks(review: Review) -> list[Finding]:
    """The risks the decision's reasons name (blocking, or keeping the decision incomplete)."""
    rules = by_rule(review)
    ids = {rule_id for reason in review.decision.reasons for rule_id in reason.rule_ids}
    return sorted((rules[r] for r in ids if r in rules), key=risk_number)


def condition_groups(review: Review) -> list[tuple[str, list[ApprovalCondition]]]:
    """The decision's conditions by when they must be met, in the order they fall due.

    For a rejection the blocking risks are left out: they are what must change before the
    system can be approved at all, and the memo says so separately. While the review is
    incomplete, conditions that rest on unanswered facts are left out too (counted by
    :func:`provisional_conditions`): they apply only if the answers confirm the problems.
    """
    skip = {f.rule_id for f in blocking(review)}
    skip |= {c.rule_id for c in provisional_conditions(review)}
    rules = by_rule(review)
    groups: dict[str, list[ApprovalCondition]] = {}
    for condition in review.decision.conditions:
        if condition.rule_id not in skip:
            groups.setdefault(condition.due, []).append(condition)
    order: dict[str, int] = {due: i for i, due in enumerate(DUE_ORDER)}
    return [(due, sorted(items, key=lambda c: risk_number(rules[c.rule_id])
                         if c.rule_id in rules else 0))
            for due, items in sorted(groups.items(), key=lambda g: order.get(g[0], len(order)))]


def accepted_risks(review: Review) -> list[Accepted]:
    """Waived risks with their expiry, flagged when it falls before the next review."""
    result = []
    for finding in numbered(review):
        if finding.status == "waived" and finding.waiver is not None:
            expires = finding.waiver.expires
            early = review.next_review is not None and expires < review.next_review
            result.append(Accepted(finding, expires, early))
    return result


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
    return sorted(actions, key=lambda a: (not a.is_condition, order.get(a.due, len(order)),
                                          risk_number(a.finding)))


def level_counts(review: Review) -> list[tuple[str, int]]:
    """Open findings per residual level, highest level first."""
    return [(level.id, review.summary.levels.get(level.id, 0))
            for level in reversed(review.matrix.levels)]


def key_open(review: Review) -> list[Finding]:
    """Open risks (findings and unverified) at the two highest levels."""
    wanted = key_levels(review)
    return [f for f in open_findings(review) if f.residual and f.residual.level in wanted]


def classification(review: Review) -> dict[str, Any]:
    """The information classification as submitted (``None`` where it was not answered)."""
    raw = review.description.get("classification", {})
    return raw if isinstance(raw, dict) else {}


# --- wording ------------------------------------------------------------------------------------

def join_words(parts: list[str], lang: Lang, word: str = "and") -> str:
    """"a, b och c" / "a, b and c" (``word="or"``: "a eller b")."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {label('report.' + word, lang)} " + parts[-1]


def risk_ids(findings: list[Finding]) -> str:
    return ", ".join(f.risk_id for f in findings if f.risk_id)


def worst_case_statement(review: Review, lang: Lang) -> str | None:
    """Where the unknown answers could lead, in words, when that is another outcome than the
    decision (the report beside the decision box, the workspace's live panel)."""
    decision = review.decision
    worst = decision.worst_case
    if worst is None or worst.outcome == decision.outcome:
        return None
    return worst.statement.get(lang)


def decision_sentence(review: Review, lang: Lang) -> str:
    """The decision in one or two sentences that agree with the conditions and accepted risks.

    The conditions' own due points make the sentence ("on 1 condition before signing and 2
    before go-live"), so the sentence never promises "before signing" for a condition due within
    six months; accepted risks are named, and those expiring before the next review flagged.
    """
    outcome = review.decision.outcome
    if outcome == "reject":
        blockers = blocking(review)
        text = plural("report.sentence.reject", len(blockers), lang, ids=risk_ids(blockers))
    elif outcome == "incomplete":
        deciding = deciding_questions(review)
        if not deciding:
            text = plural("report.sentence.incomplete", len(review.questions), lang)
        else:
            key = ("report.sentence.incomplete_deciding" if review.decision.deciding_facts_suffice
                   else "report.sentence.incomplete_first")
            text = plural(key, len(deciding), lang)
    elif outcome == "approve_with_conditions":
        parts = [plural(f"report.sentence.due.{due}", len(items), lang)
                 for due, items in condition_groups(review)]
        text = label("report.sentence.conditions", lang, parts=join_words(parts, lang))
    else:
        high = key_open(review)
        levels = join_words([level_label(review, lv, lang).lower()
                             for lv in reversed(key_levels(review))], lang, "or")
        text = (label("report.sentence.approve", lang, levels=levels) if not high
                else plural("report.sentence.approve_open", len(high), lang, ids=risk_ids(high)))
    accepted = accepted_risks(review)
    if accepted:
        text += " " + plural("report.sentence.accepted", len(accepted), lang,
                             ids=", ".join(a.finding.risk_id or "" for a in accepted))
        early = [a for a in accepted if a.expires_before_next_review]
        if early:
            text += " " + plural("report.sentence.accepted_early", len(early), lang,
                                 ids=", ".join(a.finding.risk_id or "" for a in early),
                                 date=format_date(review.next_review, lang))
    return text


def deciding_questions(review: Review) -> list[Question]:
    """The open questions whose answers decide an incomplete outcome, most decisive first."""
    questions = {q.fact: q for q in review.questions}
    return [questions[fact] for fact in review.decision.deciding_facts if fact in questions]


def provisional_conditions(review: Review) -> list[ApprovalCondition]:
    """Conditions that rest on unanswered facts while no decision can be made.

    For an incomplete review they are what would apply if the answers confirm the problems; the
    memo counts them instead of listing them, so a sparse description does not read as a long
    list of demands.
    """
    if review.decision.outcome != "incomplete":
        return []
    return [c for c in review.decision.conditions if c.status == "unknown"]


def approvable_text(finding: Finding, lang: Lang) -> str:
    """What would lift a blocking risk: its remediation, or that none short of a new solution."""
    if finding.remedy == "none":
        return label("report.approvable.none", lang)
    return finding.remediation.get(lang)


def status_note(finding: Finding, review: Review, lang: Lang) -> str:
    """What a risk means for the decision, in a few words: blocks, condition due X, accepted."""
    if finding.rule_id in {f.rule_id for f in blocking(review)}:
        return label("report.role.blocking", lang)
    conditions = {c.rule_id: c for c in review.decision.conditions}
    if finding.rule_id in conditions:
        due = label("due." + conditions[finding.rule_id].due, lang).lower()
        key = "report.role.condition_unverified" if finding.status == "unknown" \
            else "report.role.condition"
        return label(key, lang, due=due)
    if finding.status == "waived" and finding.waiver is not None:
        return label("report.role.accepted", lang,
                     date=format_date(finding.waiver.expires, lang))
    if finding.status == "unknown":
        return label("report.role.unverified", lang)
    return label("report.role.finding", lang)


# --- questions and evidence ---------------------------------------------------------------------

@cache
def _core_questions() -> dict[str, Any]:
    from secreview.bundled import load_data

    raw = load_data("questions.yaml")
    return raw if isinstance(raw, dict) else {}


def question_text(fact: str, review: Review, lang: Lang) -> str:
    """The question behind a fact, as the questionnaire asks it (an extension fact's as its
    ruleset declares it, which the review carries); the path when there is none."""
    for question in review.questions:
        if question.fact == fact:
            return question.question.get(lang)
    own = review.extension_facts.get(fact)
    if own is not None:
        return own.question.get(lang)
    entry = _core_questions().get(fact)
    if isinstance(entry, dict) and isinstance(entry.get("question"), dict):
        return str(entry["question"].get(lang, fact))
    return fact_name(fact, lang)


def question_why(fact: str, lang: Lang) -> str | None:
    entry = _core_questions().get(fact)
    if isinstance(entry, dict) and isinstance(entry.get("why"), dict):
        return str(entry["why"].get(lang))
    return None


def addressee(question: Question) -> str:
    """Who answers a question (an addressee id: vendor, information_owner, dpo, ...), as the
    review recorded it, else as the questions data declares it (data/addressees.yaml; reviews
    made before schema 1.1 recorded none)."""
    from secreview.addressees import addressee_of

    return question.addressee or addressee_of(question.fact)


def addressee_name(addressee_id: str, lang: Lang) -> str:
    """"Leverantör" / "Vendor", as the addressees data names them."""
    from secreview.addressees import addressee_name as name

    return name(addressee_id, lang)


def evidence_rows(finding: Finding, review: Review, lang: Lang) -> list[EvidenceRow]:
    """The facts a risk rests on, as the question asked and the answer given, with who gave it
    where the description records that ("enligt leverantören 3 december 2026, DPA bilaga 2")."""
    from secreview.addressees import attribution

    return [EvidenceRow(question=question_text(e.fact, review, lang),
                        answer=format_fact(e.fact, e.value, lang, review.extension_facts)
                        if e.known
                        else label("report.unknown_answer", lang),
                        known=e.known, fact=e.fact,
                        source=attribution(e.provenance, lang) if e.provenance else None)
            for e in finding.evidence]


# --- explanation steps in words -----------------------------------------------------------------

def axis_name(review: Review, axis: str, position: int, lang: Lang) -> str:
    steps = review.matrix.likelihood if axis == "likelihood" else review.matrix.consequence
    if 1 <= position <= len(steps):
        return steps[position - 1].get(lang).lower()
    return str(position)


def rule_step_name(review: Review, axis: str, step: int, lang: Lang) -> str:
    """A step on the rules' 1-4 scale by the name of the matrix position it lands on."""
    scale = (review.matrix.rule_scale.likelihood if axis == "likelihood"
             else review.matrix.rule_scale.consequence)
    position = scale[step - 1] if 1 <= step <= len(scale) else step
    return axis_name(review, axis, position, lang)


def _fact_name(fact: str, value: object, review: Review, lang: Lang) -> str:
    """A classification fact and its value as a phrase: "konfidentialitet nivå 3", "skyddsnivå
    3"; another fact by its name in words (an extension fact's phrase from the review, a path
    only for one without)."""
    if fact.startswith(CLASSIFICATION_PREFIX):
        axis = fact.removeprefix(CLASSIFICATION_PREFIX)
        if has_label(f"report.class.{axis}") and value is not None:
            return label("report.step.class_value", lang,
                         axis=label(f"report.class.{axis}", lang).lower(),
                         value=format_fact(fact, value, lang))
        if has_label(f"report.class.{axis}"):
            return label(f"report.class.{axis}", lang).lower()
    if has_label(f"report.scaling.{fact}"):  # a level derived from the classification
        name = label(f"report.scaling.{fact}", lang)
        return name if value is None else f"{name} {format_fact(fact, value, lang)}"
    return fact_name(fact, lang, review.extension_facts)


def _title(step: ExplanationStep, lang: Lang) -> str:
    text: Text | None = step.label
    return text.get(lang) if text is not None else (step.ref or "")


def is_noop(step: ExplanationStep) -> bool:
    """A step that changes nothing (a scaling or a measure that leaves the level where it was)."""
    return (step.kind in ("override", "scaling", "scaling_unknown", "mitigation")
            and step.before is not None and step.before == step.after)


def explain_step(step: ExplanationStep, finding: Finding, review: Review, lang: Lang) -> str:
    """One step of how a finding's risk came about, as a sentence with the matrix's words."""
    del finding
    axis = step.axis or "consequence"
    axis_word = label(f"report.axis_the.{axis}", lang) if step.axis else ""

    def named(value: int | None) -> str:
        return rule_step_name(review, axis, value or 0, lang)

    if step.kind == "default":
        return label("report.step.default", lang,
                     likelihood=rule_step_name(review, "likelihood", step.before or 0, lang),
                     consequence=rule_step_name(review, "consequence", step.after or 0, lang))
    if step.kind == "override":
        return label("report.step.override", lang, axis=axis_word, before=named(step.before),
                     after=named(step.after), reason=step.ref or "")
    if step.kind == "scaling":
        return label("report.step.scaling", lang,
                     fact=_fact_name(step.ref or "", step.value, review, lang),
                     before=named(step.before), after=named(step.after))
    if step.kind == "scaling_unknown":
        # value: the level the confirmed risk counts while the classification is unknown.
        confirmed = step.value if isinstance(step.value, int) else step.before
        return label("report.step.scaling_unknown", lang,
                     fact=_fact_name(step.ref or "", None, review, lang),
                     after=named(step.after),
                     confirmed=named(confirmed))
    if step.kind in ("escalation", "escalation_unknown"):
        return label(f"report.step.{step.kind}", lang, axis=axis_word, before=named(step.before),
                     after=named(step.after), reason=step.reason.get(lang) if step.reason else "")
    if step.kind == "mitigation":
        return label("report.step.mitigation", lang, ref=_title(step, lang), axis=axis_word,
                     before=named(step.before), after=named(step.after))
    if step.kind == "mitigation_unknown":
        return label("report.step.mitigation_unknown", lang, ref=_title(step, lang))
    if step.kind == "no_credit":
        return label("report.step.no_credit", lang)
    if step.kind == "waiver":
        return label("report.step.waiver", lang, ref=step.ref or "")
    if step.kind == "matrix":
        return label("report.step.matrix", lang,
                     likelihood=axis_name(review, "likelihood", step.before or 0, lang),
                     consequence=axis_name(review, "consequence", step.after or 0, lang),
                     level=level_label(review, step.ref, lang).lower())
    if step.axis and step.before is not None and step.after is not None:
        return label("report.step.other", lang, what=_title(step, lang) or step.kind,
                     axis=axis_word, before=named(step.before), after=named(step.after))
    return _title(step, lang) or step.kind


def explanation(finding: Finding, review: Review, lang: Lang) -> list[str]:
    """How a risk's level came about, in words, without the steps that changed nothing."""
    return [explain_step(step, finding, review, lang) for step in finding.explanation
            if not is_noop(step)]


# --- the description, for officers --------------------------------------------------------------

def describe(path: str, value: Any, lang: Lang, words: Words | None = None) -> str:
    """A submitted value as a person reads it; list items that are objects as ``key: value``.

    ``path`` is the fact's dotted path, so enumerated ids read as their labels (an extension
    fact's as ``words`` give them).
    """
    if isinstance(value, dict):
        return ", ".join(f"{key}: {describe(f'{path}.{key}', inner, lang, words)}"
                         for key, inner in value.items())
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):
        return "; ".join(describe(path, item, lang, words) for item in value)
    return format_fact(path, value, lang, words)


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
            rows.append(FactRow(path=prefix,
                                text=describe(prefix, value, lang, review.extension_facts)))

    for key, value in review.description.items():
        if key != "$schema":
            walk(str(key), value)
    return rows


def description_truncated(rows: list[FactRow]) -> bool:
    return len(rows) >= MAX_DESCRIPTION_ROWS
