"""The Review: the one object every output is rendered from, and a public, versioned JSON contract.

Other tools parse this JSON, so its shape changes only with ``schema_version``: additions bump the
minor version, removals or renames the major.
"""

import datetime as dt
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from secreview.catalogues.model import CoverageStatus, RequirementResult
from secreview.i18n import FactWords, Text
from secreview.profile import Signoff
from secreview.rules.model import Reference
from secreview.system import Provenance
from secreview.vocabulary import (
    OPEN_STATUSES,
    Addressee,
    AssumptionEffect,
    Axis,
    Basis,
    Comparison,
    DecisionOutcome,
    DueKind,
    FindingStatus,
    OwnerRole,
    Remedy,
    StepKind,
    TailoringChange,
)

SCHEMA_VERSION = "1.4"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RiskPoint(_Model):
    likelihood: int
    consequence: int
    level: str
    basis: Basis = Field(
        "assumed",
        description="confirmed: every answer the unknown facts could still get gives this level; "
        "assumed: it rests on a conservative assumption about an unknown fact (see the "
        "finding's assumptions). Reviews before schema 1.2 lack it and read as assumed",
    )


class Assumption(_Model):
    """One unknown fact a worst-case level rests on, and what it was assumed to be."""

    fact: str = Field(description="The unanswered fact")
    assumed: Any = Field(
        None,
        description="The answers that give the worst case, read with 'comparison' (for effect "
        "'scaling': the lowest value from which it applies); null when they have no short "
        "description and the fact is only assumed not to be answered in the rule's favour",
    )
    effect: AssumptionEffect = Field(
        description="finding: the rule is assumed to fire; scaling: the classification is "
        "assumed high enough to raise the consequence; escalation: an escalation is assumed to "
        "apply; mitigation: a mitigation is assumed not to be in place (no credit)",
    )
    ref: str | None = Field(
        None, description="The mitigation id, or the escalation's position in the rule (from 0)")
    comparison: Comparison = Field(
        "eq", description="How 'assumed' reads: exactly (eq), that value or higher (gte), that "
        "value or lower (lte), one of the listed values (in)")


