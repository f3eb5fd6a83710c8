"""Vendor answers that decide a serious rule: conditions to verify them in the contract.

A vendor's answer in a questionnaire is a statement, not a guarantee. When such an answer is what
makes a rule at or above the profile's condition level (``decision.conditions_from``) pass, stay
out of scope or earn a mitigation, the decision says so: the answer becomes a condition "verify in
the contract", to be met before signing. An answer "decides" a rule when the rule's outcome would
be different with the answer unknown (the rule is evaluated again without it), so answers the rule
looked at but did not need never become conditions. Once someone has verified the answer, they
record it as theirs (provenance role ``procurement`` with the contract clause as source) and the
condition goes away.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from secreview.addressees import VENDOR, attribution
from secreview.engine.evaluate import Evaluation, RuleOutcome, evaluate_rule
from secreview.i18n import LANGUAGES, Text, format_fact, label
from secreview.profile import Profile
from secreview.questions import question_for
from secreview.review import ApprovalCondition, Decision, Finding, Reason
from secreview.rules.loader import Catalog
from secreview.system import Provenance

CLAUSE = "verify_vendor_answers"
DECIDED = ("finding", "pass", "not_applicable")
"""Outcomes an answer can decide; an unknown rule is decided by nobody yet."""


def _decides(outcome: RuleOutcome, path: str) -> bool:
    """Would the rule come out differently if the answer at ``path`` were unknown?"""
    without = evaluate_rule(outcome.rule, {**outcome.facts, path: None})
    return (without.status != outcome.status
            or without.mitigations_in_effect != outcome.mitigations_in_effect)


def _vendor_only(provenance: Mapping[str, Provenance], path: str) -> bool:
    entry = provenance.get(path)
    return entry is not None and entry.role == VENDOR


def vendor_word_conditions(evaluation: Evaluation, findings: Sequence[Finding],
                           provenance: Mapping[str, Provenance], profile: Profile,
                           catalog: Catalog) -> list[ApprovalCondition]:
    """One "verify in the contract" condition per vendor-only answer that decides a rule at or
    above the profile's condition level, worst rule first."""
    if not any(entry.role == VENDOR for entry in provenance.values()):
        return []
    matrix = profile.matrix
    threshold = profile.decision.conditions_from.residual_at_least
    floor = matrix.rank(threshold) if threshold is not None else 0
    by_rule = {f.rule_id: f for f in findings}
    decided: dict[str, list[tuple[int, Finding]]] = {}
    for outcome in evaluation.outcomes:
        finding = by_rule.get(outcome.rule.rule.id)
        if finding is None or finding.inherent is None or outcome.status not in DECIDED:
            continue
        rank = matrix.rank(finding.inherent.level)
        if rank < floor:
            continue
        for path, value in outcome.evidence:
            if value is not None and _vendor_only(provenance, path) and _decides(outcome, path):
                decided.setdefault(path, []).append((rank, finding))
    conditions = []
    for path, items in decided.items():
        rank, finding = max(items, key=lambda item: (item[0], item[1].rule_id))
        entry = provenance[path]
        value = evaluation.facts.get(path)
        texts = {lang: label("verify.remediation", lang,
                             question=question_for(path, catalog).get(lang),
                             value=format_fact(path, value, lang, catalog.fact_words),
                             attribution=attribution(entry, lang), rule=finding.title.get(lang))
                 for lang in LANGUAGES}
        conditions.append(ApprovalCondition(
            rule_id=finding.rule_id, title=finding.title,
            remediation=Text(**texts),
            owner_role="procurement", due="before_contract", level=matrix.levels[rank].id,
            status=finding.status, verify_fact=path))
    conditions.sort(key=lambda c: (-matrix.rank(c.level), c.verify_fact or ""))
    return conditions


def with_verification(decision: Decision, conditions: list[ApprovalCondition],
                      profile: Profile) -> Decision:
    """The decision with the verification conditions added after its own.

    Conditions make an approval conditional: an ``approve`` becomes ``approve_with_conditions``
    and says why. A harsher outcome stays as it is; its conditions list grows.
    """
    if not conditions:
        return decision
    threshold = profile.decision.conditions_from.residual_at_least
    lowest = profile.matrix.levels[0] if threshold is None else profile.matrix.level(threshold)
    text = Text(**{lang: label("decision.verify_vendor_answers", lang,
                               level=lowest.label.get(lang).lower()) for lang in LANGUAGES})
    reason = Reason(clause=CLAUSE, text=text, rule_ids=sorted({c.rule_id for c in conditions}))
    if decision.outcome == "approve":
        # A copy, so what else the decision says (its worst case) stays with it.
        return decision.model_copy(update={
            "outcome": "approve_with_conditions", "clause": CLAUSE, "reasons": [reason],
            "conditions": [*decision.conditions, *conditions]})
    reasons = decision.reasons
    if decision.outcome == "approve_with_conditions":
        reasons = [*reasons, reason]
    return decision.model_copy(update={"reasons": reasons,
                                       "conditions": [*decision.conditions, *conditions]})
