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
adequacy decision, EU membership), so the test reads ``derived.review_date`` and is unknown
without it
for exactly those members. A list of countries may name a region (``EU``), which is inside a set
when all of it is, outside when none of it is, and unknown otherwise (``rules/membership.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from secreview.dates import Offset, iso_date, relative_date
from secreview.errors import Problem, did_you_mean
from secreview.facts import REVIEW_DATE_FACT, FactSpec, fits_kind
from secreview.rules.membership import contains_with_regions, membership
from secreview.rules.model import (
    AllOf,
    AnyOf,
    AtLeast,
    Condition,
    FactRef,
    ForAll,
    ForAny,
    Leaf,
    NoneOf,
    Not,
    SetRef,
)
from secreview.rules.operators import OPERATORS, OUTER, Facts, Operator, Predicate, compare_with
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
    strict_presence: bool = False
    presence: bool = False
    """Set when an ``exists`` or ``missing`` test was compiled."""
    tests: list[Test] = field(default_factory=list)
    """Every top-level test: what the engine needs to know which answers could change a
    condition (:mod:`secreview.engine.answers`)."""
    quantifiers: list[Quantified] = field(default_factory=list)
    """Top-level ``for_any``/``for_all`` compiled, for naming the items that fail."""
    outer: list[Mapping[str, FactSpec]] = field(default_factory=list)
    """The scopes around the quantifier being compiled, outermost first."""
    reach: list[bool] = field(default_factory=list)
    """Per open quantifier: whether its ``where`` reads a fact outside the item."""
    within: list[str] = field(default_factory=list)
    """The lists whose items are being compiled (``for_any``/``for_all``), outermost first."""
    item_used: set[tuple[str, str]] = field(default_factory=set)
    """Item facts tested, as (list, fact): the linter's "extension fact never used" check."""
    reads_date: bool = False
    """Set when a test reads the review date to compare with (``review_date+90d``), for a dated
    set's members or a region's countries on the day (a condition on ``derived.review_date``
    itself reads it as a fact, in ``used``)."""

    def problem(self, path: PathKey, message: str, code: str = "type-mismatch",
                **extra: Any) -> None:
        self.problems.append(Problem(message, rule_id=self.rule_id, code=code,
                                     **self.where(path), **extra))


@dataclass(frozen=True)
class Quantified:
    """A compiled ``for_any``/``for_all`` over a list of the description: which items make it
    fire are those whose ``where`` gives ``fires_when`` (true, or false under a ``not``)."""

    list_path: str
    where: Predicate
    fires_when: bool
    reaches_out: bool

    def items(self, facts: Facts, values: tuple[Tri, ...]) -> list[Mapping[str, Any]]:
        """The list's items whose ``where`` gives one of ``values``, in list order."""
        found = []
        for item in facts.get(self.list_path) or ():
            probe = {**item, OUTER: facts} if self.reaches_out else item
            if self.where(probe) in values:
                found.append(item)
        return found


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
    ctx.outer.append(facts)
    ctx.reach.append(False)
    ctx.within.append(name)
    where = compile_condition(cond.where, ctx, (*path, "where"), spec.item_facts)
    ctx.within.pop()
    ctx.outer.pop()
    reaches_out = ctx.reach.pop()
    if top_level:
        negations = sum(1 for key in path if key in ("not", "none"))
        ctx.quantifiers.append(Quantified(name, where, negations % 2 == 0, reaches_out))
    return _quantifier(isinstance(cond, ForAny), name, where, reaches_out)


def _quantifier(some: bool, name: str, where: Predicate, reaches_out: bool) -> Predicate:
    """``for_any`` (``some``) or ``for_all`` over the list at ``name``; with ``reaches_out``
    each item is evaluated with the facts around it under :data:`OUTER`."""
    if some:
        def for_any(f: Facts) -> Tri:
            items = f.get(name)
            if items is None:
                return None
            result: Tri = False
            for item in items:
                value = where({**item, OUTER: f} if reaches_out else item)
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
            value = where({**item, OUTER: f} if reaches_out else item)
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
    elif ctx.within:
        ctx.item_used.add((ctx.within[-1], name))
    if not _fits_operator(op, spec, name, ctx, op_path):
        return _never

    if op.operand == "value":
        if op.compare is not None and (isinstance(operand, FactRef) or (
                spec.kind == "date" and isinstance(operand, str))):
            return _compile_dynamic(leaf, op, spec, ctx, op_path, facts)
        _check_value(spec, operand, ctx, op_path)
    elif op.operand == "item":
        _check_value(spec, operand, ctx, op_path, as_item=True)
        if op.name == "contains" and spec.regions:
            if top_level:
                ctx.tests.append((name, op.name, operand))
            return contains_with_regions(name, operand, _day(ctx))
    elif op.operand == "set":
        resolved = _resolve_set(operand, ctx, op_path)
        if resolved is None:
            return _never
        if not isinstance(operand, SetRef):
            for i, item in enumerate(operand):
                _check_value(spec, item, ctx, (*op_path, i), as_item=spec.kind == "list")
        if resolved.is_dated or spec.regions:
            if resolved.is_dated:
                ctx.used.add(REVIEW_DATE_FACT)
            if top_level:
                ctx.tests.append((name, op.name, resolved))
            return membership(op.name, name, resolved, _day(ctx))
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


_FAMILIES: dict[str, str] = {"int": "number", "number": "number", "date": "date",
                             "bool": "bool", "string": "text", "enum": "text"}


def _compile_dynamic(leaf: Leaf, op: Operator, spec: FactSpec, ctx: CompileContext,
                     op_path: PathKey, facts: Mapping[str, FactSpec]) -> Predicate:
    """A comparison with another fact (``{fact: PATH}``) or with the review date
    (``review_date+90d``) on a date fact; a date written as text (JSON) is a plain date."""
    assert op.compare is not None
    operand = leaf.operand
    if isinstance(operand, str):
        literal = iso_date(operand)
        if literal is not None:
            return op.build(leaf.fact, literal)
        offset = relative_date(operand)
        if offset is None:
            ctx.problem(op_path, f"{operand!r} is not a date to compare '{spec.path}' with",
                        expected="a date (2026-11-26), review_date, review_date+90d or "
                        "review_date-1y (d, w, m or y), or {fact: PATH}")
            return _never
        return compare_with(leaf.fact, op.compare, _review_date(ctx, offset))
    assert isinstance(operand, FactRef)
    other, depth = _resolve_ref(operand.fact, ctx, facts, (*op_path, "fact"))
    if other is None:
        return _never
    families = (_FAMILIES.get(spec.kind), _FAMILIES.get(other.kind))
    fits = families[0] is not None and families[0] == families[1]
    if not fits or (op.ordered and families[0] not in ("number", "date")):
        ctx.problem(op_path, f"'{op.name}' compares '{spec.path}' ({spec.kind}) with "
                    f"'{operand.fact}' ({other.kind}): "
                    + ("both must be numbers or both dates" if op.ordered
                       else "both must hold the same kind of value"))
        return _never
    return compare_with(leaf.fact, op.compare, _getter(operand.fact, depth, ctx))


def _resolve_ref(name: str, ctx: CompileContext, facts: Mapping[str, FactSpec],
                 path: PathKey) -> tuple[FactSpec | None, int]:
    """A fact named as an operand: the item's own first, then each scope around it. Returns
    the fact and how many scopes out it lives (0 = the scope being compiled)."""
    scopes = [facts, *reversed(ctx.outer)]
    for depth, scope in enumerate(scopes):
        spec = scope.get(name)
        if spec is not None:
            if depth == len(ctx.outer):
                ctx.used.add(name)
            return spec, depth
    known = {n for scope in scopes for n in scope}
    ctx.problem(path, f"unknown fact '{name}'", code="unknown-fact",
                suggestion=did_you_mean(name, known) or
                "run 'secreview schema system' to list facts")
    return None, 0


def _getter(name: str, depth: int, ctx: CompileContext) -> Callable[[Facts], Any]:
    """Reads ``name`` ``depth`` scopes out (through :data:`OUTER`), marking the quantifiers
    in between as reaching out of their items."""
    for level in range(1, depth + 1):
        ctx.reach[-level] = True
    if depth == 0:
        return lambda f: f.get(name)

    def get(f: Facts) -> Any:
        for _ in range(depth):
            f = f[OUTER]
        return f.get(name)
    return get


def _day(ctx: CompileContext) -> Callable[[Facts], Any]:
    """Reads the review date, the day a dated set's members and a region's countries are taken
    on, from wherever the test is (inside an item, through the scopes around it)."""
    ctx.reads_date = True
    return _getter(REVIEW_DATE_FACT, len(ctx.outer), ctx)


def _review_date(ctx: CompileContext, offset: Offset) -> Callable[[Facts], Any]:
    """The review date (a fact the engine sets at the root), moved by ``offset``."""
    ctx.used.add(REVIEW_DATE_FACT)
    ctx.reads_date = True
    read = _getter(REVIEW_DATE_FACT, len(ctx.outer), ctx)
    if offset.amount == 0:
        return read

    def shifted(f: Facts) -> Any:
        date = read(f)
        return None if date is None else offset.apply(date)
    return shifted


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
    if op.dates and kind != "date":
        ctx.problem(op_path, f"'{op.name}' needs a date fact, but '{name}' is {kind}",
                    suggestion="use 'lt' or 'gt' for numbers and levels")
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
