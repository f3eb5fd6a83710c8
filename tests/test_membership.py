"""Set tests by the review date, and lists of places that name a region (rules/membership.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from secreview.facts import REVIEW_DATE_FACT, core_facts
from secreview.rules.compiler import CompileContext, compile_condition
from secreview.rules.loader import builtin_sets
from secreview.rules.model import Condition
from secreview.tristate import Tri, tri_and, tri_or
from secreview.valuesets import element_in, regions

ADAPTER: TypeAdapter[Condition] = TypeAdapter(Condition)


def holds(condition: dict[str, Any], facts: dict[str, Any]) -> Tri:
    ctx = CompileContext(facts=core_facts(), sets=builtin_sets())
    predicate = compile_condition(ADAPTER.validate_python(condition), ctx)
    assert not ctx.problems
    return predicate(facts)


def test_a_dated_set_reads_the_review_date() -> None:
    outside = {"not": {"fact": "hosting.support_access_countries",
                       "subset_of": {"set": "eea_or_adequate"}}}
    facts = {"hosting.support_access_countries": ["BR"]}
    assert holds(outside, {**facts, REVIEW_DATE_FACT: dt.date(2025, 6, 1)}) is True
    assert holds(outside, {**facts, REVIEW_DATE_FACT: dt.date(2026, 6, 1)}) is False
    assert holds(outside, facts) is None


def test_a_quantifier_passes_the_date_to_its_items() -> None:
    condition = {"for_any": "hosting.subprocessors",
                 "where": {"fact": "country", "not_in": {"set": "eea_or_adequate"}}}
    items = [{"name": "Drift", "country": "KR"}]
    assert holds(condition, {"hosting.subprocessors": items,
                             REVIEW_DATE_FACT: dt.date(2021, 6, 1)}) is True
    assert holds(condition, {"hosting.subprocessors": items,
                             REVIEW_DATE_FACT: dt.date(2022, 6, 1)}) is False


def test_a_region_in_a_list_is_tested_for_all_its_members() -> None:
    inside = {"fact": "hosting.content.countries", "subset_of": {"set": "eea"}}
    assert holds(inside, {"hosting.content.countries": ["EU", "NO"]}) is True
    has_us = {"fact": "hosting.content.countries", "intersects": ["US", "CN"]}
    assert holds(has_us, {"hosting.content.countries": ["EEA"]}) is False
    has_sweden = {"fact": "hosting.content.countries", "contains": "SE"}
    assert holds(has_sweden, {"hosting.content.countries": ["EU"]}) is None
    assert holds(has_sweden, {"hosting.content.countries": ["EU", "SE"]}) is True
    assert holds(has_sweden, {"hosting.content.countries": ["US"]}) is False


def test_a_dated_set_makes_the_review_date_a_fact_the_rule_uses() -> None:
    ctx = CompileContext(facts=core_facts(), sets=builtin_sets())
    compile_condition(ADAPTER.validate_python(
        {"fact": "hosting.content.countries", "subset_of": {"set": "adequacy"}}), ctx)
    assert REVIEW_DATE_FACT in ctx.used


def _reads_date(condition: dict[str, Any]) -> bool:
    ctx = CompileContext(facts=core_facts(), sets=builtin_sets())
    compile_condition(ADAPTER.validate_python(condition), ctx)
    assert not ctx.problems
    return ctx.reads_date


def test_a_rule_knows_whether_the_review_date_can_change_its_result() -> None:
    """The rule memo shares results across review dates only for rules that never read the
    date, so every way of reading it must be noticed: a dated set, a region named in a list of
    places (the EU's members on the day), a date compared with the review date."""
    assert _reads_date({"fact": "hosting.content.countries", "subset_of": {"set": "adequacy"}})
    assert _reads_date({"fact": "hosting.content.countries", "contains": "SE"})
    assert _reads_date({"fact": "hosting.content.countries", "intersects": ["US", "CN"]})
    assert _reads_date({"for_any": "hosting.subprocessors",
                        "where": {"fact": "country", "not_in": {"set": "eea_or_adequate"}}})
    assert _reads_date({"fact": "personal_data.dpia.approved_on", "lt": "review_date-3y"})
    assert not _reads_date({"fact": "personal_data.processed", "eq": True})
    assert not _reads_date({"fact": "hosting.transfer_mechanism", "in": ["scc", "bcr"]})


PLACES = ["SE", "NO", "IS", "GB", "US", "CH", "JP", "KR", "BR", "IN", "CN", "EU", "EEA"]
DAYS = st.one_of(st.none(), st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)))


@given(st.lists(st.sampled_from(PLACES), max_size=5), st.sampled_from(sorted(builtin_sets())),
       DAYS)
def test_a_list_test_agrees_with_its_elements_one_by_one(places: list[str], name: str,
                                                         day: dt.date | None) -> None:
    """``subset_of`` and ``intersects`` settle a certain member without looking it up one
    element at a time: the same answer as Kleene AND / OR over :func:`element_in`."""
    value_set, areas = builtin_sets()[name], regions()
    each = [element_in(place, value_set, day, areas) for place in places]
    facts = {"hosting.content.countries": places, REVIEW_DATE_FACT: day}
    assert holds({"fact": "hosting.content.countries", "subset_of": {"set": name}},
                 facts) is tri_and(each)
    assert holds({"fact": "hosting.content.countries", "intersects": {"set": name}},
                 facts) is tri_or(each)
