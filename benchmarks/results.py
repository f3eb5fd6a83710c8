"""What a benchmark section reports, and how it is printed (text for a terminal, Markdown for
docs/benchmarks.md, JSON for machines).

A section that could not run (an optional engine missing, the PDF renderer not there) still
appears, marked unavailable with the reason, so a missing number is never mistaken for a fast one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from benchmarks.timing import Stats, format_stats


@dataclass
class Row:
    """One measured quantity: a timing with its spread, or a plain value (count, ratio, MiB)."""

    label: str
    stats: Stats | None = None
    value: str | None = None
    unit: str = ""  # what one operation is: "per rule", "per system", "1,000 systems"

    def cell(self) -> str:
        if self.stats is not None:
            return format_stats(self.stats)
        return self.value or ""

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "unit": self.unit, "value": self.value,
                "stats": self.stats.as_dict() if self.stats else None}


@dataclass
class Target:
    """A goal from the issue, what was measured, and whether it was met (None: not measured)."""

    goal: str
    measured: str
    met: bool | None


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    unavailable: str | None = None  # why the section could not run

    def add(self, label: str, stats: Stats | None = None, *, value: str | None = None,
            unit: str = "") -> Row:
        row = Row(label, stats, value, unit)
        self.rows.append(row)
        return row

    @property
    def ok(self) -> bool:
        return all(self.checks.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "title": self.title, "unavailable": self.unavailable,
            "rows": [r.as_dict() for r in self.rows], "notes": self.notes,
            "checks": self.checks,
            "targets": [t.__dict__ for t in self.targets],
        }


def _mark(met: bool | None) -> str:
    return {True: "met", False: "MISSED", None: "not measured"}[met]


def render_text(sections: list[Section]) -> str:
    lines: list[str] = []
    for section in sections:
        lines += ["", f"== {section.title} =="]
        if section.unavailable:
            lines.append(f"   NOT MEASURED: {section.unavailable}")
        width = max((len(r.label) for r in section.rows), default=0)
        for row in section.rows:
            unit = f"  ({row.unit})" if row.unit else ""
            lines.append(f"   {row.label.ljust(width)}  {row.cell()}{unit}")
        for name, passed in section.checks.items():
            lines.append(f"   check: {name}: {'yes' if passed else 'NO'}")
        for target in section.targets:
            lines.append(f"   target: {target.goal}: {target.measured} -> {_mark(target.met)}")
        lines += [f"   note: {note}" for note in section.notes]
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(sections: list[Section]) -> str:
    """The tables for docs/benchmarks.md: median [interquartile range] per row."""
    out: list[str] = []
    for section in sections:
        out += [f"### {section.title}", ""]
        if section.unavailable:
            out += [f"Not measured: {section.unavailable}", ""]
        if section.rows:
            out += ["| measurement | median [IQR] or value | unit |", "| --- | --- | --- |"]
            out += [f"| {_escape(r.label)} | {_escape(r.cell())} | {_escape(r.unit)} |"
                    for r in section.rows]
            out.append("")
        if section.checks:
            out += [f"- check: {name}: **{'yes' if ok else 'NO'}**"
                    for name, ok in section.checks.items()]
        if section.targets:
            out += [f"- target: {_escape(t.goal)}: {_escape(t.measured)} → **{_mark(t.met)}**"
                    for t in section.targets]
        out += [f"- {_escape(note)}" for note in section.notes]
        out.append("")
    return "\n".join(out)


def render_json(sections: list[Section], machine: dict[str, Any], config: dict[str, Any]) -> str:
    return json.dumps({"machine": machine, "config": config,
                       "sections": [s.as_dict() for s in sections]},
                      indent=2, ensure_ascii=False) + "\n"

