"""Waivers applied to findings: an accepted risk stays visible, counted apart, until it expires."""

from __future__ import annotations

import datetime as dt

from secreview.i18n import Text, bilingual
from secreview.profile import Profile
from secreview.review import ExplanationStep, Finding, WaiverApplied
from secreview.vocabulary import OPEN_STATUSES
from secreview.waivers import Waiver, WaiverFile

CRITICAL_LEVEL_RANK = -1  # the matrix's top level is "critical" for waiver ownership


def waiver_refusal(waiver: Waiver | None, status: str, level: str | None, top: str,
                   review_date: dt.date) -> str | None:
    """Why a waiver does not apply to a rule with this status and worst-case level (``None``:
    it applies). The deciding-facts search asks the same of answers not yet given."""
    if waiver is None:
        return "none"
    if status not in OPEN_STATUSES:
        return "not_needed"
    if waiver.expires < review_date:
        return "expired"
    if level == top and waiver.risk_owner is None:
        return "needs_risk_owner"
    return None


def apply_waivers(findings: list[Finding], waivers: WaiverFile | None, profile: Profile,
                   review_date: dt.date, warnings: list[Text]) -> list[Finding]:
    if waivers is None:
        return findings
    by_rule = {w.rule: w for w in waivers.waivers}
    known = {f.rule_id for f in findings}
    for rule_id in sorted(set(by_rule) - known):
        warnings.append(bilingual("warning.waiver_unknown_rule", rule=rule_id))
    top = profile.matrix.levels[CRITICAL_LEVEL_RANK].id
    result: list[Finding] = []
    for finding in findings:
        waiver = by_rule.get(finding.rule_id)
        level = finding.residual.level if finding.residual else None
        refusal = waiver_refusal(waiver, finding.status, level, top, review_date)
        if waiver is None or refusal is not None:
            if refusal == "not_needed":
                warnings.append(bilingual("warning.waiver_not_needed", rule=finding.rule_id))
            elif refusal == "expired" and waiver is not None:
                warnings.append(bilingual("warning.waiver_expired", rule=finding.rule_id,
                                          date=waiver.expires))
            elif refusal == "needs_risk_owner":
                warnings.append(bilingual("warning.waiver_needs_risk_owner",
                                          rule=finding.rule_id))
            result.append(finding)
            continue
        applied = WaiverApplied(
            justification=waiver.justification, accepted_by=waiver.accepted_by.name,
            accepted_by_role=waiver.accepted_by.role, accepted_on=waiver.accepted_on,
            expires=waiver.expires,
            risk_owner=waiver.risk_owner.name if waiver.risk_owner else None,
        )
        explanation = [*finding.explanation, ExplanationStep(kind="waiver",
                                                             ref=waiver.accepted_by.name)]
        result.append(finding.model_copy(update={"status": "waived", "waiver": applied,
                                                 "explanation": explanation}))
    return result
