"""Lint checks across the loaded rules: two rules that test the same condition, rules that leave
out the routing condition of an extension fact they test, and extension facts placed in a
questionnaire section that does not exist.

Each returns :class:`secreview.errors.Problem` entries with a stable code; the linter adds
severity and hints.
"""

from __future__ import annotations

from typing import Any

from secreview.errors import Problem, did_you_mean
from secreview.rules.loader import Catalog, CompiledRule, LoadedRuleset
from secreview.rules.normal import Normal, conjuncts, firing_condition, normal_form


def _where(catalog: Catalog, compiled: CompiledRule, *path: str | int) -> dict[str, Any]:
    loaded = _ruleset(catalog, compiled)
    index = next(i for i, r in enumerate(loaded.model.rules) if r is compiled.rule)
    return loaded.document.where(("rules", index, *path))


def _ruleset(catalog: Catalog, compiled: CompiledRule) -> LoadedRuleset:
    return next(r for r in catalog.rulesets if r.source == compiled.source
                and any(rule is compiled.rule for rule in r.model.rules))


def duplicate_conditions(catalog: Catalog) -> list[Problem]:
    """A rule whose firing condition (scope and finding together, normalised) equals an earlier
    rule's: the same requirement is reported twice (an own rule beside the bundled one)."""
    problems: list[Problem] = []
    seen: dict[Normal, CompiledRule] = {}
    for compiled in catalog.rules:
        rule = compiled.rule
        form = firing_condition(rule.applies_if, rule.finding_if)
        first = seen.setdefault(form, compiled)
        if first is compiled:
            continue
        where = f"{first.source}:{first.position[0]}" if first.position else first.source
        problems.append(Problem(
            f"tests the same condition as rule '{first.id}' ({where}): both would report one "
            "problem twice", rule_id=compiled.id, code="duplicate-condition",
            suggestion=f"disable one of them in the profile, or make this one differ from "
                       f"'{first.id}'", **_where(catalog, compiled, "finding_if")))
    return problems


def unrouted_extension_facts(catalog: Catalog) -> list[Problem]:
    """A rule that tests an extension fact asked only when its ``asked_if`` holds, without that
    condition in its ``applies_if``: where the question is not asked the rule stays unknown."""
    problems: list[Problem] = []
    for compiled in catalog.rules:
        rule = compiled.rule
        scope = conjuncts(normal_form(rule.applies_if)) if rule.applies_if else set()
        for fact in compiled.facts_used:
            declared = catalog.extension(fact)
            if declared is None or declared.asked_if is None:
                continue
            routing = normal_form(declared.asked_if)
            if not conjuncts(routing) <= scope:
                problems.append(Problem(
                    f"tests '{fact}', which is only asked when its asked_if holds, but the "
                    "rule's applies_if does not require that: where the question is not asked "
                    "the rule stays unknown", rule_id=compiled.id, code="routing",
                    suggestion="add the fact's asked_if to the rule's applies_if (in an 'all' "
                               "if it has one already)",
                    **_where(catalog, compiled, "applies_if" if rule.applies_if else "id")))
    return problems


def unknown_sections(catalog: Catalog, sections: list[str]) -> list[Problem]:
    """Extension facts placed (``section:``) in a questionnaire section that does not exist, or
    given a section although they are asked per item (they stand with their list)."""
    problems: list[Problem] = []
    for loaded in catalog.rulesets:
        for index, fact in enumerate(loaded.model.facts):
            if fact.section is None:
                continue
            where = loaded.document.where(("facts", index, "section"))
            if fact.for_each is not None:
                problems.append(Problem(
                    f"extension fact '{fact.name}' is asked for each item of '{fact.for_each}', so "
                    "it stands with that list in the questionnaire; 'section' is not used",
                    code="extension-section", suggestion="remove 'section'", **where))
            elif fact.section not in sections:
                problems.append(Problem(
                    f"extension fact '{fact.name}' is placed in section '{fact.section}', "
                    "which the questionnaire does not have", code="extension-section",
                    suggestion=did_you_mean(fact.section, sections)
                    or f"sections: {', '.join(sections)}", **where))
    return problems
