"""Load ruleset files, check them as a whole and compile every rule once.

The result, a :class:`Catalog`, is what evaluation needs: compiled rules in a stable order, the
fact catalogue (core plus extension facts), the aspects and each ruleset's provenance.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path

from secreview.bundled import bundled_ruleset_files, load_data
from secreview.cache import load_document_cached
from secreview.errors import InputError, Problem, did_you_mean
from secreview.facts import (
    REVIEW_DATE_FACT,
    FactKind,
    FactSpec,
    core_facts,
    extension_spec,
    fact_at,
)
from secreview.i18n import FactWords, Text
from secreview.loading import (
    Document,
    Limits,
    PathKey,
    configured_limits,
    real_path,
)
from secreview.rules.compiler import CompileContext, Quantified, Test, compile_condition
from secreview.rules.model import Condition, Escalation, ExtensionFact, Mitigation, Rule, Ruleset
from secreview.rules.operators import Predicate
from secreview.validation import validate
from secreview.valuesets import ValueSet, bundled_sets

RULESET_LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_depth=60)


@dataclass(frozen=True)
class CompiledMitigation:
    mitigation: Mitigation
    predicate: Predicate
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompiledEscalation:
    escalation: Escalation
    predicate: Predicate
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class StrictPredicates:
    """A rule's conditions compiled again with ``exists``/``missing`` in Kleene form (unknown
    when the fact is unanswered), for rules that use them: a finding is established only when
    these agree (see :mod:`secreview.engine.scoring`)."""

    applies: Predicate | None
    finding: Predicate
    mitigations: tuple[Predicate, ...]
    escalations: tuple[Predicate, ...]


@dataclass(frozen=True)
class CompiledRule:
    """A rule with its conditions compiled, and where it came from."""

    rule: Rule
    aspect: str
    ruleset_id: str
    applies: Predicate | None
    finding: Predicate
    mitigations: tuple[CompiledMitigation, ...]
    facts_used: tuple[str, ...]
    source: str
    position: tuple[int, int] | None = None
    escalations: tuple[CompiledEscalation, ...] = ()
    strict: StrictPredicates | None = None
    scaling_floor: float | None = None
    """The lowest value the scaling fact can take: what an unknown classification is assumed
    to be for the level the known facts alone establish."""
    tests: tuple[Test, ...] = ()
    condition_facts: tuple[str, ...] = ()
    """The facts ``applies_if`` and ``finding_if`` read: those that decide the status."""
    quantifiers: tuple[Quantified, ...] = ()
    """The ``for_any``/``for_all`` of ``finding_if``, to name the items that make it fire."""
    item_facts_used: tuple[tuple[str, str], ...] = ()
    """Facts of list items the rule tests, as (list, fact)."""
    reads_date: bool = True
    """Whether what the rule yields can depend on the review date (a dated set, a region's
    countries, a date compared with the review date): the rule memo keys the others without
    it, so reviews on different days share them."""

    @property
    def id(self) -> str:
        return self.rule.id


@dataclass(frozen=True)
class LoadedRuleset:
    model: Ruleset
    source: str
    sha256: str
    document: Document

    @property
    def id(self) -> str:
        return self.model.ruleset.id


@dataclass
class Catalog:
    """Everything loaded from rulesets, ready to evaluate."""

    rulesets: list[LoadedRuleset]
    rules: list[CompiledRule]
    facts: dict[str, FactSpec]
    extension_facts: dict[str, ExtensionFact]
    aspects: dict[str, Text]
    warnings: list[Problem] = field(default_factory=list)
    item_extensions: dict[str, dict[str, ExtensionFact]] = field(default_factory=dict)
    """Extension facts asked per item, by list path (``integrations``) and name."""

    def value_labels(self) -> dict[str, dict[str, Text]]:
        """The labels extension facts give their values, by fact path (as texts quote them)."""
        return {path: dict(words.labels) for path, words in self.fact_words.items()
                if words.labels}

    @cached_property
    def fact_words(self) -> dict[str, FactWords]:
        """How each extension fact reads (question, phrase, value labels), by fact path:
        ``extensions.NAME``, or ``LIST.extensions.NAME`` for one asked per item. The labels are
        its spec's, so the report reads a value as the workbook and the questionnaire show it."""
        declared = [(f"extensions.{name}", fact) for name, fact in self.extension_facts.items()]
        declared += [(f"{list_path}.extensions.{name}", fact)
                     for list_path, facts in self.item_extensions.items()
                     for name, fact in facts.items()]
        words = {}
        for path, fact in declared:
            spec = fact_at(path, self.facts)
            assert spec is not None  # every declaration kept has its spec (_extension_facts)
            words[path] = FactWords(question=fact.question, phrase=fact.phrase,
                                    labels=dict(spec.labels))
        return words

    def extension(self, path: str) -> ExtensionFact | None:
        """The declaration behind an extension fact: ``extensions.NAME`` at the top level, or
        ``LIST.extensions.NAME`` for one asked per item."""
        head, sep, name = path.rpartition("extensions.")
        if not sep or "." in name:
            return None
        if not head:
            return self.extension_facts.get(name)
        return self.item_extensions.get(head.rstrip("."), {}).get(name)

    def rule(self, rule_id: str) -> CompiledRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    @cached_property
    def rules_by_fact(self) -> dict[str, tuple[int, ...]]:
        """Fact path → positions in :attr:`rules` of the rules that read it: what an answer to
        that fact can change, without evaluating the rest (built once, on first use)."""
        index: dict[str, list[int]] = {}
        for position, compiled in enumerate(self.rules):
            for path in compiled.facts_used:
                index.setdefault(path, []).append(position)
        return {path: tuple(positions) for path, positions in index.items()}

    @cached_property
    def fact_tests(self) -> dict[str, tuple[Test, ...]]:
        """Fact path → every test the rules make on it (operator and operand), without
        duplicates: the values the rules can tell apart (see :mod:`secreview.engine.answers`)."""
        tests: dict[str, dict[Test, None]] = {}
        for compiled in self.rules:
            for test in compiled.tests:
                tests.setdefault(test[0], {})[test] = None
        return {path: tuple(found) for path, found in tests.items()}


