"""Deciding facts: the few unanswered facts whose answers settle an undecided review.

A :class:`Situation` holds one review's evaluation and answers "what would the decision be if
these facts were answered so?" cheaply: an answer re-evaluates only the rules that read the fact
(:attr:`Catalog.rules_by_fact`; screening rules and the derived DPIA facts when the answer feeds
them), and the decision follows from per-clause match counts adjusted for those rules alone
(:class:`~secreview.engine.decide.Policy`), never from a whole review per candidate.

The search is greedy. An entry is *open* while a reject or incomplete clause sees it differently
as the facts stand and in the worst case; the review is decided once nothing open keeps it
incomplete. Each round tries the unanswered facts of the open entries at each answer the rules can
tell apart (:mod:`secreview.engine.answers`) and takes the fact that settles most: one whose every
answer decides, else the one leaving the fewest entries open on average over its answers (a
routing question that closes a whole branch ranks high), then the one with more deciding
answers. Before the next round it assumes that fact's *least helpful* answer, so the list keeps
covering the case where the answers go against a decision. ``suffice`` says whether, along that
path, the review is decided within :data:`MAX_DECIDING` facts: a search result, not a proof over
every combination of answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from secreview.engine.answers import candidates
from secreview.engine.decide import Choice, Entry, Policy, Signature, add, entry_of
from secreview.engine.dpia import derive_facts
from secreview.engine.evaluate import Evaluation, RuleOutcome, evaluate_rule
from secreview.engine.scoring import rule_bounds
from secreview.engine.waive import waiver_refusal
from secreview.facts import CLASSIFICATION_LEVELS
from secreview.profile import Profile, RiskMatrix
from secreview.review import Finding
from secreview.routing import contradicts, follow_from, routing
from secreview.rules.loader import Catalog
from secreview.waivers import WaiverFile

MAX_DECIDING = 10
"""At most this many deciding facts are listed: the first questions to ask, not all of them."""
SHORTLIST = 20
"""After the first round, only the facts that ranked this high are tried again."""
DERIVED = "derived."
DPIA_STATUS = "personal_data.dpia.status"
"""A documented screening (not_required) settles open criteria: it feeds the derived facts too."""


class Answered(Mapping[str, Any]):
    """The review's facts with some answers laid over them, without copying the facts."""

    __slots__ = ("_answers", "_base")

    def __init__(self, base: Mapping[str, Any], answers: Mapping[str, Any]) -> None:
        self._base = base
        self._answers = answers

    def __getitem__(self, key: str) -> Any:
        if key in self._answers:
            return self._answers[key]
        return self._base[key]

    def get(self, key: str, default: Any = None) -> Any:
        if key in self._answers:
            return self._answers[key]
        return self._base.get(key, default)

    def __iter__(self) -> Iterator[str]:
        yield from self._answers
        yield from (k for k in self._base if k not in self._answers)

    def __len__(self) -> int:
        return len(self._base) + sum(1 for k in self._answers if k not in self._base)


@dataclass(frozen=True)
class State:
    """The decision as it would stand with some answers given, and what that changed: the
    starting point for the next hypothetical answer."""

    choice: Choice
    open: int  # entries still open (see module docstring)
    answers: dict[str, Any]  # the answers given, with the derived facts they changed
    changed: dict[int, Entry | None]  # rule position → its entry under the answers
    actual: tuple[int, ...]
    worst: tuple[int, ...]

    @property
    def decided(self) -> bool:
        return self.choice.outcome != "incomplete"


@dataclass(frozen=True)
class DecidingFacts:
    facts: list[str]
    suffice: bool
    answers: dict[str, Any]
    """The unhelpful answers the search assumed, in order (for tests and explanations)."""


