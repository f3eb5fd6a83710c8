"""Routing answers that close branches, and the facts that follow from an answer.

"No personal data" means no children's data and no special categories; "everything stays in the
EEA" means every location list is within the EEA. ``data/routing.yaml`` writes these implications
down once; :func:`apply_implications` fills them in before the rules run, only where the
description left the fact unanswered, so a routing answer decides the rules of its branch instead
of leaving them open as questions. An answer that contradicts an implication is refused by
:func:`check_consistency` with the positions of both answers: an implication never overrides what
a person wrote.

The linter uses the same data to check that every routing answer really closes its branch, and
the workspace to hide the questions of a closed branch (:func:`hidden_facts`): a question hidden
by a routing answer is not shown while that answer holds. Hiding never deletes an answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any, Literal

from secreview.errors import InputError, Problem
from secreview.facts import core_facts, flatten
from secreview.i18n import Lang, format_fact, label, value_choices
from secreview.loading import Document
from secreview.rules.compiler import CompileContext, compile_condition
from secreview.rules.model import validate_condition
from secreview.rules.operators import Predicate
from secreview.valuesets import bundled_sets, regions


@dataclass(frozen=True)
class Implication:
    """When ``when`` holds, each fact of ``implies`` has that value unless answered."""

    when: Predicate
    implies: Mapping[str, Any]
    source: str  # the answer it follows from, as a person reads it: "users.children: false"
    fact: str | None = None  # the routing fact, for routing entries
    reads: frozenset[str] = frozenset()  # the facts ``when`` tests


@dataclass(frozen=True)
class RoutingEntry:
    """A routing question: the answer that closes a branch, what it implies and closes."""

    fact: str
    answer: Any
    implication: Implication
    branch: tuple[str, ...]
    closes: tuple[str, ...]

    def in_branch(self, path: str) -> bool:
        return any(path == b or (b.endswith(".") and path.startswith(b)) for b in self.branch)

    def closes_rule(self, rule_id: str, aspect: str) -> bool:
        """Is the rule among those the answer decides on its own (``!id`` excludes one)?"""
        if f"!{rule_id}" in self.closes:
            return False
        return any(rule_id == c or aspect == c or (c.endswith("*") and rule_id.startswith(c[:-1]))
                   for c in self.closes)


@dataclass(frozen=True)
class Routing:
    entries: tuple[RoutingEntry, ...]
    implications: tuple[Implication, ...]

    @property
    def facts(self) -> tuple[str, ...]:
        return tuple(entry.fact for entry in self.entries)

    def entry(self, fact: str) -> RoutingEntry | None:
        return next((e for e in self.entries if e.fact == fact), None)

    @cached_property
    def all_implications(self) -> tuple[Implication, ...]:
        """The specific implications before the routing answers: an implication only fills a
        fact nobody answered, so where two would fill the same fact the more specific one must
        come first, or answering a routing question could replace what a specific answer implies
        (``hosting.subprocessors: []`` means no sub-processors, whatever ``hosting.eea_only``
        says) and reopen a rule that answer had settled."""
        return self.implications + tuple(e.implication for e in self.entries)

    @cached_property
    def reads(self) -> frozenset[str]:
        """Every fact an implication's condition tests."""
        return frozenset().union(*(i.reads for i in self.all_implications))

    @cached_property
    def involving(self) -> Mapping[str, tuple[Implication, ...]]:
        """Fact → the implications that read or fill it, in :attr:`all_implications` order:
        the only ones an answer to that fact can bring into conflict."""
        found: dict[str, list[Implication]] = {}
        for implication in self.all_implications:
            for path in sorted(implication.reads | set(implication.implies)):
                found.setdefault(path, []).append(implication)
        return {path: tuple(items) for path, items in found.items()}


def _compile(condition: Mapping[str, Any]) -> tuple[Predicate, frozenset[str]]:
    """The compiled condition and the facts it reads (an answer to any other fact cannot make
    it hold: what the deciding-facts search relies on to skip implications)."""
    ctx = CompileContext(facts=core_facts(), sets=bundled_sets())
    predicate = compile_condition(validate_condition(condition), ctx)
    if ctx.problems:
        raise ValueError(f"data/routing.yaml: {ctx.problems[0].message}")
    return predicate, frozenset(ctx.used)