def builtin_sets() -> dict[str, ValueSet]:
    """The value sets every ruleset may name (``data/sets.yaml``), with their dated members."""
    return bundled_sets()


@cache
def core_aspects() -> dict[str, Text]:
    return {key: Text(**value) for key, value in load_data("aspects.yaml").items()}


def value_sets(loaded: LoadedRuleset) -> dict[str, ValueSet]:
    """The value sets a ruleset's conditions may name: the built-in ones and its own."""
    return {**builtin_sets(), **{k: ValueSet.plain(v) for k, v in loaded.model.sets.items()}}


def require_existing(paths: Iterable[str | Path]) -> None:
    """Refuse, in one error, every path that does not exist: the toolkit commands check all
    their arguments before doing any work, so every typo shows at once."""
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        raise InputError([Problem("no such file or folder", file=m) for m in missing])


MAX_TREE_ENTRIES = 10_000
"""Entries (files and folders) a ruleset folder tree may hold; counted while walking."""
MAX_TREE_DEPTH = 20
_RULESET_SUFFIXES = (".yaml", ".yml", ".json")
_SKIPPED_FOLDERS = ("profiles", "fixtures")


def ruleset_files(paths: Iterable[str | Path], confine_to: Path | None = None) -> list[Path]:
    """Expand folders into their ruleset files (sorted), skipping profiles, fixtures and
    hidden entries (``.git``, ``.github``, ``.pre-commit-config.yaml``).

    A folder is walked with bounds counted as it goes, so ``--rules /`` stops after
    :data:`MAX_TREE_ENTRIES` entries instead of reading the whole file system; linked folders
    are not followed. With ``confine_to`` (a profile's folder) every file must lie inside it,
    also after following links.
    """
    files: list[Path] = []
    for entry in paths:
        path = Path(entry)
        if path.is_dir():
            found = sorted(_walk(path))
            if not found:
                raise InputError.single("no ruleset files (*.yaml) in this folder", file=str(path))
            files.extend(found)
        else:
            files.append(path)
    if confine_to is not None:
        root = real_path(confine_to)
        for file in files:
            if not real_path(file).is_relative_to(root):
                raise InputError.single(
                    "ruleset file leads outside the profile's folder", file=str(file),
                    expected=f"a file inside {confine_to}",
                    suggestion="copy the ruleset next to the profile, or give it with --rules")
    max_rules = configured_limits(RULESET_LIMITS).max_rules
    if len(files) > max_rules:  # every ruleset holds at least one rule
        raise InputError.single(f"too many ruleset files ({len(files)})",
                                expected=f"at most {max_rules}",
                                suggestion="load fewer rulesets, or raise SECREVIEW_MAX_RULES")
    return files


