"""The organisation profile: risk matrix, decision policy, tailoring, language.

All of it is data, so an organisation sets its own risk appetite without touching code.
"""

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
    model_validator,
)

from secreview.bundled import profiles_dir
from secreview.cache import load_document_cached
from secreview.errors import InputError
from secreview.i18n import Lang, Text
from secreview.loading import Document, PathKey, load_document, real_path
from secreview.rules.model import VERSION_PATTERN, FactPath, Identifier, RuleId
from secreview.strict import InputModel
from secreview.system import plain_name
from secreview.validation import described
from secreview.vocabulary import (
    OUTCOME_SEVERITY,
    Basis,
    DecisionOutcome,
    DueKind,
    OpenStatus,
    OwnerRole,
    Remedy,
)

Colour = Annotated[str, StringConstraints(pattern=described(
    r"^#[0-9a-fA-F]{6}$", "a colour is written #rrggbb, e.g. #c62828"))]


class _Strict(InputModel):
    """Every part of a profile: the input policy of :mod:`secreview.strict`."""


class AxisStep(_Strict):
    label: Text
    description: Text | None = None


class RiskLevel(_Strict):
    id: Identifier
    label: Text
    colour: Colour
    weight: Annotated[float, Field(ge=0)] = Field(
        1.0, description="Weight in the information-only compliance percentage"
    )


class RuleScale(_Strict):
    """Where the rules' 1–4 likelihood and consequence land on this matrix's axes (1-based)."""

    likelihood: dict[int, int] = Field(default_factory=lambda: {1: 1, 2: 2, 3: 3, 4: 4})
    consequence: dict[int, int] = Field(default_factory=lambda: {1: 1, 2: 2, 3: 3, 4: 4})


class RiskMatrix(_Strict):
    """A lookup grid, not a product: ``grid[likelihood-1][consequence-1]`` is a level id."""

    id: Identifier
    title: Text
    likelihood: Annotated[list[AxisStep], Field(min_length=2, max_length=10)]
    consequence: Annotated[list[AxisStep], Field(min_length=2, max_length=10)]
    levels: Annotated[list[RiskLevel], Field(min_length=2, max_length=10)] = Field(
        description="Risk levels from lowest to highest"
    )
    grid: list[list[Identifier]]
    rule_scale: RuleScale = RuleScale()

    @model_validator(mode="after")
    def _grid_fits(self) -> Self:
        ids = {level.id for level in self.levels}
        if len(self.grid) != len(self.likelihood):
            raise ValueError(f"grid has {len(self.grid)} rows, expected one per likelihood step "
                             f"({len(self.likelihood)})")
        for i, row in enumerate(self.grid):
            if len(row) != len(self.consequence):
                raise ValueError(f"grid row {i + 1} has {len(row)} cells, expected "
                                 f"{len(self.consequence)} (one per consequence step)")
            for cell in row:
                if cell not in ids:
                    raise ValueError(f"grid cell '{cell}' is not a declared level "
                                     f"({', '.join(sorted(ids))})")
        ranks = {level.id: i for i, level in enumerate(self.levels)}
        for i, row in enumerate(self.grid):
            for j, cell in enumerate(row):
                if j and ranks[cell] < ranks[row[j - 1]]:
                    raise ValueError(f"grid row {i + 1} lowers the level as consequence rises "
                                     f"({row[j - 1]} -> {cell}); a higher consequence must never "
                                     "give a lower risk")
                if i and ranks[cell] < ranks[self.grid[i - 1][j]]:
                    raise ValueError(f"grid column {j + 1} lowers the level as likelihood rises "
                                     f"({self.grid[i - 1][j]} -> {cell}); a higher likelihood must "
                                     "never give a lower risk")
        for axis, mapping, size in (("likelihood", self.rule_scale.likelihood,
                                     len(self.likelihood)),
                                    ("consequence", self.rule_scale.consequence,
                                     len(self.consequence))):
            if set(mapping) != {1, 2, 3, 4}:
                raise ValueError(f"rule_scale.{axis} must map each of 1, 2, 3, 4")
            if any(not 1 <= v <= size for v in mapping.values()):
                raise ValueError(f"rule_scale.{axis} maps outside the axis (1..{size})")
            values = [mapping[k] for k in (1, 2, 3, 4)]
            if values != sorted(values):
                raise ValueError(f"rule_scale.{axis} must not decrease")
        return self

    @cached_property
    def ranks(self) -> dict[str, int]:
        """Each level's position from the lowest (0). Every finding's level is ranked several
        times per review, so this is worked out once (pydantic keeps it out of ``==``)."""
        return {level.id: i for i, level in enumerate(self.levels)}

    def rank(self, level_id: str) -> int:
        """Position of a level from the lowest (0); a KeyError for an id the matrix lacks."""
        return self.ranks[level_id]

    def level(self, level_id: str) -> RiskLevel:
        return self.levels[self.rank(level_id)]

    def lookup(self, likelihood: int, consequence: int) -> str:
        return self.grid[likelihood - 1][consequence - 1]

    def weights(self) -> dict[str, float]:
        """Each level's weight by id: what compliance shares and question ranking add up."""
        return {level.id: level.weight for level in self.levels}


