"""The condition language's operators, each declared once: what it tests, what operand it takes,
and the tri-state predicate it compiles to.

The model (which keys a leaf accepts), the compiler (type checks and predicates), the linter's
satisfiability check (ordering bounds) and the ruleset guide all read this registry, so a new
operator is one entry here plus its field on :class:`secreview.rules.model.Leaf`.

Every predicate returns ``None`` when its fact is unknown, except ``exists`` and ``missing``,
which ask whether the fact was answered at all.
"""

from __future__ import annotations

import operator as _op
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from secreview.rules.regex_safety import MATCH_TEXT_LIMIT
from secreview.tristate import Tri

Facts = Mapping[str, Any]
Predicate = Callable[[Facts], Tri]

OUTER = "<outer>"
"""Inside ``for_any``/``for_all``, the key under which an item's facts carry the facts around
the item, for a ``where`` that compares with one of them (or with the review date). Never a fact
name, so it cannot collide with one."""

Target = Literal["value", "list", "any"]
"""What fact the operator tests: a single value (not a list), a list, or any fact (whether it was
answered at all)."""
Operand = Literal["value", "item", "set", "flag", "regex"]
"""What follows the operator: a value of the fact, an item of the list fact, a list of values or
a named set, ``true``/``false``, or a regular expression."""


@dataclass(frozen=True)
class Operator:
    name: str
    target: Target
    operand: Operand
    build: Callable[[str, Any], Predicate]
    """``build(fact_path, operand)``: the predicate, with the operand already resolved (a set
    reference as a frozenset, a regular expression compiled)."""
    objects: bool = False
    """Also tests a list of objects (the others need ``for_any``/``for_all`` there)."""
    ordered: bool = False
    """Needs an ordered fact (number, level, date)."""
    text: bool = False
    """Needs a text fact (string or enumeration)."""
    bound: Literal["low", "high"] | None = None
    """For an ordering operator: whether it bounds the value from below or above."""
    strict: bool = False
    """For an ordering operator: whether the bound itself is excluded."""
    dates: bool = False
    """Needs a date fact (``before``/``after``)."""
    compare: Callable[[Any, Any], bool] | None = None
    """For an operator that may compare with another fact or with the review date
    (``{fact: PATH}``, ``review_date+90d``): the comparison of the two values."""


def _eq(name: str, operand: Any) -> Predicate:
    def eq(f: Facts) -> Tri:
        value = f.get(name)
        return None if value is None else value == operand
    return eq


def _ne(name: str, operand: Any) -> Predicate:
    def ne(f: Facts) -> Tri:
        value = f.get(name)
        return None if value is None else value != operand
    return ne


def _in(name: str, operand: Any) -> Predicate:
    def in_(f: Facts) -> Tri:
        value = f.get(name)
        return None if value is None else value in operand
    return in_


def _not_in(name: str, operand: Any) -> Predicate:
    def not_in(f: Facts) -> Tri:
        value = f.get(name)
        return None if value is None else value not in operand
    return not_in


def _gt(name: str, operand: Any) -> Predicate:
    def gt(f: Facts) -> Tri:
        value = f.get(name)
        return None if value is None else value > operand
    return gt


def _gte(name: str, operand: Any) -> Predicate:
    def gte(f: Facts) -> Tri:
        value = f.get(name)
        return None if value is None else value >= operand
    return gte


def _lt(name: str, operand: Any) -> Predicate:
    def lt(f: Facts) -> Tri:
        value = f.get(name)
        return None if value is None else value < operand
    return lt


def _lte(name: str, operand: Any) -> Predicate:
    def lte(f: Facts) -> Tri:
        value = f.get(name)
        return None if value is None else value <= operand
    return lte


def _exists(name: str, _operand: Any) -> Predicate:
    return lambda f: f.get(name) is not None


def _missing(name: str, _operand: Any) -> Predicate:
    return lambda f: f.get(name) is None


def _matches(name: str, pattern: Any) -> Predicate:
    def matches(f: Facts) -> Tri:
        value = f.get(name)
        if value is None or len(text := str(value)) > MATCH_TEXT_LIMIT:
            return None  # too long to search in bounded time: unknown, never a guess
        return pattern.search(text) is not None
    return matches


