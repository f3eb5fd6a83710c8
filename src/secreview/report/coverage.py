"""Rule coverage of an external catalogue (``secreview rules coverage``) for a terminal and in
Markdown: what :mod:`secreview.catalogues.coverage` worked out, written out like the other
reports (every text from an input capped and, in Markdown, escaped).
"""

from __future__ import annotations

from secreview.catalogues.coverage import CoverageReport, CoverageSummary, RequirementCoverage
from secreview.i18n import Lang, label, plurals
from secreview.report.common import MAX_SHORT, MAX_TEXT, cap
from secreview.report.markdown_text import md

_MARKS = {"covered": "✓", "partly_covered": "◐", "not_covered": "✗", "out_of_scope": "–"}


def _rules_text(row: RequirementCoverage, lang: Lang) -> str:
    partial = label("coverage.partial", lang)
    return ", ".join(c.rule_id + (f" ({partial})" if c.extent == "partial" else "")
                     for c in row.rules)


def summary_line(summary: CoverageSummary, lang: Lang) -> str:
    """The line under the title ("6 krav att bedöma: 2 täckta, 1 delvis täckt, …")."""
    return label("coverage.summary", lang,
                 **plurals("coverage.count", lang, **summary.model_dump()))


def coverage_text(report: CoverageReport, lang: Lang = "en") -> str:
    """The coverage table for a terminal: one line per requirement, grouped by heading."""
    out = [f"{report.catalogue.title}", summary_line(report.summary, lang)]
    current: str | None = None
    top = min((row.depth for row in report.requirements), default=1)
    for row in report.requirements:
        if row.section != current or not out[-1]:
            current = row.section
            out += ["", cap(current, MAX_SHORT)] if current else [""]
        name = cap(row.name or row.description or "", MAX_SHORT)
        indent = "  " * (1 + min(row.depth - top, 4))
        out.append(f"{indent}{_MARKS[row.status]} {row.ref_id:<12} {name}"
                   f"  [{label('coverage.status.' + row.status, lang)}]")
        if row.rules:
            out.append(f"{indent}    {_rules_text(row, lang)}")
        if row.reason is not None:
            out.append(f"{indent}    {cap(row.reason.get(lang), MAX_TEXT)}")
    if report.warnings:
        out.append("")
    out += [f"! {w}" for w in report.warnings]
    return "\n".join(out) + "\n"


def coverage_markdown(report: CoverageReport, lang: Lang = "en") -> str:
    """The coverage table in Markdown (every text from an input escaped)."""
    heads = [label(k, lang) for k in ("coverage.col.ref", "coverage.col.name",
                                       "coverage.col.status", "coverage.col.rules")]
    out = [f"# {md(report.catalogue.title, MAX_SHORT)}", "",
           md(summary_line(report.summary, lang))]
    current: str | None = None
    for row in report.requirements:
        if row.section != current or len(out) == 3:
            current = row.section
            if current:
                out += ["", f"## {md(current, MAX_SHORT)}"]
            out += ["", "| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        rules = md(_rules_text(row, lang)) if row.rules else (
            md(row.reason.get(lang), MAX_TEXT) if row.reason else "")
        name = row.name or row.description or ""
        out.append(f"| {md(row.ref_id, MAX_SHORT)} | {md(name, MAX_SHORT)} | "
                   f"{label('coverage.status.' + row.status, lang)} | {rules} |")
    if report.warnings:
        out += ["", *(f"- {md(w, MAX_TEXT)}" for w in report.warnings)]
    return "\n".join(out) + "\n"
