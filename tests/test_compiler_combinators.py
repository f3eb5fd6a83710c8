"""The compiler's unrolled combinators give exactly what the reference Kleene functions give.

``all``/``any``/``none``/``not``/``at_least`` and the quantifiers are compiled into loops for
speed (see docs/benchmarks.md); this property test evaluates random condition trees both ways,
compiled and through :mod:`secreview.tristate` applied to the compiled leaves, and compares.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from secreview.facts import FactSpec
from secreview.rules.compiler import CompileContext, compile_condition
from secreview.rules.model import Condition
from secreview.tristate import Tri, tri_and, tri_at_least, tri_not, tri_or

ADAPTER: TypeAdapter[Any] = TypeAdapter(Condition)
ITEM = {"ok": FactSpec("ok", "bool")}
CATALOGUE = {
    "a": FactSpec("a", "bool"),
    "b": FactSpec("b", "bool"),
    "n": FactSpec("n", "int", minimum=0, maximum=4),
    "items": FactSpec("items", "objects", item_facts=ITEM),
}


def _compile(condition: dict[str, Any], scope: dict[str, FactSpec] | None = None) -> Any:
    ctx = CompileContext(facts=CATALOGUE, sets={})
    predicate = compile_condition(ADAPTER.validate_python(condition), ctx, scope=scope)
    assert not ctx.problems, ctx.problems
    return predicate


def reference(condition: dict[str, Any], facts: dict[str, Any],
              scope: dict[str, FactSpec] | None = None) -> Tri:
    """Kleene logic over the tree, using only the tristate module for every combinator."""
    if "all" in condition:
        return tri_and([reference(c, facts, scope) for c in condition["all"]])
    if "any" in condition:
        return tri_or([reference(c, facts, scope) for c in condition["any"]])
    if "none" in condition:
        return tri_not(tri_or([reference(c, facts, scope) for c in condition["none"]]))
    if "not" in condition:
        return tri_not(reference(condition["not"], facts, scope))
    if "at_least" in condition:
        return tri_at_least(condition["at_least"],
                            [reference(c, facts, scope) for c in condition["of"]])
    for key, combine in (("for_any", tri_or), ("for_all", tri_and)):
        if key in condition:
            items = facts.get(condition[key])
            if items is None:
                return None
            return combine([reference(condition["where"], item, ITEM) for item in items])
    leaf: Tri = _compile(condition, scope)(facts)
    return leaf


item_leaves = st.builds(lambda v: {"fact": "ok", "eq": v}, st.booleans())
leaves = st.one_of(
    st.builds(lambda name, v: {"fact": name, "eq": v}, st.sampled_from(["a", "b"]), st.booleans()),
    st.builds(lambda op, v: {"fact": "n", op: v}, st.sampled_from(["gt", "gte", "lt", "lte"]),
              st.integers(0, 4)),
    st.builds(lambda key, where: {key: "items", "where": where},
              st.sampled_from(["for_any", "for_all"]),
              st.one_of(item_leaves, st.builds(lambda xs: {"all": xs},
                                               st.lists(item_leaves, min_size=1, max_size=3)))),
)
conditions = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=1, max_size=4)),
        st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=1, max_size=4)),
        st.builds(lambda xs: {"none": xs}, st.lists(inner, min_size=1, max_size=4)),
        st.builds(lambda x: {"not": x}, inner),
        st.lists(inner, min_size=1, max_size=4).flatmap(
            lambda xs: st.integers(1, len(xs)).map(lambda n: {"at_least": n, "of": xs})),
    ),
    max_leaves=8,
)
tri = st.one_of(st.none(), st.booleans())
systems = st.fixed_dictionaries({
    "a": tri, "b": tri, "n": st.one_of(st.none(), st.integers(0, 4)),
    "items": st.one_of(st.none(), st.lists(st.fixed_dictionaries({"ok": tri}), max_size=4)),
})


@pytest.mark.slow
@settings(max_examples=400)
@given(conditions, systems)
def test_compiled_combinators_equal_the_reference_kleene_functions(
        condition: dict[str, Any], facts: dict[str, Any]) -> None:
    assert _compile(condition)(facts) is reference(condition, facts)
