"""From scored findings to a procurement decision, a DPIA screening result and the conditions.

The policy is data (see :class:`~secreview.profile.DecisionPolicy`): clauses are tried from the most
severe outcome down, the first that fires decides, and the review records which one and why.
"""

from __future__ import annotations

from collections.abc import Sequence

from secreview.profile import DecisionPolicy, FindingFilter, RiskMatrix
from secreview.review import ApprovalCondition, Decision, Finding, Reason


def matches(finding: Finding, selector: FindingFilter, matrix: RiskMatrix) -> bool:
    """Does an open (not waived, not screening) finding match a policy filter?"""
    if not finding.counts_as_risk or finding.status not in selector.status:
        return False
    if finding.residual is None:
        return False
    if selector.residual_at_least is not None and (
        matrix.rank(finding.residual.level) < matrix.rank(selector.residual_at_least)
    ):
        return False
    if selector.remedy is not None and finding.remedy not in selector.remedy:
        return False
    return selector.aspect is None or finding.aspect in selector.aspect


def _severity_key(finding: Finding, matrix: RiskMatrix) -> tuple[int, str]:
    level = finding.residual.level if finding.residual else matrix.levels[0].id
    return (-matrix.rank(level), finding.rule_id)


def decide(findings: Sequence[Finding], policy: DecisionPolicy, matrix: RiskMatrix) -> Decision:
    """Apply the policy; conditions are listed whatever the outcome, worst first."""
    candidates = sorted(
        (f for f in findings if matches(f, policy.conditions_from, matrix)),
        key=lambda f: _severity_key(f, matrix),
    )
    conditions = [
        ApprovalCondition(rule_id=f.rule_id, title=f.title, remediation=f.remediation,
                  owner_role=f.owner_role, due=f.due,
                  level=f.residual.level if f.residual else "", status=f.status)
        for f in candidates
    ]
    for clause in policy.clauses:
        matched = sorted((f for f in findings if matches(f, clause.when, matrix)),
                         key=lambda f: _severity_key(f, matrix))
        if len(matched) >= clause.count:
            return Decision(
                outcome=clause.outcome, clause=clause.id,
                reasons=[Reason(clause=clause.id, text=clause.reason,
                                rule_ids=[f.rule_id for f in matched])],
                conditions=conditions,
            )
    return Decision(
        outcome=policy.default, clause=None,
        reasons=[Reason(clause="default", text=policy.default_reason)],
        conditions=conditions,
    )
