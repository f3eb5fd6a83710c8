"""The ruleset document: rules, conditions, extension facts, examples.

Conditions are structured data, never expression strings: every ``fact:`` is a literal path that
the compiler checks against the fact catalogue. The grammar:

* a leaf ``{fact: PATH, OP: VALUE}`` with exactly one operator;
* ``all`` / ``any`` / ``none`` (lists), ``not`` (one condition), ``at_least: N`` with ``of``;
* ``for_any`` / ``for_all`` over a list of objects, with ``where`` evaluated per item.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    BaseModel,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)

from secreview.i18n import Text
from secreview.rules.operators import OPERATOR_NAMES, SYNONYMS
from secreview.strict import InputModel
from secreview.system import Date
from secreview.validation import MODEL_WORDS, described
from secreview.vocabulary import Addressee, Axis, DueKind, OnUnknown, OwnerRole, Remedy, RuleStatus

Scalar = bool | int | float | str | dt.date
RuleId = Annotated[str, StringConstraints(pattern=described(
    r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$",
    "a rule id uses lower-case letters, digits and _, in parts joined by dots, at least two "
    "(e.g. kommun.storage_outside_nordics)"), max_length=120)]
FactPath = Annotated[str, StringConstraints(pattern=described(
    r"^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*$",
    "a fact name uses lower-case letters, digits and _, in parts joined by dots "
    "(e.g. access.mfa_admins)",
    "to test the items of a list one by one, use {for_any: LIST, where: {fact: FIELD, ...}} "
    "(or for_all), and name the item's field without the list's name"), max_length=200)]
Identifier = Annotated[str, StringConstraints(pattern=described(
    r"^[a-z][a-z0-9_]*$", "a name uses lower-case letters, digits and _, starting with a letter"),
    max_length=60)]
VERSION_PATTERN = described(r"^\d+\.\d+\.\d+$", "a version is MAJOR.MINOR.PATCH, e.g. 1.0.0")

WP248_CRITERIA = (
    "evaluation_or_scoring", "automated_decisions", "systematic_monitoring", "sensitive_data",
    "large_scale", "combined_datasets", "vulnerable_subjects", "innovative_technology",
    "blocks_right_or_service",
)


class _Strict(InputModel):
    """Every part of a ruleset: the input policy of :mod:`secreview.strict`."""


class SetRef(_Strict):
    """A reference to a named value set (``{set: eea}``), built in or declared by the ruleset."""

    set: Identifier


SetValue = list[Scalar] | SetRef


class FactRef(_Strict):
    """``{fact: PATH}`` as the value to compare with: another fact of the same type, read when
    the rule is evaluated (unknown when either fact is unknown)."""

    fact: FactPath


MODEL_WORDS.update({"FactRef": "{fact: PATH}", "SetRef": "{set: NAME}"})

Compared = Scalar | FactRef
"""What ``eq``/``ne`` compare with: a value, or another fact."""
Ordered = int | float | Date | str | FactRef
"""What an ordering operator compares with: a number, a date, another fact, or (for a date
fact) ``review_date`` with an optional offset such as ``review_date+90d``."""
DateBound = Date | str | FactRef
"""What ``before``/``after`` compare with: a date, ``review_date[+-N(d|w|m|y)]`` or a fact."""


class Leaf(_Strict):
    """``{fact: PATH, OPERATOR: VALUE}``: one test on one fact."""

    key_synonyms: ClassVar[dict[str, str]] = SYNONYMS

    fact: FactPath
    eq: Compared | None = None
    ne: Compared | None = None
    in_: SetValue | None = Field(None, alias="in")
    not_in: SetValue | None = None
    gt: Ordered | None = None
    gte: Ordered | None = None
    lt: Ordered | None = None
    lte: Ordered | None = None
    before: DateBound | None = Field(
        None, description="The date fact is earlier than this date, review_date (optionally "
        "with an offset such as review_date+90d) or {fact: PATH}")
    after: DateBound | None = Field(
        None, description="The date fact is later than this date, review_date (optionally "
        "with an offset such as review_date-1y) or {fact: PATH}")
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
    def _one_operator(self) -> Self:
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
    all: Annotated[list["Condition"], Field(min_length=1)]


class AnyOf(_Strict):
    any: Annotated[list["Condition"], Field(min_length=1)]


class NoneOf(_Strict):
    none: Annotated[list["Condition"], Field(min_length=1)]


class Not(_Strict):
    not_: "Condition" = Field(alias="not")


class AtLeast(_Strict):
    at_least: Annotated[int, Field(ge=1)]
    of: Annotated[list["Condition"], Field(min_length=1)]

    @model_validator(mode="after")
    def _reachable(self) -> Self:
        if self.at_least > len(self.of):
            raise ValueError(
                f"at_least {self.at_least} can never hold with only {len(self.of)} conditions"
            )
        return self


class ForAny(_Strict):
    """True if ``where`` holds for some item of the list (false for an empty list)."""

    for_any: FactPath
    where: "Condition"


class ForAll(_Strict):
    """True if ``where`` holds for every item of the list (true for an empty list)."""

    for_all: FactPath
    where: "Condition"


_MODELS: dict[str, type[_Strict]] = {
    "fact": Leaf, "all": AllOf, "any": AnyOf, "none": NoneOf, "not": Not, "at_least": AtLeast,
    "for_any": ForAny, "for_all": ForAll,
}
_KIND_OF: dict[type[BaseModel], str] = {model: kind for kind, model in _MODELS.items()}
_KINDS = tuple(kind for kind in _MODELS if kind != "fact")


def _condition_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for kind in _KINDS:
            if kind in value:
                return kind
        return "fact"
    if isinstance(value, BaseModel):
        return _KIND_OF.get(type(value))
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


def validate_condition(raw: Mapping[str, Any]) -> Condition:
    """A condition from plain data, validated by the model its kind names: what a
    ``TypeAdapter(Condition)`` does for a mapping, without building one (a few milliseconds
    each, on every run that reads ``data/routing.yaml``)."""
    data = dict(raw)
    return _MODELS[_condition_kind(data) or "fact"].model_validate(data)  # type: ignore[return-value]


class Reference(_Strict):
    """Where a rule's requirement comes from: a law and article, a decision, a standard clause."""

    source: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="Law, regulation, authority or standard, e.g. 'GDPR', 'OSL (2009:400)'"
    )
    clause: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        None, description="Article, paragraph or clause, e.g. 'Art. 28(3)', '10 kap. 2 a §'"
    )
    kind: Literal["law", "regulation", "decision", "guidance", "standard", "case"] = "law"
    url: Annotated[str, StringConstraints(pattern=described(
        r"^https://", "a link starts with https://"), max_length=500)] | None = None

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
    def _raises_something(self) -> Self:
        if self.consequence is None and self.likelihood is None:
            raise ValueError("an escalation raises the consequence, the likelihood or both: "
                             "give at least one of them")
        return self


