"""Waivers: accepted risks with a justification, an owner and an expiry date (InSpec-style).

A waiver never removes a finding: the finding keeps its place with status ``waived``. A waiver that
has expired, names an unknown rule, or waives a critical finding without a named risk owner is not
applied, and the review says why.
"""

from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
    model_validator,
)

from secreview.errors import InputError, Problem
from secreview.loading import load_document
from secreview.rules.model import RuleId
from secreview.strict import InputModel
from secreview.system import Date, plain_name
from secreview.validation import validate

Name = Annotated[str, StringConstraints(min_length=2, max_length=200),
                 AfterValidator(plain_name)]


class _Strict(InputModel):
    """Every part of a waiver file: the input policy of :mod:`secreview.strict`."""


class Person(_Strict):
    name: Name
    role: Name


class Waiver(_Strict):
    rule: RuleId
    justification: Annotated[str, StringConstraints(min_length=10, max_length=4000)]
    accepted_by: Person
    accepted_on: Date
    expires: Date
    risk_owner: Person | None = Field(
        None, description="Named owner of the accepted risk; required to waive a critical finding"
    )

    @model_validator(mode="after")
    def _dates(self) -> Self:
        if self.expires <= self.accepted_on:
            raise ValueError("'expires' must be after 'accepted_on'")
        return self


class WaiverFile(_Strict):
    schema_: str | None = Field(None, alias="$schema")
    waivers: list[Waiver]


def waivers_json_schema() -> dict[str, Any]:
    schema = WaiverFile.model_json_schema(by_alias=True)
    schema["title"] = "secreview waivers"
    return schema


def load_waivers(path: str | Path) -> tuple[WaiverFile, str]:
    """Load and validate a waiver file; returns it with its SHA-256 for the review's provenance.

    A rule waived twice is refused rather than resolved: which justification and expiry hold
    would otherwise depend on the order of entries.
    """
    doc = load_document(path)
    waivers = validate(WaiverFile, doc)
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for index, waiver in enumerate(waivers.waivers):
        if waiver.rule in seen:
            problems.append(Problem(
                f"rule '{waiver.rule}' is waived twice (also entry {seen[waiver.rule] + 1})",
                **doc.where(("waivers", index, "rule")),
            ))
        seen.setdefault(waiver.rule, index)
    if problems:
        raise InputError(problems)
    return waivers, doc.sha256
