"""DPIA screening: the nine WP248 criteria, whether a DPIA is required, and prior consultation.

Screening rules (``dpia_criterion``) run first; their result becomes the derived facts
``derived.dpia_criteria_met`` and ``derived.dpia_required`` that other rules may test. A DPIA is
required at two or more criteria met (IMY's Art. 35(4) list, WP248 rev.01).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from secreview.review import DpiaVerdict
from secreview.rules.model import WP248_CRITERIA
from secreview.tristate import Tri

if TYPE_CHECKING:
    from secreview.engine.evaluate import RuleOutcome


def derive_facts(screening: list[RuleOutcome], facts: Mapping[str, Any] | None = None
                 ) -> dict[str, Any]:
    """Criteria met, and whether a DPIA is required: yes at two met, no when fewer than two can
    be. In between, a documented screening that found no DPIA required (``dpia.status:
    not_required``) settles the criteria the description leaves open; two criteria the
    description itself shows as met still make it required, whatever was documented."""
    met = sum(1 for o in screening if o.status == "finding")
    possible = sum(1 for o in screening if o.status == "unknown")
    required: Tri = True if met >= 2 else (False if met + possible < 2 else None)
    if required is None and (facts or {}).get("personal_data.dpia.status") == "not_required":
        required = False
    return {"derived.dpia_criteria_met": met, "derived.dpia_required": required}


def dpia_screening(outcomes: Sequence[RuleOutcome], facts: Mapping[str, Any]) -> DpiaVerdict:
    """Which WP248 criteria are met; a DPIA is required at two or more (IMY's Art. 35(4) list)."""
    met: set[str] = set()
    unknown: set[str] = set()
    for outcome in outcomes:
        criterion = outcome.rule.rule.dpia_criterion
        if criterion is None:
            continue
        if outcome.status == "finding":
            met.add(criterion)
        elif outcome.status == "unknown":
            unknown.add(criterion)
    unknown -= met
    order = {c: i for i, c in enumerate(WP248_CRITERIA)}
    required = facts.get("derived.dpia_required")
    residual_high = facts.get("personal_data.dpia.residual_high_risk")
    prior: bool | None
    if required is False or residual_high is False:
        prior = False
    elif required is True and residual_high is True:
        prior = True
    else:
        prior = None
    return DpiaVerdict(
        criteria_met=sorted(met, key=order.__getitem__),
        criteria_unknown=sorted(unknown, key=order.__getitem__),
        criteria_not_met=[c for c in WP248_CRITERIA if c not in met and c not in unknown],
        required=required,
        status=facts.get("personal_data.dpia.status"),
        prior_consultation=prior,
    )
