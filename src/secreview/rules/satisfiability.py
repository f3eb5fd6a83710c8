"""Can a condition ever be true? The linter's check for rules that never apply or never fire.

Exact where a fact's values are a short finite list (booleans, enumerations, small integer
ranges, or the values an ``eq``/``in`` names): every candidate is tried through the compiled
condition, so the answer agrees with evaluation. For ordered facts without such a list the
bounds are intersected. Where neither works the answer is "possible": the check may miss a
contradiction but never reports one that is not there.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from secreview.facts import FactSpec
from secreview.loading import PathKey
from secreview.rules.compiler import CompileContext, compile_condition
from secreview.rules.model import AllOf, AnyOf, AtLeast, Condition, FactRef, ForAny, Leaf, plain
from secreview.rules.operators import OPERATORS
from secreview.valuesets import ValueSet

_FINITE_RANGE = 1000


def _domain(spec: FactSpec) -> tuple[Any, ...] | None:
    """Every value a fact can take, when that is a short finite list."""
    if spec.kind == "bool":
        return (True, False)
    if spec.kind == "enum" and spec.allowed:
        return tuple(spec.allowed)
    if (spec.kind == "int" and spec.minimum is not None and spec.maximum is not None
            and spec.maximum - spec.minimum <= _FINITE_RANGE):
        return tuple(range(int(spec.minimum), int(spec.maximum) + 1))
    return None


@dataclass
class Possibility:
    """Checks whether conditions can ever be true, against one fact catalogue and set table."""

    sets: Mapping[str, ValueSet]

    def _holds(self, leaf: Leaf, scope: Mapping[str, FactSpec], value: Any) -> bool:
        """Can ``value`` satisfy the leaf? Unknown (a dated set, no review date) counts as yes."""
        ctx = CompileContext(facts=scope, sets=self.sets)
        return compile_condition(leaf, ctx, (), scope)({leaf.fact: value}) is not False

    def _candidates(self, leaves: list[Leaf], spec: FactSpec) -> tuple[Any, ...] | None:
        domain = _domain(spec)
        if domain is not None:
            return domain
        for leaf in leaves:
            if leaf.operator == "eq":
                return (leaf.operand,)
            if leaf.operator == "in":
                operand = leaf.operand
                if isinstance(operand, list):
                    return tuple(operand)
                resolved = self.sets.get(operand.set)
                return tuple(resolved.possible) if resolved is not None else None
        return None

    def leaves_impossible(self, leaves: list[Leaf], spec: FactSpec,
                          scope: Mapping[str, FactSpec]) -> bool:
        """Can no value of the fact satisfy every one of these leaves at once?"""
        ops = {leaf.operator for leaf in leaves}
        if spec.kind in ("list", "objects"):
            return False
        if "missing" in ops:
            return len(ops) > 1  # every other operator needs a value
        # A comparison with another fact or with the review date bounds nothing by itself.
        value_leaves = [leaf for leaf in leaves if leaf.operator != "exists"
                        and not _dynamic(leaf, spec)]
        if not value_leaves:
            return False
        candidates = self._candidates(value_leaves, spec)
        if candidates is not None:
            return not any(all(self._holds(leaf, scope, v) for leaf in value_leaves)
                           for v in candidates)
        return _empty_interval(value_leaves, spec)

    def impossible(self, cond: Condition, scope: Mapping[str, FactSpec],
                   path: PathKey) -> tuple[PathKey, str] | None:
        """``(where, why)`` when ``cond`` can never be true, else None."""
        if isinstance(cond, Leaf):
            spec = scope.get(cond.fact)
            if spec is not None and self.leaves_impossible([cond], spec, scope):
                return (*path, cond.operator), (
                    f"no possible value of '{cond.fact}' satisfies "
                    f"'{cond.operator}: {_short(plain_operand(cond))}'")
            return None
        if isinstance(cond, AllOf):
            return self._all_impossible(cond, scope, path)
        if isinstance(cond, AnyOf):
            reasons = [self.impossible(c, scope, (*path, "any", i)) for i, c in enumerate(cond.any)]
            if all(reasons):
                return (*path, "any"), "none of the 'any' alternatives can ever be true"
            return None
        if isinstance(cond, AtLeast):
            possible = sum(1 for i, c in enumerate(cond.of)
                           if self.impossible(c, scope, (*path, "of", i)) is None)
            if possible < cond.at_least:
                return (*path, "at_least"), (f"'at_least: {cond.at_least}' needs {cond.at_least} "
                                             f"conditions, but only {possible} can ever be true")
            return None
        if isinstance(cond, ForAny):
            spec = scope.get(cond.for_any)
            if spec is None or spec.kind != "objects":
                return None
            inner = self.impossible(cond.where, spec.item_facts, (*path, "where"))
            if inner is not None:
                return inner[0], f"no item of '{cond.for_any}' can match: {inner[1]}"
        return None

    def _all_impossible(self, cond: AllOf, scope: Mapping[str, FactSpec],
                        path: PathKey) -> tuple[PathKey, str] | None:
        leaves: dict[str, list[Leaf]] = {}
        stack: list[tuple[Condition, PathKey]] = [(cond, path)]
        while stack:
            current, where = stack.pop()
            if isinstance(current, AllOf):
                stack.extend(reversed([(c, (*where, "all", i))
                                       for i, c in enumerate(current.all)]))
                continue
            if isinstance(current, Leaf):
                leaves.setdefault(current.fact, []).append(current)
            reason = self.impossible(current, scope, where)
            if reason is not None:
                return reason
        for fact, group in sorted(leaves.items()):
            spec = scope.get(fact)
            if len(group) > 1 and spec is not None and self.leaves_impossible(group, spec, scope):
                ops = ", ".join(f"{leaf.operator}: {_short(plain_operand(leaf))}"
                                for leaf in group)
                return (*path, "all"), f"the conditions on '{fact}' contradict each other ({ops})"
        return None


def _dynamic(leaf: Leaf, spec: FactSpec) -> bool:
    """Whether the leaf compares with a value read at evaluation time (another fact, or the
    review date on a date fact), rather than a constant."""
    operand = leaf.operand
    return isinstance(operand, FactRef) or (spec.kind == "date" and isinstance(operand, str))


def plain_operand(leaf: Leaf) -> Any:
    operand = leaf.operand
    return plain(operand) if hasattr(operand, "model_dump") else operand


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _empty_interval(leaves: list[Leaf], spec: FactSpec) -> bool:
    """Ordering bounds (with the fact's own range) that leave no value at all."""
    low, low_open = (spec.minimum, False) if spec.minimum is not None else (None, False)
    high, high_open = (spec.maximum, False) if spec.maximum is not None else (None, False)
    for leaf in leaves:
        op, value = OPERATORS[leaf.operator], leaf.operand
        if op.bound is None or isinstance(value, bool):
            continue
        try:
            if op.bound == "low" and (low is None or value > low or
                                      (value == low and op.strict)):
                low, low_open = value, op.strict
            if op.bound == "high" and (high is None or value < high or
                                       (value == high and op.strict)):
                high, high_open = value, op.strict
        except TypeError:
            return False
    if low is None or high is None:
        return False
    try:
        if low > high:
            return True
        return bool(low == high and (low_open or high_open))
    except TypeError:
        return False
