"""Do routing answers close their branches? The linter's check of ``data/routing.yaml``.

A routing answer ("no personal data", "no AI", "everything stays in the EEA") promises that a
branch of questions no longer matters. Two things are checked for every rule:

* a rule the answer is said to close (``closes:``) is decided by that answer alone: not
  applicable or passed, never left open;
* a rule that reads a fact of the closed branch no longer depends on it: trying every value of
  each such fact that is still unanswered leaves the rule's status unchanged. A rule that fails
  this would keep asking a question the questionnaire told the person to skip.

Facts with an open-ended range (free text, numbers, lists of entries) are not tried; booleans,
enumerations and a few lists are, which covers what routing branches hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from secreview.engine.evaluate import rule_status
from secreview.facts import FactSpec
from secreview.routing import RoutingEntry, apply_implications, routing
from secreview.rules.loader import Catalog, CompiledRule
from secreview.toolkit.examples import with_derived_facts


@dataclass(frozen=True)
class OpenRule:
    """A rule a routing answer should close but does not."""

    rule: CompiledRule
    entry: RoutingEntry
    fact: str | None  # the branch fact the rule still depends on; None: not decided at all
    status: str


def _trial_values(spec: FactSpec) -> tuple[Any, ...]:
    if spec.kind == "bool":
        return (True, False)
    if spec.kind == "enum" and spec.allowed:
        return tuple(spec.allowed)
    if spec.kind == "list":
        if spec.allowed:
            return ([], [spec.allowed[0]])
        if spec.regions:
            return ([], ["SE"], ["US"])
    return ()


def _answered(entry: RoutingEntry, catalog: Catalog, extra: dict[str, Any] | None = None
              ) -> dict[str, Any]:
    facts: dict[str, Any] = {entry.fact: entry.answer, **(extra or {})}
    apply_implications(facts)
    return with_derived_facts(facts, catalog)


def open_rules(catalog: Catalog) -> Iterator[OpenRule]:
    """Every rule that a routing answer leaves open, with the fact it still depends on."""
    for entry in routing().entries:
        facts = _answered(entry, catalog)
        for compiled in catalog.rules:
            if compiled.rule.dpia_criterion is not None:
                continue
            status = rule_status(compiled, facts)
            if entry.closes_rule(compiled.id, compiled.aspect) and status == "unknown":
                yield OpenRule(compiled, entry, None, status)
                continue
            for path in compiled.facts_used:
                spec = catalog.facts.get(path)
                if spec is None or not entry.in_branch(path) or facts.get(path) is not None:
                    continue
                tried = {rule_status(compiled, _answered(entry, catalog, {path: value}))
                         for value in _trial_values(spec)}
                if tried and tried != {status}:
                    yield OpenRule(compiled, entry, path, status)