def _answer_condition(fact: str, answer: Any) -> dict[str, Any]:
    if isinstance(answer, list):
        if answer:
            raise ValueError(f"data/routing.yaml: a routing answer list must be empty ({fact})")
        return {"fact": fact, "is_empty": True}
    return {"fact": fact, "eq": answer}


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def build_routing(raw: Mapping[str, Any]) -> Routing:
    entries = []
    for item in raw.get("routing") or ():
        fact, answer = item["fact"], item["answer"]
        when, reads = _compile(_answer_condition(fact, answer))
        implication = Implication(
            when=when, implies=dict(item.get("implies") or {}),
            source=f"{fact}: {_show(answer)}", fact=fact, reads=reads)
        entries.append(RoutingEntry(fact, answer, implication, tuple(item.get("branch") or ()),
                                    tuple(item.get("closes") or ())))
    implications = []
    for item in raw.get("implications") or ():
        when, reads = _compile(item["when"])
        implications.append(Implication(
            when=when, implies=dict(item["implies"]), reads=reads,
            source=item.get("source") or _describe(item["when"])))
    return Routing(tuple(entries), tuple(implications))


def _describe(condition: Mapping[str, Any]) -> str:
    fact = condition.get("fact", "?")
    for op in ("eq", "in"):
        if op in condition:
            return f"{fact}: {_show(condition[op])}"
    return f"{fact} answered"


@cache
def routing() -> Routing:
    """The bundled routing questions and implications (``data/routing.yaml``)."""
    from secreview.bundled import load_data

    return build_routing(load_data("routing.yaml"))


def apply_implications(facts: MutableMapping[str, Any],
                       implications: Sequence[Implication] | None = None
                       ) -> MutableMapping[str, Any]:
    """Fill unanswered facts that follow from answers; repeat until nothing changes."""
    rules = routing().all_implications if implications is None else implications
    changed = True
    while changed:
        changed = False
        for implication in rules:
            if implication.when(facts) is not True:
                continue
            for path, value in implication.implies.items():
                if facts.get(path) is None:
                    facts[path] = list(value) if isinstance(value, list) else value
                    changed = True
    return facts