def _walk(root: Path) -> list[Path]:
    """Ruleset files under ``root``, refusing a tree too large or deep before reading any."""
    seen = 0
    pending: list[tuple[Path, int]] = [(root, 0)]
    found: list[Path] = []
    while pending:
        folder, depth = pending.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    seen += 1
                    if seen > MAX_TREE_ENTRIES:
                        raise InputError.single(
                            f"the folder tree holds more than {MAX_TREE_ENTRIES} files and "
                            "folders: too many to be a folder of rulesets", file=str(root),
                            suggestion="point --rules at the folder that holds the ruleset files")
                    if entry.name.startswith("."):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name in _SKIPPED_FOLDERS:
                            continue
                        if depth + 1 > MAX_TREE_DEPTH:
                            raise InputError.single(
                                f"folders nested more than {MAX_TREE_DEPTH} deep",
                                file=entry.path, suggestion="point --rules at the folder that "
                                "holds the ruleset files")
                        pending.append((Path(entry.path), depth + 1))
                    elif entry.name.lower().endswith(_RULESET_SUFFIXES):
                        found.append(Path(entry.path))
        except OSError as exc:
            raise InputError.single(f"cannot read folder: {exc.strerror}",
                                    file=str(folder)) from None
    return found


def parse_ruleset(path: str | Path, limits: Limits | None = None) -> LoadedRuleset:
    doc = load_document_cached(path, configured_limits(RULESET_LIMITS) if limits is None
                               else limits)
    require_ruleset(doc)
    model = validate(Ruleset, doc)
    return LoadedRuleset(model=model, source=str(path), sha256=doc.sha256, document=doc)


def require_ruleset(doc: Document) -> None:
    """Refuse a document without a top-level ``ruleset:`` before validating it as one.

    A folder given with ``--rules`` can hold other YAML (a CI workflow, someone's notes);
    validating it as a ruleset would list its keys in the errors. It is named, nothing more.
    """
    if isinstance(doc.data, dict) and "ruleset" not in doc.data and "rules" not in doc.data:
        raise InputError.single(
            "not a ruleset: the file has no 'ruleset:' section at the top", file=doc.source,
            suggestion="remove the file from the rules folder, or point --rules at the "
            "ruleset files")


def _extension_facts(rulesets: list[LoadedRuleset], facts: dict[str, FactSpec],
                     problems: list[Problem]
                     ) -> tuple[dict[str, ExtensionFact], dict[str, dict[str, ExtensionFact]]]:
    """Add every declared extension fact to ``facts``: top-level ones as ``extensions.NAME``,
    ones asked ``for_each`` item of a list among that list's item facts. Returns the
    declarations, top-level by name and per list."""
    declared: dict[str, ExtensionFact] = {}
    per_list: dict[str, dict[str, ExtensionFact]] = {}
    for loaded in rulesets:
        for index, fact in enumerate(loaded.model.facts):
            where = loaded.document.where
            each = fact.for_each
            if each is not None:
                target = facts.get(each)
                if target is None or target.kind != "objects":
                    lists = sorted(p for p, s in facts.items() if s.kind == "objects")
                    problems.append(Problem(
                        f"extension fact '{fact.name}' is asked for each item of '{each}', "
                        "which is not a list of items", code="extension-conflict",
                        **where(("facts", index, "for_each")),
                        suggestion=did_you_mean(each, lists) or f"lists: {', '.join(lists)}"))
                    continue
            scope = declared if each is None else per_list.setdefault(each, {})
            previous = scope.get(fact.name)
            if previous is not None and _shape(previous) != _shape(fact):
                problems.append(Problem(
                    f"extension fact '{fact.name}' is declared twice with different types",
                    code="extension-conflict", **where(("facts", index, "name")),
                ))
                continue
            scope[fact.name] = fact
            kind: FactKind = fact.type
            values = tuple(fact.values) if fact.values is not None else None
            spec = extension_spec(fact.name, kind, values, fact.question.en, fact.minimum,
                                  fact.maximum, fact.labels)
            if each is None:
                facts[spec.path] = spec
            else:
                target = facts[each]
                facts[each] = replace(target, item_facts={**target.item_facts, spec.path: spec})
    return declared, per_list


