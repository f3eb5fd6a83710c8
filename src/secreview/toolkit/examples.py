"""Run the examples each rule carries: the rule's own tests, Semgrep-style.

An example is a partial system description and the status the rule must give, optionally with
the level it reaches (on the rule's 1–4 scale, after classification scaling and escalation, worst
case) and whether an escalation applies. Examples are validated like real descriptions, so an
example with a misspelt fact fails loudly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from secreview.engine.dpia import derive_facts
from secreview.engine.evaluate import RuleOutcome, evaluate_rule, prepare_facts
from secreview.engine.scoring import escalated, rule_bounds
from secreview.errors import Problem
from secreview.inputs import typed_extensions
from secreview.rules.loader import Catalog, CompiledRule
from secreview.rules.model import Example
from secreview.system import SystemDescription
from secreview.validation import data_path


@dataclass(frozen=True)
class ExampleResult:
    rule_id: str
    name: str
    expected: str
    actual: str | None  # None when the example itself is invalid
    problem: Problem | None = None

    @property
    def passed(self) -> bool:
        return self.problem is None and self.expected == self.actual


def with_derived_facts(facts: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    """Screening rules decide the derived DPIA facts; examples (and the linter's trial
    descriptions) get them like a real review."""
    screening = [evaluate_rule(r, facts) for r in catalog.rules if r.rule.dpia_criterion]
    facts.update(derive_facts(screening, facts))
    return facts


def run_rule_examples(compiled: CompiledRule, catalog: Catalog) -> list[ExampleResult]:
    """Evaluate each of a rule's examples as a small system of its own, with the whole catalogue
    (screening rules included), so derived facts behave as in a review."""
    results: list[ExampleResult] = []
    # Found by identity, not by id: two files may (wrongly) share a ruleset id while linting.
    loaded, rule_index = next((r, i) for r in catalog.rulesets if r.source == compiled.source
                              for i, rule in enumerate(r.model.rules) if rule is compiled.rule)
    for index, example in enumerate(compiled.rule.examples):
        try:
            system = SystemDescription.model_validate(example.facts)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            location = ".".join(str(p) for p in first["loc"])
            # At the offending fact itself, not just at the example that holds it.
            facts_path = ("rules", rule_index, "examples", index, "facts")
            where = loaded.document.where((*facts_path, *data_path(example.facts, first["loc"])))
            results.append(ExampleResult(
                compiled.id, example.name, example.expect, None,
                Problem(f"example '{example.name}' is not a valid system description: "
                        f"{location}: {first['msg']}", rule_id=compiled.id, **where),
            ))
            continue
        system, issues = typed_extensions(system, catalog)
        if issues:  # answered as 'check' would refuse them in a description
            path, message, found, hint = issues[0]
            where = loaded.document.where(
                ("rules", rule_index, "examples", index, "facts", *path))
            results.append(ExampleResult(
                compiled.id, example.name, example.expect, None,
                Problem(f"example '{example.name}' is not a valid system description: "
                        f"{message}", rule_id=compiled.id, suggestion=hint,
                        found=None if found is None else repr(found), **where)))
            continue
        # Only the example's own review date (prepare_facts without one): an example must not
        # pass today and fail next year.
        facts = with_derived_facts(prepare_facts(system), catalog)
        outcome = evaluate_rule(compiled, facts)
        expected, actual = _described(example, outcome, facts)
        results.append(ExampleResult(compiled.id, example.name, expected, actual))
    return results


def _described(example: Example, outcome: RuleOutcome,
               facts: Mapping[str, Any]) -> tuple[str, str]:
    """What the example expects and what the rule gives, as comparable text: the status, and
    the level or escalation when the example states them ("finding, consequence 4,
    escalated")."""
    expected: list[str] = [example.expect]
    actual: list[str] = [outcome.status]
    if example.consequence is not None or example.likelihood is not None:
        likelihood, consequence = rule_bounds(outcome, facts).worst
        for axis, wanted, got in (("consequence", example.consequence, consequence),
                                  ("likelihood", example.likelihood, likelihood)):
            if wanted is not None:
                expected.append(f"{axis} {wanted}")
                actual.append(f"{axis} {got}")
    if example.escalated is not None:
        words = {True: "escalated", False: "not escalated", None: "escalation unknown"}
        expected.append(words[example.escalated])
        actual.append(words[escalated(outcome.rule, facts)])
    return ", ".join(expected), ", ".join(actual)


def run_examples(catalog: Catalog) -> list[ExampleResult]:
    """Every example of every rule in the catalogue, in catalogue order."""
    return [result for rule in catalog.rules for result in run_rule_examples(rule, catalog)]
