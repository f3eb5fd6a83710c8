"""The decision report as Markdown, for pasting into a case management system.

Untrusted text is flattened to one line and has its Markdown and HTML metacharacters escaped, so a
system name like ``<img src=x>`` or ``[click](http://...)`` shows as typed and never becomes markup,
a link or an image. The long appendix (the description as submitted) is left to the PDF and JSON.
"""

from __future__ import annotations

from secreview.addressees import attribution
from secreview.i18n import Lang, format_fact, format_value, label
from secreview.report import view
from secreview.report.common import (
    MAX_SHORT,
    assumed_level_note,
    criteria_text,
    deciding_intro,
    dpia_verdict,
    level_label,
    overall_levels,
)
from secreview.report.markdown_text import code, md
from secreview.review import Finding, Review


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _level(review: Review, level: str | None, lang: Lang) -> str:
    return md(level_label(review, level, lang), MAX_SHORT)


def _finding_section(review: Review, finding: Finding, lang: Lang) -> list[str]:
    residual = finding.residual
    inherent = finding.inherent
    out = [f"### {_level(review, residual.level if residual else None, lang).upper()}: "
           f"{md(finding.title.get(lang), MAX_SHORT)}", "",
           f"{code(finding.rule_id)} · {md(label('status.' + finding.status, lang))}", "",
           f"**{label('report.what', lang)}:** {md(finding.message.get(lang))}", "",
           f"**{label('report.why', lang)}:**", ""]
    out += [f"- {code(e.fact)}: {md(format_fact(e.fact, e.value, lang)) if e.known else '**' + md(format_value(None, lang)) + '**'}"  # noqa: E501
            + (f" *({md(attribution(e.provenance, lang))})*" if e.provenance else "")
            for e in finding.evidence]
    out += ["", f"**{label('label.remediation', lang)}:** {md(finding.remediation.get(lang))} "
            f"({md(label('role.' + finding.owner_role, lang))}, "
            f"{md(label('due.' + finding.due, lang))})", ""]
    if inherent and residual:
        assumed = (f" ({md(assumed_level_note(review, finding, lang))})"
                   if residual.basis == "assumed" else "")
        out += [f"**{label('report.risk', lang)}:** {label('label.inherent', lang)} "
                f"{_level(review, inherent.level, lang)} → {label('label.residual', lang)} "
                f"{_level(review, residual.level, lang)}{assumed}", ""]
        out += [f"{i}. {md(view.explain_step(step, finding, review, lang))}"
                for i, step in enumerate(finding.explanation, 1)]
        out.append("")
    refs = "; ".join(md(r.label(), MAX_SHORT) for r in finding.references)
    out += [f"**{label('label.references', lang)}:** {refs}", ""]
    return out


