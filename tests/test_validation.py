"""Validation errors map back to the YAML position with useful hints."""

from __future__ import annotations

import pytest

from secreview.errors import InputError
from secreview.loading import parse_yaml_text
from secreview.system import SystemDescription
from secreview.validation import validate


def problems(text: str) -> list:  # type: ignore[type-arg]
    with pytest.raises(InputError) as caught:
        validate(SystemDescription, parse_yaml_text(text, "s.yaml"))
    return caught.value.problems


def test_unknown_key_suggests_the_right_one() -> None:
    (problem,) = problems("system:\n  name: X\n  ownr_board: Y\n")
    assert problem.message == "unknown key 'ownr_board' in 'system'"
    assert problem.suggestion == "did you mean 'owner_board'?"
    assert (problem.line, problem.column) == (3, 3)


def test_unknown_section_suggests_the_right_one() -> None:
    (problem,) = problems("hostng:\n  deployment: saas\n")
    assert problem.suggestion == "did you mean 'hosting'?"


def test_enum_value_gets_a_suggestion() -> None:
    (problem,) = problems("hosting:\n  deployment: sas\n")
    assert problem.suggestion == "did you mean 'saas'?"
    assert problem.found == "'sas'"


def test_strict_types() -> None:
    found = problems("access:\n  mfa_users: 'yes'\nusers:\n  number_of_users: '12'\n")
    assert {p.line for p in found} == {2, 4}
    assert any("true or false" in (p.suggestion or "") for p in found)


def test_list_item_error_points_at_item() -> None:
    (problem,) = problems("hosting:\n  admin_access_countries:\n    - SE\n    - us\n")
    assert problem.line == 4


def test_list_of_objects_missing_required_field() -> None:
    (problem,) = problems("hosting:\n  subprocessors:\n    - country: US\n")
    assert "'name' is required" in problem.message


def test_top_level_must_be_a_mapping() -> None:
    (problem,) = problems("- a\n- b\n")
    assert "expected a mapping" in problem.message


def test_unanswered_is_none_and_valid() -> None:
    system = validate(SystemDescription, parse_yaml_text("system:\n  name: X\n", "s.yaml"))
    assert system.access.mfa_users is None
    assert system.integrations is None
