"""Compile structured conditions into tri-state predicates over a flat fact mapping.

Each condition becomes a Python closure taking ``facts`` (path → value, ``None`` = unknown) and
returning ``True``, ``False`` or ``None``. Compilation checks every fact path against the catalogue
and every operator against the fact's type, so a misspelt path fails when the ruleset loads, not
silently at review time. Problems are collected, not raised one at a time, so the linter can list
them all.

Soundness: for every value operator, a result that is known despite unknown facts stays the same
whatever the answers turn out to be (tested as a property). ``exists`` and ``missing`` are the
deliberate exception: they ask whether a fact was answered at all; the linter refuses a
``missing`` test that could produce a finding on its own (unknown is never false). With
``strict_presence`` they are compiled the Kleene way instead (an unanswered fact makes them
unknown): the engine uses that second compilation to tell a finding established by the answers
from one that rests on a blank.

Set membership follows the review date: a named set may hold a member only for a period (an
adequacy decision, EU membership), so the test reads ``review.date`` and is unknown without it
for exactly those members. A list of countries may name a region (``EU``), which is inside a set
when all of it is, outside when none of it is, and unknown otherwise (``rules/membership.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from secreview.errors import Problem, did_you_mean
from secreview.facts import FactSpec, fits_kind
from secreview.rules.membership import REVIEW_DATE, contains_with_regions, membership
from secreview.rules.model import (
    AllOf,
    AnyOf,
    AtLeast,
    Condition,
    ForAll,
    ForAny,
    Leaf,
    NoneOf,
    Not,
    SetRef,
)
from secreview.rules.operators import OPERATORS, Facts, Operator, Predicate
from secreview.rules.operators import names as operator_names
from secreview.rules.regex_safety import SafePattern, UnsafePattern, compile_safe
from secreview.tristate import Tri, tri_at_least
from secreview.valuesets import ValueSet

PathKey = tuple[str | int, ...]
Test = tuple[str, str, Any]
"""(fact, operator, operand with sets resolved): one test a rule makes on a fact."""


@dataclass
class CompileContext:
    """What the compiler checks against, and where it reports problems."""

    facts: Mapping[str, FactSpec]
    sets: Mapping[str, ValueSet]
    where: Callable[[PathKey], dict[str, Any]] = lambda _path: {}
    rule_id: str | None = None
    problems: list[Problem] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    dated_tests: int = 0  # leaves that read the review date (a quantifier passes it down)
    strict_presence: bool = False
    presence: bool = False
    """Set when an ``exists`` or ``missing`` test was compiled."""
    tests: list[Test] = field(default_factory=list)
    """Every top-level test: what the engine needs to know which answers could change a
    condition (:mod:`secreview.engine.answers`)."""

    def problem(self, path: PathKey, message: str, code: str = "type-mismatch",
                **extra: Any) -> None:
        self.problems.append(Problem(message, rule_id=self.rule_id, code=code,
                                     **self.where(path), **extra))


def _never(_facts: Facts) -> Tri:
    return None


def compile_condition(cond: Condition, ctx: CompileContext, path: PathKey = (),
                      scope: Mapping[str, FactSpec] | None = None) -> Predicate:
    """Compile one condition. ``scope`` is the item fact catalogue inside a quantifier."""
    facts = ctx.facts if scope is None else scope
    if isinstance(cond, Leaf):
        return _compile_leaf(cond, ctx, path, facts, top_level=scope is None)
    if isinstance(cond, AllOf | AnyOf | NoneOf):
        key = "all" if isinstance(cond, AllOf) else "any" if isinstance(cond, AnyOf) else "none"
        members = getattr(cond, key)
        parts = tuple(compile_condition(c, ctx, (*path, key, i), scope)
                      for i, c in enumerate(members))
        if isinstance(cond, AllOf):
            return _all_of(parts)
        if isinstance(cond, AnyOf):
            return _any_of(parts)
        return _none_of(parts)
    if isinstance(cond, Not):
        inner = compile_condition(cond.not_, ctx, (*path, "not"), scope)

        def not_(f: Facts) -> Tri:
            value = inner(f)
            return None if value is None else not value
        return not_
    if isinstance(cond, AtLeast):
        count = cond.at_least
        parts = tuple(compile_condition(c, ctx, (*path, "of", i), scope)
                      for i, c in enumerate(cond.of))
        return lambda f: tri_at_least(count, [p(f) for p in parts])
    if isinstance(cond, ForAny | ForAll):
        return _compile_quantifier(cond, ctx, path, facts, top_level=scope is None)
    raise TypeError(f"not a condition: {cond!r}")  # pragma: no cover - model guarantees


# The combinators below are tri_and / tri_or / tri_not (see secreview.tristate) unrolled into
# loops over the compiled parts: the same Kleene results, without building a generator per call,
# which was most of a rule's evaluation cost (see docs/benchmarks.md).


def _all_of(parts: tuple[Predicate, ...]) -> Predicate:
    """Kleene AND: false if any part is false, else unknown if any is unknown, else true."""
    if len(parts) == 2:
        first, second = parts

        def all_two(f: Facts) -> Tri:
            a = first(f)
            if a is False:
                return False
            b = second(f)
            if b is False:
                return False
            return None if a is None or b is None else True
        return all_two

    def all_of(f: Facts) -> Tri:
        result: Tri = True
        for part in parts:
            value = part(f)
            if value is False:
                return False
            if value is None:
                result = None
        return result
    return all_of


def _any_of(parts: tuple[Predicate, ...]) -> Predicate:
    """Kleene OR: true if any part is true, else unknown if any is unknown, else false."""
    def any_of(f: Facts) -> Tri:
        result: Tri = False
        for part in parts:
            value = part(f)
            if value is True:
                return True
            if value is None:
                result = None
        return result
    return any_of


def _none_of(parts: tuple[Predicate, ...]) -> Predicate:
    """Kleene NOT OR: false if any part is true, else unknown if any is unknown, else true."""
    def none_of(f: Facts) -> Tri:
        result: Tri = True
        for part in parts:
            value = part(f)
            if value is True:
                return False
            if value is None:
                result = None
        return result
    return none_of


def _lookup(ctx: CompileContext, path: PathKey, name: str, facts: Mapping[str, FactSpec],
            key: str) -> FactSpec | None:
    spec = facts.get(name)
    if spec is None:
        ctx.problem(
            (*path, key),
            f"unknown fact '{name}'", code="unknown-fact",
            suggestion=did_you_mean(name, facts) or "run 'secreview schema system' to list facts",
        )
    return spec


def _compile_quantifier(cond: ForAny | ForAll, ctx: CompileContext, path: PathKey,
                        facts: Mapping[str, FactSpec], top_level: bool) -> Predicate:
    key = "for_any" if isinstance(cond, ForAny) else "for_all"
    name = getattr(cond, key)
    spec = _lookup(ctx, path, name, facts, key)
    if spec is None:
        return _never
    if top_level:
        ctx.used.add(name)
        ctx.tests.append((name, key, None))
    if spec.kind != "objects":
        ctx.problem((*path, key), f"'{key}' needs a list of objects, but '{name}' is {spec.kind}",
                    suggestion="use 'contains', 'intersects' or 'subset_of' on a list of values")
        return _never
    dated_before = ctx.dated_tests
    where = compile_condition(cond.where, ctx, (*path, "where"), spec.item_facts)
    # An item holds only its own fields; a dated set inside needs the review's date too.
    dated = ctx.dated_tests > dated_before
    if dated and top_level:
        ctx.used.add(REVIEW_DATE)
    if isinstance(cond, ForAny):
        def for_any(f: Facts) -> Tri:
            items = f.get(name)
            if items is None:
                return None
            result: Tri = False
            for item in items:
                value = where({**item, REVIEW_DATE: f.get(REVIEW_DATE)} if dated else item)
                if value is True:
                    return True
                if value is None:
                    result = None
            return result
        return for_any

    def for_all(f: Facts) -> Tri:
        items = f.get(name)
        if items is None:
            return None
        result: Tri = True
        for item in items:
            value = where({**item, REVIEW_DATE: f.get(REVIEW_DATE)} if dated else item)
            if value is False:
                return False
            if value is None:
                result = None
        return result
    return for_all


def _resolve_set(value: Any, ctx: CompileContext, path: PathKey) -> ValueSet | None:
    if isinstance(value, SetRef):
        found = ctx.sets.get(value.set)
        if found is None:
            ctx.problem(path, f"unknown value set '{value.set}'", code="unknown-set",
                        suggestion=did_you_mean(value.set, ctx.sets))
        return found
    return ValueSet.plain(value)


def _check_value(spec: FactSpec, value: Any, ctx: CompileContext, path: PathKey,
                 as_item: bool = False) -> None:
    """Does a literal fit the fact's type and allowed values?"""
    kind = spec.item_kind if as_item else spec.kind
    allowed = spec.allowed
    if allowed is not None and value not in allowed:
        ctx.problem(path, f"{value!r} is not a possible value of '{spec.path}'",
                    expected=", ".join(map(str, allowed)),
                    suggestion=did_you_mean(str(value), map(str, allowed)))
        return
    maximum = float("inf") if spec.maximum is None else spec.maximum
    if not fits_kind(kind, value):
        ctx.problem(path, f"{value!r} does not fit '{spec.path}', which holds {kind} values")
    elif spec.minimum is not None and isinstance(value, int | float) and not isinstance(
            value, bool) and not spec.minimum <= value <= maximum:
        ctx.problem(path, f"{value!r} is outside the range of '{spec.path}'",
                    expected=f"{spec.minimum:g} to {spec.maximum:g}" if spec.maximum is not None
                    else f"at least {spec.minimum:g}")


