"""Set operators where membership depends on the review date, or a list names a region.

``in``, ``not_in``, ``subset_of`` and ``intersects`` compile to the plain predicates of
:mod:`secreview.rules.operators` for a timeless set over plain values (the fast, common case).
A dated set (an adequacy decision from a day) or a list of countries that may hold ``EU`` or
``EEA`` is tested here instead, element by element in Kleene logic, against the members on the
review date (``derived.review_date``, unknown without it for the members whose status changed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from secreview.rules.operators import Facts, Predicate
from secreview.tristate import Tri
from secreview.valuesets import ValueSet, element_in, region_may_hold, regions

Day = Callable[[Facts], Any]
"""Reads the review date for a test: the compiler's getter, which reaches it from inside an item
(``for_any``/``for_all``) through the scopes around it."""


def membership(op: str, name: str, value_set: ValueSet, day_of: Day) -> Predicate:
    """``in``, ``not_in``, ``subset_of`` or ``intersects`` on ``name``, element by element.

    An element that is a certain member on the day and names no region is settled by the set
    of members looked up once per test (the common case: a country code such as ``SE``);
    anything else goes through :func:`element_in`."""
    areas = regions()

    def member(f: Facts) -> Tri:
        value = f.get(name)
        if value is None:
            return None
        found = element_in(value, value_set, day_of(f), areas)
        if op == "in":
            return found
        return None if found is None else not found

    def subset_of(f: Facts) -> Tri:
        values = f.get(name)
        if values is None:
            return None
        day = day_of(f)
        certain = value_set.members_on(day)[0]
        result: Tri = True
        for element in values:
            if element in certain and element not in areas:
                continue
            found = element_in(element, value_set, day, areas)
            if found is False:
                return False
            if found is None:
                result = None
        return result

    def intersects(f: Facts) -> Tri:
        values = f.get(name)
        if values is None:
            return None
        day = day_of(f)
        certain = value_set.members_on(day)[0]
        result: Tri = False
        for element in values:
            if element in certain and element not in areas:
                return True
            found = element_in(element, value_set, day, areas)
            if found is True:
                return True
            if found is None:
                result = None
        return result

    builders = {"in": member, "not_in": member, "subset_of": subset_of, "intersects": intersects}
    return builders[op]


def contains_with_regions(name: str, wanted: Any, day_of: Day) -> Predicate:
    """``contains`` on a list of countries: a region in the list may or may not hold it."""
    areas = regions()

    def contains(f: Facts) -> Tri:
        values = f.get(name)
        if values is None:
            return None
        if wanted in values:
            return True
        day = day_of(f)
        if any(region_may_hold(value, wanted, day, areas) is None for value in values):
            return None
        return False
    return contains
