"""Evaluate compiled rules against one system description: outcomes with evidence.

DPIA screening rules (``dpia_criterion``) run first; their result becomes the derived facts
``derived.dpia_criteria_met`` and ``derived.dpia_required`` that other rules may test. Nothing here
scores or decides: an :class:`RuleOutcome` says only what the rule found and on which facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from secreview.dates import iso_date
from secreview.engine.dpia import derive_facts
from secreview.errors import InputError, Problem, did_you_mean
from secreview.facts import REVIEW_DATE_FACT, FactSpec, fits_kind, flatten
from secreview.loading import Document, PathKey
from secreview.rules.loader import Catalog, CompiledRule
from secreview.system import SystemDescription
from secreview.tristate import Tri
from secreview.vocabulary import OPEN_STATUSES, RuleStatus


class RuleOutcome(NamedTuple):
    """What one rule found for one system.

    A named tuple rather than a frozen dataclass: it is built once per rule and system, and a
    frozen dataclass's ``__init__`` cost more than evaluating most rules (docs/benchmarks.md).
    """

    rule: CompiledRule
    status: RuleStatus
    facts: Mapping[str, Any]
    mitigations_in_effect: tuple[str, ...]
    mitigations_unknown: tuple[str, ...]

    @property
    def evidence(self) -> tuple[tuple[str, Any], ...]:
        """Every fact the rule looked at, with its value (``None`` = unknown).

        Built on demand from the system's facts: most outcomes are passes nobody reads the
        evidence of, and building it eagerly cost more than evaluating the rule.
        """
        get = self.facts.get
        return tuple([(path, get(path)) for path in self.rule.facts_used])

    @property
    def unknown_facts(self) -> tuple[str, ...]:
        get = self.facts.get
        return tuple([path for path in self.rule.facts_used if get(path) is None])


_new_tuple = tuple.__new__


@dataclass(frozen=True)
class Evaluation:
    outcomes: tuple[RuleOutcome, ...]
    facts: Mapping[str, Any]


def decide_status(applies: Tri, finding: Tri, on_unknown: str) -> RuleStatus:
    """Combine scope and finding conditions under Kleene logic into one status."""
    if applies is False:
        return "not_applicable"
    if finding is False:
        return "pass"
    if finding is True and applies is True:
        return "finding"
    if on_unknown == "finding":
        return "finding"
    if on_unknown == "pass":
        return "pass"
    return "unknown"


def rule_status(compiled: CompiledRule, facts: Mapping[str, Any]) -> RuleStatus:
    """A rule's status alone: its scope and finding conditions, without mitigations or an
    :class:`RuleOutcome`. The benchmarks time this as the condition language's own cost."""
    applies = compiled.applies(facts) if compiled.applies is not None else True
    finding = compiled.finding(facts) if applies is not False else False
    return decide_status(applies, finding, compiled.rule.on_unknown)


def evaluate_rule(compiled: CompiledRule, facts: Mapping[str, Any]) -> RuleOutcome:
    """One rule against one system's facts. Mitigations are only looked at for a finding or an
    unknown: on a pass or an out-of-scope rule they would explain nothing."""
    # rule_status(), inlined: one call more costs a tenth of a typical rule's evaluation.
    applies = compiled.applies(facts) if compiled.applies is not None else True
    finding = compiled.finding(facts) if applies is not False else False
    status = decide_status(applies, finding, compiled.rule.on_unknown)
    in_effect: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    if compiled.mitigations and status in OPEN_STATUSES:
        holding: list[str] = []
        undecided: list[str] = []
        for mitigation in compiled.mitigations:
            holds = mitigation.predicate(facts)
            if holds is True:
                holding.append(mitigation.mitigation.id)
            elif holds is None:
                undecided.append(mitigation.mitigation.id)
        in_effect, unknown = tuple(holding), tuple(undecided)
    # What RuleOutcome(...) does, without its Python-level __new__: half the cost of the call.
    return _new_tuple(RuleOutcome, (compiled, status, facts, in_effect, unknown))


def evaluate(system: SystemDescription, catalog: Catalog,
             review_date: dt.date | None = None) -> Evaluation:
    """Run every rule of the catalogue against ``system``; screening rules first.

    ``review_date`` is what conditions compare with as ``review_date`` (by default the
    description's own ``review.date``; unknown when neither is given).
    """
    facts = flatten(system)
    facts[REVIEW_DATE_FACT] = review_date or system.review.date
    screening = [evaluate_rule(r, facts) for r in catalog.rules if r.rule.dpia_criterion]
    facts.update(derive_facts(screening))
    screened = iter(screening)  # in catalogue order, like the rules they came from
    outcomes = tuple([next(screened) if r.rule.dpia_criterion else evaluate_rule(r, facts)
                      for r in catalog.rules])
    return Evaluation(outcomes=outcomes, facts=facts)


