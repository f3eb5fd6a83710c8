"""Normal forms of conditions: rewritings that mean the same compare equal, and equal normal
forms always evaluate alike (the law the duplicate-condition check rests on)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from secreview.facts import FactSpec
from secreview.rules.compiler import CompileContext, compile_condition
from secreview.rules.model import Condition
from secreview.rules.normal import firing_condition, normal_form

ADAPTER: TypeAdapter[Any] = TypeAdapter(Condition)
FACTS = {"a": FactSpec("a", "bool"), "n": FactSpec("n", "int", minimum=0, maximum=3),
         "c": FactSpec("c", "enum", allowed=("x", "y", "z"))}


def form(raw: dict[str, Any]) -> Any:
    return normal_form(ADAPTER.validate_python(raw))


def test_rewritings_that_mean_the_same_are_equal() -> None:
    a, n = {"fact": "a", "eq": True}, {"fact": "n", "gte": 2}
    assert form({"all": [a, n]}) == form({"all": [n, {"all": [a]}]})
    assert form({"not": {"not": a}}) == form(a)
    assert form({"fact": "c", "in": ["x"]}) == form({"fact": "c", "eq": "x"})
    assert form({"not": {"fact": "c", "eq": "x"}}) == form({"fact": "c", "ne": "x"})
    assert form({"at_least": 1, "of": [a, n]}) == form({"any": [n, a]})
    assert form({"none": [a]}) == form({"not": a})
    assert form({"fact": "c", "in": ["x", "y"]}) == form({"fact": "c", "in": ["y", "x", "x"]})
    assert form(a) != form({"fact": "a", "eq": False})


def test_a_rule_fires_on_scope_and_finding_together() -> None:
    a, n = {"fact": "a", "eq": True}, {"fact": "n", "gte": 2}
    rule = firing_condition(ADAPTER.validate_python(a), ADAPTER.validate_python(n))
    assert rule == form({"all": [n, a]})


leaves = st.one_of(
    st.builds(lambda v: {"fact": "a", "eq": v}, st.booleans()),
    st.builds(lambda op, v: {"fact": "n", op: v}, st.sampled_from(["gt", "lt", "eq", "ne"]),
              st.integers(0, 3)),
    st.builds(lambda op, v: {"fact": "c", op: v}, st.sampled_from(["in", "not_in"]),
              st.lists(st.sampled_from("xyz"), min_size=1, max_size=2)),
)
conditions = st.recursive(leaves, lambda inner: st.one_of(
    st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=1, max_size=3)),
    st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=1, max_size=3)),
    st.builds(lambda xs: {"none": xs}, st.lists(inner, min_size=1, max_size=2)),
    st.builds(lambda x: {"not": x}, inner),
), max_leaves=5)


def _rewrite(raw: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """The same condition written another way: members shuffled, double negations added."""
    for key in ("all", "any", "none"):
        if key in raw:
            members = [_rewrite(m, data) for m in raw[key]]
            return {key: data.draw(st.permutations(members))}
    if "not" in raw:
        raw = {"not": _rewrite(raw["not"], data)}
    return {"not": {"not": raw}} if data.draw(st.booleans()) else raw


@pytest.mark.slow
@settings(max_examples=200)
@given(conditions, st.data())
def test_equal_normal_forms_evaluate_alike(raw: dict[str, Any], data: st.DataObject) -> None:
    other = _rewrite(raw, data)
    assert form(raw) == form(other)
    first = compile_condition(ADAPTER.validate_python(raw), CompileContext(FACTS, {}))
    second = compile_condition(ADAPTER.validate_python(other), CompileContext(FACTS, {}))
    for a in (True, False, None):
        for n in (0, 2, None):
            for c in ("x", "z", None):
                facts = {"a": a, "n": n, "c": c}
                assert first(facts) is second(facts)
