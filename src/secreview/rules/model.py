"""The ruleset document: rules, conditions, extension facts, examples.

Conditions are structured data, never expression strings: every ``fact:`` is a literal path that
the compiler checks against the fact catalogue. The grammar:

* a leaf ``{fact: PATH, OP: VALUE}`` with exactly one operator;
* ``all`` / ``any`` / ``none`` (lists), ``not`` (one condition), ``at_least: N`` with ``of``;
* ``for_any`` / ``for_all`` over a list of objects, with ``where`` evaluated per item.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)

from secreview.i18n import Text
from secreview.rules.operators import OPERATOR_NAMES
from secreview.system import Date
from secreview.vocabulary import Addressee, Axis, DueKind, OnUnknown, OwnerRole, Remedy, RuleStatus

Scalar = bool | int | float | str | dt.date
RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$",
                                          max_length=120)]
FactPath = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*$",
                                            max_length=200)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]

WP248_CRITERIA = (
    "evaluation_or_scoring", "automated_decisions", "systematic_monitoring", "sensitive_data",
    "large_scale", "combined_datasets", "vulnerable_subjects", "innovative_technology",
    "blocks_right_or_service",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)


class SetRef(_Strict):
    """A reference to a named value set (``{set: eea}``), built in or declared by the ruleset."""

    set: Identifier


SetValue = list[Scalar] | SetRef


class Leaf(_Strict):
    """``{fact: PATH, OPERATOR: VALUE}``: one test on one fact."""

    fact: FactPath
    eq: Scalar | None = None
    ne: Scalar | None = None
    in_: SetValue | None = Field(None, alias="in")
    not_in: SetValue | None = None
    gt: int | float | Date | None = None
    gte: int | float | Date | None = None
    lt: int | float | Date | None = None
    lte: int | float | Date | None = None
    exists: Literal[True] | None = None
    missing: Literal[True] | None = None
    matches: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        None, description="Regular expression searched in a text fact (Python re syntax)"
    )
    contains: Scalar | None = None
    intersects: SetValue | None = None
    subset_of: SetValue | None = None
    is_empty: bool | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> Leaf:
        used = self.operators()
        if len(used) != 1:
            names = ", ".join(OPERATOR_NAMES)
            if not used:
                raise ValueError(f"a condition on a fact needs one operator: {names}")
            raise ValueError(f"a condition has one operator, found {len(used)}: {', '.join(used)}")
        if self.operand is None:
            # "in:" with nothing after it is null in YAML; it must not reach the compiler.
            raise ValueError(f"operator '{used[0]}' needs a value")
        return self

    def operators(self) -> list[str]:
        fields = self.model_fields_set - {"fact"}
        return ["in" if f == "in_" else f for f in fields]

    @property
    def operator(self) -> str:
        return self.operators()[0]

    @property
    def operand(self) -> Any:
        return getattr(self, "in_" if self.operator == "in" else self.operator)


class AllOf(_Strict):
    all: Annotated[list[Condition], Field(min_length=1)]


class AnyOf(_Strict):
    any: Annotated[list[Condition], Field(min_length=1)]


class NoneOf(_Strict):
    none: Annotated[list[Condition], Field(min_length=1)]


class Not(_Strict):
    not_: Condition = Field(alias="not")


class AtLeast(_Strict):
    at_least: Annotated[int, Field(ge=1)]
    of: Annotated[list[Condition], Field(min_length=1)]

    @model_validator(mode="after")
    def _reachable(self) -> AtLeast:
        if self.at_least > len(self.of):
            raise ValueError(
                f"at_least {self.at_least} can never hold with only {len(self.of)} conditions"
            )
        return self


class ForAny(_Strict):
    """True if ``where`` holds for some item of the list (false for an empty list)."""

    for_any: FactPath
    where: Condition


class ForAll(_Strict):
    """True if ``where`` holds for every item of the list (true for an empty list)."""

    for_all: FactPath
    where: Condition


_KINDS = ("all", "any", "none", "not", "at_least", "for_any", "for_all")


def _condition_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for kind in _KINDS:
            if kind in value:
                return kind
        return "fact"
    if isinstance(value, BaseModel):
        return {
            AllOf: "all", AnyOf: "any", NoneOf: "none", Not: "not", AtLeast: "at_least",
            ForAny: "for_any", ForAll: "for_all", Leaf: "fact",
        }.get(type(value))
    return None


Condition = Annotated[
    Annotated[Leaf, Tag("fact")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NoneOf, Tag("none")]
    | Annotated[Not, Tag("not")]
    | Annotated[AtLeast, Tag("at_least")]
    | Annotated[ForAny, Tag("for_any")]
    | Annotated[ForAll, Tag("for_all")],
    Discriminator(
        _condition_kind,
        custom_error_type="condition",
        custom_error_message="a condition is a mapping: {fact: PATH, OPERATOR: VALUE} or one of "
        "all/any/none/not/at_least/for_any/for_all",
    ),
]

for _model in (AllOf, AnyOf, NoneOf, Not, AtLeast, ForAny, ForAll):
    _model.model_rebuild()


class Reference(_Strict):
    """Where a rule's requirement comes from: a law and article, a decision, a standard clause."""

    source: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="Law, regulation, authority or standard, e.g. 'GDPR', 'OSL (2009:400)'"
    )
    clause: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        None, description="Article, paragraph or clause, e.g. 'Art. 28(3)', '10 kap. 2 a §'"
    )
    kind: Literal["law", "regulation", "decision", "guidance", "standard", "case"] = "law"
    url: Annotated[str, StringConstraints(pattern=r"^https://", max_length=500)] | None = None

    def label(self) -> str:
        return f"{self.source} {self.clause}" if self.clause else self.source


