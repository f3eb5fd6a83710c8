"""The answers an unanswered fact could be given, as far as the rules can tell them apart.

A fact can take endless values, but rules only compare it with the literals they name (``eq``,
``in`` a set, ``gte`` a level, ``contains`` a country...). Values that every test treats alike are
interchangeable, so one representative per class is enough to see every way an answer could move
a rule. That is what makes the deciding facts, the classification ceiling and the worst-case
witnesses cheap: a handful of values per fact instead of a search.

A result is *exhaustive* when the representatives cover every class (booleans, enumerations,
small integer ranges, comparisons with literals); ``matches`` on text, lists of objects and very
mixed lists are covered by a sample only, and say so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, pairwise
from typing import Any

from secreview.facts import FactSpec
from secreview.rules.compiler import Test
from secreview.rules.loader import Catalog

SMALL_RANGE = 16
"""An integer fact with at most this many values is tried at every value."""
MAX_LIST_CLASSES = 5
"""A list fact is tried with every combination of its value classes up to this many classes."""
OTHER = "\u2063other"
"""A text no rule names (an invisible separator starts it): the class of every other value."""
SET_OPERATORS = frozenset({"in", "not_in", "intersects", "subset_of"})


@dataclass(frozen=True)
class Candidates:
    values: tuple[Any, ...]
    exhaustive: bool


def candidates(catalog: Catalog, fact: str) -> Candidates:
    """Representative answers to ``fact``: one per class of values the loaded rules treat
    alike."""
    spec = catalog.facts.get(fact)
    if spec is None:
        return Candidates((), False)
    return candidate_values(spec, catalog.fact_tests.get(fact, ()))


def candidate_values(spec: FactSpec, tests: Iterable[Test]) -> Candidates:
    """Representative answers to the fact ``spec`` describes, for the tests given (one rule's,
    or every loaded rule's)."""
    own = tuple(test for test in tests if test[0] == spec.path)
    return _candidates(spec.kind, spec.allowed, spec.minimum, spec.maximum, spec.item_kind, own,
                       spec.regions)


@lru_cache(maxsize=4096)
def _candidates(kind: str, allowed: tuple[Any, ...] | None, minimum: float | None,
                maximum: float | None, item_kind: str | None,
                tests: tuple[Test, ...], with_regions: bool = False) -> Candidates:
    ops = {op for _fact, op, _operand in tests}
    if kind == "bool":
        return Candidates((True, False), True)
    if kind == "enum" and allowed:
        return Candidates(tuple(allowed), True)
    if kind == "int" and minimum is not None and maximum is not None and (
            maximum - minimum < SMALL_RANGE):
        return Candidates(tuple(range(int(minimum), int(maximum) + 1)), True)
    if kind in ("int", "number", "date"):
        return Candidates(_ordered(kind, minimum, maximum, tests), "matches" not in ops)
    if kind == "string":
        values = _representatives(sorted(_literals(tests), key=repr), tests, with_regions, True)
        return Candidates(tuple(values), "matches" not in ops)
    if kind == "list":
        return _lists(allowed, item_kind, tests, with_regions)
    return Candidates(([],), False)  # lists of objects: only "none at all" is tried


def _literals(tests: Iterable[Test]) -> set[Any]:
    found: set[Any] = set()
    for _fact, op, operand in tests:
        if op in SET_OPERATORS:
            found.update(operand)
        elif op in ("eq", "ne", "contains"):
            found.add(operand)
    return found


def _ordered(kind: str, minimum: float | None, maximum: float | None,
             tests: tuple[Test, ...]) -> tuple[Any, ...]:
    """Each literal the tests compare with, and a value just either side of it."""
    points: set[Any] = set()
    for _fact, op, operand in tests:
        if op in ("scaling", "in", "not_in"):
            points.update(operand)
        elif op in ("eq", "ne", "gt", "gte", "lt", "lte"):
            points.add(operand)
    if kind == "date":
        dates = sorted(p for p in points if isinstance(p, dt.date))
        if not dates:
            return (dt.date(2000, 1, 1),)
        day = dt.timedelta(days=1)
        return tuple(sorted({d + step for d in dates for step in (-day, dt.timedelta(0), day)}))
    numbers = sorted(p for p in points if isinstance(p, int | float) and not isinstance(p, bool))
    if not numbers:
        return (minimum if minimum is not None else 0,)
    values: set[float] = set(numbers)
    if kind == "int":
        values.update(n + step for n in numbers for step in (-1, 1))
    else:
        values.update((a + b) / 2 for a, b in pairwise(numbers))
        values.update((numbers[0] - 1, numbers[-1] + 1))
    low = float("-inf") if minimum is None else minimum
    high = float("inf") if maximum is None else maximum
    kept = sorted(v for v in values if low <= v <= high)
    return tuple(int(v) if kind == "int" else v for v in kept)


def _member(value: Any, operand: Any) -> Any:
    """How a set test sees ``value``: a member always, for some periods only (a dated set:
    the answer depends on the review date), or not at all."""
    if value in getattr(operand, "always", ()):
        return True
    for member, periods in getattr(operand, "dated", ()):
        if member == value:
            return periods
    return value in operand if not hasattr(operand, "always") else False


def _signature(value: Any, tests: tuple[Test, ...]) -> tuple[Any, ...]:
    """Everything the tests can tell about one value (or one item of a list)."""
    seen: list[Any] = []
    for _fact, op, operand in tests:
        if op in SET_OPERATORS:
            seen.append(_member(value, operand))
        elif op in ("eq", "ne", "contains"):
            seen.append(value == operand)
    return tuple(seen)


def _representatives(universe: Iterable[Any], tests: tuple[Test, ...], with_regions: bool,
                     other: bool) -> list[Any]:
    """One value per class of values (or list items) the tests treat alike; every region a
    list may name (``EU``) is a class of its own, and so is "anything the rules never name"
    when the values are free text."""
    classes: dict[tuple[Any, ...], Any] = {}
    for value in universe:
        classes.setdefault(_signature(value, tests), value)
    found = list(classes.values())
    if with_regions:
        from secreview.valuesets import regions

        found += [code for code in sorted(regions()) if code not in found]
    if other and _signature(OTHER, tests) not in classes:
        found.append(OTHER)
    return found


def _lists(allowed: tuple[Any, ...] | None, item_kind: str | None, tests: tuple[Test, ...],
           with_regions: bool) -> Candidates:
    """Lists built from one representative per class of items the tests tell apart."""
    universe = list(allowed) if allowed else sorted(_literals(tests), key=repr)
    free = not allowed and item_kind in (None, "string")
    representatives = _representatives(universe, tests, with_regions, free)
    if len(representatives) <= MAX_LIST_CLASSES:
        subsets = [list(c) for size in range(len(representatives) + 1)
                   for c in combinations(representatives, size)]
        return Candidates(tuple(subsets), True)
    singles = [[v] for v in representatives]
    return Candidates(([], *singles, list(representatives)), False)
