"""The condition compiler: operator semantics under unknowns, type checks, and soundness."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from secreview.facts import REVIEW_DATE_FACT, FactSpec, core_facts
from secreview.rules.compiler import CompileContext, compile_condition
from secreview.rules.loader import builtin_sets
from secreview.rules.model import Condition
from secreview.valuesets import ValueSet

ADAPTER: TypeAdapter[Any] = TypeAdapter(Condition)

ITEM = {
    "country": FactSpec("country", "string"),
    "name": FactSpec("name", "string"),
    "until": FactSpec("until", "date"),
}
CATALOGUE: dict[str, FactSpec] = {
    "a": FactSpec("a", "bool"),
    "n": FactSpec("n", "int", minimum=0, maximum=4),
    "m": FactSpec("m", "int", minimum=0, maximum=4),
    "d": FactSpec("d", "date"),
    "c": FactSpec("c", "enum", allowed=("x", "y", "z")),
    "l": FactSpec("l", "list", allowed=("x", "y", "z"), item_kind="enum"),
    "s": FactSpec("s", "string"),
    "items": FactSpec("items", "objects", item_facts=ITEM),
    REVIEW_DATE_FACT: FactSpec(REVIEW_DATE_FACT, "date"),
}
SETS = {"xy": ValueSet.plain({"x", "y"}), **builtin_sets()}


def compiled(condition: dict[str, Any], catalogue: dict[str, FactSpec] = CATALOGUE):  # type: ignore[no-untyped-def]
    ctx = CompileContext(facts=catalogue, sets=SETS)
    predicate = compile_condition(ADAPTER.validate_python(condition), ctx)
    return predicate, ctx


def run(condition: dict[str, Any], **facts: Any) -> bool | None:
    predicate, ctx = compiled(condition)
    assert not ctx.problems, ctx.problems
    return predicate(facts)


@pytest.mark.parametrize(
    ("condition", "facts", "expected"),
    [
        ({"fact": "a", "eq": True}, {"a": True}, True),
        ({"fact": "a", "eq": True}, {"a": None}, None),
        ({"fact": "a", "ne": True}, {"a": False}, True),
        ({"fact": "n", "gte": 2}, {"n": 2}, True),
        ({"fact": "n", "gt": 2}, {"n": 2}, False),
        ({"fact": "n", "lt": 2}, {}, None),
        ({"fact": "n", "lte": 2}, {"n": 1}, True),
        ({"fact": "c", "in": ["x", "y"]}, {"c": "z"}, False),
        ({"fact": "c", "in": {"set": "xy"}}, {"c": "y"}, True),
        ({"fact": "c", "not_in": ["x"]}, {"c": None}, None),
        ({"fact": "a", "exists": True}, {"a": None}, False),
        ({"fact": "a", "missing": True}, {"a": None}, True),
        ({"fact": "a", "missing": True}, {"a": False}, False),
        ({"fact": "s", "matches": "^Acme"}, {"s": "Acme AB"}, True),
        ({"fact": "l", "contains": "x"}, {"l": ["y"]}, False),
        ({"fact": "l", "contains": "x"}, {"l": None}, None),
        ({"fact": "l", "intersects": ["x", "z"]}, {"l": ["z"]}, True),
        ({"fact": "l", "subset_of": ["x", "y"]}, {"l": ["x", "z"]}, False),
        ({"fact": "l", "subset_of": ["x", "y"]}, {"l": []}, True),
        ({"fact": "l", "is_empty": True}, {"l": []}, True),
        ({"fact": "l", "is_empty": False}, {"l": None}, None),
        ({"all": [{"fact": "a", "eq": True}, {"fact": "n", "gte": 3}]}, {"a": False}, False),
        ({"any": [{"fact": "a", "eq": True}, {"fact": "n", "gte": 3}]}, {"n": 4}, True),
        ({"none": [{"fact": "a", "eq": True}]}, {"a": False}, True),
        ({"not": {"fact": "a", "eq": True}}, {"a": None}, None),
        ({"at_least": 2, "of": [{"fact": "a", "eq": True}, {"fact": "n", "gte": 3},
                                {"fact": "c", "eq": "x"}]}, {"a": True, "c": "x"}, True),
        ({"for_any": "items", "where": {"fact": "country", "not_in": {"set": "eea"}}},
         {"items": [{"country": "SE"}, {"country": "US"}]}, True),
        ({"for_any": "items", "where": {"fact": "country", "not_in": {"set": "eea"}}},
         {"items": []}, False),
        ({"for_any": "items", "where": {"fact": "country", "not_in": {"set": "eea"}}},
         {"items": [{"country": "SE"}, {"country": None}]}, None),
        ({"for_all": "items", "where": {"fact": "country", "in": {"set": "eea"}}},
         {"items": [{"country": "NO"}, {"country": "FI"}]}, True),
        ({"for_all": "items", "where": {"fact": "country", "in": {"set": "eea"}}},
         {"items": None}, None),
    ],
)
def test_operator_semantics(condition: dict[str, Any], facts: dict[str, Any],
                            expected: bool | None) -> None:
    assert run(condition, **facts) is expected


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"fact": "aa", "eq": True}, "unknown fact 'aa'"),
        ({"fact": "c", "gte": 1}, "'gte' needs an ordered fact"),
        ({"fact": "l", "eq": "x"}, "'eq' tests one value, but 'l' is a list"),
        ({"fact": "a", "contains": True}, "'contains' needs a list fact"),
        ({"fact": "c", "eq": "w"}, "'w' is not a possible value of 'c'"),
        ({"fact": "a", "eq": 1}, "does not fit 'a'"),
        ({"fact": "n", "eq": 9}, "outside the range"),
        ({"fact": "c", "in": {"set": "nope"}}, "unknown value set 'nope'"),
        ({"fact": "s", "matches": "(unclosed"}, "invalid regular expression"),
        ({"for_any": "a", "where": {"fact": "country", "eq": "SE"}}, "needs a list of objects"),
        ({"for_any": "items", "where": {"fact": "contry", "eq": "SE"}}, "unknown fact 'contry'"),
        ({"fact": "items", "eq": "x"}, "list of objects"),
    ],
)
def test_compile_errors_are_collected(condition: dict[str, Any], message: str) -> None:
    _, ctx = compiled(condition)
    assert ctx.problems, "expected a compile problem"
    assert any(message in p.message for p in ctx.problems), [p.message for p in ctx.problems]


def test_unknown_fact_suggests_the_closest_path() -> None:
    _, ctx = compiled({"fact": "access.mfa_admin", "eq": True}, core_facts())
    assert ctx.problems[0].suggestion == "did you mean 'access.mfa_admins'?"


def test_facts_used_are_recorded() -> None:
    _, ctx = compiled({"all": [{"fact": "a", "eq": True},
                               {"for_any": "items", "where": {"fact": "name", "eq": "x"}}]})
    assert ctx.used == {"a", "items"}


def test_model_rejects_two_operators_and_none() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="one operator"):
        ADAPTER.validate_python({"fact": "a", "eq": True, "ne": False})
    with pytest.raises(ValidationError, match="needs one operator"):
        ADAPTER.validate_python({"fact": "a"})
    with pytest.raises(ValidationError, match="can never hold"):
        ADAPTER.validate_python({"at_least": 3, "of": [{"fact": "a", "eq": True}]})


# --- soundness under unknowns -----------------------------------------------------------------

DAYS = [dt.date(2026, 1, 1), dt.date(2026, 3, 1), dt.date(2026, 12, 31)]
DOMAINS: dict[str, list[Any]] = {
    "a": [True, False],
    "n": [0, 1, 2, 3, 4],
    "m": [0, 2, 4],
    "d": DAYS,
    REVIEW_DATE_FACT: DAYS,
    "c": ["x", "y", "z"],
    "l": [list(s) for r in range(4) for s in itertools.combinations("xyz", r)],
}

leaves = st.one_of(
    st.builds(lambda v: {"fact": "a", "eq": v}, st.booleans()),
    st.builds(lambda op, v: {"fact": "n", op: v}, st.sampled_from(["gt", "gte", "lt", "lte", "eq"]),
              st.integers(0, 4)),
    st.builds(lambda op, v: {"fact": "c", op: v}, st.sampled_from(["in", "not_in"]),
              st.lists(st.sampled_from("xyz"), min_size=1, max_size=3)),
    st.builds(lambda v: {"fact": "l", "contains": v}, st.sampled_from("xyz")),
    st.builds(lambda op, v: {"fact": "l", op: v}, st.sampled_from(["intersects", "subset_of"]),
              st.lists(st.sampled_from("xyz"), max_size=3)),
    st.builds(lambda v: {"fact": "l", "is_empty": v}, st.booleans()),
    # comparisons read at evaluation time: another fact, the review date with an offset
    st.builds(lambda op: {"fact": "n", op: {"fact": "m"}},
              st.sampled_from(["eq", "ne", "gt", "gte", "lt", "lte"])),
    st.builds(lambda op, offset: {"fact": "d", op: f"review_date{offset}"},
              st.sampled_from(["before", "after", "lte", "gte", "eq"]),
              st.sampled_from(["", "+90d", "-1y", "+2m", "-3w"])),
    st.builds(lambda op: {"fact": "d", op: {"fact": "derived.review_date"}},
              st.sampled_from(["before", "after"])),
)
# exists/missing test whether a fact is answered, not what it says: they are deliberately left
# out of the soundness law below (answering a question is exactly what changes them).
conditions = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda xs: {"none": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda x: {"not": x}, inner),
        st.builds(lambda xs: {"at_least": max(1, len(xs) // 2), "of": xs},
                  st.lists(inner, min_size=1, max_size=3)),
    ),
    max_leaves=6,
)
assignments = st.fixed_dictionaries(
    {name: st.one_of(st.none(), st.sampled_from(values)) for name, values in DOMAINS.items()}
)


@pytest.mark.slow
@settings(max_examples=300)
@given(conditions, assignments)
def test_answering_unknowns_never_changes_a_known_result(condition: dict[str, Any],
                                                         facts: dict[str, Any]) -> None:
    """The law that makes tri-state safe: a decided rule stays decided whatever the answers.

    It holds for every value operator; ``exists``/``missing`` are excluded by design.
    """
    predicate, ctx = compiled(condition)
    assert not ctx.problems
    result = predicate(facts)
    unknown = [name for name, value in facts.items() if value is None]
    outcomes = set()
    for values in itertools.product(*(DOMAINS[name] for name in unknown)):
        completed = {**facts, **dict(zip(unknown, values, strict=True))}
        outcome = predicate(completed)
        assert outcome is not None, "a fully answered system must give a definite result"
        outcomes.add(outcome)
    if result is not None:
        assert outcomes == {result}


@pytest.mark.parametrize(
    ("condition", "code"),
    [
        ({"fact": "aa", "eq": True}, "unknown-fact"),
        ({"fact": "c", "in": {"set": "nope"}}, "unknown-set"),
        ({"fact": "s", "matches": "(a)\\1"}, "unsafe-regex"),
        ({"fact": "c", "gte": 1}, "type-mismatch"),
    ],
)
def test_problems_carry_a_stable_code(condition: dict[str, Any], code: str) -> None:
    """Tools read the code, not the wording: it is set where the problem is found."""
    _, ctx = compiled(condition)
    assert [p.code for p in ctx.problems] == [code]


def test_every_operator_in_the_registry_is_a_leaf_key_and_back() -> None:
    """The registry and the model's fields must name the same operators (one declaration each)."""
    from secreview.rules.model import Leaf
    from secreview.rules.operators import OPERATORS

    keys = {field.alias or name for name, field in Leaf.model_fields.items()} - {"fact"}
    assert keys == set(OPERATORS)


