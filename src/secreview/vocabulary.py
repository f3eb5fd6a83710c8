"""The review's words, each declared once: statuses, outcomes, remedies, roles, due kinds,
explanation steps and the decision colours.

Models (rules, profile, review), the engine and every renderer import these instead of spelling
the words out again, so a new word is added here and in ``data/labels.yaml`` (its Swedish and
English names) and nowhere else. Each Literal (for type checking and the JSON Schemas) sits beside
its tuple (the order at run time); a test checks that the two agree.
"""

from __future__ import annotations

from typing import Literal

RuleStatus = Literal["finding", "pass", "unknown", "not_applicable"]
"""What evaluating one rule gives (and what a rule example expects)."""

FindingStatus = Literal["finding", "unknown", "waived", "pass", "not_applicable"]
"""A finding's status in the review: a rule status, or ``waived`` once a waiver accepted it."""
FINDING_STATUSES: tuple[FindingStatus, ...] = (
    "finding", "unknown", "waived", "pass", "not_applicable")
"""Display and sort order: open problems first."""

OpenStatus = Literal["finding", "unknown"]
"""The statuses a decision clause or condition can look at: the open ones."""
OPEN_STATUSES: tuple[OpenStatus, ...] = ("finding", "unknown")

OnUnknown = Literal["unknown", "finding", "pass"]
"""What an undecidable rule reports."""

DecisionOutcome = Literal["approve", "approve_with_conditions", "incomplete", "reject"]
OUTCOMES: tuple[DecisionOutcome, ...] = (
    "approve", "approve_with_conditions", "incomplete", "reject")
"""From the mildest to the most severe."""
OUTCOME_SEVERITY: dict[str, int] = {outcome: rank for rank, outcome in enumerate(OUTCOMES)}

DECISION_COLOURS: dict[str, str] = {
    "approve": "#2e7d32",
    "approve_with_conditions": "#a15c00",
    "incomplete": "#37474f",
    "reject": "#b71c1c",
}
"""One colour per decision for the report and the register alike (contrast ≥ 4.5:1 on white)."""
NO_LEVEL_COLOUR = "#6b7280"
"""Grey for "no risk level" (and for a level whose colour is not a strict ``#rrggbb``)."""

Remedy = Literal["contract", "configuration", "procedure", "none"]
REMEDIES: tuple[Remedy, ...] = ("contract", "configuration", "procedure", "none")

OwnerRole = Literal[
    "project_lead", "procurement", "information_owner", "system_owner", "security_officer",
    "data_protection_officer", "archivist", "legal", "vendor", "management",
]
OWNER_ROLES: tuple[OwnerRole, ...] = (
    "project_lead", "procurement", "information_owner", "system_owner", "security_officer",
    "data_protection_officer", "archivist", "legal", "vendor", "management",
)

Addressee = Literal["vendor", "information_owner", "system_owner", "dpo",
                    "security_protection_officer", "procurement"]
"""Who answers a question (``data/addressees.yaml`` names them and says who answers which fact)."""
ADDRESSEES: tuple[Addressee, ...] = ("vendor", "information_owner", "system_owner", "dpo",
                                     "security_protection_officer", "procurement")

DueKind = Literal["before_contract", "before_go_live", "within_6_months", "within_12_months"]
DUE_KINDS: tuple[DueKind, ...] = (
    "before_contract", "before_go_live", "within_6_months", "within_12_months")

Axis = Literal["likelihood", "consequence"]
"""The two axes of the risk matrix; a mitigation lowers one of them."""

StepKind = Literal[
    "default", "override", "scaling", "scaling_unknown", "escalation", "escalation_unknown",
    "mitigation", "mitigation_unknown", "no_credit", "matrix", "waiver",
]
"""One step of a finding's explanation trail (``report.step.KIND`` names it)."""
STEP_KINDS: tuple[StepKind, ...] = (
    "default", "override", "scaling", "scaling_unknown", "escalation", "escalation_unknown",
    "mitigation", "mitigation_unknown", "no_credit", "matrix", "waiver",
)

Basis = Literal["confirmed", "assumed"]
"""Whether a level rests on known facts alone (every answer still open gives it) or on an
assumption about an unknown fact."""
BASES: tuple[Basis, ...] = ("confirmed", "assumed")

AssumptionEffect = Literal["finding", "scaling", "escalation", "mitigation"]
"""What an assumption about an unknown fact does to a level: the rule fires, the classification
scales the consequence, an escalation applies, a mitigation earns no credit."""
ASSUMPTION_EFFECTS: tuple[AssumptionEffect, ...] = ("finding", "scaling", "escalation",
                                                     "mitigation")

Comparison = Literal["eq", "gte", "lte", "in"]
"""How an assumed answer reads: exactly, that or higher, that or lower, one of a few."""
COMPARISONS: tuple[Comparison, ...] = ("eq", "gte", "lte", "in")

TailoringChange = Literal["disabled", "override", "not_applied"]
TAILORING_CHANGES: tuple[TailoringChange, ...] = ("disabled", "override", "not_applied")
