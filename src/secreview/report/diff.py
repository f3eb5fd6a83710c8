"""The re-review diff (``secreview diff OLD.json NEW.json``) as text, Markdown or JSON.

What changed is worked out in :mod:`secreview.review_diff`; here it is written for a reader:
dates as the reader's language writes them, each risk by its id in each report ("R5 (was R3)"),
and every text from a review escaped for Markdown.
"""

from __future__ import annotations

import datetime as dt

from secreview.i18n import Lang, fact_name, format_date, label
from secreview.report.markdown_text import md
from secreview.review_diff import FindingChange, ReviewDiff

FORMATS = ("text", "json", "md")


def _date(iso: str, lang: Lang) -> str:
    """A review date as the reader's language writes it (the JSON keeps ISO 8601)."""
    try:
        return format_date(dt.date.fromisoformat(iso), lang)
    except ValueError:
        return iso


def _decision(outcome: str, lang: Lang) -> str:
    return label(f"decision.{outcome}", lang)


def _state(status: str | None, level: str | None, d: ReviewDiff, lang: Lang) -> str:
    parts = [label(f"status.{status}", lang)] if status else []
    if level is not None:
        parts.append(d.level_labels[level].get(lang) if level in d.level_labels else level)
    return ", ".join(parts) or "—"


def _finding_line(change: FindingChange, d: ReviewDiff, lang: Lang) -> str:
    title = change.title_sv if lang == "sv" else change.title_en
    before = _state(change.status_before, change.level_before, d, lang)
    after = _state(change.status_after, change.level_after, d, lang)
    return f"{_risk_ids(change, lang)}{change.rule_id}: {title} ({before} → {after})"


def _risk_ids(change: FindingChange, lang: Lang) -> str:
    """The risk's id in each report: "R3 " when it kept it, "R5 (tidigare R3) " when it moved.

    Ids are numbered within one review, so a risk can carry another id in the new report.
    """
    if change.risk_after and change.risk_before and change.risk_after != change.risk_before:
        return label("workflow.diff.risk_moved", lang, after=change.risk_after,
                     before=change.risk_before) + " "
    if change.risk_after or change.risk_before:
        return f"{change.risk_after or change.risk_before} "
    return ""


def _sections(d: ReviewDiff, lang: Lang) -> list[tuple[str, list[str]]]:
    rulesets = [label("workflow.diff.ruleset_line", lang, id=r.id, before=r.version_before or "—",
                      after=r.version_after or "—") for r in d.rulesets]
    return [
        (label("workflow.diff.added", lang), [_finding_line(c, d, lang) for c in d.added]),
        (label("workflow.diff.resolved", lang), [_finding_line(c, d, lang) for c in d.resolved]),
        (label("workflow.diff.changed", lang), [_finding_line(c, d, lang) for c in d.changed]),
        (label("workflow.diff.answered", lang), [fact_name(f, lang, d.words) for f in d.answered]),
        (label("workflow.diff.new_questions", lang),
         [fact_name(f, lang, d.words) for f in d.new_questions]),
        (label("workflow.diff.rulesets", lang), rulesets),
    ]


def _head(d: ReviewDiff, lang: Lang) -> list[str]:
    name = d.system_after or d.system_before or label("workflow.questions.unnamed", lang)
    decision = (label("workflow.diff.decision_same", lang, outcome=_decision(d.decision_after,
                                                                             lang))
                if d.decision_before == d.decision_after else
                label("workflow.diff.decision", lang, before=_decision(d.decision_before, lang),
                      after=_decision(d.decision_after, lang)))
    return [label("workflow.diff.title", lang, system=name),
            label("workflow.diff.dates", lang, before=_date(d.date_before, lang),
                  after=_date(d.date_after, lang)),
            decision]


def render_text(d: ReviewDiff, lang: Lang) -> str:
    title, dates, decision = _head(d, lang)
    out = [title, dates, decision]
    if d.empty:
        out.append(label("workflow.diff.no_changes", lang))
    for heading, lines in _sections(d, lang):
        if lines:
            out += ["", f"{heading} ({len(lines)}):", *(f"  {line}" for line in lines)]
    return "\n".join(out) + "\n"


def render_markdown(d: ReviewDiff, lang: Lang) -> str:
    title, dates, decision = _head(d, lang)
    out = [f"# {md(title)}", "", md(dates), "", f"**{md(decision)}**"]
    if d.empty:
        out += ["", md(label("workflow.diff.no_changes", lang))]
    for heading, lines in _sections(d, lang):
        if lines:
            out += ["", f"## {md(heading)} ({len(lines)})", ""]
            out += [f"- {md(line)}" for line in lines]
    return "\n".join(out) + "\n"


def render_json(d: ReviewDiff, lang: Lang) -> str:
    del lang
    from secreview.documents import dump

    return dump("review-diff", d.as_dict(), sort_keys=True)


RENDERERS = {"text": render_text, "md": render_markdown, "json": render_json}


def render_diff(d: ReviewDiff, fmt: str, lang: Lang) -> str:
    return RENDERERS[fmt](d, lang)
