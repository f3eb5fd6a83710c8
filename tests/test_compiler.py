"""The condition compiler: operator semantics under unknowns, type checks, and soundness."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from secreview.facts import FactSpec, core_facts
from secreview.rules.compiler import CompileContext, compile_condition
from secreview.rules.loader import builtin_sets
from secreview.rules.model import Condition
from secreview.valuesets import ValueSet

ADAPTER: TypeAdapter[Any] = TypeAdapter(Condition)

ITEM = {
    "country": FactSpec("country", "string"),
    "name": FactSpec("name", "string"),
}
CATALOGUE = {
    "a": FactSpec("a", "bool"),
    "n": FactSpec("n", "int", minimum=0, maximum=4),
    "c": FactSpec("c", "enum", allowed=("x", "y", "z")),
    "l": FactSpec("l", "list", allowed=("x", "y", "z"), item_kind="enum"),
    "s": FactSpec("s", "string"),
    "items": FactSpec("items", "objects", item_facts=ITEM),
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

DOMAINS: dict[str, list[Any]] = {
    "a": [True, False],
    "n": [0, 1, 2, 3, 4],
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
