"""Named value sets with the dates their members hold, and the regions descriptions may name.

Rules test countries against sets (``{set: eea_or_adequate}``). Membership of such a set is a
legal fact that changes: an adequacy decision applies from the day it is adopted, the United
Kingdom left the EU. A :class:`ValueSet` therefore knows its members *on a date*, and a review
uses its review date, so the law applied is the law in force then. Without a date only members
whose status never changed while the GDPR has applied are certain; membership of the others is
unknown, never guessed.

A region (``EU``, ``EEA``) may stand in a list of countries for "somewhere in that region"; it is
inside a set when every possible member is, outside when none is, and unknown otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from secreview.tristate import Tri

GDPR_APPLIES = dt.date(2018, 5, 25)
"""Reviews are made under the GDPR: a membership that held on every day since then is certain."""

Interval = tuple[dt.date, dt.date]
_EVER: tuple[Interval, ...] = ((GDPR_APPLIES, dt.date.max),)


@dataclass(frozen=True)
class Period:
    """When a dated member belongs to its set (both ends inclusive) and on what basis."""

    start: dt.date | None = None
    end: dt.date | None = None
    basis: str | None = None

    def holds(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def interval(self) -> Interval | None:
        """The days it holds while the GDPR applies, or None if it ended before."""
        start = max(self.start or GDPR_APPLIES, GDPR_APPLIES)
        end = self.end or dt.date.max
        return (start, end) if start <= end else None


@dataclass(frozen=True)
class ValueSet:
    """A set of values, some of them members only for a period."""

    always: frozenset[Any]
    dated: tuple[tuple[Any, tuple[Period, ...]], ...] = ()
    title: str | None = field(default=None, compare=False)

    def __hash__(self) -> int:
        """Computed once: membership is cached per (set, day), and hashing the dated members
        anew on every lookup was most of what a review spent on transfer rules."""
        cached: int | None = self.__dict__.get("_hash")
        if cached is None:
            cached = hash((self.always, self.dated))
            object.__setattr__(self, "_hash", cached)
        return cached

    @classmethod
    def plain(cls, values: Iterable[Any]) -> ValueSet:
        return cls(frozenset(values))

    @property
    def is_dated(self) -> bool:
        return bool(self.dated)

    @property
    def possible(self) -> frozenset[Any]:
        """Every value that is a member on some date."""
        return self.always | {value for value, _ in self.dated}

    def __iter__(self) -> Iterator[Any]:
        return iter(sorted(self.possible, key=str))

    def __contains__(self, value: object) -> bool:
        """Possible membership, for callers that only ask "could this ever be a member"."""
        return value in self.always or any(value == v for v, _ in self.dated)

    def members_on(self, day: dt.date | None) -> tuple[frozenset[Any], frozenset[Any]]:
        """``(certain, possible)`` members on ``day``; without a day only the timeless are
        certain."""
        return _members_on(self, day)

    def contains(self, value: Any, day: dt.date | None) -> Tri:
        certain, possible = self.members_on(day)
        if value in certain:
            return True
        return False if value not in possible else None

    def periods(self, value: Any) -> tuple[Period, ...]:
        return next((periods for v, periods in self.dated if v == value), ())

    def timeline(self, value: Any) -> tuple[Interval, ...]:
        """The days ``value`` is a member while the GDPR applies, as merged intervals."""
        if value in self.always:
            return _EVER
        return _merge(p.interval() for p in self.periods(value))


def _merge(intervals: Iterable[Interval | None]) -> tuple[Interval, ...]:
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i is not None):
        if merged and start <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _covered(inner: tuple[Interval, ...], outer: tuple[Interval, ...]) -> bool:
    """Is every day of ``inner`` also a day of ``outer`` (both merged)?"""
    return all(any(o_start <= start and end <= o_end for o_start, o_end in outer)
               for start, end in inner)


def _disjoint(first: tuple[Interval, ...], second: tuple[Interval, ...]) -> bool:
    return not any(start <= o_end and o_start <= end
                   for start, end in first for o_start, o_end in second)


@lru_cache(maxsize=1024)
def _members_on(value_set: ValueSet, day: dt.date | None) -> tuple[frozenset[Any], frozenset[Any]]:
    if day is None:
        timeless = {value for value, _ in value_set.dated if value_set.timeline(value) == _EVER}
        possible = {value for value in value_set.possible if value_set.timeline(value)}
        return value_set.always | timeless, frozenset(possible)
    members = value_set.always | {value for value, periods in value_set.dated
                                  if any(p.holds(day) for p in periods)}
    return members, members


@lru_cache(maxsize=256)
def _region_in(region: ValueSet, value_set: ValueSet) -> Tri:
    """Without a date: is the region inside the set on every day (true), on none (false)?"""
    inside = outside = True
    for member in region.possible:
        days = region.timeline(member)
        if not days:
            continue
        in_set = value_set.timeline(member)
        inside = inside and _covered(days, in_set)
        outside = outside and _disjoint(days, in_set)
    return True if inside else (False if outside else None)


def element_in(element: Any, value_set: ValueSet, day: dt.date | None,
               regions: Mapping[str, ValueSet]) -> Tri:
    """Is ``element`` (a value, or a region standing for "somewhere in it") in ``value_set``?"""
    region = regions.get(element) if isinstance(element, str) else None
    if region is None:
        return value_set.contains(element, day)
    if day is None:
        return _region_in(region, value_set)
    certain, possible = value_set.members_on(day)
    _, somewhere = region.members_on(day)
    if somewhere <= certain:
        return True
    if not somewhere & possible:
        return False
    return None


def region_may_hold(element: Any, value: Any, day: dt.date | None,
                    regions: Mapping[str, ValueSet]) -> Tri:
    """Does a list element stand for ``value``: equal (true), a region that may include it
    (unknown), or neither (false)."""
    if element == value:
        return True
    region = regions.get(element) if isinstance(element, str) else None
    if region is None:
        return False
    return None if value in region.members_on(day)[1] else False


# --- the bundled sets (data/sets.yaml) -----------------------------------------------------------

def _period(entry: Mapping[str, Any]) -> Period:
    return Period(start=entry.get("from"), end=entry.get("until"), basis=entry.get("basis"))


def build_sets(raw: Mapping[str, Any]) -> dict[str, ValueSet]:
    """Resolve ``include`` and dated members into :class:`ValueSet` objects, by name."""
    definitions: Mapping[str, Any] = raw["sets"]
    built: dict[str, ValueSet] = {}

    def resolve(name: str, seen: tuple[str, ...] = ()) -> ValueSet:
        if name in built:
            return built[name]
        if name in seen:
            raise ValueError(f"value set '{name}' includes itself: {' -> '.join([*seen, name])}")
        spec = definitions[name]
        always: set[Any] = set(spec.get("members") or ())
        dated: dict[Any, list[Period]] = {}
        for included in spec.get("include") or ():
            other = resolve(included, (*seen, name))
            always |= other.always
            for value, periods in other.dated:
                dated.setdefault(value, []).extend(periods)
        for entry in spec.get("dated") or ():
            dated.setdefault(entry["value"], []).append(_period(entry))
        dated_members = tuple(sorted(((v, tuple(ps)) for v, ps in dated.items() if v not in always),
                                     key=lambda item: str(item[0])))
        built[name] = ValueSet(frozenset(always), dated_members, spec.get("title"))
        return built[name]

    for set_name in definitions:
        resolve(set_name)
    return built


@cache
def bundled_sets() -> dict[str, ValueSet]:
    """The value sets of ``data/sets.yaml``, built once."""
    from secreview.bundled import load_data

    return build_sets(load_data("sets.yaml"))


@cache
def regions() -> dict[str, ValueSet]:
    """Region names a list of countries may hold (``EU``, ``EEA``), with their sets."""
    from secreview.bundled import load_data

    return {code: bundled_sets()[name] for code, name in load_data("sets.yaml")["regions"].items()}