def _contains(name: str, operand: Any) -> Predicate:
    def contains(f: Facts) -> Tri:
        value = f.get(name)
        return None if value is None else operand in value
    return contains


def _intersects(name: str, operand: Any) -> Predicate:
    def intersects(f: Facts) -> Tri:
        value = f.get(name)
        return None if value is None else not operand.isdisjoint(value)
    return intersects


def _subset_of(name: str, operand: Any) -> Predicate:
    def subset_of(f: Facts) -> Tri:
        value = f.get(name)
        return None if value is None else operand.issuperset(value)
    return subset_of


def _is_empty(name: str, operand: Any) -> Predicate:
    def is_empty(f: Facts) -> Tri:
        value = f.get(name)
        return None if value is None else (len(value) == 0) == operand
    return is_empty


def compare_with(name: str, compare: Callable[[Any, Any], bool],
                 other: Callable[[Facts], Any]) -> Predicate:
    """A comparison whose right-hand side is read at evaluation time (another fact, the review
    date): unknown when either side is unknown, so it keeps the soundness law."""
    def compared(f: Facts) -> Tri:
        value = f.get(name)
        if value is None:
            return None
        against = other(f)
        return None if against is None else compare(value, against)
    return compared


OPERATORS: dict[str, Operator] = {op.name: op for op in (
    Operator("eq", "value", "value", _eq, compare=_op.eq),
    Operator("ne", "value", "value", _ne, compare=_op.ne),
    Operator("in", "value", "set", _in),
    Operator("not_in", "value", "set", _not_in),
    Operator("gt", "value", "value", _gt, ordered=True, bound="low", strict=True,
             compare=_op.gt),
    Operator("gte", "value", "value", _gte, ordered=True, bound="low", compare=_op.ge),
    Operator("lt", "value", "value", _lt, ordered=True, bound="high", strict=True,
             compare=_op.lt),
    Operator("lte", "value", "value", _lte, ordered=True, bound="high", compare=_op.le),
    Operator("before", "value", "value", _lt, ordered=True, dates=True, bound="high",
             strict=True, compare=_op.lt),
    Operator("after", "value", "value", _gt, ordered=True, dates=True, bound="low",
             strict=True, compare=_op.gt),
    Operator("exists", "any", "flag", _exists, objects=True),
    Operator("missing", "any", "flag", _missing, objects=True),
    Operator("matches", "value", "regex", _matches, text=True),
    Operator("contains", "list", "item", _contains),
    Operator("intersects", "list", "set", _intersects),
    Operator("subset_of", "list", "set", _subset_of),
    Operator("is_empty", "list", "flag", _is_empty, objects=True),
)}
"""Every operator, in the order the ruleset guide lists them."""

OPERATOR_NAMES: tuple[str, ...] = tuple(OPERATORS)

SYNONYMS: dict[str, str] = {
    "equals": "eq", "equal": "eq", "is": "eq", "==": "eq", "=": "eq",
    "not_equals": "ne", "not_equal": "ne", "is_not": "ne", "neq": "ne", "!=": "ne",
    "greater_than": "gt", ">": "gt", "ge": "gte", "min": "gte", ">=": "gte",
    "greater_or_equal": "gte",
    "less_than": "lt", "<": "lt", "le": "lte", "max": "lte", "<=": "lte",
    "less_or_equal": "lte", "at_most": "lte",
    "one_of": "in", "any_of": "in", "not_one_of": "not_in", "none_of": "not_in",
    "regex": "matches", "match": "matches", "pattern": "matches",
    "includes": "contains", "has": "contains", "empty": "is_empty",
    "overlaps": "intersects", "within": "subset_of", "subset": "subset_of",
    "exist": "exists", "answered": "exists", "unanswered": "missing",
    "earlier_than": "before", "later_than": "after", "older_than": "before",
}
"""Names officers reach for, and the operator they mean: the "did you mean" for an unknown key
in a condition (``equals`` → ``eq``), where spelling alone is too far off."""


def names(target: Target) -> list[str]:
    """The operators that test ``target``, for suggestions in error messages."""
    return [op.name for op in OPERATORS.values() if op.target == target]