def _compile_leaf(leaf: Leaf, ctx: CompileContext, path: PathKey,
                  facts: Mapping[str, FactSpec], top_level: bool) -> Predicate:
    name = leaf.fact
    spec = _lookup(ctx, path, name, facts, "fact")
    op = OPERATORS[leaf.operator]
    operand = leaf.operand
    op_path = (*path, op.name)
    if spec is None:
        return _never
    if top_level:
        ctx.used.add(name)
    if not _fits_operator(op, spec, name, ctx, op_path):
        return _never

    if op.operand == "value":
        _check_value(spec, operand, ctx, op_path)
    elif op.operand == "item":
        _check_value(spec, operand, ctx, op_path, as_item=True)
        if op.name == "contains" and spec.regions:
            if top_level:
                ctx.tests.append((name, op.name, operand))
            return contains_with_regions(name, operand)
    elif op.operand == "set":
        resolved = _resolve_set(operand, ctx, op_path)
        if resolved is None:
            return _never
        if not isinstance(operand, SetRef):
            for i, item in enumerate(operand):
                _check_value(spec, item, ctx, (*op_path, i), as_item=spec.kind == "list")
        if resolved.is_dated or spec.regions:
            if resolved.is_dated:
                ctx.dated_tests += 1
                if top_level:
                    ctx.used.add(REVIEW_DATE)
            if top_level:
                ctx.tests.append((name, op.name, resolved))
            return membership(op.name, name, resolved)
        operand = resolved.always
    elif op.operand == "regex":
        operand = _compile_pattern(operand, ctx, op_path)
        if operand is None:
            return _never
    if top_level:
        ctx.tests.append((name, op.name, operand))
    if op.target == "any":  # exists / missing: was the fact answered at all?
        ctx.presence = True
        if ctx.strict_presence:
            return _answered(name, op.name == "exists")
    return op.build(name, operand)


