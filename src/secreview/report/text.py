"""The terminal summary: the decision first, then risk per aspect, worst findings first."""

from __future__ import annotations

from secreview.addressees import attribution
from secreview.i18n import Lang, format_fact, label
from secreview.report.common import (
    assumed_level_note,
    criteria_text,
    deciding_intro,
    dpia_verdict,
    level_label,
    overall_levels,
)
from secreview.review import Finding, Review

MAX_PER_ASPECT = 12
MAX_QUESTIONS = 15


def _finding_line(review: Review, finding: Finding, lang: Lang) -> list[str]:
    level = finding.residual.level if finding.residual else None
    marker = {"finding": "✗", "unknown": "?", "waived": "~"}.get(finding.status, " ")
    shown = level_label(review, level, lang).upper()
    if finding.status != "unknown" and finding.residual is not None and (
            finding.residual.basis == "assumed"):
        shown += f", {assumed_level_note(review, finding, lang)}"
    head = f"  {marker} [{shown}] {finding.title.get(lang)}"
    lines = [head, f"      {finding.rule_id} · {label('status.' + finding.status, lang)}"]
    lines.append(f"      {finding.message.get(lang)}")
    for evidence in finding.evidence:
        if evidence.provenance is not None:
            lines.append(f"      {evidence.fact} = "
                         f"{format_fact(evidence.fact, evidence.value, lang)} "
                         f"({attribution(evidence.provenance, lang)})")
    if finding.status == "unknown" and finding.open_questions:
        facts = ", ".join(finding.open_questions)
        lines.append(f"      {label('heading.questions', lang)}: {facts}")
    return lines


def render_text(review: Review, lang: Lang) -> str:
    out: list[str] = []
    system = review.system
    out.append(f"{label('label.system', lang)}: {system.name or '—'}"
               + (f"  ({label('label.vendor', lang)}: {system.vendor})" if system.vendor else ""))
    out.append(f"{label('label.review_date', lang)}: {review.review_date.isoformat()}")
    out.append("")
    decision = review.decision
    out.append(f"{label('heading.decision', lang).upper()}: "
               f"{label('decision.' + decision.outcome, lang)}")
    for reason in decision.reasons:
        out.append(f"  {reason.text.get(lang)}")
        if reason.rule_ids:
            shown = ", ".join(reason.rule_ids[:6])
            more = len(reason.rule_ids) - 6
            out.append(f"  → {shown}" + (" " + label("label.and_more", lang, n=more)
                                         if more > 0 else ""))
    if decision.worst_case is not None:
        out.append(f"{label('label.worst_case', lang)}: {decision.worst_case.statement.get(lang)}")
    if decision.ceiling is not None:
        ceiling = decision.ceiling
        out.append(f"{label('heading.ceiling', lang)}: {ceiling.text.get(lang)}")
        who = label("role." + ceiling.owner_role, lang)
        when = label("due." + ceiling.due, lang)
        out.append(f"  {ceiling.enforcement.get(lang)} ({who}; {when})")
    out.append(f"{label('label.overall', lang)}: {overall_levels(review, lang)}")
    if review.summary.compliance_percent is not None:
        out.append(f"{label('label.compliance', lang)}: {review.summary.compliance_percent:g} %")
    if decision.conditions:
        out.append("")
        out.append(label("heading.conditions", lang) + ":")
        for number, condition in enumerate(decision.conditions, 1):
            out.append(f"  {number}. {condition.remediation.get(lang)}")
            out.append(f"     ({condition.rule_id}; {label('role.' + condition.owner_role, lang)};"
                       f" {label('due.' + condition.due, lang)})")
    dpia = review.dpia
    out.append("")
    out.append(f"{label('heading.dpia', lang)}: {dpia_verdict(review, lang)}")
    if dpia.criteria_met:
        out.append(f"  {label('dpia.met', lang)}: {criteria_text(dpia.criteria_met, lang)}")
    if dpia.criteria_unknown:
        out.append(f"  {label('dpia.unknown', lang)}: "
                   f"{criteria_text(dpia.criteria_unknown, lang)}")
    out.append("")
    out.append(label("heading.aspects", lang) + ":")
    for aspect in review.aspects:
        counts = ", ".join(f"{level_label(review, lv, lang).lower()} {n}"
                           for lv, n in aspect.counts.items() if n)
        out.append(f"  {aspect.title.get(lang)}: {level_label(review, aspect.level, lang)}"
                   + (f" ({counts})" if counts else ""))
    open_findings = [f for f in review.findings if f.counts_as_risk or f.status == "waived"]
    if open_findings:
        out.append("")
        out.append(label("heading.findings", lang) + ":")
        for aspect in review.aspects:
            mine = [f for f in open_findings if f.aspect == aspect.id]
            if not mine:
                continue
            out.append(f" {aspect.title.get(lang)}")
            for finding in mine[:MAX_PER_ASPECT]:
                out.extend(_finding_line(review, finding, lang))
            if len(mine) > MAX_PER_ASPECT:
                out.append("    " + label("label.and_more", lang, n=len(mine) - MAX_PER_ASPECT))
    if review.questions:
        out.append("")
        out.append(label("heading.questions", lang) + ":")
        deciding = [q for q in review.questions if q.deciding]
        if deciding:
            out.append("  " + deciding_intro(review, lang))
        listed = max(MAX_QUESTIONS, len(deciding))
        for number, question in enumerate(review.questions[:listed], 1):
            if deciding and number == len(deciding) + 1:
                out.append("  " + label("questions.other", lang))
            out.append(f"  {number}. {question.question.get(lang)} [{question.fact}]")
        if len(review.questions) > listed:
            out.append("  " + label("label.and_more", lang, n=len(review.questions) - listed))
    if review.warnings:
        out.append("")
        out.append(label("heading.warnings", lang) + ":")
        out.extend(f"  ! {w.get(lang)}" for w in review.warnings)
    return "\n".join(out) + "\n"


