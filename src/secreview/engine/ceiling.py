"""The classification ceiling: approval restricted to information up to a level.

When the information classification is unknown, the review is often incomplete only because the
worst case assumes the highest level (a foreign-law exposure that is high at K2 becomes critical
at K3). The profile's :class:`~secreview.profile.CeilingPolicy` lets the decision offer what a
municipality does in practice instead: approve on the condition that only information up to
level N is stored. N is the highest level at which the review is decided (approve, or approve
with conditions) *for every level up to N*, found by answering the classification hypothetically
at each level (:class:`~secreview.engine.deciding.Situation`). No ceiling is offered when the
review is decided anyway, when it is undecided even at the lowest level, or when every level
would do (then the classification does not matter and there is nothing to restrict).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from secreview.engine.answers import candidates
from secreview.engine.deciding import Situation, State
from secreview.errors import InputError, did_you_mean
from secreview.i18n import Text, label
from secreview.profile import CeilingPolicy, Profile, where_in_profile
from secreview.review import ApprovalCondition, Ceiling, Decision, Finding, Reason
from secreview.rules.loader import Catalog

ACCEPTABLE = ("approve", "approve_with_conditions")
CLAUSE = "classification_ceiling"
"""The clause id a decision carries when the ceiling decided it."""


@dataclass(frozen=True)
class CeilingFound:
    value: int
    state: State  # the decision with the classification at the ceiling
    rule_ids: list[str]  # the rules the ceiling keeps from deciding against the system


def check_ceiling_fact(policy: CeilingPolicy, catalog: Catalog) -> str | None:
    """Why the ceiling's fact cannot carry a ceiling, or None when it can."""
    spec = catalog.facts.get(policy.fact)
    if spec is None:
        return f"unknown fact '{policy.fact}'"
    options = candidates(catalog, policy.fact)
    if spec.kind != "int" or not options.exhaustive or not options.values:
        return (f"'{policy.fact}' is not a classification level (an integer fact with a small "
                "range, such as classification.confidentiality)")
    return None


def check_ceiling(profile: Profile, profile_file: Path, catalog: Catalog) -> None:
    """The profile's classification ceiling must name a classification level the loaded
    rulesets know: checked once the rulesets are loaded, located in the profile."""
    ceiling = profile.decision.classification_ceiling
    if ceiling is None:
        return
    problem = check_ceiling_fact(ceiling, catalog)
    if problem is not None:
        raise InputError.single(
            f"classification_ceiling: {problem}",
            **where_in_profile(profile_file, ("decision", "classification_ceiling", "fact")),
            suggestion=did_you_mean(ceiling.fact, catalog.facts)
            or "use classification.confidentiality",
        )


def find_ceiling(situation: Situation, policy: CeilingPolicy) -> CeilingFound | None:
    """The highest level up to which every level decides the review acceptably, if any."""
    if situation.base.decided or situation.facts.get(policy.fact) is not None:
        return None
    problem = check_ceiling_fact(policy, situation.catalog)
    if problem is not None:
        raise InputError.single(f"decision.classification_ceiling.fact: {problem}")
    levels = sorted(candidates(situation.catalog, policy.fact).values)
    found: tuple[int, State] | None = None
    for level in levels:
        state = situation.answer({policy.fact: level})
        if state.choice.outcome not in ACCEPTABLE:
            break
        found = (level, state)
    if found is None or found[0] == levels[-1]:
        return None
    level, state = found
    rules = situation.catalog.rules
    rule_ids = sorted(rules[position].id for position, entry in state.changed.items()
                      if situation.signatures[position] is not None
                      and situation.policy.distance(situation.signatures[position]))  # type: ignore[arg-type]
    return CeilingFound(level, state, rule_ids)


def with_ceiling(decision: Decision, found: CeilingFound, policy: CeilingPolicy,
                 situation: Situation, findings: Sequence[Finding]) -> Decision:
    """The decision approved on condition of the ceiling, with the conditions that hold when
    the classification is at the ceiling (worst first)."""
    level = str(found.value)
    text = Text(sv=policy.text.sv.replace("{level}", level),
                en=policy.text.en.replace("{level}", level))
    by_id = {f.rule_id: f for f in findings}
    matrix = situation.matrix
    open_entries = [found.state.changed.get(position, entry)
                    for position, entry in enumerate(situation.entries)]
    chosen = sorted((e for e in open_entries
                     if e is not None and situation.policy.conditions.actual(e)),
                    key=lambda e: (-e.worst, e.rule_id))
    conditions = [
        ApprovalCondition(rule_id=e.rule_id, title=by_id[e.rule_id].title,
                  remediation=by_id[e.rule_id].remediation, owner_role=by_id[e.rule_id].owner_role,
                  due=by_id[e.rule_id].due, level=matrix.levels[e.worst].id,
                  status=e.status)
        for e in chosen
    ]
    reason = Text(sv=label("decision.ceiling", "sv", text=text.sv),
                  en=label("decision.ceiling", "en", text=text.en))
    ceiling = Ceiling(fact=policy.fact, value=found.value, text=text,
                      enforcement=policy.enforcement, owner_role=policy.owner_role,
                      due=policy.due, rule_ids=found.rule_ids)
    return decision.model_copy(update={
        "outcome": "approve_with_conditions", "clause": CLAUSE,
        "reasons": [Reason(clause=CLAUSE, text=reason, rule_ids=found.rule_ids)],
        "conditions": conditions, "ceiling": ceiling,
    })