class Evidence(_Model):
    fact: str
    value: Any = Field(description="The answer; null means unknown")
    known: bool
    provenance: Provenance | None = Field(
        None, description="Who gave the answer, when and where it is documented (the "
        "description's provenance for this fact); left out when the description's author "
        "wrote it")

    @model_serializer(mode="wrap")
    def _without_empty_provenance(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Most answers have no provenance: leave the key out rather than repeat a null in
        every piece of evidence (schema 1.0 readers never see it then)."""
        data = handler(self)
        if isinstance(data, dict) and data.get("provenance") is None:
            data.pop("provenance", None)
        return data


class ExplanationStep(_Model):
    kind: StepKind
    axis: str | None = None
    before: int | None = None
    after: int | None = None
    ref: str | None = None
    value: Any = Field(None, description="The fact's value (scaling); for scaling_unknown the "
                       "consequence the known facts alone give")
    reason: Text | None = Field(None, description="Why an escalation applies")
    label: Text | None = Field(None, description="What ``ref`` names, in words (a mitigation's "
                               "title), so a step can be read without the ruleset; added in 1.3")


class AppliedMitigation(_Model):
    id: str
    title: Text
    lowers: Axis
    steps: int


class WaiverApplied(_Model):
    justification: str
    accepted_by: str
    accepted_by_role: str
    accepted_on: dt.date
    expires: dt.date
    risk_owner: str | None = None


class Finding(_Model):
    rule_id: str
    risk_id: str | None = Field(
        None, description="R1, R2, ...: every open, unverified or accepted risk numbered by "
        "residual level (highest first), then rule id; stable within one review, so the heat "
        "map, the findings, the action plan, the CSV and the review diff name a risk alike")
    ruleset_id: str
    aspect: str
    status: FindingStatus
    screening: str | None = Field(None, description="WP248 criterion for DPIA screening rules")
    title: Text
    message: Text
    remediation: Text
    references: list[Reference]
    evidence: list[Evidence]
    inherent: RiskPoint | None = None
    residual: RiskPoint | None = Field(
        None, description="Residual risk in the worst case the unknown facts allow")
    confirmed: RiskPoint | None = Field(
        None,
        description="Residual risk the known facts alone establish (the lowest over every way "
        "the unknown facts could be answered); null when the finding itself is not established "
        "(an unverified requirement, or a finding that rests on an unanswered fact)",
    )
    assumptions: list[Assumption] = Field(
        default_factory=list, description="The unknown facts the worst case rests on")
    explanation: list[ExplanationStep] = Field(default_factory=list)
    mitigations: list[AppliedMitigation] = Field(default_factory=list)
    remedy: Remedy
    owner_role: OwnerRole
    due: DueKind
    waiver: WaiverApplied | None = None
    open_questions: list[str] = Field(default_factory=list,
                                      description="Unknown facts that decide this rule")

    @property
    def counts_as_risk(self) -> bool:
        return self.status in OPEN_STATUSES and self.screening is None

    @property
    def open_level(self) -> str | None:
        """The residual level a person should see: none for a pass or a rule that does not apply
        (their levels exist only to weight the compliance percentage)."""
        if self.status in ("finding", "unknown", "waived") and self.residual is not None:
            return self.residual.level
        return None


class AspectSummary(_Model):
    id: str
    title: Text
    level: str | None = Field(description="Highest residual level of open findings and unknowns")
    confirmed_level: str | None = Field(
        None, description="Highest level the known facts alone establish (null: none)")
    counts: dict[str, int] = Field(description="Open findings and unknowns per residual level")
    statuses: dict[str, int]
    unknown: int
    compliance_percent: float | None = Field(description="Weighted, for information only")


class Reason(_Model):
    clause: str
    text: Text
    rule_ids: list[str] = Field(default_factory=list)


class ApprovalCondition(_Model):
    rule_id: str
    title: Text
    remediation: Text
    owner_role: OwnerRole
    due: DueKind
    level: str
    status: FindingStatus
    verify_fact: str | None = Field(
        None, description="Set when the condition is to verify, in the contract, an answer that "
        "rests only on the vendor's word and decides this rule: the fact's path")


class WorstCase(_Model):
    """Where the assumptions could lead: the decision if every unknown went against the system."""

    outcome: DecisionOutcome
    level: str | None = Field(description="Overall level in the worst case")
    clause: str | None = Field(description="The policy clause that would decide")
    rule_ids: list[str] = Field(description="Findings whose assumed levels lead there")
    statement: Text = Field(description="The worst case in words, e.g. 'if the confidentiality "
                            "level is 3 or higher, ... is critical and the system is rejected'")


class Ceiling(_Model):
    """An approval restriction: only information up to a classification level may be stored."""

    fact: str = Field(description="The classification fact the ceiling caps")
    value: int = Field(description="The highest level that may be stored")
    text: Text = Field(description="The restriction as a condition of the decision")
    enforcement: Text = Field(description="How the restriction is enforced")
    owner_role: OwnerRole
    due: DueKind
    rule_ids: list[str] = Field(description="Findings the ceiling keeps below a rejection")


class Decision(_Model):
    outcome: DecisionOutcome
    clause: str | None
    reasons: list[Reason]
    conditions: list[ApprovalCondition]
    deciding_facts: list[str] = Field(
        default_factory=list,
        description="Unanswered facts whose answers decide the outcome, most decisive first "
        "(empty when the outcome rests on confirmed facts only)",
    )
    deciding_facts_suffice: bool = Field(
        False, description="Whether answering deciding_facts is enough for a decision in the "
        "search's worst case; false when more answers may be needed after them")
    worst_case: WorstCase | None = Field(
        None, description="The outcome and level the assumptions could lead to; null when "
        "they change neither")
    ceiling: Ceiling | None = Field(
        None, description="A classification ceiling the approval is conditional on")


class DpiaVerdict(_Model):
    criteria_met: list[str]
    criteria_unknown: list[str]
    criteria_not_met: list[str] = Field(description="Criteria a screening rule found not met")
    criteria_not_screened: list[str] = Field(
        default_factory=list, description="Criteria no selected screening rule looked at")
    screened: bool = Field(True, description="Whether any screening rule was part of the review; "
                           "false means the screening was not done")
    required: bool | None = Field(description="Two or more WP248 criteria (IMY Art. 35(4) list)")
    status: str | None = Field(description="DPIA status from the description")
    prior_consultation: bool | None = Field(description="Art. 36: high residual risk after DPIA")


class Question(_Model):
    fact: str
    question: Text
    rule_ids: list[str]
    highest_level: str | None
    deciding: bool = Field(False, description="One of decision.deciding_facts (listed first)")
    addressee: Addressee | None = Field(
        None, description="Who answers it (data/addressees.yaml); null only in reviews made "
        "before schema 1.1")


class RulesetRef(_Model):
    id: str
    version: str
    sha256: str
    title: Text


class ProfileRef(_Model):
    id: str
    version: str
    sha256: str = Field(description="Of the profile file, and of every profile it extends")
    organisation: str
    matrix: str
    extends: str | None = Field(None, description="The profile it extends: id and version")


class Tailored(_Model):
    rule_id: str
    change: TailoringChange
    reason: str
    consequence: int | None = None
    likelihood: int | None = None


class SystemRef(_Model):
    name: str | None
    sha256: str
    vendor: str | None = None
    owner_board: str | None = None
    system_owner: str | None = None
    information_owner: str | None = None
    management_object: str | None = None
    capability: str | None = None


class Summary(_Model):
    statuses: dict[str, int]
    aspects: dict[str, dict[str, int]]
    levels: dict[str, int]
    overall_level: str | None = Field(description="Highest residual level, worst case")
    confirmed_level: str | None = Field(
        None, description="Highest level the known facts alone establish (null: none)")
    compliance_percent: float | None


class LevelInfo(_Model):
    id: str
    label: Text
    colour: str


class RuleScaleInfo(_Model):
    """Where the rules' steps 1-4 land on the matrix axes (1-based positions), so an explanation
    step given on the rules' scale can be named by the matrix's own axis labels."""

    likelihood: list[int] = Field(default_factory=lambda: [1, 2, 3, 4],
                                  description="The likelihood axis position of rule steps 1-4")
    consequence: list[int] = Field(default_factory=lambda: [1, 2, 3, 4],
                                   description="The consequence axis position of rule steps 1-4")


class MatrixInfo(_Model):
    """Enough of the profile's matrix for a renderer to draw the heat map without the profile."""

    id: str
    title: Text
    likelihood: list[Text]
    consequence: list[Text]
    levels: list[LevelInfo]
    grid: list[list[str]]
    rule_scale: RuleScaleInfo = Field(
        default_factory=RuleScaleInfo,
        description="Where the rules' steps land on the axes, to name explanation steps")


class RequirementOutcome(_Model):
    """One requirement of an external catalogue in a review: how far the rules cover it, what
    they found, and which rules (their findings are in ``findings``)."""

    ref_id: str
    name: str | None
    section: str | None
    coverage: CoverageStatus
    result: RequirementResult
    rule_ids: list[str]


class CatalogueView(_Model):
    """The review per requirement of one external catalogue."""

    title: str
    ids: list[str]
    source: str
    sha256: str
    mappings: list[str]
    counts: dict[str, int] = Field(description="Requirements per result")
    requirements: list[RequirementOutcome]


class Review(_Model):
    schema_version: str = SCHEMA_VERSION
    engine_version: str
    review_date: dt.date
    reviewer: str | None = None
    next_review: dt.date | None = None
    language: Literal["sv", "en"]
    system: SystemRef
    rulesets: list[RulesetRef]
    profile: ProfileRef
    waivers_sha256: str | None = None
    tailoring: list[Tailored] = Field(default_factory=list)
    matrix: MatrixInfo
    decision: Decision
    summary: Summary
    aspects: list[AspectSummary]
    dpia: DpiaVerdict
    findings: list[Finding]
    questions: list[Question]
    signoff: Signoff = Field(default_factory=lambda: Signoff(),
                             description="Who signs the decision, from the profile")
    warnings: list[Text] = Field(
        default_factory=list,
        description="Waivers or tailoring that were not applied, and why (both languages)",
    )
    description: dict[str, Any] = Field(description="The system description as submitted")
    extension_facts: dict[str, FactWords] = Field(
        default_factory=dict,
        description="How each extension fact (a question a ruleset adds) that the review "
        "mentions reads: in evidence, assumptions, explanations, questions, the decision or "
        "as an answer of the description; by fact path, sorted. A report names the fact by its "
        "question or phrase and its values by their labels without the ruleset; added in 1.4 "
        "(earlier reviews: paths and values as written)")
    catalogue: CatalogueView | None = Field(
        None, description="The review per requirement of an external catalogue, when asked for "
        "(secreview review --catalogue)")

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


def review_json_schema() -> dict[str, Any]:
    from secreview.review_fields import describe

    schema = describe(Review.model_json_schema())
    schema["title"] = f"secreview review (schema {SCHEMA_VERSION})"
    return schema