def _check_routing(loaded: LoadedRuleset, facts: Mapping[str, FactSpec],
                   problems: list[Problem]) -> None:
    """An extension fact's ``asked_if`` is a condition like a rule's: its facts must exist and
    its tests fit them."""
    for index, fact in enumerate(loaded.model.facts):
        if fact.asked_if is not None:
            ctx = CompileContext(facts=facts, sets=value_sets(loaded),
                                 where=loaded.document.where)
            compile_condition(fact.asked_if, ctx, ("facts", index, "asked_if"))
            problems.extend(ctx.problems)


def _shape(fact: ExtensionFact) -> tuple[object, ...]:
    """What two declarations of one extension fact must agree on."""
    return (fact.type, fact.values, fact.minimum, fact.maximum)


def compile_rule(rule: Rule, aspect: str, loaded: LoadedRuleset, facts: Mapping[str, FactSpec],
                 sets: Mapping[str, ValueSet], base: PathKey,
                 problems: list[Problem]) -> CompiledRule:
    """Compile one rule's conditions; problems are appended, never raised."""
    ctx = CompileContext(facts=facts, sets=sets, where=lambda p: loaded.document.where((*base, *p)),
                         rule_id=rule.id)
    compiled = _compile_conditions(rule, ctx)
    mitigations = tuple(CompiledMitigation(m, predicate, read) for m, (predicate, read)
                        in zip(rule.mitigations, compiled.mitigations, strict=True))
    escalations = tuple(CompiledEscalation(e, predicate, read) for e, (predicate, read)
                        in zip(rule.escalate, compiled.escalations, strict=True))
    floor: float | None = None
    if rule.consequence_scaling is not None:
        scaling = rule.consequence_scaling
        spec = facts.get(scaling.fact)
        if spec is None or not spec.ordered:
            ctx.problem(("consequence_scaling", "fact"),
                        f"consequence_scaling needs an ordered fact, '{scaling.fact}' is not one"
                        if spec else f"unknown fact '{scaling.fact}'",
                        code="type-mismatch" if spec else "unknown-fact")
        else:
            ctx.used.add(scaling.fact)
            ctx.tests.append((scaling.fact, "scaling", tuple(sorted(scaling.levels))))
            floor = spec.minimum
    strict = None
    if ctx.presence:
        # Compiled again in Kleene form; its problems are the same ones, already collected.
        again = _compile_conditions(rule, CompileContext(facts=facts, sets=sets, rule_id=rule.id,
                                                         strict_presence=True))
        strict = StrictPredicates(again.applies, again.finding,
                                  tuple(p for p, _read in again.mitigations),
                                  tuple(p for p, _read in again.escalations))
    problems.extend(ctx.problems)
    used = sorted(ctx.used)
    return CompiledRule(
        rule=rule, aspect=aspect, ruleset_id=loaded.id, applies=compiled.applies,
        finding=compiled.finding, mitigations=mitigations, facts_used=tuple(used),
        source=loaded.source, position=loaded.document.positions.get(base),
        escalations=escalations, strict=strict, scaling_floor=floor, tests=tuple(ctx.tests),
        condition_facts=compiled.status_facts, quantifiers=compiled.quantifiers,
        item_facts_used=tuple(sorted(ctx.item_used)),
        reads_date=ctx.reads_date or REVIEW_DATE_FACT in ctx.used,
    )


@dataclass(frozen=True)
class _Conditions:
    applies: Predicate | None
    finding: Predicate
    status_facts: tuple[str, ...]
    mitigations: tuple[tuple[Predicate, tuple[str, ...]], ...]
    escalations: tuple[tuple[Predicate, tuple[str, ...]], ...]
    quantifiers: tuple[Quantified, ...]