# --- comparisons with another fact and with the review date ------------------------------------

JAN, MAR = dt.date(2026, 1, 1), dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("condition", "facts", "expected"),
    [
        ({"fact": "n", "lt": {"fact": "m"}}, {"n": 1, "m": 2}, True),
        ({"fact": "n", "lt": {"fact": "m"}}, {"n": 2, "m": 2}, False),
        ({"fact": "n", "eq": {"fact": "m"}}, {"n": 2, "m": None}, None),
        ({"fact": "n", "gte": {"fact": "m"}}, {"n": None, "m": 1}, None),
        ({"fact": "d", "before": "review_date"}, {"d": JAN, REVIEW_DATE_FACT: MAR}, True),
        ({"fact": "d", "before": "review_date-90d"}, {"d": JAN, REVIEW_DATE_FACT: MAR}, False),
        ({"fact": "d", "before": "review_date - 1m"}, {"d": JAN, REVIEW_DATE_FACT: MAR}, True),
        ({"fact": "d", "after": "review_date+1y"}, {"d": MAR, REVIEW_DATE_FACT: JAN}, False),
        ({"fact": "d", "before": "review_date"}, {"d": JAN, REVIEW_DATE_FACT: None}, None),
        ({"fact": "d", "lte": "2026-01-01"}, {"d": JAN}, True),
        ({"fact": "d", "after": {"fact": "derived.review_date"}},
         {"d": MAR, REVIEW_DATE_FACT: JAN}, True),
        # inside a quantifier: the item's date against the review date outside the item
        ({"for_any": "items", "where": {"fact": "until", "before": "review_date+90d"}},
         {"items": [{"until": dt.date(2027, 1, 1)}, {"until": MAR}], REVIEW_DATE_FACT: JAN},
         True),
        ({"for_all": "items", "where": {"fact": "until", "after": "review_date"}},
         {"items": [{"until": MAR}], REVIEW_DATE_FACT: JAN}, True),
        ({"for_any": "items", "where": {"fact": "name", "eq": {"fact": "s"}}},
         {"items": [{"name": "x"}, {"name": "y"}], "s": "y"}, True),
    ],
)
def test_comparisons_read_at_evaluation_time(condition: dict[str, Any], facts: dict[str, Any],
                                             expected: bool | None) -> None:
    assert run(condition, **facts) is expected


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"fact": "n", "lt": {"fact": "d"}}, "both must be numbers or both dates"),
        ({"fact": "a", "eq": {"fact": "n"}}, "both must hold the same kind of value"),
        ({"fact": "n", "lt": {"fact": "nn"}}, "unknown fact 'nn'"),
        ({"fact": "n", "before": "review_date"}, "'before' needs a date fact"),
        ({"fact": "d", "before": "next week"}, "is not a date to compare 'd' with"),
        ({"fact": "d", "before": "review_date+90q"}, "is not a date to compare 'd' with"),
    ],
)
def test_comparison_mistakes_are_reported(condition: dict[str, Any], message: str) -> None:
    _, ctx = compiled(condition)
    assert len(ctx.problems) == 1
    assert message in ctx.problems[0].message