def _answered(name: str, answered: bool) -> Predicate:
    """``exists``/``missing`` in Kleene form: unknown while the fact is unanswered."""
    return lambda f: None if f.get(name) is None else answered


def _fits_operator(op: Operator, spec: FactSpec, name: str, ctx: CompileContext,
                   op_path: PathKey) -> bool:
    """Can ``op`` test this fact at all? Reports why not, with the operators that can."""
    kind = spec.kind
    if kind == "objects" and not op.objects:
        ctx.problem(op_path, f"'{name}' is a list of objects; '{op.name}' cannot test it",
                    suggestion=f"use for_any/for_all: {{for_any: {name}, where: ...}}")
        return False
    if op.target == "list" and kind not in ("list", "objects"):
        ctx.problem(op_path, f"'{op.name}' needs a list fact, but '{name}' is {kind}",
                    suggestion="use 'eq' or 'in' on a single value")
        return False
    if op.target == "value" and kind == "list":
        *first, last = [f"'{n}'" for n in operator_names("list")]
        listed = f"{', '.join(first)} or {last}"
        ctx.problem(op_path, f"'{op.name}' tests one value, but '{name}' is a list",
                    suggestion=f"use {listed}")
        return False
    if op.ordered and not spec.ordered:
        ctx.problem(op_path, f"'{op.name}' needs an ordered fact (number, level, date), but "
                    f"'{name}' is {kind}", suggestion="use 'eq' or 'in'")
        return False
    if op.text and kind not in ("string", "enum"):
        ctx.problem(op_path, f"'{op.name}' needs a text fact, but '{name}' is {kind}")
        return False
    return True


def _compile_pattern(pattern: str, ctx: CompileContext, op_path: PathKey) -> SafePattern | None:
    try:
        return compile_safe(pattern)
    except UnsafePattern as exc:
        ctx.problem(op_path, str(exc), code="unsafe-regex",
                    suggestion=exc.hint or "see 'Regular expressions' in SECURITY.md")
    return None