def render_markdown(review: Review, lang: Lang) -> str:
    r = review
    system = r.system
    name = md(system.name, MAX_SHORT) or label("report.unnamed_system", lang)
    out = [f"# {label('report.document_title', lang)}: {name}", ""]
    out += _table(["", ""], [
        [label("label.vendor", lang), md(system.vendor, MAX_SHORT) or "—"],
        [label("report.owner_board", lang), md(system.owner_board, MAX_SHORT) or "—"],
        [label("report.system_owner", lang), md(system.system_owner, MAX_SHORT) or "—"],
        [label("report.information_owner", lang), md(system.information_owner, MAX_SHORT) or "—"],
        [label("label.review_date", lang), r.review_date.isoformat()],
        [label("report.reviewer", lang), md(r.reviewer, MAX_SHORT) or "—"],
        [label("report.profile", lang), md(r.profile.organisation, MAX_SHORT)],
    ])
    decision = r.decision
    out += [f"## {label('heading.decision', lang)}: {label('decision.' + decision.outcome, lang)}",
            "", label("report.plain." + decision.outcome, lang), "",
            f"**{label('heading.reasons', lang)}:**", ""]
    out += [f"- {md(reason.text.get(lang))}" for reason in decision.reasons]
    if decision.worst_case is not None:
        out += ["", f"**{label('label.worst_case', lang)}:** "
                f"{md(decision.worst_case.statement.get(lang))}"]
    out += ["", f"**{label('label.overall', lang)}:** {md(overall_levels(r, lang))}"]
    out += ["", f"**{label('heading.conditions', lang)}:**", ""]
    ceiling = decision.ceiling
    if ceiling is not None:
        out.append(f"1. **{label('heading.ceiling', lang)}:** {md(ceiling.text.get(lang))} "
                   f"{md(ceiling.enforcement.get(lang))} "
                   f"({md(label('role.' + ceiling.owner_role, lang))}; "
                   f"{md(label('due.' + ceiling.due, lang))})")
    first = 2 if ceiling is not None else 1
    if decision.conditions:
        out += [f"{i}. {md(c.remediation.get(lang))} ({_level(r, c.level, lang)}; "
                f"{md(label('role.' + c.owner_role, lang))}; {md(label('due.' + c.due, lang))})"
                for i, c in enumerate(decision.conditions, first)]
    elif ceiling is None:
        out.append(label("report.no_conditions", lang))
    out.append("")
    out += _table([label("label.level", lang), label("report.csv.count", lang)],
                  [[_level(r, level, lang), str(n)] for level, n in view.level_counts(r)])
    out += [f"## {label('heading.aspects', lang)}", ""]
    out += _table([label("report.aspect", lang), label("label.level", lang),
                   label("report.csv.count", lang)],
                  [[md(a.title.get(lang), MAX_SHORT), _level(r, a.level, lang),
                    str(sum(a.counts.values()))] for a in r.aspects])
    dpia = r.dpia
    out += [f"## {label('heading.dpia', lang)}", "", dpia_verdict(r, lang), ""]
    if dpia.criteria_met:
        out.append(f"- {label('dpia.met', lang)}: {criteria_text(dpia.criteria_met, lang)}")
    if dpia.criteria_unknown:
        out.append(f"- {label('dpia.unknown', lang)}: "
                   f"{criteria_text(dpia.criteria_unknown, lang)}")
    classification = view.classification(r)

    def axis_value(axis: str) -> str:
        return md(format_fact(f"classification.{axis}", classification.get(axis), lang))

    out += ["", f"**{label('report.heading.classification', lang)}:** "
            + (", ".join(f"{label('report.class.' + axis, lang)} {axis_value(axis)}"
                         for axis in view.CLASSIFICATION_AXES)
               if classification else label("report.no_classification", lang)), ""]
    out += [f"## {label('report.heading.key_findings', lang)}", ""]
    key_findings = view.key_findings(r)
    for finding in key_findings:
        out += _finding_section(r, finding, lang)
    if not key_findings:
        out += [label("report.no_key_findings", lang), ""]
    unverified = view.key_unverified(r)
    if unverified:
        out += [f"### {label('report.heading.key_unverified', lang)}", "",
                label("report.key_unverified_intro", lang, n=len(unverified)), ""]
        out += [f"- {_level(r, f.residual.level if f.residual else None, lang)}: "
                f"{md(f.title.get(lang), MAX_SHORT)} ({code(f.rule_id)}; "
                + ", ".join(code(q) for q in f.open_questions) + ")" for f in unverified]
        out.append("")
    out += [f"## {label('report.heading.action_plan', lang)}", ""]
    out += _table(["#", label("report.action", lang), label("report.owner_role", lang),
                   label("report.due", lang), label("label.level", lang)],
                  [[str(i), ("**" + label("report.condition", lang) + ":** "
                             if a.is_condition else "") + md(a.finding.remediation.get(lang)),
                    md(label("role." + a.finding.owner_role, lang)),
                    md(label("due." + a.due, lang)),
                    _level(r, a.finding.residual.level if a.finding.residual else None, lang)]
                   for i, a in enumerate(view.action_plan(r), 1)])
    out += [f"## {label('heading.questions', lang)}", ""]
    deciding = sum(1 for q in r.questions if q.deciding)
    if deciding:
        out += [f"**{md(deciding_intro(r, lang))}**", ""]
    for i, q in enumerate(r.questions, 1):
        if deciding and i == deciding + 1:
            out += ["", f"**{md(label('questions.other', lang))}**", ""]
        out.append(f"{i}. {md(q.question.get(lang))} ({code(q.fact)})")
    if not r.questions:
        out.append(label("report.no_questions", lang))
    out += ["", f"## {label('report.heading.all_findings', lang)}", ""]
    out += _table([label("report.rule", lang), label("report.title", lang),
                   label("report.status", lang), label("label.residual", lang)],
                  [[code(f.rule_id), md(f.title.get(lang), MAX_SHORT),
                    md(label("status." + f.status, lang)),
                    _level(r, f.residual.level, lang) if f.residual else "—"]
                   for f in view.listed_findings(r)])
    waived = view.waived_findings(r)
    if waived:
        out += [f"## {label('report.heading.waivers', lang)}", ""]
        out += _table([label("report.rule", lang), label("report.justification", lang),
                       label("report.accepted_by", lang), label("report.expires", lang)],
                      [[code(f.rule_id), md(f.waiver.justification),  # type: ignore[union-attr]
                        md(f.waiver.accepted_by, MAX_SHORT),  # type: ignore[union-attr]
                        f.waiver.expires.isoformat()]  # type: ignore[union-attr]
                       for f in waived])
    if r.warnings:
        out += [f"## {label('heading.warnings', lang)}", ""]
        out += [f"- {md(w.get(lang))}" for w in r.warnings] + [""]
    out += [f"## {label('report.heading.provenance', lang)}", ""]
    out += [f"- {label('report.engine_version', lang)}: secreview {md(r.engine_version)}",
            f"- {label('report.input_hash', lang)}: {code(r.system.sha256)}",
            f"- {label('report.profile', lang)}: {md(r.profile.id)} {md(r.profile.version)} "
            f"({code(r.profile.sha256)})"]
    out += [f"- {label('report.ruleset', lang)}: {md(rs.id)} {md(rs.version)} ({code(rs.sha256)})"
            for rs in r.rulesets]
    return "\n".join(out) + "\n"