class ConsequenceScaling(_Strict):
    """Consequence that follows the information classification: at least ``levels[v]`` once the
    fact reaches ``v`` (e.g. ``{fact: classification.confidentiality, levels: {2: 3, 3: 4}}``)."""

    fact: FactPath
    levels: dict[int, Annotated[int, Field(ge=1, le=4)]]


class Mitigation(_Strict):
    """A measure that, when the description shows it in place, lowers the risk by steps."""

    id: Identifier
    when: Condition
    lowers: Axis
    steps: Annotated[int, Field(ge=1, le=3)] = 1
    title: Text


Level4 = Annotated[int, Field(ge=1, le=4)]


class Escalation(_Strict):
    """Harm that compounds: while ``if`` holds, the rule's consequence and/or likelihood is at
    least the level given. Applied after classification scaling; it never lowers a level. An
    ``if`` that is unknown escalates the worst case only, so the level is shown as assumed."""

    if_: Condition = Field(alias="if")
    consequence: Level4 | None = Field(None, description="Consequence at least (1–4)")
    likelihood: Level4 | None = Field(None, description="Likelihood at least (1–4)")
    reason: Text = Field(description="Why the harm compounds; shown as its own explanation step")

    @model_validator(mode="after")
    def _raises_something(self) -> Escalation:
        if self.consequence is None and self.likelihood is None:
            raise ValueError("an escalation raises the consequence, the likelihood or both: "
                             "give at least one of them")
        return self


class Example(_Strict):
    """A partial system description and the outcome the rule must give for it; optionally the
    level it must reach (on the rule's 1–4 scale, after scaling and escalation, before
    mitigations) and whether an escalation applies."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    expect: RuleStatus
    facts: dict[str, Any]
    consequence: Level4 | None = Field(
        None, description="Expected consequence after scaling and escalation (worst case)")
    likelihood: Level4 | None = Field(
        None, description="Expected likelihood after escalation (worst case)")
    escalated: bool | None = Field(
        None, description="Whether an escalation is expected to apply for certain")


class Rule(_Strict):
    """One requirement, phrased as the non-compliant state it detects."""

    id: RuleId
    aspect: Identifier | None = Field(None, description="Defaults to the ruleset's aspect")
    title: Text
    message: Text = Field(description="What is wrong; may quote facts as {path.to.fact}")
    remediation: Text
    references: Annotated[list[Reference], Field(min_length=1)]
    consequence: Level4 = Field(description="1 negligible, 2 limited, 3 significant, 4 maximum")
    likelihood: Level4 = Field(description="1 negligible, 2 limited, 3 significant, 4 maximum")
    consequence_scaling: ConsequenceScaling | None = None
    applies_if: Condition | None = None
    finding_if: Condition
    on_unknown: OnUnknown = Field(
        "unknown",
        description="What an undecidable rule reports: an unverified finding with a question "
        "(default), a finding, or a pass",
    )
    escalate: list[Escalation] = Field(
        default_factory=list,
        description="Levels that rise when harms compound (after classification scaling)",
    )
    mitigations: list[Mitigation] = Field(default_factory=list)
    remedy: Remedy = Field(
        "procedure", description="How a finding is resolved; 'none' means it cannot be mitigated"
    )
    owner_role: OwnerRole = "project_lead"
    due: DueKind = "before_contract"
    dpia_criterion: Literal[WP248_CRITERIA] | None = Field(  # type: ignore[valid-type]
        None, description="Marks a DPIA screening rule: a 'finding' means the criterion is met"
    )
    tags: list[Identifier] = Field(default_factory=list)
    examples: list[Example] = Field(default_factory=list)


class ExtensionFact(_Strict):
    """A question a ruleset adds to the system description without touching Python."""

    name: Identifier
    type: Literal["bool", "int", "number", "string", "list"]
    values: list[str] | None = Field(None, description="Allowed values (makes it an enumeration)")
    question: Text
    why: Text | None = None
    addressee: Addressee | None = Field(
        None, description="Who answers it (vendor, information_owner, system_owner, dpo, "
        "security_protection_officer, procurement); default: system_owner, so that nothing "
        "reaches the vendor unless the ruleset says so")


class RulesetInfo(_Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]*$", max_length=80)]
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")] = Field(
        description="Semantic version: MAJOR.MINOR.PATCH"
    )
    title: Text
    owner: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    date: Date
    aspect: Identifier
    description: Text | None = None


class AspectInfo(_Strict):
    id: Identifier
    title: Text


class Ruleset(_Strict):
    """A YAML ruleset file."""

    schema_: str | None = Field(None, alias="$schema")
    ruleset: RulesetInfo
    aspects: list[AspectInfo] = Field(default_factory=list,
                                      description="New aspects this ruleset introduces")
    facts: list[ExtensionFact] = Field(default_factory=list)
    sets: dict[Identifier, list[Scalar]] = Field(default_factory=dict)
    rules: Annotated[list[Rule], Field(min_length=1, max_length=2000)]


def ruleset_json_schema() -> dict[str, Any]:
    schema = Ruleset.model_json_schema(by_alias=True)
    schema["title"] = "secreview ruleset"
    return schema


def plain(value: Any) -> Any:
    """A model (rule, condition, reference) as plain JSON-able data, as it was written.

    Unset fields stay out, so two rulesets compare equal exactly when their authors wrote the
    same thing (the diff and the linter rely on that), and written-back YAML reads like the source.
    """
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
