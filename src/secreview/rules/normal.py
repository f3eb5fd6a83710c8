"""Conditions in a normal form, so two written differently but meaning the same compare equal.

The linter uses it to find two selected rules that test the same condition (an organisation's
own rule beside the bundled one it duplicates) and rules that leave out the routing condition of
an extension fact they test. The form is structural, not a proof of equivalence: it sorts and
flattens ``all``/``any``, removes double negation, reads ``in: [x]`` as ``eq: x`` and
``not: {eq: x}`` as ``ne: x``, ``at_least: 1`` as ``any``, and sorts set values. Two conditions
with the same normal form always mean the same; the reverse does not always hold.
"""

from __future__ import annotations

from typing import Any

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

Normal = tuple[Any, ...]

_OPPOSITE = {"eq": "ne", "ne": "eq", "in": "not_in", "not_in": "in"}


def _operand(value: Any) -> Any:
    if isinstance(value, FactRef):
        return ("fact", value.fact)
    if isinstance(value, SetRef):
        return ("set", value.set)
    if isinstance(value, list):
        return ("values", tuple(sorted((type(v).__name__, repr(v)) for v in set(value))))
    return (type(value).__name__, repr(value))


def _leaf(leaf: Leaf) -> Normal:
    op, operand = leaf.operator, leaf.operand
    if op in ("in", "not_in") and isinstance(operand, list) and len(set(operand)) == 1:
        op, operand = ("eq" if op == "in" else "ne"), operand[0]
    return ("leaf", leaf.fact, op, _operand(operand))


def _negate(form: Normal) -> Normal:
    if form[0] == "not":
        return form[1]  # type: ignore[no-any-return]
    if form[0] == "leaf" and form[2] in _OPPOSITE:
        return ("leaf", form[1], _OPPOSITE[form[2]], form[3])
    return ("not", form)


def _group(kind: str, members: list[Normal]) -> Normal:
    flat: list[Normal] = []
    for member in members:
        flat.extend(member[1] if member[0] == kind else (member,))
    unique = sorted(set(flat), key=repr)
    return unique[0] if len(unique) == 1 else (kind, tuple(unique))


def normal_form(cond: Condition) -> Normal:
    """The normal form of a condition (hashable, comparable with ``==``)."""
    if isinstance(cond, Leaf):
        return _leaf(cond)
    if isinstance(cond, AllOf):
        return _group("all", [normal_form(c) for c in cond.all])
    if isinstance(cond, AnyOf):
        return _group("any", [normal_form(c) for c in cond.any])
    if isinstance(cond, NoneOf):
        return _negate(_group("any", [normal_form(c) for c in cond.none]))
    if isinstance(cond, Not):
        return _negate(normal_form(cond.not_))
    if isinstance(cond, AtLeast):
        members = [normal_form(c) for c in cond.of]
        if cond.at_least == 1:
            return _group("any", members)
        if cond.at_least == len(members):
            return _group("all", members)
        return ("at_least", cond.at_least, tuple(sorted(members, key=repr)))
    if isinstance(cond, ForAny | ForAll):
        kind = "for_any" if isinstance(cond, ForAny) else "for_all"
        return (kind, getattr(cond, kind), normal_form(cond.where))
    raise TypeError(f"not a condition: {cond!r}")  # pragma: no cover - model guarantees


def firing_condition(applies_if: Condition | None, finding_if: Condition) -> Normal:
    """When a rule fires: its scope and its finding condition together."""
    finding = normal_form(finding_if)
    return finding if applies_if is None else _group("all", [normal_form(applies_if), finding])


def conjuncts(form: Normal) -> set[Normal]:
    """The parts a normal form requires together (itself, unless it is an ``all``)."""
    return set(form[1]) if form[0] == "all" else {form}
