"""The ruleset model: conditions validated by kind."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from secreview.rules.model import Condition, validate_condition

CONDITIONS: list[dict[str, Any]] = [
    {"fact": "users.children", "eq": True},
    {"all": [{"fact": "users.children", "eq": True}, {"fact": "hosting.eea_only", "eq": False}]},
    {"any": [{"fact": "users.children", "eq": True}]},
    {"none": [{"fact": "hosting.locations", "in": ["SE"]}]},
    {"not": {"fact": "access.mfa_admins", "eq": True}},
    {"at_least": 1, "of": [{"fact": "users.children", "eq": True},
                           {"fact": "access.mfa_admins", "eq": False}]},
    {"for_any": "integrations", "where": {"fact": "encrypted", "eq": False}},
    {"for_all": "integrations", "where": {"not": {"fact": "encrypted", "eq": True}}},
]


@pytest.mark.parametrize("raw", CONDITIONS, ids=lambda raw: next(iter(raw)))
def test_validate_condition_is_the_discriminated_union(raw: dict[str, Any]) -> None:
    assert validate_condition(raw) == TypeAdapter(Condition).validate_python(raw)


def test_validate_condition_refuses_what_the_union_refuses() -> None:
    with pytest.raises(ValidationError):
        validate_condition({"fact": "users.children"})
    with pytest.raises(ValidationError):
        validate_condition({"all": []})
