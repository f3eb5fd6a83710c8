"""Imported answers are written where the old ones stood: comments, order and layout kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.example_files import example_systems

from exchange_support import FACTS, values
from secreview.exchange.answers import data_path
from secreview.exchange.apply import provenance_data
from secreview.exchange.yaml_edit import PROVENANCE_HEADING, edit, flow, normalised
from secreview.loading import parse_yaml_text
from secreview.system import Provenance, SystemDescription
from secreview.validation import validate

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCHOOL = (EXAMPLES / "school-platform.yaml").read_text(encoding="utf-8")


def _expected(text: str, changes: dict[tuple[str, ...], Any],
              provenance: dict[str, Any] | None = None) -> SystemDescription:
    data = parse_yaml_text(text, "x.yaml").data
    for path, value in changes.items():
        node = data
        for key in path[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        node[path[-1]] = value
    if provenance:
        data["provenance"] = provenance
    return SystemDescription.model_validate(data)


def _edit(text: str, changes: dict[tuple[str, ...], Any],
          provenance: dict[str, Any] | None = None) -> str:
    result = edit(text, "x.yaml", changes, provenance or {}, _expected(text, changes, provenance))
    assert result is not None
    return result


def test_values_change_in_place_and_comments_stay() -> None:
    result = _edit(SCHOOL, {("vendor", "dpf_certified"): False,
                            ("hosting", "support_access_countries"): ["SE", "FI"],
                            ("users", "citizens"): None,
                            ("personal_data", "dpia", "status"): "approved"})
    assert "  dpf_certified: false\n" in result
    assert "  support_access_countries: [SE, FI]\n" in result
    assert "  citizens:        # guardians sign in to follow their children\n" in result
    assert "    status: approved\n" in result
    before, after = SCHOOL.splitlines(), result.splitlines()
    assert len(before) == len(after)
    assert sum(a != b for a, b in zip(before, after, strict=True)) == 4
    assert [line for line in after if line.lstrip().startswith("#")] == \
        [line for line in before if line.lstrip().startswith("#")]


def test_missing_keys_and_sections_are_added_where_they_belong() -> None:
    text = "# mine\nvendor:\n  name: X  # the vendor\nhosting: {deployment: saas}\nusers:\n"
    result = _edit(text, {("vendor", "country"): "SE",
                          ("hosting", "admin_access_countries"): ["SE"],
                          ("users", "staff"): True,
                          ("personal_data", "dpia", "status"): "in_progress"})
    assert result.startswith("# mine\nvendor:\n  name: X  # the vendor\n  country: SE\n")
    assert "hosting: {deployment: saas, admin_access_countries: [SE]}\n" in result
    assert "users: {staff: true}\n" in result
    assert "personal_data: {dpia: {status: in_progress}}\n" in result


def test_provenance_is_rewritten_once_at_the_end() -> None:
    entry = Provenance(role="vendor", when=dt.date(2026, 12, 3), who="Classwise",
                       source="DPA bilaga 2", comment="line one\nline two")
    provenance = provenance_data({"vendor.dpf_certified": entry})
    first = _edit(SCHOOL, {("vendor", "dpf_certified"): False}, provenance)
    assert first.count(PROVENANCE_HEADING) == 1
    assert first.endswith('    comment: "line one\\nline two"\n')
    second = _edit(first, {}, provenance_data({"vendor.dpf_certified": entry,
                                               "hosting.deployment": entry}))
    assert second.count(PROVENANCE_HEADING) == 1
    assert second.index("  hosting.deployment:") < second.index("  vendor.dpf_certified:")


def test_an_alias_shared_by_two_values_falls_back_to_normalised() -> None:
    text = "vendor: {name: &n Acme, parent_company: *n}\n"
    changes = {("vendor", "name"): "Other"}
    assert edit(text, "x.yaml", changes, {}, _expected(text, changes)) is None
    data = parse_yaml_text(text, "x.yaml").data
    data["vendor"]["name"] = "Other"
    again = validate(SystemDescription, parse_yaml_text(normalised(data), "y.yaml"))
    assert again.vendor.name == "Other" and again.vendor.parent_company == "Acme"


def test_a_normalised_description_keeps_text_that_yaml_1_2_reads_as_a_number() -> None:
    """Written out plainly, a vendor named "1E3" must come back as that text, not as 1000.0."""
    data = {"system": {"name": "0E0"}, "vendor": {"name": "1E3", "parent_company": "0o17"}}
    again = parse_yaml_text(normalised(data), "y.yaml").data
    assert again == data


JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
              st.floats(allow_nan=False, allow_infinity=False), st.dates(),
              st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.from_regex(r"\A[a-z_]{1,8}\Z"), children,
                                               max_size=3)),
    max_leaves=8)


@pytest.mark.slow
@settings(max_examples=200)
@given(JSONISH)
def test_flow_text_reads_back_as_the_value(value: Any) -> None:
    text = flow(value)
    assert "\n" not in text
    assert parse_yaml_text(f"a: {text}\nb: {{c: {text}}}\n", "x").data == \
        {"a": value, "b": {"c": value}}


@pytest.mark.slow
@settings(max_examples=30)
@given(st.data())
def test_any_answers_to_the_examples_are_written_in_place(data: Any) -> None:
    example = data.draw(st.sampled_from([p.name for p in example_systems()]))
    text = (EXAMPLES / example).read_text(encoding="utf-8")
    facts = data.draw(st.lists(st.sampled_from(sorted(FACTS)), min_size=1, max_size=6,
                               unique=True))
    changes = {data_path(f): data.draw(st.one_of(st.none(), values(FACTS[f]))) for f in facts}
    _edit(text, changes)
