"""Coverage: per assessable requirement of a catalogue, the rules that satisfy it and whether it
is covered, partly covered, not covered or out of scope (``secreview rules coverage``).

A requirement is *covered* when at least one loaded rule satisfies it fully, *partly covered*
when rules check only parts of it, *out of scope* when a mapping says a system review cannot
check it (with the reason), and *not covered* otherwise. Coverage says what the rules look at,
not whether a system meets the requirement: that is :mod:`secreview.catalogues.view`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from secreview.catalogues.mapping import LoadedMapping, links, shown
from secreview.catalogues.model import (
    COVERAGE_STATUSES,
    CatalogueFormat,
    CoverageStatus,
    RequirementCatalogue,
)
from secreview.errors import Problem
from secreview.i18n import Lang, Text, label
from secreview.report.common import MAX_SHORT, MAX_TEXT, cap
from secreview.report.markdown_text import md
from secreview.rules.loader import Catalog
from secreview.rules.model import Extent

COVERAGE_SCHEMA_VERSION = "1.0"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CoveringRule(_Model):
    rule_id: str
    extent: Extent
    title: Text
    source: str = Field(description="Where the link is declared: the rule's own ruleset "
                        "('satisfies') or a mapping file")


class RequirementCoverage(_Model):
    ref_id: str
    id: str = Field(description="The catalogue's own identifier (urn, control id)")
    name: str | None
    description: str | None = Field(description="The requirement's text, shortened")
    parent: str | None = Field(description="ref_id of the node it stands under")
    section: str | None = Field(description="The heading it stands under (ref_id and name)")
    depth: int = Field(description="How deep it stands in the catalogue (1 = top level)")
    status: CoverageStatus
    rules: list[CoveringRule]
    reason: Text | None = Field(None, description="Why it is out of scope")


class CoverageSummary(_Model):
    requirements: int = Field(description="Assessable requirements")
    covered: int
    partly_covered: int
    not_covered: int
    out_of_scope: int


class CatalogueRef(_Model):
    title: str
    ids: list[str]
    format: CatalogueFormat
    source: str
    sha256: str
    mappings: list[str] = Field(description="Mapping files applied")


class CoverageReport(_Model):
    schema_version: str = COVERAGE_SCHEMA_VERSION
    catalogue: CatalogueRef
    requirements: list[RequirementCoverage]
    summary: CoverageSummary
    warnings: list[str] = Field(default_factory=list,
                                description="Links that could not be made, located")

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


def coverage_json_schema() -> dict[str, Any]:
    schema = CoverageReport.model_json_schema()
    schema["title"] = f"secreview catalogue coverage (schema {COVERAGE_SCHEMA_VERSION})"
    return schema


def _warning(problem: Problem) -> str:
    where = replace(problem, file=shown(problem.file)).location() if problem.file else ""
    rule = f"[{problem.rule_id}] " if problem.rule_id else ""
    hint = f" ({problem.suggestion})" if problem.suggestion else ""
    return f"{where + ': ' if where else ''}{rule}{problem.message}{hint}"


def catalogue_ref(catalogue: RequirementCatalogue, mappings: list[str]) -> CatalogueRef:
    return CatalogueRef(title=catalogue.title, ids=list(catalogue.ids), format=catalogue.format,
                        source=shown(catalogue.source), sha256=catalogue.sha256,
                        mappings=mappings)


def coverage(catalogue: RequirementCatalogue, catalog: Catalog,
             mappings: list[LoadedMapping]) -> CoverageReport:
    """The coverage of ``catalogue`` by the rules of ``catalog``, with ``mappings``."""
    found = links(catalogue, catalog, mappings)
    titles = {r.id: r.rule.title for r in catalog.rules}
    by_ref: dict[str, list[CoveringRule]] = {}
    for link in found.links:
        covering = by_ref.setdefault(link.ref_id, [])
        if not any(c.rule_id == link.rule_id for c in covering):
            covering.append(CoveringRule(rule_id=link.rule_id, extent=link.extent,
                                         title=titles[link.rule_id], source=link.source))
    warnings = [_warning(p) for p in found.problems]
    by_id = {r.id: r for r in catalogue.requirements}
    rows: list[RequirementCoverage] = []
    for node in catalogue.requirements:
        if not node.assessable:
            continue
        rules = sorted(by_ref.get(node.ref_id, []), key=lambda c: (c.extent != "full", c.rule_id))
        reason = found.out_of_scope.get(node.ref_id)
        status: CoverageStatus
        if any(c.extent == "full" for c in rules):
            status = "covered"
        elif rules:
            status = "partly_covered"
        elif reason is not None:
            status = "out_of_scope"
        else:
            status = "not_covered"
        if rules and reason is not None:
            warnings.append(f"'{node.ref_id}' is mapped as out of scope, but rules satisfy it; "
                            "it counts as covered by them")
            reason = None
        parent = by_id.get(node.parent) if node.parent else None
        heading = parent
        while heading is not None and heading.assessable:
            heading = by_id.get(heading.parent) if heading.parent else None
        section = None if heading is None else " ".join(
            dict.fromkeys(t for t in (heading.ref_id, heading.name) if t))
        rows.append(RequirementCoverage(
            ref_id=node.ref_id, id=node.id, name=node.name,
            description=cap(node.description, MAX_SHORT) if node.description else None,
            parent=parent.ref_id if parent else None, section=section, depth=node.depth,
            status=status, rules=rules, reason=reason))
    counts = {s: sum(1 for r in rows if r.status == s) for s in COVERAGE_STATUSES}
    return CoverageReport(
        catalogue=catalogue_ref(catalogue, found.mappings), requirements=rows,
        summary=CoverageSummary(requirements=len(rows), **counts), warnings=warnings)


# --- for people: text and Markdown ------------------------------------------------------------

_MARKS = {"covered": "✓", "partly_covered": "◐", "not_covered": "✗", "out_of_scope": "–"}


def _rules_text(row: RequirementCoverage, lang: Lang) -> str:
    partial = label("coverage.partial", lang)
    return ", ".join(c.rule_id + (f" ({partial})" if c.extent == "partial" else "")
                     for c in row.rules)


def summary_line(summary: CoverageSummary, lang: Lang) -> str:
    return label("coverage.summary", lang, **summary.model_dump())


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


def catalogue_coverage(catalogue: str | Path, rules: Sequence[str | Path] = (),
                       profile: str | Path | None = None,
                       mappings: Sequence[str | Path] = ()) -> CoverageReport:
    """``secreview rules coverage``: the catalogue, the rules (``rules``, or what ``profile``
    selects, or the bundled ones) and the mappings (bundled ones for the catalogue, plus
    ``mappings``, which must be for it)."""
    from secreview.rules.loader import load_catalog, require_existing

    require_existing([*rules, *mappings, *([profile] if profile else [])])
    requirements, given = catalogue_and_mappings(catalogue, mappings)
    if profile is not None:
        from secreview.profile import load_profile
        from secreview.rules.selection import tailored_catalog

        loaded, _sha, path = load_profile(profile)
        catalog = tailored_catalog(loaded, path, rules)[0]
    else:
        catalog = load_catalog(rules)
    return coverage(requirements, catalog, given)


def catalogue_and_mappings(catalogue: str | Path, mappings: Sequence[str | Path] = ()
                           ) -> tuple[RequirementCatalogue, list[LoadedMapping]]:
    """A catalogue and the mappings that apply to it: the bundled ones (used when they name
    it) and ``mappings``, which must name it (a wrong file would silently map nothing)."""
    from secreview.catalogues.mapping import bundled_mappings, load_mapping, require_mapping_for
    from secreview.catalogues.read import load_catalogue

    requirements = load_catalogue(catalogue)
    given = [load_mapping(m) for m in mappings]
    for mapping in given:
        require_mapping_for(requirements, mapping)
    return requirements, [*bundled_mappings(), *given]