ExtensionIssue = tuple[PathKey, str, Any, str | None]
"""An answer to an extension fact that does not fit: where in the description, what is wrong,
the answer, and a hint."""


def check_extensions(system: SystemDescription, doc: Document,
                     catalog: Catalog) -> SystemDescription:
    """Validate ``extensions:`` answers (top level and per list item) against the facts the
    loaded rulesets declare; returns the description with dates written as text read as dates."""
    typed, issues = typed_extensions(system, catalog)
    if issues:
        raise InputError([Problem(message, found=None if found is None else repr(found),
                                  suggestion=hint, **doc.where(path))
                          for path, message, found, hint in issues])
    return typed


def typed_extensions(system: SystemDescription, catalog: Catalog
                     ) -> tuple[SystemDescription, list[ExtensionIssue]]:
    """Every extension answer checked against its declaration (known name, type, allowed values,
    bounds). ``check``, reviews and rule examples all check answers here, so an answer one of
    them accepts none of them refuses."""
    issues: list[ExtensionIssue] = []
    top = {name: catalog.facts[f"extensions.{name}"] for name in catalog.extension_facts}
    answers = _typed_answers(system.extensions, top, ("extensions",), issues)
    update: dict[str, Any] = {"extensions": answers} if answers != system.extensions else {}
    for list_path, spec in catalog.facts.items():
        if spec.kind != "objects":
            continue
        items = _at(system, list_path)
        if not items:
            continue
        declared = {key.removeprefix("extensions."): item_spec
                    for key, item_spec in spec.item_facts.items() if item_spec.extension}
        typed_items = []
        for index, item in enumerate(items):
            typed = _typed_answers(item.extensions, declared,
                                   (*list_path.split("."), index, "extensions"), issues)
            typed_items.append(item if typed == item.extensions
                               else item.model_copy(update={"extensions": typed}))
        if typed_items != list(items):
            update = _set_at(system, update, list_path, typed_items)
    return (system.model_copy(update=update) if update else system), issues


def _at(system: SystemDescription, path: str) -> Any:
    value: Any = system
    for part in path.split("."):
        value = getattr(value, part, None)
    return value


def _set_at(system: SystemDescription, update: dict[str, Any], path: str,
            value: Any) -> dict[str, Any]:
    """``update`` for :meth:`model_copy` with the list at ``path`` replaced (one section deep)."""
    head, _, tail = path.partition(".")
    if not tail:
        return {**update, head: value}
    section = getattr(system, head)
    return {**update, head: section.model_copy(update={tail: value})}


def _typed_answers(answers: Mapping[str, Any], declared: Mapping[str, FactSpec],
                   base: PathKey, issues: list[ExtensionIssue]) -> dict[str, Any]:
    typed: dict[str, Any] = {}
    for name, value in answers.items():
        spec = declared.get(name)
        path = (*base, name)
        if spec is None:
            hint = did_you_mean(name, declared) or (
                "no loaded ruleset declares extension facts here" if not declared
                else f"declared facts: {', '.join(sorted(declared))}")
            issues.append((path, f"unknown extension fact '{name}'", None, hint))
            continue
        if spec.kind == "date" and isinstance(value, str) and iso_date(value) is not None:
            value = iso_date(value)  # a date in a JSON description is text
        error = _extension_type_error(spec, value)
        if error:
            issues.append((path, f"{'.'.join(map(str, path))}: {error}", value, None))
        typed[name] = value
    return typed


_KIND_WORDS: dict[str, str] = {
    "bool": "a bool value: true or false", "int": "a whole number", "number": "a number",
    "string": "text", "enum": "text", "date": "a date (YYYY-MM-DD)", "list": "a list",
}


def _extension_type_error(spec: FactSpec, value: Any) -> str | None:
    if value is None:
        return None
    if not fits_kind(spec.kind, value):
        return f"expected {_KIND_WORDS.get(spec.kind, spec.kind)}"
    allowed = spec.allowed
    if allowed is not None:
        values = value if isinstance(value, list) else [value]
        bad = [v for v in values if v not in allowed]
        if bad:
            return f"{bad[0]!r} is not one of {', '.join(map(str, allowed))}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        low = -float("inf") if spec.minimum is None else spec.minimum
        high = float("inf") if spec.maximum is None else spec.maximum
        if not low <= value <= high:
            bounds = " and ".join(b for b in (
                f"at least {spec.minimum:g}" if spec.minimum is not None else "",
                f"at most {spec.maximum:g}" if spec.maximum is not None else "") if b)
            return f"{value:g} is outside the allowed range ({bounds})"
    return None
