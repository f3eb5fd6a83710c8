"""A rule's texts state the classification levels its conditions use.

A message that says "information classified K2 is made available to a foreign provider" tells the
reader that K2 is why the rule fired. When the rule's threshold is K3, or when the level is only
one alternative among others (secrecy *or* K3), the sentence is wrong, and a board member reading
it draws the wrong conclusion. ``rules test`` runs this check beside the rule's examples:

- a level written out (``K3``, ``C3``, ``T2`` ...) must be a boundary of a comparison the rule
  makes on that classification aspect (``gte: 3`` names 3, and 2 as "above K2");
- a level printed from the description (``K{classification.confidentiality}``, or "level
  {classification.confidentiality}") must use the letter of that aspect in the text's language
  where it has one, and the rule may only fire when its test on the aspect holds (the test is not
  one alternative of an ``any``), otherwise the message can print a level that is not the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from secreview.errors import Problem
from secreview.i18n import Lang
from secreview.rules.loader import Catalog, CompiledRule
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
)

PREFIX = "classification."
LETTERS: dict[Lang, dict[str, str]] = {
    "sv": {"K": "confidentiality", "R": "integrity", "T": "availability", "S": "traceability"},
    "en": {"C": "confidentiality", "I": "integrity", "A": "availability", "T": "traceability"},
}
"""The letter each language gives a classification aspect (KLASSA: K, R, T; English C, I, A)."""


@dataclass(frozen=True)
class Comparison:
    fact: str
    operator: str
    value: object
    necessary: bool
    """True when the rule can only fire if this comparison holds (a chain of ``all``)."""

    def boundaries(self) -> set[int]:
        """The levels a text may name for this comparison: its threshold, either side of it."""
        value = self.value
        if self.operator in ("in", "not_in") and isinstance(value, list):
            return {v for v in value if isinstance(v, int)}
        if not isinstance(value, int) or isinstance(value, bool):
            return set()
        return {"gte": {value - 1, value}, "gt": {value, value + 1},
                "lte": {value, value + 1}, "lt": {value - 1, value},
                "eq": {value}, "ne": {value}}.get(self.operator, set())


def comparisons(condition: Condition | None, necessary: bool = True) -> Iterator[Comparison]:
    """Every test on a fact in ``condition``, and whether the rule needs it to hold."""
    if condition is None:
        return
    if isinstance(condition, Leaf):
        yield Comparison(condition.fact, condition.operator, condition.operand, necessary)
    elif isinstance(condition, AllOf):
        for part in condition.all:
            yield from comparisons(part, necessary)
    elif isinstance(condition, AnyOf):
        single = len(condition.any) == 1
        for part in condition.any:
            yield from comparisons(part, necessary and single)
    elif isinstance(condition, AtLeast):
        every = condition.at_least == len(condition.of)
        for part in condition.of:
            yield from comparisons(part, necessary and every)
    elif isinstance(condition, NoneOf):
        for part in condition.none:
            yield from comparisons(part, False)
    elif isinstance(condition, Not):
        yield from comparisons(condition.not_, False)
    elif isinstance(condition, ForAny | ForAll):
        yield from comparisons(condition.where, False)


def rule_comparisons(compiled: CompiledRule) -> list[Comparison]:
    """The rule's tests on classification levels: scope, finding, mitigations and scaling."""
    rule = compiled.rule
    found = [*comparisons(rule.applies_if), *comparisons(rule.finding_if)]
    for mitigation in rule.mitigations:
        found += [c for c in comparisons(mitigation.when, False)]
    scaling = rule.consequence_scaling
    if scaling is not None:
        found += [Comparison(scaling.fact, "gte", threshold, False)
                  for threshold in scaling.levels]
    return [c for c in found if c.fact.startswith(PREFIX)]


_WRITTEN = {lang: re.compile(r"\b([" + "".join(letters) + r"])([1-4])\b")
            for lang, letters in LETTERS.items()}
_PRINTED = re.compile(r"(?:\b([A-Z]))?\{(" + re.escape(PREFIX)
                      + r"(?:confidentiality|integrity|availability|traceability))\}")


def _texts(compiled: CompiledRule) -> Iterator[tuple[str, Lang, str]]:
    rule = compiled.rule
    for name, text in (("title", rule.title), ("message", rule.message),
                       ("remediation", rule.remediation)):
        yield name, "sv", text.sv
        yield name, "en", text.en


def level_problems(compiled: CompiledRule) -> list[str]:
    """What is wrong with the levels a rule's texts name; empty when they match its tests."""
    tests = rule_comparisons(compiled)
    problems: list[str] = []
    for name, lang, text in _texts(compiled):
        letters = LETTERS[lang]
        for match in _WRITTEN[lang].finditer(text):
            letter, level = match.group(1), int(match.group(2))
            fact = PREFIX + letters[letter]
            on_fact = [t for t in tests if t.fact == fact]
            allowed = set().union(*(t.boundaries() for t in on_fact)) if on_fact else set()
            if level not in allowed:
                used = ", ".join(f"{t.operator} {t.value}" for t in on_fact) or "none"
                problems.append(f"the {lang} {name} names {match.group(0)}, but the rule's "
                                f"tests on {fact} are: {used}")
        for match in _PRINTED.finditer(text):
            letter, fact = match.group(1), match.group(2)
            expected = {v: k for k, v in letters.items()}.get(fact.removeprefix(PREFIX))
            if letter is not None and expected is not None and letter != expected:
                problems.append(f"the {lang} {name} prints {fact} after '{letter}'; in {lang} "
                                f"that aspect is written '{expected}'")
            scope = [t for t in tests if t.fact == fact and t.necessary]
            if not scope:
                problems.append(f"the {lang} {name} prints the level of {fact} as if it were "
                                f"the reason, but the rule can fire whatever that level is; name "
                                "the threshold instead (e.g. 'K3 or higher')")
    return list(dict.fromkeys(problems))


def level_checks(catalog: Catalog) -> list[tuple[str, Problem | None]]:
    """For every rule: its id and a problem when its texts misstate its levels."""
    results: list[tuple[str, Problem | None]] = []
    for compiled in catalog.rules:
        problems = level_problems(compiled)
        problem = None
        if problems:
            problem = Problem("; ".join(problems), rule_id=compiled.id,
                              suggestion="make the text name the level the conditions test")
        results.append((compiled.id, problem))
    return results
