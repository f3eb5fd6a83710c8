"""Risk ids R1…Rn: one short name per risk that every part of a review uses.

A board member reads "R3" in a heat map cell, finds R3 in the findings, the action plan and the
spreadsheet, and sees R3 again in the next review's diff. Numbered are the risks a person is asked
to weigh: open findings, unverified requirements and accepted (waived) risks; passes, rules that
do not apply and the DPIA screening criteria get none. The order is the residual level, highest
first, then the rule id, so the numbering depends only on the review's content.
"""

from __future__ import annotations

from collections.abc import Sequence

from secreview.profile import RiskMatrix
from secreview.review import Finding

NUMBERED = ("finding", "unknown", "waived")
PREFIX = "R"


def is_numbered(finding: Finding) -> bool:
    """Does this finding get a risk id (an open, unverified or accepted risk)?"""
    return (finding.status in NUMBERED and finding.screening is None
            and finding.residual is not None)


def number_risks(findings: Sequence[Finding], matrix: RiskMatrix) -> list[Finding]:
    """The findings, in their order, with ``risk_id`` set on every numbered one."""
    numbered = sorted((f for f in findings if is_numbered(f)),
                      key=lambda f: (-matrix.rank(f.residual.level),  # type: ignore[union-attr]
                                     f.rule_id))
    ids = {f.rule_id: f"{PREFIX}{n}" for n, f in enumerate(numbered, 1)}
    return [f.model_copy(update={"risk_id": ids[f.rule_id]}) if f.rule_id in ids else f
            for f in findings]
