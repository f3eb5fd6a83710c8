"""Kleene three-valued logic: ``True``, ``False`` and ``None`` (unknown).

A fact nobody answered is unknown, and unknown must never silently become false: that is how a
review passes a system nobody described. These functions are the whole of the logic; the condition
compiler builds on them and the property tests check their laws.
"""

from __future__ import annotations

from collections.abc import Iterable

Tri = bool | None
UNKNOWN: Tri = None


def tri_not(value: Tri) -> Tri:
    return None if value is None else not value


def tri_and(values: Iterable[Tri]) -> Tri:
    """False if any is false; else unknown if any is unknown; else true (empty: true)."""
    result: Tri = True
    for value in values:
        if value is False:
            return False
        if value is None:
            result = None
    return result


def tri_or(values: Iterable[Tri]) -> Tri:
    """True if any is true; else unknown if any is unknown; else false (empty: false)."""
    result: Tri = False
    for value in values:
        if value is True:
            return True
        if value is None:
            result = None
    return result


def tri_at_least(count: int, values: Iterable[Tri]) -> Tri:
    """True if at least ``count`` are true for certain; false if they cannot be; else unknown."""
    true = unknown = 0
    for value in values:
        if value is True:
            true += 1
        elif value is None:
            unknown += 1
    if true >= count:
        return True
    if true + unknown < count:
        return False
    return None
