"""The Reviewer's per-rule memo (secreview.engine.memo): what it keeps never changes a review.

The law: a review through a Reviewer whose memo holds the results of earlier reviews (other
descriptions, other dates, the same description) is byte-identical to the review computed
without any memo.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from example_files import EXAMPLES, example_systems
from reviewers import bundled_reviewer
from secreview.api import Reviewer
from secreview.engine.assemble import build_review
from secreview.engine.memo import RuleMemo
from secreview.facts import REVIEW_DATE_FACT
from secreview.inputs import Inputs
from secreview.loading import load_document
from secreview.system import SystemDescription
from test_properties_review import systems

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
DATES = (dt.date(2019, 6, 1), dt.date(2022, 3, 1), dt.date(2026, 11, 26))


def _without_memo(inputs: Inputs, date: dt.date) -> str:
    return build_review(dataclasses.replace(inputs, memo=None), date).to_json()


def _with_memo(inputs: Inputs, date: dt.date) -> str:
    return build_review(inputs, date).to_json()


def test_a_reviewer_keeps_one_memo_for_its_rules_and_profile() -> None:
    reviewer = bundled_reviewer()
    inputs = reviewer.load(EXAMPLES / "room-booking.yaml")
    assert inputs.memo is reviewer.memo
    assert reviewer.memo.serves(reviewer.catalog, reviewer.profile)
    other = Reviewer(profile="generic")
    assert not reviewer.memo.serves(other.catalog, other.profile)
    # A memo given with inputs of other rules is not used: the review equals one without it.
    foreign = dataclasses.replace(other.load(EXAMPLES / "room-booking.yaml"), memo=reviewer.memo)
    date = dt.date(2026, 11, 26)
    assert build_review(foreign, date).to_json() == _without_memo(foreign, date)


@pytest.mark.parametrize("path", example_systems(), ids=lambda p: p.stem)
def test_examples_review_the_same_with_a_warm_memo(path: Path) -> None:
    reviewer = bundled_reviewer()
    waivers = path.with_name(f"{path.stem}.waivers.yaml")
    inputs = reviewer.load(path, waivers=waivers if waivers.exists() else None)
    for date in DATES:
        expected = _without_memo(inputs, date)
        assert _with_memo(inputs, date) == expected
        assert _with_memo(inputs, date) == expected  # the second time entirely from the memo


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_scenarios_review_the_same_with_a_warm_memo(path: Path) -> None:
    data = load_document(path).data
    meta = data["scenario"]
    date = meta.get("review_date") if isinstance(meta.get("review_date"), dt.date) \
        else dt.date(2026, 11, 26)
    inputs = bundled_reviewer().load(data["description"])
    expected = _without_memo(inputs, date)
    assert _with_memo(inputs, date) == expected
    assert _with_memo(inputs, date) == expected


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.filter_too_much])
@given(systems(), st.sampled_from(DATES))
def test_any_description_reviews_the_same_with_a_warm_memo(system: SystemDescription,
                                                              date: dt.date) -> None:
    inputs = bundled_reviewer().load(system)
    assert _with_memo(inputs, date) == _without_memo(inputs, date)


def _memo() -> RuleMemo:
    return RuleMemo(object(), object())


def _count(memo: RuleMemo, facts: dict[str, Any], used: tuple[str, ...] = ("a",)) -> int:
    calls = []
    memo.get_or_compute("kind", "rule", used, facts, lambda: calls.append(1))
    return len(calls)


def test_the_same_values_are_computed_once() -> None:
    memo = _memo()
    assert _count(memo, {"a": 1, "b": 2}) == 1
    assert _count(memo, {"a": 1, "b": 3}) == 0  # b is not read by the rule
    assert (memo.hits, memo.misses) == (1, 1)


@pytest.mark.parametrize("first, second", [
    (True, 1), (1, 1.0), ([1], [True]), ([1], (1,)), (["SE"], ("SE",)), ([], {}),
    ([{"a": 1}], [{"a": True}]), ("1", 1), (None, False),
    ([{"a": 1, "b": "x"}], [{"a": 1.0, "b": "x"}]), ([{"a": [1]}], [{"a": [True]}]),
    ([{"a": 1}], [[("a", 1)]]), ([{"a": "x"}], [{"a": "x", "b": None}]),
])
def test_values_that_compare_equal_but_differ_are_kept_apart(first: Any, second: Any) -> None:
    memo = _memo()
    assert _count(memo, {"a": first}) == 1
    assert _count(memo, {"a": second}) == 1
    assert _count(memo, {"a": first}) == 0


def test_the_review_date_keeps_dated_results_apart_and_only_those() -> None:
    """A rule that reads the date (a dated country set, a region's members on the day) may
    differ from one day to the next; any other gives the same on every day, so reviews dated
    over a year share it."""
    memo = _memo()
    for dated, computed in ((True, 1), (False, 0)):
        calls: list[int] = []
        for day in (dt.date(2020, 1, 1), dt.date(2024, 1, 1)):
            memo.get_or_compute("kind", f"rule-{dated}", ("a",),
                                {"a": "US", REVIEW_DATE_FACT: day},
                                partial(calls.append, 1), dated)
        assert len(calls) == 1 + computed


def test_every_bundled_rule_that_reads_the_date_says_so() -> None:
    catalog = bundled_reviewer().catalog
    assert any(rule.reads_date for rule in catalog.rules)
    assert not all(rule.reads_date for rule in catalog.rules)
    for rule in catalog.rules:
        if REVIEW_DATE_FACT in rule.facts_used:
            assert rule.reads_date, rule.id


def test_a_full_memo_starts_afresh_and_never_grows_past_its_limit() -> None:
    memo = RuleMemo(object(), object(), limit=3)
    for value in range(10):
        assert _count(memo, {"a": value}) == 1
        assert len(memo) <= 3


def test_a_value_that_cannot_be_a_key_is_computed_every_time() -> None:
    memo = _memo()
    unhashable = [{"a": {1, 2}}]  # a set inside is neither hashable nor frozen here

    class Odd:
        __hash__ = None  # type: ignore[assignment]

    assert _count(memo, {"a": Odd()}) == 1
    assert _count(memo, {"a": Odd()}) == 1
    assert _count(memo, {"a": unhashable}) == 1
    assert _count(memo, {"a": unhashable}) == 1


def test_a_finding_quotes_its_own_review_s_facts_not_a_remembered_one() -> None:
    """The school platform's foreign-law finding names the vendor, a fact the rule's conditions
    do not read: two reviews differing only in that name must each quote their own."""
    reviewer = bundled_reviewer()
    data = load_document(EXAMPLES / "school-platform.yaml").data
    date = dt.date(2026, 11, 26)
    for name in ("Alfa Skolsystem AB", "Beta Lärplattform AB", "Alfa Skolsystem AB"):
        renamed = {**data, "vendor": {**data["vendor"], "name": name}}
        inputs = reviewer.load(renamed)
        review = build_review(inputs, date)
        finding = next(f for f in review.findings if f.rule_id == "supplier.foreign_law_exposure")
        assert finding.status == "finding"
        assert finding.message.en.startswith(name)
        assert review.to_json() == _without_memo(inputs, date)