class Situation:
    """One review's evaluation, ready for hypothetical answers."""

    def __init__(self, catalog: Catalog, evaluation: Evaluation, profile: Profile,
                 waivers: WaiverFile | None, review_date: dt.date,
                 findings: Sequence[Finding] | None = None) -> None:
        """``findings`` (the review's, when already scored) saves scoring every rule again."""
        self.catalog = catalog
        self.facts = evaluation.facts
        self.outcomes = evaluation.outcomes
        matrix = profile.matrix
        self.matrix: RiskMatrix = matrix
        self.ranks = {level.id: i for i, level in enumerate(matrix.levels)}
        self.policy = Policy(profile.decision, matrix)
        self.overrides = {o.rule: o for o in profile.tailoring.override}
        self.waivers = {w.rule: w for w in waivers.waivers} if waivers else {}
        self.top = matrix.levels[-1].id
        self.date = review_date
        rules = catalog.rules
        self.screening = tuple(i for i, r in enumerate(rules) if r.rule.dpia_criterion)
        self.screening_facts = {f for i in self.screening for f in rules[i].facts_used}
        self.derived_readers = tuple(sorted({i for path, positions in
                                             catalog.rules_by_fact.items()
                                             if path.startswith(DERIVED) for i in positions}))
        self.follow_facts = routing().involved | set(CLASSIFICATION_LEVELS)
        self._memo: dict[tuple[Any, ...], Entry | None] = {}
        if findings is not None:
            by_id = {f.rule_id: entry_of(f, matrix) for f in findings}
            self.entries: list[Entry | None] = [by_id.get(r.id) for r in rules]
        else:
            self.entries = [self.entry(o, self.facts) for o in self.outcomes]
        self.signatures: list[Signature | None] = [
            self.policy.signature(e) if e is not None else None for e in self.entries]
        self.actual, self.worst = self.policy.tally(e for e in self.entries if e is not None)
        open_ = sum(self.policy.distance(s) for s in self.signatures if s is not None)
        self.base = State(self.policy.choose(self.actual, self.worst), open_, {}, {},
                          tuple(self.actual), tuple(self.worst))

    def entry(self, outcome: RuleOutcome, facts: Mapping[str, Any]) -> Entry | None:
        """The policy's view of one outcome; the same numbers :func:`score_outcome` gives."""
        compiled = outcome.rule
        if outcome.status not in ("finding", "unknown") or compiled.rule.dpia_criterion:
            return None
        bounds = rule_bounds(outcome, facts, self.overrides.get(compiled.id))
        scale = self.matrix.rule_scale
        worst_level = self.matrix.lookup(scale.likelihood[bounds.residual_worst[0]],
                                         scale.consequence[bounds.residual_worst[1]])
        waiver = self.waivers.get(compiled.id)
        if waiver is not None and waiver_refusal(waiver, outcome.status, worst_level, self.top,
                                                 self.date) is None:
            return None
        confirmed = None
        if bounds.residual_low is not None:
            low = bounds.residual_low
            confirmed = self.ranks[self.matrix.lookup(scale.likelihood[low[0]],
                                                      scale.consequence[low[1]])]
        return Entry(compiled.id, outcome.status, confirmed, self.ranks[worst_level],
                     compiled.rule.remedy, compiled.aspect)

    def _entry_at(self, position: int, facts: Mapping[str, Any]) -> Entry | None:
        """The entry of the rule at ``position`` on these facts, memoised on the values of the
        facts it reads: the search asks the same question of a rule round after round."""
        compiled = self.catalog.rules[position]
        key = _frozen((position, *[facts.get(path) for path in compiled.facts_used]))
        if key is None:
            return self.entry(evaluate_rule(compiled, facts), facts)
        if key not in self._memo:
            self._memo[key] = self.entry(evaluate_rule(compiled, facts), facts)
        return self._memo[key]

    def answer(self, answers: Mapping[str, Any], start: State | None = None) -> State:
        """The decision if ``answers`` were given on top of ``start`` (the review as it is, by
        default); only the rules the new answers touch are evaluated again."""
        start = start or self.base
        rules = self.catalog.rules
        by_fact = self.catalog.rules_by_fact
        layered: dict[str, Any] = {**start.answers, **answers}
        updated = set(answers)
        if not self.follow_facts.isdisjoint(answers):
            # What a real answer would imply (routing) and change (derived classification).
            follows = follow_from(Answered(self.facts, layered))
            layered.update(follows)
            updated.update(follows)
        touched: set[int] = set()
        for fact in updated:
            touched.update(by_fact.get(fact, ()))
        if not self.screening_facts.isdisjoint(updated) or DPIA_STATUS in updated:
            facts = Answered(self.facts, layered)
            derived = derive_facts([evaluate_rule(rules[i], facts) for i in self.screening],
                                   facts)
            if any(derived[k] != facts.get(k) for k in derived):
                layered.update(derived)
                touched.update(self.derived_readers)
        facts = Answered(self.facts, layered)
        actual, worst = list(start.actual), list(start.worst)
        open_ = start.open
        changed = dict(start.changed)
        for position in touched:
            before = changed.get(position, self.entries[position])
            entry = self._entry_at(position, facts)
            if entry == before:
                continue
            changed[position] = entry
            if before is not None:
                old = self.policy.signature(before)
                add(actual, worst, old, -1)
                open_ -= self.policy.distance(old)
            if entry is not None:
                new = self.policy.signature(entry)
                add(actual, worst, new, 1)
                open_ += self.policy.distance(new)
        return State(self.policy.choose(actual, worst), open_, layered, changed, tuple(actual),
                     tuple(worst))

    def open_facts(self, state: State) -> list[str]:
        """Unanswered facts of the entries still open: the only answers that can settle them
        (a derived fact is asked through the screening facts behind it)."""
        rules = self.catalog.rules
        facts = Answered(self.facts, state.answers)
        found: set[str] = set()
        for position, entry in enumerate(self.entries):
            entry = state.changed.get(position, entry)
            if entry is None or not self.policy.distance(self.policy.signature(entry)):
                continue
            for path in rules[position].facts_used:
                if facts.get(path) is None:
                    found.add(path)
        if any(path.startswith(DERIVED) for path in found):
            found.update(path for path in self.screening_facts if facts.get(path) is None)
        return sorted(path for path in found if not path.startswith(DERIVED))


