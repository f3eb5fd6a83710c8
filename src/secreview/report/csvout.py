"""The findings as CSV, for a spreadsheet: opens cleanly in Excel with å, ä and ö.

Choices, and why:

- **UTF-8 with a byte-order mark.** Excel reads a BOM-less CSV as the local ANSI code page and
  turns ``å`` into ``Ã¥``; with the BOM it reads UTF-8.
- **Semicolon as delimiter.** Swedish Excel (like most of Europe, where the decimal separator is a
  comma) splits columns on the list separator ``;``. No ``sep=;`` line: it would make Excel
  ignore the BOM. LibreOffice asks for the delimiter and detects ``;``.
- **CRLF line ends, fields quoted when needed** (RFC 4180, what Excel writes itself).
- **Formula injection neutralised.** A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or
  a carriage return would be run as a formula; such cells get a leading apostrophe, which Excel
  shows as text (OWASP's advice for CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from secreview.i18n import Lang, label
from secreview.report import view
from secreview.report.common import MAX_TEXT, cap, level_label
from secreview.review import Finding, Review

BOM = "\ufeff"
DELIMITER = ";"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "report.risk", "report.rule", "report.ruleset", "report.aspect", "report.title",
    "report.status",
    "label.inherent", "label.residual", "report.csv.likelihood", "report.csv.consequence",
    "report.condition", "report.owner_role", "report.due", "report.csv.message",
    "label.remediation", "label.references", "report.expires", "report.csv.open_facts",
)


def neutralise(cell: str) -> str:
    """Make a cell that a spreadsheet would read as a formula read as text instead."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def _one_line(text: str) -> str:
    return " ".join(cap(text, MAX_TEXT).split())


def _row(review: Review, finding: Finding, conditions: set[str], lang: Lang) -> list[str]:
    inherent, residual = finding.inherent, finding.residual
    aspects = {a.id: a.title.get(lang) for a in review.aspects}
    refs = "; ".join(r.label() for r in finding.references)
    return [
        finding.risk_id or "",
        finding.rule_id,
        finding.ruleset_id,
        aspects.get(finding.aspect, finding.aspect),
        finding.title.get(lang),
        label("status." + finding.status, lang),
        level_label(review, inherent.level, lang) if inherent else "",
        level_label(review, residual.level, lang) if residual else "",
        str(residual.likelihood) if residual else "",
        str(residual.consequence) if residual else "",
        label("report.csv.yes" if finding.rule_id in conditions else "report.csv.no", lang),
        label("role." + finding.owner_role, lang),
        label("due." + finding.due, lang),
        finding.message.get(lang),
        finding.remediation.get(lang),
        refs,
        finding.waiver.expires.isoformat() if finding.waiver else "",  # ISO: a machine reads it
        ", ".join(finding.open_questions),
    ]


def csv_document(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The one CSV writer: BOM, ``;``, CRLF, RFC 4180 quoting, formulas neutralised.

    The findings, the vendor's question list and the register are all written through it, so a
    spreadsheet opens every one of them the same way.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, quoting=csv.QUOTE_MINIMAL,
                        lineterminator="\r\n")
    for row in [header, *rows]:
        writer.writerow([neutralise("" if cell is None else str(cell)) for cell in row])
    return BOM + buffer.getvalue()


def render_csv(review: Review, lang: Lang) -> str:
    """One row per reviewed requirement (DPIA screening rules left out), risks by their id."""
    conditions = {c.rule_id for c in review.decision.conditions}
    return csv_document([label(key, lang) for key in COLUMNS],
                        [[_one_line(cell) for cell in _row(review, finding, conditions, lang)]
                         for finding in view.listed_findings(review)])