def test_failing_items_are_those_that_decide_the_quantifier() -> None:
    predicate, ctx = compiled({"not": {"for_all": "items",
                                       "where": {"fact": "country", "eq": "SE"}}})
    (quantified,) = ctx.quantifiers
    items = [{"country": "SE"}, {"country": "US"}, {"country": None}]
    assert predicate({"items": items}) is True
    assert quantified.fires_when is False
    assert quantified.items({"items": items}, (False,)) == [{"country": "US"}]
    assert quantified.items({"items": items}, (False, None)) == items[1:]


ITEM_DATES = st.lists(st.fixed_dictionaries({"until": st.one_of(st.none(),
                                                                  st.sampled_from(DAYS))}),
                      max_size=2)


@pytest.mark.slow
@settings(max_examples=200)
@given(st.sampled_from(["for_any", "for_all"]), st.sampled_from(["before", "after"]),
       st.sampled_from(["", "+90d", "-1y"]), st.one_of(st.none(), ITEM_DATES),
       st.one_of(st.none(), st.sampled_from(DAYS)))
def test_item_dates_against_the_review_date_keep_the_soundness_law(
        quantifier: str, op: str, offset: str, items: list[dict[str, Any]] | None,
        review: dt.date | None) -> None:
    """A 'where' that reads the review date outside its item is still sound: answering the
    unknown dates (of the items, the list, the review) never changes a decided result."""
    predicate, ctx = compiled({quantifier: "items",
                               "where": {"fact": "until", op: f"review_date{offset}"}})
    assert not ctx.problems
    result = predicate({"items": items, REVIEW_DATE_FACT: review})
    if result is None:
        return
    reviews = DAYS if review is None else [review]
    lists = [items] if items is not None else [[], [{"until": DAYS[0]}], [{"until": DAYS[2]}]]
    for candidate in lists:
        unknown = [i for i, item in enumerate(candidate) if item["until"] is None]
        for dates in itertools.product(DAYS, repeat=len(unknown)):
            filled = [dict(item) for item in candidate]
            for index, date in zip(unknown, dates, strict=True):
                filled[index]["until"] = date
            for day in reviews:
                assert predicate({"items": filled, REVIEW_DATE_FACT: day}) is result
