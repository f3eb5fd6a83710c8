"""Per-rule results remembered across reviews by the same :class:`secreview.Reviewer`.

What a rule yields (its outcome, its score, its view in the decision policy) depends only on the
values of the facts the rule reads, on the review date when the rule reads it (dated country
sets, a region's countries, dates compared with the review date) and on what the Reviewer holds
fixed: the compiled rules and the profile's matrix and overrides. The workspace
reviews a description again after every answer, and the deciding-facts search tries hundreds of
hypothetical answers per review, most of them leaving a given rule's facts as they were in the
previous review or the previous try; remembering the result by those values makes each of those
a dictionary lookup instead of an evaluation.

A :class:`RuleMemo` belongs to one catalogue and one profile (:meth:`serves` checks identity), so
it can never answer for other rules. Waivers vary per review and are never part of what is kept
(callers compute waived rules directly). The memo is bounded: when full it starts afresh, which
keeps it cheap and never changes a result, since every entry is a pure function of its key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from secreview.facts import REVIEW_DATE_FACT

if TYPE_CHECKING:
    from secreview.rules.loader import CompiledRule

T = TypeVar("T")

LIMIT = 20_000
"""Entries kept before the memo starts afresh: at most about 40 MB (about 2 KB an entry, key
included, measured on the generated portfolio; findings are the large ones)."""


class RuleMemo:
    """Remembered per-rule results for one catalogue and one profile (thread-safe for the
    dictionary operations it uses; a race at worst computes an entry twice)."""

    def __init__(self, catalog: object, profile: object, limit: int = LIMIT) -> None:
        self._catalog = catalog
        self._profile = profile
        self._limit = limit
        self._store: dict[tuple[Any, ...], Any] = {}
        self._paths: dict[str, tuple[str, ...]] = {}
        self.hits = 0
        self.misses = 0

    def serves(self, catalog: object, profile: object) -> bool:
        """Whether results kept here hold for ``catalog`` and ``profile``."""
        return catalog is self._catalog and profile is self._profile

    def get_or_compute(self, kind: str, rule_id: str, used: tuple[str, ...],
                       facts: Mapping[str, Any], compute: Callable[[], T],
                       dated: bool = True) -> T:
        """``compute()``, or what it returned before for the same rule and values of ``used``
        (and, when ``dated``, the same review date: a rule that never reads the date gives the
        same result on any day, so a portfolio of descriptions dated over a year shares it).
        Values that cannot be a key are computed every time."""
        key = _key(kind, rule_id, used, facts, dated)
        if key is None:
            return compute()
        try:
            found: T = self._store[key]
        except KeyError:
            pass
        else:
            self.hits += 1
            return found
        self.misses += 1
        result = compute()
        if len(self._store) >= self._limit:
            self._store.clear()
        self._store[key] = result
        return result

    def paths(self, compiled: CompiledRule,
              find: Callable[[CompiledRule], tuple[str, ...]]) -> tuple[str, ...]:
        """``find(compiled)``, once per rule: the facts a kind of result reads besides the
        rule's own ``facts_used``."""
        found = self._paths.get(compiled.id)
        if found is None:
            found = self._paths[compiled.id] = find(compiled)
        return found

    def clear(self) -> None:
        """Forget every result (for measurements that start cold)."""
        self._store.clear()

    def __len__(self) -> int:
        return len(self._store)


def _key(kind: str, rule_id: str, used: tuple[str, ...], facts: Mapping[str, Any],
         dated: bool) -> tuple[Any, ...] | None:
    values = tuple(map(facts.get, used))
    # The types too: True == 1 == 1.0 as keys, but a value is shown as it was given.
    types = tuple(map(type, values))
    try:
        hash(values)
    except TypeError:
        values = tuple([_frozen(v) if v.__class__.__hash__ is None else v for v in values])
        try:
            hash(values)
        except TypeError:
            return None
    return (kind, rule_id, facts.get(REVIEW_DATE_FACT) if dated else None, values, types)


def _frozen(value: Any) -> Any:
    """A hashable stand-in for a list or mapping: every part tagged with its type, so that
    ``[1]``, ``[True]`` and ``(1,)`` (or a list and a mapping with the same items) never share
    a key. A list of strings (country codes, categories) is the common case, kept short."""
    if isinstance(value, (list, tuple)):
        if all(v.__class__ is str for v in value):
            return (value.__class__, str, tuple(value))
        return (value.__class__, tuple([_frozen(v) for v in value]))
    if isinstance(value, dict):
        items = tuple(sorted(value.items()))
        try:
            hash(items)
        except TypeError:  # a value that is itself a list or mapping
            return (dict, tuple([(k, _frozen(v)) for k, v in items]))
        # The common item (a subprocessor: name, country, role): its plain values as they
        # are, with their types beside them.
        return (dict, items, tuple([v.__class__ for _k, v in items]))
    return (value.__class__, value)
