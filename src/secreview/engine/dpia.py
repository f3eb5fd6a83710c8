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
    """``derived.dpia_criteria_met`` and ``derived.dpia_required`` from the screening rules.

    Required at two criteria met, not required when fewer than two can be. A criterion no
    selected rule screens may be met as far as anyone knows, so it counts like an unknown one:
    with no screening rules at all, whether a DPIA is required is unknown, never "not required".
    In between, a documented screening that found no DPIA required (``dpia.status:
    not_required``) settles the criteria the description leaves open; two criteria the
    description itself shows as met still make it required, whatever was documented.
    """
    met, unknown = _criteria(screening)
    unscreened = len(WP248_CRITERIA) - len({o.rule.rule.dpia_criterion for o in screening})
    possible = len(unknown) + unscreened
    required: Tri = True if len(met) >= 2 else (False if len(met) + possible < 2 else None)
    if required is None and (facts or {}).get("personal_data.dpia.status") == "not_required":
        required = False
    return {"derived.dpia_criteria_met": len(met), "derived.dpia_required": required}


def _criteria(outcomes: Sequence[RuleOutcome]) -> tuple[set[str], set[str]]:
    """The criteria met, and those still unknown (not met by another rule)."""
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
    return met, unknown - met


def dpia_screening(outcomes: Sequence[RuleOutcome], facts: Mapping[str, Any]) -> DpiaVerdict:
    """Which WP248 criteria are met; a DPIA is required at two or more (IMY's Art. 35(4) list).

    Only criteria a selected screening rule looked at can be "not met"; the others are listed as
    not screened, and with no screening rule at all the screening is reported as not done.
    """
    met, unknown = _criteria(outcomes)
    screened = {o.rule.rule.dpia_criterion for o in outcomes if o.rule.rule.dpia_criterion}
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
        criteria_not_met=[c for c in WP248_CRITERIA
                          if c in screened and c not in met and c not in unknown],
        criteria_not_screened=[c for c in WP248_CRITERIA if c not in screened],
        screened=bool(screened),
        required=required,
        status=facts.get("personal_data.dpia.status"),
        prior_consultation=prior,
    )
