"""Representative answers: one per class of values the rules treat alike, and the law that makes
them enough (every answer a fact can get gives a status one of them gives)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secreview.engine.answers import OTHER, candidate_values, candidates
from secreview.engine.evaluate import rule_status
from secreview.facts import FactSpec, core_facts, flatten
from secreview.rules.loader import builtin_sets, load_catalog
from test_properties_review import _value, systems

CATALOG = load_catalog()
FACTS = core_facts()


def test_finite_facts_are_tried_at_every_value() -> None:
    assert candidates(CATALOG, "personal_data.processed").values == (True, False)
    assert candidates(CATALOG, "classification.confidentiality").values == (0, 1, 2, 3, 4)
    deployment = candidates(CATALOG, "hosting.deployment")
    assert deployment.exhaustive and set(deployment.values) == set(
        FACTS["hosting.deployment"].allowed or ())


def test_a_country_list_is_tried_per_class_of_country() -> None:
    eea = builtin_sets()["eea"].possible
    spec = FactSpec("hosting.storage_countries", "list", item_kind="string")
    found = candidate_values(spec, [("hosting.storage_countries", "subset_of", eea),
                                    ("hosting.storage_countries", "contains", "US")])
    assert found.exhaustive
    members = {country for value in found.values for country in value}
    assert "US" in members and OTHER in members and members & set(eea)
    assert [] in found.values


def test_ordered_facts_are_tried_around_each_literal() -> None:
    spec = FactSpec("x.hours", "int", minimum=0)
    found = candidate_values(spec, [("x.hours", "gt", 24), ("x.hours", "lte", 72)])
    assert found.values == (23, 24, 25, 71, 72, 73) and found.exhaustive
    day = dt.date(2020, 7, 16)
    dates = candidate_values(FactSpec("x.date", "date"), [("x.date", "gte", day)]).values
    assert dates == (day - dt.timedelta(days=1), day, day + dt.timedelta(days=1))


def test_text_searched_by_pattern_is_only_sampled() -> None:
    import re

    spec = FactSpec("x.name", "string")
    found = candidate_values(spec, [("x.name", "matches", re.compile("a")),
                                    ("x.name", "eq", "b")])
    assert not found.exhaustive and "b" in found.values


@st.composite
def rule_and_answer(draw: st.DrawFn) -> tuple[Any, dict[str, Any], str, Any]:
    """A bundled rule, a description, one fact the rule reads and a value for it."""
    compiled = draw(st.sampled_from([r for r in CATALOG.rules if r.facts_used]))
    fact = draw(st.sampled_from(compiled.facts_used))
    spec = FACTS.get(fact)
    if spec is None or spec.kind == "objects" or fact.startswith("derived."):
        from hypothesis import reject

        reject()
    facts = flatten(draw(systems()))
    return compiled, facts, fact, draw(_value(spec, fact))  # type: ignore[arg-type]


@pytest.mark.slow
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(rule_and_answer())
def test_representatives_cover_every_answer(case: tuple[Any, dict[str, Any], str, Any]) -> None:
    """Whatever a fact is answered, some representative gives the rule the same status: the
    deciding-facts search and the worst-case witnesses miss no way an answer moves a rule."""
    compiled, facts, fact, value = case
    found = candidates(CATALOG, fact)
    if not found.exhaustive:
        return
    status = rule_status(compiled, {**facts, fact: value})
    assert status in {rule_status(compiled, {**facts, fact: v}) for v in found.values}