class _Overlay(Mapping[str, Any]):
    """Facts with a few values laid over them, without copying."""

    def __init__(self, base: Mapping[str, Any], overlay: Mapping[str, Any]) -> None:
        self._base, self._overlay = base, overlay

    def __getitem__(self, key: str) -> Any:
        return self._overlay[key] if key in self._overlay else self._base[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._overlay[key] if key in self._overlay else self._base.get(key, default)

    def __iter__(self) -> Iterator[str]:
        yield from self._overlay
        yield from (k for k in self._base if k not in self._overlay)

    def __len__(self) -> int:
        return len(self._base) + sum(1 for k in self._overlay if k not in self._base)


def contradicts(facts: Mapping[str, Any], path: str, value: Any) -> bool:
    """Would answering ``path`` with ``value`` contradict what the other answers imply (or
    imply something another answer contradicts)? Such an answer is not one a person could give:
    the description would be refused.

    ``facts`` are answers that agree with each other (a description passes
    :func:`check_consistency`; the deciding-facts search adds only answers that pass this), so
    only the implications that read or fill ``path`` can bring a conflict."""
    involving = routing().involving.get(path)
    if not involving:
        return False
    return bool(contradictions(_Overlay(facts, {path: value}), involving))


def _consistent(given: Any, implied: Any) -> bool:
    """Does an answer agree with an implied value? A list of places agrees with an implied
    region when every place given may lie within it (``[SE, EU]`` within ``[EEA]``)."""
    if isinstance(implied, list) and isinstance(given, list):
        if not implied:
            return not given
        areas = regions()
        within = frozenset().union(*(areas[v].possible for v in implied if v in areas))
        return all(g in implied or g in within
                   or (g in areas and areas[g].possible <= within) for g in given)
    return bool(given == implied)


def _show_implied(value: Any) -> str:
    areas = regions()
    if isinstance(value, list) and value and all(v in areas for v in value):
        return "within " + " or ".join(value)
    return _show(value)


def contradictions(facts: Mapping[str, Any], implications: Iterable[Implication] | None = None
                   ) -> list[tuple[str, Any, Any, Implication]]:
    """Answers that contradict what another answer implies: (fact, given, implied, because);
    ``implications`` narrows the check to those (default: every one)."""
    found = []
    for implication in routing().all_implications if implications is None else implications:
        if implication.when(facts) is not True:
            continue
        for path, implied in implication.implies.items():
            given = facts.get(path)
            if given is not None and not _consistent(given, implied):
                found.append((path, given, implied, implication))
    return found


def without_contradictions(data: Mapping[str, Any]) -> dict[str, Any]:
    """Plain description data with every answer that contradicts an implication left out, so
    the implication fills it in instead. For generators (benchmarks, property tests) that draw
    answers independently; a person's description is refused instead (:func:`check_consistency`).
    """
    from secreview.system import SystemDescription

    cleaned: dict[str, Any] = json.loads(json.dumps(data, default=str))
    while True:
        facts = flatten(SystemDescription.model_validate(cleaned, strict=False))
        found = contradictions(facts)
        if not found:
            return cleaned
        for path, *_rest in found:
            *parents, name = path.split(".")
            node: Any = cleaned
            for part in parents:
                node = node.get(part, {}) if isinstance(node, dict) else {}
            if isinstance(node, dict):
                node.pop(name, None)


def check_consistency(facts: Mapping[str, Any], doc: Document) -> None:
    """Refuse a description whose answers contradict each other, at the contradicting answer."""
    problems = []
    for path, given, implied, because in contradictions(facts):
        cause = because.fact or because.source.split(":", 1)[0]
        where = doc.where(tuple(path.split(".")))
        cause_at = doc.where(tuple(cause.split(".")))
        line = f" (line {cause_at['line']})" if cause_at.get("line") else ""
        problems.append(Problem(
            f"{path} is {_show(given)}, but '{because.source}'{line} means it is "
            f"{_show_implied(implied)}",
            suggestion=f"correct one of the two answers, or leave {path} empty", **where))
    if problems:
        raise InputError(problems)


@dataclass(frozen=True)
class Route:
    """A routing question as the workspace's questionnaire applies it: while ``question`` has the
    answer ``when``, the questions of ``hides`` are not shown."""

    question: str
    when: Any
    hides: tuple[str, ...]

    def covers(self, path: str) -> bool:
        """Does this route hide ``path`` (never the routing question itself)? A pattern is a fact
        path, or a section prefix ending in '.' (every fact under it)."""
        if path == self.question:
            return False
        return any(path == pattern or (pattern.endswith(".") and path.startswith(pattern))
                   for pattern in self.hides)


@cache
def routes() -> tuple[Route, ...]:
    """The routing questions in the questionnaire's order, with the branches they close."""
    return tuple(Route(entry.fact, entry.answer, entry.branch) for entry in routing().entries)


Audience = Literal["yaml", "form"]
"""Who reads a routing hint: the person writing the YAML questionnaire (``secreview init``), who
must know the value to write, or the one using the workspace form, who sees only its choices."""


def routing_hint(fact: str, lang: Lang, audience: Audience) -> str:
    """What answering the routing question ``fact`` with its routing answer lets the person skip,
    led by that answer: "Om false (nej): resten av avsnittet AI kan hoppas över."

    The answer is ``data/routing.yaml``'s and the consequence the ``workflow.routing.<fact>``
    label, each written once. The YAML file spells the answer as its "Answer:" line does, the
    value to write first (``false (nej)``, ``on_premises — egen drift (on-premises)``); the form
    names it as its choices read (``nej``, ``egen drift (on-premises)``), never a YAML value.
    """
    entry = routing().entry(fact)
    if entry is None:
        raise KeyError(f"{fact} is not a routing question (data/routing.yaml)")
    answer = format_fact(fact, entry.answer, lang)
    if audience == "yaml":
        answer = (value_choices(fact, [entry.answer], lang) if isinstance(entry.answer, str)
                  else f"{_show(entry.answer)} ({answer})")
    return label("workflow.routing_if", lang, answer=answer,
                 then=label(f"workflow.routing.{fact}", lang))


def hidden_facts(answer_of: Mapping[str, Any], facts: Iterable[str]) -> set[str]:
    """The facts among ``facts`` that the routing answers in ``answer_of`` make irrelevant.

    ``answer_of`` maps a routing question's path to its answer (``None`` when unknown: an
    unknown routing answer hides nothing).
    """
    active = [r for r in routes() if answer_of.get(r.question) is not None
              and answer_of[r.question] == r.when]
    return {path for path in facts if any(r.covers(path) for r in active)}