def _frozen(values: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """``values`` as a hashable key (lists become tuples); None when an item cannot be one."""
    try:
        hash(values)
        return values
    except TypeError:
        pass
    try:
        frozen = tuple(_freeze(v) for v in values)
        hash(frozen)
    except TypeError:
        return None
    return frozen


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value


@dataclass(frozen=True)
class _Ranked:
    key: tuple[bool, float, int, int]  # not always decided; mean open; -deciding answers; worst
    value: Any  # the least helpful answer, assumed for the next round
    state: State


def deciding_facts(situation: Situation, limit: int = MAX_DECIDING) -> DecidingFacts:
    """The unanswered facts that settle an undecided review, most decisive first (greedy)."""
    state = situation.base
    if state.decided:
        return DecidingFacts([], True, {})
    answers: dict[str, Any] = {}
    shortlist: list[str] = []
    while not state.decided and len(answers) < limit:
        pool = situation.open_facts(state)
        listed = [fact for fact in shortlist if fact in pool]
        ranked = _ranked(situation, listed or pool, state)
        if listed and not ranked:
            ranked = _ranked(situation, pool, state)
            listed = []
        if not ranked:
            break
        if not listed:
            shortlist = [fact for _rank, fact in ranked[:SHORTLIST]]
        best, fact = ranked[0]
        answers[fact] = best.value
        state = best.state
    return DecidingFacts(list(answers), state.decided, answers)


def _ranked(situation: Situation, facts: list[str], state: State) -> list[tuple[_Ranked, str]]:
    found = [(rank, fact) for fact in facts if (rank := _rank(situation, fact, state)) is not None]
    return sorted(found, key=lambda pair: (pair[0].key, pair[1]))


def _rank(situation: Situation, fact: str, now: State) -> _Ranked | None:
    """How much answering ``fact`` settles: first a fact every answer of which decides the
    review, then the fewest entries left open on average over its answers, then the most
    answers that decide, then the fewest left open by its least helpful answer. None when no
    answer to it changes anything."""
    results: list[tuple[tuple[bool, int], Any, State]] = []
    given = Answered(situation.facts, now.answers)
    for value in candidates(situation.catalog, fact).values:
        if contradicts(given, fact, value):
            continue  # not an answer a person could give: the description would be refused
        state = situation.answer({fact: value}, now)
        results.append(((not state.decided, state.open), value, state))
    if not results or all(key == (True, now.open) for key, _v, _s in results):
        return None
    worst_key, value, state = max(results, key=lambda r: r[0])
    deciding = sum(1 for key, _v, _s in results if not key[0])
    average = sum(key[1] for key, _v, _s in results) / len(results)
    return _Ranked((deciding < len(results), average, -deciding, worst_key[1]), value, state)