class FindingFilter(_Strict):
    """Which findings a decision clause looks at; a clause fires when ``count`` of them match."""

    status: list[OpenStatus] = Field(default_factory=lambda: list[OpenStatus](["finding"]))
    residual_at_least: Identifier | None = None
    basis: list[Basis] | None = Field(
        None,
        description="confirmed: compare the level the known facts alone establish; assumed: "
        "only findings whose level rests on an assumption, at their worst case; unset: the "
        "worst case. A reject clause always compares confirmed levels",
    )
    remedy: list[Remedy] | None = None
    aspect: list[Identifier] | None = None


class DecisionClause(_Strict):
    id: Identifier
    outcome: DecisionOutcome
    when: FindingFilter
    count: Annotated[int, Field(ge=1)] = 1
    reason: Text

    @model_validator(mode="after")
    def _reject_rests_on_facts(self) -> Self:
        """A reject may never rest on an assumption: the engine compares only confirmed levels
        for it, and a clause that asks for anything else is a mistake to point out."""
        if self.outcome != "reject":
            return self
        if "unknown" in self.when.status:
            raise ValueError("a reject clause cannot match unverified requirements (status "
                             "'unknown'): a reject must rest on confirmed findings; use "
                             "'incomplete' for missing facts")
        if self.when.basis is not None and "assumed" in self.when.basis:
            raise ValueError("a reject clause cannot match assumed levels (basis 'assumed'): a "
                             "reject must rest on confirmed findings; the engine gives "
                             "'incomplete' with the worst case when only an assumption would "
                             "reject")
        return self


class CeilingPolicy(_Strict):
    """An approval restriction the decision can produce: "only information up to level N may be
    stored". Used when the classification is unknown and capping it at N decides the review
    (approve, or approve with conditions) where leaving it open does not."""

    fact: FactPath = Field("classification.confidentiality",
                           description="An ordered classification fact with a small range")
    text: Text = Field(description="The restriction; {level} is replaced by the ceiling")
    enforcement: Text = Field(description="How the restriction is enforced and followed up")
    owner_role: OwnerRole = "information_owner"
    due: DueKind = "before_go_live"


class DecisionPolicy(_Strict):
    """Clauses are tried from the top; the first that fires decides. Order them by severity."""

    clauses: list[DecisionClause]
    default: DecisionOutcome = "approve"
    default_reason: Text
    conditions_from: FindingFilter = Field(
        description="Findings that become conditions to meet before signing"
    )
    classification_ceiling: CeilingPolicy | None = Field(
        None, description="Offer approval restricted to a classification level when the "
        "classification is unknown and the restriction decides the review"
    )

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        severities = [OUTCOME_SEVERITY[c.outcome] for c in self.clauses]
        if severities != sorted(severities, reverse=True):
            raise ValueError("clauses must be ordered from the most severe outcome (reject) to "
                             "the least (approve), so that a worse finding never gives a milder "
                             "decision")
        if self.clauses and OUTCOME_SEVERITY[self.default] > severities[-1]:
            raise ValueError("the default outcome must not be more severe than any clause")
        return self


class RuleOverride(_Strict):
    rule: RuleId
    consequence: Annotated[int, Field(ge=1, le=4)] | None = None
    likelihood: Annotated[int, Field(ge=1, le=4)] | None = None
    reason: Annotated[str, StringConstraints(min_length=3, max_length=1000)]


class DisabledRule(_Strict):
    rule: RuleId
    reason: Annotated[str, StringConstraints(min_length=3, max_length=1000)]