def _compile_conditions(rule: Rule, ctx: CompileContext) -> _Conditions:
    """Scope, finding, mitigation and escalation conditions of one rule, each with the facts it
    reads (the rule's ``facts_used`` is their union, collected in ``ctx.used``)."""

    def reading(condition: Condition, path: PathKey) -> tuple[Predicate, tuple[str, ...]]:
        outer, ctx.used = ctx.used, set()
        try:
            return compile_condition(condition, ctx, path), tuple(sorted(ctx.used))
        finally:
            ctx.used = outer | ctx.used

    applies: Predicate | None = None
    status_facts: set[str] = set()
    if rule.applies_if is not None:
        applies, read = reading(rule.applies_if, ("applies_if",))
        status_facts.update(read)
    finding, read = reading(rule.finding_if, ("finding_if",))
    status_facts.update(read)
    quantifiers = tuple(ctx.quantifiers)
    mitigations = tuple(reading(m.when, ("mitigations", i, "when"))
                        for i, m in enumerate(rule.mitigations))
    escalations = tuple(reading(e.if_, ("escalate", i, "if")) for i, e in enumerate(rule.escalate))
    return _Conditions(applies, finding, tuple(sorted(status_facts)), mitigations, escalations,
                       quantifiers)


def build_catalog(rulesets: list[LoadedRuleset], strict: bool = True) -> Catalog:
    """Check rulesets together (ids, aspects, extension facts) and compile their rules.

    With ``strict`` any problem raises :class:`InputError`; otherwise problems are returned as
    warnings so the linter can report everything at once.
    """
    problems: list[Problem] = []
    seen_rulesets: dict[str, str] = {}
    for loaded in rulesets:
        if loaded.id in seen_rulesets:
            problems.append(Problem(
                f"ruleset id '{loaded.id}' is also used by {seen_rulesets[loaded.id]}",
                code="duplicate-id",
                **loaded.document.where(("ruleset", "id")),
            ))
        seen_rulesets.setdefault(loaded.id, loaded.source)
    facts = core_facts()
    declared, per_list = _extension_facts(rulesets, facts, problems)
    for loaded in rulesets:
        _check_routing(loaded, facts, problems)
    aspects = dict(core_aspects())
    for loaded in rulesets:
        for declared_aspect in loaded.model.aspects:
            aspects.setdefault(declared_aspect.id, declared_aspect.title)
    compiled: list[CompiledRule] = []
    seen_rules: dict[str, str] = {}
    total = sum(len(r.model.rules) for r in rulesets)
    max_rules = configured_limits(RULESET_LIMITS).max_rules
    if total > max_rules:
        raise InputError.single(
            f"too many rules ({total}) in the loaded rulesets", expected=f"at most {max_rules}",
            file=rulesets[-1].source if rulesets else None,
            suggestion="load fewer rulesets, or raise SECREVIEW_MAX_RULES",
        )
    for loaded in rulesets:
        sets = value_sets(loaded)
        for index, rule in enumerate(loaded.model.rules):
            base: PathKey = ("rules", index)
            if rule.id in seen_rules:
                problems.append(Problem(
                    f"rule id '{rule.id}' is already defined in {seen_rules[rule.id]}",
                    code="duplicate-id",
                    rule_id=rule.id, **loaded.document.where((*base, "id")),
                    suggestion="rule ids must be unique across all loaded rulesets",
                ))
                continue
            seen_rules[rule.id] = loaded.source
            aspect = rule.aspect or loaded.model.ruleset.aspect
            if aspect not in aspects:
                problems.append(Problem(
                    f"unknown aspect '{aspect}'", rule_id=rule.id, code="unknown-aspect",
                    **loaded.document.where((*base, "aspect")),
                    suggestion=f"known aspects: {', '.join(aspects)}; "
                    "or declare it under 'aspects'",
                ))
            compiled.append(compile_rule(rule, aspect, loaded, facts, sets, base, problems))
    if problems and strict:
        raise InputError(problems)
    return Catalog(rulesets=rulesets, rules=compiled, facts=facts, extension_facts=declared,
                   aspects=aspects, warnings=problems, item_extensions=per_list)


def load_catalog(paths: Iterable[str | Path] | None = None, strict: bool = True) -> Catalog:
    """Load rulesets from files or folders (the bundled ones when ``paths`` is empty)."""
    files = ruleset_files(paths) if paths else bundled_ruleset_files()
    if not files:
        raise InputError.single("no rulesets to load")
    loaded: list[LoadedRuleset] = []
    problems: list[Problem] = []
    for file in files:
        try:
            loaded.append(parse_ruleset(file))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return build_catalog(loaded, strict=strict)


