"""Semantic checks on rules the schema refused, so one lint run reports every mistake.

A rule with a schema error (a misspelt operator, a missing field) cannot be compiled as a whole;
without this its unknown facts and misfit values would only show in the next run, after the
schema error is fixed. Here every part of such a rule that is valid on its own (a condition, a
sub-condition, a leaf, a message) is checked like a compiled rule's: fact names, operators
against fact types, values against allowed values, placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from secreview.errors import Problem, did_you_mean
from secreview.facts import FactSpec, fact_at
from secreview.i18n import PLACEHOLDER
from secreview.loading import Document, PathKey
from secreview.rules.compiler import CompileContext, compile_condition
from secreview.rules.loader import builtin_sets
from secreview.rules.model import Condition
from secreview.valuesets import ValueSet

_CONDITION: TypeAdapter[Any] = TypeAdapter(Condition)
_FACT_NAME = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*$")
_LISTS = ("all", "any", "none", "of")


@dataclass(frozen=True)
class BrokenRule:
    """A rule the schema refused, as written, and where it stands."""

    doc: Document
    index: int
    raw: Mapping[str, Any]

    @property
    def rule_id(self) -> str | None:
        value = self.raw.get("id")
        return value if isinstance(value, str) else None


def broken_rule_problems(broken: BrokenRule, facts: Mapping[str, FactSpec]) -> list[Problem]:
    """Every semantic problem in the valid parts of a rule the schema refused."""
    base: PathKey = ("rules", broken.index)
    sets = dict(builtin_sets())
    own = broken.doc.data.get("sets") if isinstance(broken.doc.data, dict) else None
    if isinstance(own, dict):
        sets.update({k: ValueSet.plain(v) for k, v in own.items()
                     if isinstance(k, str) and isinstance(v, list)
                     and all(isinstance(x, str | int | float | bool) for x in v)})
    ctx = CompileContext(facts=facts, sets=sets, rule_id=broken.rule_id,
                         where=lambda p: broken.doc.where((*base, *p)))
    raw = broken.raw
    for key in ("applies_if", "finding_if"):
        _walk(raw.get(key), ctx, (key,), None)
    mitigations = raw.get("mitigations")
    if isinstance(mitigations, list):
        for j, mitigation in enumerate(mitigations):
            if isinstance(mitigation, dict):
                _walk(mitigation.get("when"), ctx, ("mitigations", j, "when"), None)
    declared = _declared_here(broken.doc)
    problems = [p for p in ctx.problems + _placeholders(broken, facts, base)
                if not (p.code in ("unknown-fact", "placeholder")
                        and any(f"extensions.{name}'" in p.message for name in declared))]
    return problems


def _declared_here(doc: Document) -> set[str]:
    """Extension facts the file declares, even when its header kept it from loading: their
    names are not unknown facts."""
    entries = doc.data.get("facts") if isinstance(doc.data, dict) else None
    if not isinstance(entries, list):
        return set()
    return {e["name"] for e in entries if isinstance(e, dict) and isinstance(e.get("name"), str)}


def _walk(raw: Any, ctx: CompileContext, path: PathKey,
          scope: Mapping[str, FactSpec] | None) -> None:
    """Compile the largest valid parts of a raw condition; descend where a part is broken."""
    if not isinstance(raw, dict):
        return
    try:
        condition = _CONDITION.validate_python(raw)
    except ValidationError:
        pass
    else:
        compile_condition(condition, ctx, path, scope)
        return
    facts = ctx.facts if scope is None else scope
    for key in _LISTS:
        members = raw.get(key)
        if isinstance(members, list):
            for i, member in enumerate(members):
                _walk(member, ctx, (*path, key, i), scope)
    if "not" in raw:
        _walk(raw["not"], ctx, (*path, "not"), scope)
    for key in ("for_any", "for_all"):
        name = raw.get(key)
        if isinstance(name, str) and key in raw:
            spec = facts.get(name)
            if spec is not None and spec.kind == "objects":
                ctx.outer.append(facts)
                ctx.reach.append(False)
                ctx.within.append(name)
                _walk(raw.get("where"), ctx, (*path, "where"), spec.item_facts)
                ctx.within.pop()
                ctx.reach.pop()
                ctx.outer.pop()
            elif spec is None:
                _unknown(ctx, (*path, key), name, facts)
            return
    fact = raw.get("fact")
    if isinstance(fact, str) and _FACT_NAME.match(fact) and fact not in facts:
        _unknown(ctx, (*path, "fact"), fact, facts)


def _unknown(ctx: CompileContext, path: PathKey, name: str,
             facts: Mapping[str, FactSpec]) -> None:
    ctx.problem(path, f"unknown fact '{name}'", code="unknown-fact",
                suggestion=did_you_mean(name, facts)
                or "run 'secreview schema system' to list facts")


def _placeholders(broken: BrokenRule, facts: Mapping[str, FactSpec],
                  base: PathKey) -> list[Problem]:
    problems: list[Problem] = []
    for name in ("message", "message_unknown", "remediation"):
        text = broken.raw.get(name)
        if not isinstance(text, dict):
            continue
        for lang in ("sv", "en"):
            written = text.get(lang)
            if not isinstance(written, str):
                continue
            for path in PLACEHOLDER.findall(written):
                if fact_at(path, facts) is None:
                    problems.append(Problem(
                        f"placeholder '{{{path}}}' in {name} ({lang}) names no fact; it would be "
                        "shown as written", rule_id=broken.rule_id, code="placeholder",
                        suggestion=did_you_mean(path, facts),
                        **broken.doc.where((*base, name, lang))))
    return problems
