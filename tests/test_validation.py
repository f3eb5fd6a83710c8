"""Validation errors map back to the YAML position with useful hints."""

from __future__ import annotations

import textwrap

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


# --- one problem per mistake, in words an officer reads (issue 18) ---------------------------

def ruleset_problems(condition: str) -> list:  # type: ignore[type-arg]
    from secreview.rules.model import Ruleset

    text = textwrap.dedent(f"""\
        ruleset: {{id: t, version: 1.0.0, title: {{sv: T, en: T}}, owner: o, date: 2026-01-01,
                   aspect: supplier}}
        rules:
          - id: t.a
            title: {{sv: A, en: A}}
            message: {{sv: A, en: A}}
            remediation: {{sv: A, en: A}}
            references: [{{source: X}}]
            consequence: 2
            likelihood: 2
            finding_if: {condition}
        """)
    with pytest.raises(InputError) as caught:
        validate(Ruleset, parse_yaml_text(text, "r.yaml"))
    return caught.value.problems


def test_a_value_fitting_no_type_of_a_union_is_one_problem() -> None:
    (problem,) = ruleset_problems("{fact: continuity.rto_hours, lt: [1, 2]}")
    assert problem.message == ("rules.0.finding_if.lt: expected a whole number, a number, "
                               "a date (YYYY-MM-DD), text or {fact: PATH}")
    assert problem.found == "[1, 2]"


def test_a_mapping_operand_reports_its_own_mistake_only() -> None:
    (problem,) = ruleset_problems("{fact: continuity.rto_hours, lt: {fakt: continuity.rpo_hours}}")
    assert problem.message == "unknown key 'fakt' in 'rules.0.finding_if.lt'"
    assert problem.suggestion == "did you mean 'fact'?"


def test_an_operator_synonym_gets_a_did_you_mean() -> None:
    (problem,) = ruleset_problems("{fact: access.mfa_admins, equals: false}")
    assert problem.message == "unknown key 'equals' in 'rules.0.finding_if'"
    assert problem.suggestion == "did you mean 'eq'?"


def test_a_pattern_is_explained_never_shown() -> None:
    (problem,) = ruleset_problems("{fact: 'integrations[].encrypted', eq: false}")
    assert problem.message.endswith("a fact name uses lower-case letters, digits and _, in parts "
                                    "joined by dots (e.g. access.mfa_admins)")
    assert "^" not in problem.message and "for_any" in (problem.suggestion or "")
    (country,) = problems("vendor:\n  country: se\n")
    assert "ISO 3166-1 alpha-2 country code" in country.message and "^" not in country.message
    assert country.suggestion == "write the code in capitals: 'SE'"


def test_comparing_two_facts_is_valid() -> None:
    from secreview.rules.model import Leaf

    leaf = Leaf.model_validate({"fact": "continuity.rto_hours",
                                "lt": {"fact": "continuity.rpo_hours"}})
    assert leaf.operator == "lt"


@pytest.mark.parametrize("shape", ["unknown keys", "wrong items"])
def test_thousands_of_mistakes_show_a_hundred_with_hints_and_count_the_rest(shape: str) -> None:
    """Only the problems shown get a "did you mean"; the rest are counted, each once. Finding
    them is linear in their number (4,000 bad values: 10 s before, a tenth of a second now)."""
    count = 3000
    if shape == "unknown keys":
        text = "system:\n  name: x\n" + "".join(f"  nmae{i}: 1\n" for i in range(count))
    else:
        text = "system:\n  name: x\nintegrations:\n" + \
            "  - {counterpart: 5, open_standard: maybe}\n" * count
    with pytest.raises(InputError) as caught:
        validate(SystemDescription, parse_yaml_text(text, "many.yaml"))
    problems = caught.value.problems
    assert len(problems) == 101
    assert all(p.suggestion for p in problems[:100] if "unknown key" in p.message)
    hidden = int(problems[-1].message.split()[0])
    assert hidden == (count if shape == "unknown keys" else 2 * count) - 100
