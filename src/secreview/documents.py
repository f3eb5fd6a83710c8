"""The JSON documents secreview writes besides the review: lint problems, rule test results, the
ruleset diff, the review diff and the register, each as a pydantic model with a JSON Schema.

Tools parse these, so each writer passes its data through :func:`dump`, which validates it
against the model (unknown keys included) before writing: what is written always matches the
schema in ``docs/schemas/``. The review itself is :class:`secreview.review.Review`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from secreview.vocabulary import DecisionOutcome, FindingStatus, RuleStatus


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- secreview rules lint --format json --------------------------------------------------------

class LintProblem(_Out):
    code: str = Field(description="Stable kind of problem, e.g. 'unknown-fact', 'duplicate-id'")
    severity: Literal["error", "warning"]
    message: str = Field(description="What is wrong, in English")
    file: str | None = Field(None, description="Ruleset or profile file")
    line: int | None = Field(None, description="1-based line in the file")
    column: int | None = Field(None, description="1-based column in the file")
    rule_id: str | None = Field(None, description="The rule the problem is in, if any")
    suggestion: str | None = Field(None, description="What to do about it")
    expected: str | None = Field(None, description="What was expected there")
    found: str | None = Field(None, description="What was found there")


class LintOutput(RootModel[list[LintProblem]]):
    """Every problem the linter found, sorted by file, line and column; empty when clean."""


# --- secreview rules test --format json --------------------------------------------------------

class Located(_Out):
    """A problem with its place, as the CLI prints ``file:line:column``."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    expected: str | None = None
    found: str | None = None
    suggestion: str | None = None
    rule_id: str | None = None
    code: str | None = None


class TestCheck(_Out):
    __test__ = False  # not a pytest test class

    kind: Literal["example", "fixture"] = Field(
        description="A rule's own example, or a rule checked against a fixture system")
    rule_id: str | None = Field(description="The rule checked (none for a fixture's own error)")
    name: str = Field(description="The example's name, or the fixture file")
    expected: RuleStatus | None = Field(description="The status the example or fixture expects")
    actual: RuleStatus | None = Field(description="The status the rule gave")
    passed: bool
    problem: Located | None = Field(None, description="Why the check could not run")


class TestOutput(_Out):
    __test__ = False

    passed: int = Field(description="Checks that passed")
    failed: int = Field(description="Checks that failed")
    rules: int = Field(description="Rules under test")
    fixtures: list[str] = Field(description="Fixture system files used")
    checks: list[TestCheck]


# --- secreview rules diff --format json --------------------------------------------------------

Bump = Literal["none", "patch", "minor", "major"]


class RuleRef(_Out):
    id: str = Field(description="Rule id")
    ruleset: str = Field(description="Ruleset id")


class FieldChangeOut(_Out):
    group: str = Field(description="Kind of change: conditions, levels, texts, ...")
    field: str = Field(description="The rule field that changed")
    old: Any = Field(description="Its value before")
    new: Any = Field(description="Its value after")


class RuleChangeOut(_Out):
    id: str = Field(description="Rule id")
    ruleset: str = Field(description="Ruleset id after the change")
    groups: list[str] = Field(description="The kinds of change, in a fixed order")
    changes: list[FieldChangeOut]


class RulesetVersion(_Out):
    id: str
    version: str


class RulesetChangeOut(_Out):
    id: str
    old_version: str
    new_version: str
    content_changed: bool
    needed_bump: Bump = Field(description="The smallest version bump the changes call for")
    actual_bump: Literal["downgrade", "none", "patch", "minor", "major"]
    version_problem: str | None = Field(description="What is wrong with the new version, if "
                                                    "anything (English)")


class RulesetsDiff(_Out):
    added: list[RulesetVersion]
    removed: list[RulesetVersion]
    changed: list[RulesetChangeOut]


class RulesDiffOutput(_Out):
    added: list[RuleRef] = Field(description="Rules only in the new rulesets")
    removed: list[RuleRef] = Field(description="Rules only in the old rulesets")
    changed: list[RuleChangeOut] = Field(description="Rules in both, with what changed")
    rulesets: RulesetsDiff