class EnabledRule(_Strict):
    """Undoes a ``disable`` of the profile this one extends."""

    rule: RuleId
    reason: Annotated[str, StringConstraints(min_length=3, max_length=1000)]


_RULESETS = "Extra ruleset files or folders, relative to the profile"
_EXCLUDE = ("Ruleset ids to leave out of the selection (bundled or added), e.g. one the "
            "extended profile includes")


class Tailoring(_Strict):
    """XCCDF-style tailoring: which rulesets, which rules off, which levels changed."""

    include_bundled: bool | list[str] = Field(
        True, description="true for all bundled rulesets, or a list of bundled ruleset ids")
    rulesets: list[str] = Field(default_factory=list, description=_RULESETS)
    exclude_rulesets: list[str] = Field(default_factory=list, description=_EXCLUDE)
    disable: list[DisabledRule] = Field(default_factory=list)
    override: list[RuleOverride] = Field(default_factory=list)


class TailoringChanges(_Strict):
    """What a profile that ``extends`` another changes in its tailoring: rulesets added or left
    out, rules disabled, enabled again or retuned. Entries for a rule replace the extended
    profile's entries for the same rule."""

    include_bundled: bool | list[str] | None = Field(
        None, description="Replaces the extended profile's choice of bundled rulesets")
    rulesets: list[str] = Field(default_factory=list, description=_RULESETS)
    exclude_rulesets: list[str] = Field(default_factory=list, description=_EXCLUDE)
    disable: list[DisabledRule] = Field(default_factory=list)
    enable: list[EnabledRule] = Field(
        default_factory=list, description="Rules the extended profile disables, back in use")
    override: list[RuleOverride] = Field(default_factory=list)


class Organisation(_Strict):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200),
                    AfterValidator(plain_name)]
    logo: str | None = Field(None, description="SVG or PNG file next to the profile")


class SignoffRole(_Strict):
    """A role that signs beside the decision maker (or states it was consulted)."""

    role: OwnerRole = Field(description="Who signs: system_owner, information_owner, "
                            "data_protection_officer, security_officer, management, ...")
    note: Text | None = Field(None, description="What the signature means, e.g. 'consulted'")


class Signoff(_Strict):
    """Who signs the decision report: the decision maker, then a line per role."""

    decision_maker: Text | None = Field(
        None, description="Who decides, e.g. 'the board's chair under the delegation order'; "
        "a generic 'decision maker' when left out")
    roles: Annotated[list[SignoffRole], Field(max_length=8)] = Field(
        default_factory=list, description="Who signs beside the decision maker, in order")


class ProfileInfo(_Strict):
    id: Identifier
    version: Annotated[str, StringConstraints(pattern=VERSION_PATTERN)]
    title: Text


class Profile(_Strict):
    schema_: str | None = Field(None, alias="$schema")
    extends: str | None = Field(
        None, description="The profile this one extends: a bundled profile's name "
        "(se-municipality) or a file in this profile's folder. Then only what differs is "
        "written here")
    profile: ProfileInfo
    organisation: Organisation
    language: Lang = "sv"
    review_interval_months: Annotated[int, Field(ge=1, le=120)] = 12
    matrix: RiskMatrix
    decision: DecisionPolicy
    tailoring: Tailoring = Tailoring()
    signoff: Signoff = Signoff()

    @model_validator(mode="after")
    def _levels_exist(self) -> Self:
        ids = {level.id for level in self.matrix.levels}
        filters = [c.when for c in self.decision.clauses] + [self.decision.conditions_from]
        for f in filters:
            if f.residual_at_least is not None and f.residual_at_least not in ids:
                raise ValueError(f"decision refers to level '{f.residual_at_least}', which the "
                                 f"matrix does not declare ({', '.join(sorted(ids))})")
        return self


class ProfileExtension(_Strict):
    """A profile that ``extends`` another: its own id, and only what it changes. Everything it
    leaves out (organisation, language, matrix, decision policy, tailoring, sign-off) comes from
    the extended profile."""

    schema_: str | None = Field(None, alias="$schema")
    extends: Annotated[str, StringConstraints(min_length=1, max_length=500)] = Field(
        description="A bundled profile's name (se-municipality) or a profile file in this "
        "profile's folder")
    profile: ProfileInfo
    organisation: Organisation | None = None
    language: Lang | None = None
    review_interval_months: Annotated[int, Field(ge=1, le=120)] | None = None
    matrix: RiskMatrix | None = None
    decision: DecisionPolicy | None = None
    tailoring: TailoringChanges = TailoringChanges()
    signoff: Signoff | None = Field(
        None, description="Who signs the report; when left out, as in the extended profile")


