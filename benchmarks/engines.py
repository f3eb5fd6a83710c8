"""The same twenty rules in three engines: secreview, CEL (common-expression-language), Rego
(regopy), each asked for one status per rule and system.

Fairness, as set up here:

* every engine compiles its rules once, before any timing;
* every engine receives the same facts: secreview its flat fact mapping, CEL and Rego a nested
  document holding exactly the facts the rules use, with ``null`` for an unanswered one (they
  have no notion of unknown, so absence has to be made explicit);
* CEL runs one compiled program per rule that returns the status itself, against a
  :class:`cel.Context` built once per system and reused by all twenty programs;
* Rego runs one compiled bundle per system (``set_input`` then ``query_bundle``), which
  evaluates all twenty rules in one call, the cheapest way regopy offers.

CEL and Rego are optional (``pip install -e '.[bench]'``); :func:`available` says which are
installed so the report can say what it could not measure.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from secreview.engine.evaluate import evaluate_rule, rule_status
from secreview.facts import json_value
from secreview.rules.loader import Catalog, builtin_sets, load_catalog
from secreview.vocabulary import RuleStatus

EQUIVALENTS = Path(__file__).resolve().parent / "equivalents"
RULES_YAML = EQUIVALENTS / "rules.yaml"
RULES_REGO = EQUIVALENTS / "rules.rego"
RULES_CEL = EQUIVALENTS / "rules_cel.yaml"
SETS_USED = ("eea", "adequacy")
SETS_ON = dt.date(2026, 6, 1)
"""The generated reviews are all dated in 2026 (benchmarks/generate.py): CEL and Rego get the
members the sets had then, as literals, where secreview reads each system's own review date."""

Statuses = dict[str, str]


def available() -> dict[str, bool]:
    """Which optional engines are importable."""
    return {"cel": importlib.util.find_spec("cel") is not None,
            "rego": importlib.util.find_spec("regopy") is not None}


def package_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


class Ours:
    """secreview's compiled rules for the twenty equivalents."""

    def __init__(self) -> None:
        self.catalog: Catalog = load_catalog([RULES_YAML])
        self.rules = self.catalog.rules

    @cached_property
    def fact_paths(self) -> tuple[str, ...]:
        return tuple(sorted({path for rule in self.rules for path in rule.facts_used}))

    def statuses(self, facts: Mapping[str, Any]) -> Statuses:
        """What the product computes: a full outcome (with evidence) per rule."""
        return {r.id: evaluate_rule(r, facts).status for r in self.rules}

    def status_only(self, facts: Mapping[str, Any]) -> Statuses:
        """Only the two predicates and the status, without building an RuleOutcome."""
        return {r.id: rule_status(r, facts) for r in self.rules}

    def document(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """The nested document CEL and Rego read: every used fact present, null if unknown."""
        doc: dict[str, Any] = {}
        for path in self.fact_paths:
            *parents, leaf = path.split(".")
            target = doc
            for part in parents:
                target = target.setdefault(part, {})
            target[leaf] = json_value(facts.get(path))
        return doc


def _members(name: str) -> frozenset[Any]:
    return builtin_sets()[name].members_on(SETS_ON)[0]


def _set_literal(values: frozenset[Any]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in sorted(values)) + "]"


def _status_expression(applies: str | None, finding: str, on_unknown: str) -> str:
    """One CEL program per rule that returns the status, mirroring ``decide_status``."""
    fallback = {"unknown": '"unknown"', "finding": '"finding"', "pass": '"pass"'}[on_unknown]
    if applies is None:
        return (f'({finding}) == false ? "pass" : '
                f'(({finding}) == true ? "finding" : {fallback})')
    return (f'({applies}) == false ? "not_applicable" : (({finding}) == false ? "pass" : '
            f'((({finding}) == true && ({applies}) == true) ? "finding" : {fallback}))')


class Cel:
    """The CEL programs, compiled once."""

    def __init__(self) -> None:
        import cel

        self._cel = cel
        spec = yaml.safe_load(RULES_CEL.read_text(encoding="utf-8"))
        self.sources: dict[str, str] = {}
        for rule in spec["rules"]:
            parts = {}
            for key in ("applies", "finding"):
                text = rule.get(key)
                if text is not None:
                    for name in SETS_USED:
                        text = text.replace("{" + name + "}", _set_literal(_members(name)))
                parts[key] = text
            self.sources[rule["id"]] = _status_expression(
                parts["applies"], parts["finding"], rule.get("on_unknown", "unknown"))
        self.programs = [(rule_id, cel.compile(source)) for rule_id, source in self.sources.items()]
        self._warm = cel.compile("true")

    def context(self, document: Mapping[str, Any]) -> Any:
        """A context per system, converted to CEL values once (the warm-up call does that)."""
        context = self._cel.Context(variables=dict(document))
        self._warm.execute(context)
        return context

    def statuses(self, context: Any) -> Statuses:
        return {rule_id: program.execute(context) for rule_id, program in self.programs}


class Rego:
    """The Rego module, compiled once into a bundle that evaluates all twenty rules."""

    def __init__(self) -> None:
        import regopy  # type: ignore[import-untyped]

        generated = "package bench.sets\n\n" + "\n".join(
            f"{name} := {{{', '.join(json.dumps(v) for v in sorted(_members(name)))}}}"
            for name in SETS_USED) + "\n"
        builder = regopy.Interpreter()
        builder.add_module("sets.rego", generated)
        builder.add_module("rules.rego", RULES_REGO.read_text(encoding="utf-8"))
        self.bundle = builder.build("x = data.bench.status")
        self.interpreter = regopy.Interpreter()

    def set_input(self, document: Mapping[str, Any]) -> None:
        self.interpreter.set_input(dict(document))

    def query(self) -> Statuses:
        output = self.interpreter.query_bundle(self.bundle)
        if not output.ok():
            raise RuntimeError(f"Rego query failed: {output}")
        result: Statuses = json.loads(output.binding("x").json())
        return result

    def statuses(self, document: Mapping[str, Any]) -> Statuses:
        self.set_input(document)
        return self.query()


def disagreements(reference: Sequence[Statuses], other: Sequence[Statuses]
                  ) -> list[tuple[int, str, str, str]]:
    """Every (system index, rule id, ours, theirs) where two engines differ."""
    found = []
    for index, (ours, theirs) in enumerate(zip(reference, other, strict=True)):
        for rule_id in sorted(set(ours) | set(theirs)):
            if ours.get(rule_id) != theirs.get(rule_id):
                found.append((index, rule_id, str(ours.get(rule_id)), str(theirs.get(rule_id))))
    return found


def status_counts(results: Sequence[Statuses]) -> dict[RuleStatus | str, int]:
    counts: dict[RuleStatus | str, int] = {}
    for statuses in results:
        for status in statuses.values():
            counts[status] = counts.get(status, 0) + 1
    return dict(sorted(counts.items()))

