"""Summaries of scored findings: per aspect and overall, rolled up by maximum.

The compliance percentage beside each level is for information only (weighted share of passes).
"""

from __future__ import annotations

from collections.abc import Mapping

from secreview.engine.scoring import compliance_percent, max_level
from secreview.profile import Profile
from secreview.review import AspectSummary, Finding, Summary
from secreview.rules.loader import Catalog
from secreview.vocabulary import FINDING_STATUSES


def aspect_summaries(findings: list[Finding], catalog: Catalog,
                     profile: Profile) -> list[AspectSummary]:
    matrix = profile.matrix
    weights = matrix.weights()
    order = list(catalog.aspects)
    present = sorted({f.aspect for f in findings}, key=order.index)
    summaries = []
    for aspect in present:
        mine = [f for f in findings if f.aspect == aspect and f.screening is None]
        open_ = [f for f in mine if f.counts_as_risk and f.residual]
        counts = {level.id: 0 for level in matrix.levels}
        for f in open_:
            counts[f.residual.level] += 1  # type: ignore[union-attr]
        statuses = {s: sum(1 for f in mine if f.status == s) for s in FINDING_STATUSES}
        summaries.append(AspectSummary(
            id=aspect, title=catalog.aspects[aspect],
            level=max_level((f.residual.level for f in open_), matrix),  # type: ignore[union-attr]
            confirmed_level=confirmed_level(open_, profile),
            counts=counts, statuses=statuses, unknown=statuses["unknown"],
            compliance_percent=_compliance(mine, weights),
        ))
    return summaries


def _compliance(findings: list[Finding], weights: Mapping[str, float]) -> float | None:
    """Weighted share of passed rules, each weighted by its inherent level (information only)."""
    total = passed = 0.0
    for finding in findings:
        if finding.inherent is None:
            continue
        weight = weights[finding.inherent.level]
        total += weight
        if finding.status == "pass":
            passed += weight
    return compliance_percent(passed, total)


def confirmed_level(findings: list[Finding], profile: Profile) -> str | None:
    """The highest level the known facts alone establish among open findings."""
    return max_level((f.confirmed.level for f in findings
                      if f.counts_as_risk and f.confirmed is not None), profile.matrix)


def overall_summary(findings: list[Finding], aspects: list[AspectSummary],
                    profile: Profile) -> Summary:
    """Counts per status and level, the overall level (maximum, worst case), the level the
    known facts alone establish, and the compliance share."""
    matrix = profile.matrix
    risk = [f for f in findings if f.screening is None]
    open_levels = [f.residual.level for f in risk if f.counts_as_risk and f.residual]
    return Summary(
        statuses={s: sum(1 for f in risk if f.status == s) for s in FINDING_STATUSES},
        aspects={a.id: a.statuses for a in aspects},
        levels={lv.id: sum(1 for x in open_levels if x == lv.id) for lv in matrix.levels},
        overall_level=max_level(open_levels, matrix),
        confirmed_level=confirmed_level(risk, profile),
        compliance_percent=_compliance(risk, matrix.weights()),
    )