# --- secreview diff OLD.json NEW.json --format json --------------------------------------------

class BeforeAfter(_Out):
    before: str | None
    after: str | None


class FindingChangeOut(_Out):
    rule_id: str
    title_sv: str
    title_en: str
    status_before: FindingStatus | None
    status_after: FindingStatus | None
    level_before: str | None
    level_after: str | None


class RulesetVersionsOut(_Out):
    id: str
    version_before: str | None
    version_after: str | None


class ReviewDiffOutput(_Out):
    system: BeforeAfter = Field(description="System name before and after")
    review_date: BeforeAfter
    decision: BeforeAfter = Field(description="Decision outcome before and after")
    added: list[FindingChangeOut] = Field(description="Findings open now, not before")
    resolved: list[FindingChangeOut] = Field(description="Findings open before, not now")
    changed: list[FindingChangeOut] = Field(description="Findings whose status or level moved")
    rulesets: list[RulesetVersionsOut] = Field(description="Rulesets whose version changed")
    questions_answered: list[str] = Field(description="Facts open before, answered now")
    questions_new: list[str] = Field(description="Facts open now, not before")


# --- secreview portfolio: register.json --------------------------------------------------------

class ClosedIntegrationOut(_Out):
    counterpart: str
    protocol: str | None


class RegisterEntryOut(_Out):
    file: str = Field(description="The description's file name in the folder")
    system: str | None
    vendor: str | None
    capability: str | None
    decision: DecisionOutcome
    level: str | None = Field(description="Highest residual level of open findings")
    owner_board: str | None
    system_owner: str | None
    information_owner: str | None
    management_object: str | None
    review_date: dt.date
    review_date_assumed: bool = Field(description="The description names no review date; the "
                                                  "register's date was used")
    next_review: dt.date | None
    overdue: bool
    expired_waivers: list[str] = Field(description="Rules whose waiver has expired")
    missing: list[str] = Field(description="Ownership fields the description leaves empty")
    closed_integrations: list[ClosedIntegrationOut]
    findings: int = Field(description="Open findings (not unknowns)")
    open_questions: int


class CapabilityGroup(_Out):
    capability: str | None
    files: list[str]


class SystemRefOut(_Out):
    file: str
    system: str | None


class ClosedIntegrationRow(ClosedIntegrationOut):
    file: str
    system: str | None


class Ownerless(_Out):
    file: str
    system: str | None
    missing: list[str]


class RegisterOutput(_Out):
    today: dt.date = Field(description="The date overdue reviews and expired waivers are "
                                       "judged against")
    profile: str = Field(description="Profile id")
    entries: list[RegisterEntryOut] = Field(description="Every system, sorted by risk")
    by_capability: list[CapabilityGroup]
    closed_integrations: list[ClosedIntegrationRow]
    ownerless: list[Ownerless]
    errors: list[Located] = Field(description="Files that could not be reviewed, and why")


DOCUMENTS: dict[str, type[BaseModel]] = {
    "lint": LintOutput,
    "rules-test": TestOutput,
    "rules-diff": RulesDiffOutput,
    "review-diff": ReviewDiffOutput,
    "register": RegisterOutput,
}
"""Output kind → model; ``secreview schema KIND`` and docs/schemas/ cover each."""

TITLES = {
    "lint": "secreview rules lint --format json",
    "rules-test": "secreview rules test --format json",
    "rules-diff": "secreview rules diff --format json",
    "review-diff": "secreview diff --format json",
    "register": "secreview portfolio: register.json",
}


def dump(kind: str, data: Any, *, sort_keys: bool = False) -> str:
    """``data`` as indented JSON, after checking it against the ``kind`` model, so what a tool
    reads always matches the published schema (a mismatch is a bug, raised as such)."""
    DOCUMENTS[kind].model_validate(data)
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=sort_keys) + "\n"


def document_json_schema(kind: str) -> dict[str, Any]:
    schema = DOCUMENTS[kind].model_json_schema()
    schema["title"] = f"secreview: {TITLES[kind]}"
    return schema