def profile_json_schema() -> dict[str, Any]:
    """A complete profile, or one that extends another (``extends:`` and what it changes)."""
    from pydantic import TypeAdapter

    schema = TypeAdapter(Profile | ProfileExtension).json_schema(by_alias=True)
    schema["title"] = "secreview organisation profile"
    schema["type"] = "object"
    return schema


DEFAULT_PROFILE = "se-municipality"  # file name under rulesets/profiles


def bundled_profile_path(name: str = DEFAULT_PROFILE) -> Path:
    return profiles_dir() / f"{name}.yaml"


def load_profile(path: str | Path | None = None) -> tuple[Profile, str, Path]:
    """Load a profile (the bundled Swedish municipality default when ``path`` is None).

    Returns the profile, the SHA-256 of its content, and its path (tailoring paths are relative
    to it).
    """
    from secreview.validation import validate

    if path is None:
        file = bundled_profile_path()
    else:
        file = Path(path)
        if not file.exists() and not file.suffix and bundled_profile_path(str(path)).exists():
            file = bundled_profile_path(str(path))
    doc = load_document_cached(file)
    if isinstance(doc.data, dict) and "extends" in doc.data:
        from secreview.profile_extends import extended_profile

        profile, sha256 = extended_profile(file, doc)
    else:
        profile = validate(Profile, doc)
        check_tailored_once(profile.tailoring.disable, profile.tailoring.override, doc)
        sha256 = doc.sha256
    tailoring_ruleset_paths(profile, file)  # refused even when --rules replaces them
    return profile, sha256, file


def check_tailored_once(disable: Sequence[DisabledRule | EnabledRule],
                        override: Sequence[RuleOverride], doc: Document,
                        enable: Sequence[EnabledRule] = ()) -> None:
    """Each rule is tailored by one entry of a profile file."""
    seen: set[str] = set()
    entries = [*(("disable", i, d) for i, d in enumerate(disable)),
               *(("enable", i, e) for i, e in enumerate(enable)),
               *(("override", i, o) for i, o in enumerate(override))]
    for section, index, entry in entries:
        if entry.rule in seen:
            raise InputError.single(f"rule '{entry.rule}' is tailored twice",
                                    **doc.where(("tailoring", section, index, "rule")),
                                    suggestion="keep one entry per rule")
        seen.add(entry.rule)


def tailoring_ruleset_paths(profile: Profile, profile_path: Path) -> list[Path]:
    """The profile's own ruleset files and folders, each inside the profile's folder.

    The paths are documented as relative to the profile; an absolute path or one that climbs
    out (``/``, ``../..``, a link to elsewhere) would let a profile load, and quote in its
    errors, files that have nothing to do with it.
    """
    folder = profile_path.parent
    root = real_path(folder)
    paths: list[Path] = []
    for index, entry in enumerate(profile.tailoring.rulesets):
        path = folder / entry
        if Path(entry).is_absolute() or not real_path(path).is_relative_to(root):
            raise InputError.single(
                f"ruleset path '{entry}' leads outside the profile's folder",
                **where_in_profile(profile_path, ("tailoring", "rulesets", index)),
                expected="a file or folder next to the profile, or below it",
                suggestion="copy the rulesets next to the profile, or give them with --rules")
        paths.append(path)
    return paths


TailoringEntry = tuple[str, int, DisabledRule | RuleOverride]


def tailoring_entries(profile: Profile) -> list[TailoringEntry]:
    """Every tailoring entry with where it stands: (``disable`` or ``override``, index, entry)."""
    return [*(("disable", i, d) for i, d in enumerate(profile.tailoring.disable)),
            *(("override", i, o) for i, o in enumerate(profile.tailoring.override))]


def where_in_profile(file: Path, path: PathKey) -> dict[str, Any]:
    """Where ``path`` stands in a profile file, for problems found only after loading (unknown
    rules or rulesets); the file is read again for that, and only then."""
    try:
        return load_document(file).where(path)
    except InputError:
        return {"file": str(file)}