Extent = Literal["full", "partial"]


class Satisfies(_Strict):
    """A requirement of an external catalogue that the rule checks (``secreview rules
    coverage``): the catalogue by one of its identifiers, the requirement by its reference."""

    catalogue: Annotated[str, StringConstraints(min_length=1, max_length=500)] = Field(
        description="The catalogue: a CISO Assistant framework or library urn or ref_id, an "
        "OSCAL catalog's uuid or document id")
    ref: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="The requirement's ref_id (or its urn or control id), e.g. 'AC-2(1)'")
    extent: Extent = Field(
        "full", description="'partial' when the rule checks only part of the requirement")


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
    message_unknown: Text | None = Field(
        None, description="What to say while facts are missing (an unverified finding): a "
        "question, not an assertion. Without it the message is introduced as one to verify")
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
    satisfies: list[Satisfies] = Field(
        default_factory=list, description="Requirements of external catalogues the rule checks")
    examples: list[Example] = Field(default_factory=list)


class ExtensionFact(_Strict):
    """A question a ruleset adds to the system description without touching Python.

    It is a fact like any other: typed (with bounds or allowed values and their labels), asked
    in the questionnaire in a section of its choosing, optionally only when a routing condition
    holds, and checked the same way in ``check``, ``rules lint`` and rule examples. With
    ``for_each:`` it is asked for each item of a list (each integration, sub-processor or
    certificate).
    """

    name: Identifier
    type: Literal["bool", "int", "number", "string", "date", "list"]
    for_each: FactPath | None = Field(
        None, description="A list of the description whose items each answer the fact: "
        "integrations, hosting.subprocessors, vendor.certifications or personal_data.purposes")
    values: list[str] | None = Field(None, description="Allowed values (makes it an enumeration)")
    labels: dict[str, Text] | None = Field(
        None, description="How each allowed value reads in messages and the questionnaire")
    minimum: float | None = Field(None, description="Smallest allowed answer (int, number)")
    maximum: float | None = Field(None, description="Largest allowed answer (int, number)")
    question: Text
    phrase: Text | None = Field(
        None, description="How the fact reads mid-sentence, in both languages: 'leverantörens "
        "exitplan' / 'the vendor's exit plan'. The worst case ('If the vendor's exit plan is "
        "...') and the review diff name the fact so; without it they name it by its path, and "
        "tables by its question")
    help: Text | None = Field(None, description="How to answer: where to find it, what counts")
    why: Text | None = None
    addressee: Addressee | None = Field(
        None, description="Who answers it (vendor, information_owner, system_owner, dpo, "
        "security_protection_officer, procurement); default: system_owner, so that nothing "
        "reaches the vendor unless the ruleset says so")
    section: Identifier | None = Field(
        None, description="Questionnaire section the question stands in (e.g. hosting); by "
        "default the section of its list, or a section of its own at the end")
    asked_if: Condition | None = Field(
        None, description="Routing: the question only needs an answer when this holds (the "
        "questionnaire says so, and rules using the fact should apply only then)")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.labels is not None:
            if self.values is None:
                raise ValueError("'labels' name what each allowed value means, so they need "
                                 "'values'")
            extra = sorted(set(self.labels) - set(self.values))
            if extra:
                raise ValueError(f"'labels' names values that 'values' does not allow: "
                                 f"{', '.join(extra)}")
        if self.values is not None and self.type not in ("string", "list"):
            raise ValueError("'values' are for string and list facts")
        bounds = [b for b in (self.minimum, self.maximum) if b is not None]
        if bounds and self.type not in ("int", "number"):
            raise ValueError("'minimum' and 'maximum' are for int and number facts")
        if len(bounds) == 2 and bounds[0] > bounds[1]:
            raise ValueError(f"'minimum' ({bounds[0]:g}) is larger than 'maximum' "
                             f"({bounds[1]:g})")
        return self


class RulesetInfo(_Strict):
    id: Annotated[str, StringConstraints(pattern=described(
        r"^[a-z][a-z0-9_.-]*$",
        "a ruleset id uses lower-case letters, digits, _, . and -, starting with a letter"),
        max_length=80)]
    version: Annotated[str, StringConstraints(pattern=VERSION_PATTERN)] = Field(
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
