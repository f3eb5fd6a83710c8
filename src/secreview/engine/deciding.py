"""Deciding facts: the few unanswered facts whose answers settle an undecided review.

A :class:`Situation` holds one review's evaluation and answers "what would the decision be if
these facts were answered so?" cheaply: an answer re-evaluates only the rules that read the fact
(:attr:`Catalog.rules_by_fact`; screening rules and the derived DPIA facts when the answer feeds
them), and the decision follows from per-clause match counts adjusted for those rules alone
(:class:`~secreview.engine.decide.Policy`), never from a whole review per candidate.

The search is greedy. An entry is *open* while a reject or incomplete clause sees it differently
as the facts stand and in the worst case; the review is decided once nothing open keeps it
incomplete. Each round tries the unanswered facts of the open entries (the :data:`POOL` read by
most of them; later rounds lazily, see :func:`deciding_facts`) at each answer the rules can
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
import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from secreview.engine.answers import candidates
from secreview.engine.decide import Choice, Entry, Policy, Signature, add, entry_of
from secreview.engine.dpia import derive_facts
from secreview.engine.evaluate import Evaluation, RuleOutcome, complete_facts, evaluate_rule
from secreview.engine.memo import RuleMemo
from secreview.engine.scoring import rule_bounds
from secreview.engine.waive import waiver_refusal
from secreview.facts import CLASSIFICATION_DERIVED, CLASSIFICATION_LEVELS, REVIEW_DATE_FACT
from secreview.profile import Profile, RiskMatrix
from secreview.review import Finding
from secreview.routing import contradicts, routing
from secreview.rules.loader import Catalog
from secreview.waivers import WaiverFile

DPIA_STATUS = "personal_data.dpia.status"
DPIA_DERIVED = ("derived.dpia_criteria_met", "derived.dpia_required")
MAX_DECIDING = 10
"""At most this many deciding facts are listed: the first questions to ask, not all of them."""
POOL = 40
"""A round that ranks afresh tries at most this many facts: those read by the most open
entries (on a large catalogue the number of open facts, not the search, would set the cost)."""
"""After the first round, only the facts that ranked this high are tried again."""
DERIVED = "derived."


@dataclass(frozen=True)
class State:
    """The decision as it would stand with some answers given, and what that changed: the
    starting point for the next hypothetical answer."""

    choice: Choice
    open: int  # entries still open (see module docstring)
    answers: dict[str, Any]  # the hypothetical answers themselves
    layered: dict[str, Any]  # every fact they change: answers, what follows, derived facts
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
                 findings: Sequence[Finding] | None = None, memo: RuleMemo | None = None
                 ) -> None:
        """``findings`` (the review's, when already scored) saves scoring every rule again;
        ``memo`` (the Reviewer's) keeps each rule's entry by the values of the facts it reads,
        across hypothetical answers and across reviews."""
        self.catalog = catalog
        self.memo = memo if memo is not None and memo.serves(catalog, profile) else None
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
        self.screening_dated = any(rules[i].reads_date for i in self.screening)
        screening_inputs = {*self.screening_facts, DPIA_STATUS}
        self.screening_reads = tuple(sorted(screening_inputs))
        """Every fact the derived DPIA facts follow from (the screening rules' and the status)."""
        self.completing = routing().reads | set(CLASSIFICATION_LEVELS)
        """Facts whose answer can imply others or change a derived classification level."""
        self.completed = {path for implication in routing().all_implications
                          for path in implication.implies} | set(CLASSIFICATION_DERIVED)
        """Facts that completing the answers can fill in."""
        self.derived_inputs = screening_inputs - {p for p in screening_inputs
                                                  if p.startswith(DERIVED)}
        self.sources = {**dict.fromkeys(DPIA_DERIVED, tuple(sorted(self.derived_inputs))),
                        **CLASSIFICATION_DERIVED}
        """Derived fact → the facts to ask instead (a derived fact is never a question)."""
        self._completions: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.answered = evaluation.answered if evaluation.answered is not None else self.facts
        if findings is not None:
            by_id = {f.rule_id: entry_of(f, matrix) for f in findings}
            self.entries: list[Entry | None] = [by_id.get(r.id) for r in rules]
        else:
            self.entries = [self.entry(o, self.facts) for o in self.outcomes]
        self.signatures: list[Signature | None] = [
            self.policy.signature(e) if e is not None else None for e in self.entries]
        self.actual, self.worst = self.policy.tally(e for e in self.entries if e is not None)
        open_ = sum(self.policy.distance(s) for s in self.signatures if s is not None)
        self.base = State(self.policy.choose(self.actual, self.worst), open_, {}, {}, {},
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
        compiled = self.catalog.rules[position]
        if self.memo is None or compiled.id in self.waivers:  # waivers vary per review
            return self.entry(evaluate_rule(compiled, facts), facts)
        return self.memo.get_or_compute(
            "entry", compiled.id, compiled.facts_used, facts,
            lambda: self.entry(evaluate_rule(compiled, facts), facts), compiled.reads_date)

    def answer(self, answers: Mapping[str, Any], start: State | None = None) -> State:
        """The decision if ``answers`` were given on top of ``start`` (the review as it is, by
        default). What follows from the answers is completed exactly as for a description with
        them (routing implications from the answered facts, derived classification and DPIA
        facts); only the rules reading a fact that changed are evaluated again."""
        start = start or self.base
        given = {**start.answers, **answers}
        layered = {**self._completion(given), **given}
        facts = {**self.facts, **layered}  # a plain dict: rules read it thousands of times
        if not self.derived_inputs.isdisjoint(layered):
            derived = self._derived(facts)
            facts.update(derived)
            layered.update({k: v for k, v in derived.items() if v != self.facts.get(k)})
        before = start.layered
        changed = {k for k in (*layered, *before)
                   if layered.get(k, self.facts.get(k)) != before.get(k, self.facts.get(k))}
        by_fact = self.catalog.rules_by_fact
        touched: set[int] = set()
        for fact in changed:
            touched.update(by_fact.get(fact, ()))
        actual, worst = list(start.actual), list(start.worst)
        open_ = start.open
        changed_entries = dict(start.changed)
        for position in touched:
            previous = changed_entries.get(position, self.entries[position])
            entry = self._entry_at(position, facts)
            if entry == previous:
                continue
            changed_entries[position] = entry
            if previous is not None:
                old = self.policy.signature(previous)
                add(actual, worst, old, -1)
                open_ -= self.policy.distance(old)
            if entry is not None:
                new = self.policy.signature(entry)
                add(actual, worst, new, 1)
                open_ += self.policy.distance(new)
        return State(self.policy.choose(actual, worst), open_, given, layered, changed_entries,
                     tuple(actual), tuple(worst))

    def _derived(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """The derived DPIA facts from the screening rules (read-only: it may be shared)."""
        rules = self.catalog.rules

        def compute() -> dict[str, Any]:
            return derive_facts([evaluate_rule(rules[i], facts) for i in self.screening], facts)
        if self.memo is None:
            return compute()
        return self.memo.get_or_compute("derived", "", self.screening_reads, facts, compute,
                                        self.screening_dated)

    def _completion(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """What completing the description with ``given`` fills in differently from the review
        as it is. Only answers an implication reads (or a classification level) can change it,
        so it is computed from the facts as answered once per set of such answers."""
        relevant = tuple(sorted(((k, v) for k, v in given.items() if k in self.completing),
                                key=lambda item: item[0]))
        if not relevant:
            return {}
        key = _frozen(relevant)
        found = self._completions.get(key) if key is not None else None
        if found is None:
            facts = {**self.answered, **given}
            complete_facts(facts)
            found = {k: facts.get(k) for k in self.completed
                     if facts.get(k) != self.facts.get(k) and k not in given}
            if key is not None:
                self._completions[key] = found
        return found

    def open_facts(self, state: State) -> list[str]:
        """Unanswered facts of the entries still open: the only answers that can settle them
        (a derived fact is asked through the facts behind it; the review date is the review's
        own, never a question). Those read by the most open entries come first."""
        rules = self.catalog.rules
        facts = {**self.facts, **state.layered}
        found: dict[str, int] = {}
        for position, entry in enumerate(self.entries):
            entry = state.changed.get(position, entry)
            if entry is None or not self.policy.distance(self.policy.signature(entry)):
                continue
            for path in rules[position].facts_used:
                if facts.get(path) is None:
                    found[path] = found.get(path, 0) + 1
        for path in [p for p in found if p.startswith(DERIVED)]:
            for source in self.sources.get(path, ()):
                if facts.get(source) is None:
                    found[source] = found.get(source, 0) + found[path]
        return sorted((path for path in found
                       if not path.startswith(DERIVED) and path != REVIEW_DATE_FACT),
                      key=lambda path: (-found[path], path))


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
    """The unanswered facts that settle an undecided review, most decisive first (greedy).

    After a first round that ranks the :data:`POOL`, rounds are lazy: a fact is ranked again
    only while its rank from an earlier round could still beat the best one ranked this round,
    as each answer mostly leaves less for the others to settle."""
    state = situation.base
    if state.decided:
        return DecidingFacts([], True, {})
    answers: dict[str, Any] = {}
    queue: list[tuple[tuple[bool, float, int, int], str, int]] = []
    fresh: dict[str, _Ranked] = {}
    round_ = 0
    while not state.decided and len(answers) < limit:
        round_ += 1
        pool = situation.open_facts(state)
        if not queue:
            ranked = _ranked(situation, pool[:POOL], state)
            queue = [(rank.key, fact, round_) for rank, fact in ranked]
            fresh = {fact: rank for rank, fact in ranked}
            heapq.heapify(queue)
        chosen = _lazy_best(situation, queue, fresh, set(pool), state, round_)
        if chosen is None:
            queue = []
            ranked = _ranked(situation, pool[:POOL], state)
            if not ranked:
                break
            best, fact = ranked[0]
            queue = [(rank.key, other, round_) for rank, other in ranked[1:]]
            heapq.heapify(queue)
        else:
            best, fact = chosen
        answers[fact] = best.value
        state = best.state
    return DecidingFacts(list(answers), state.decided, answers)


def _lazy_best(situation: Situation, queue: list[tuple[tuple[bool, float, int, int], str, int]],
               fresh: dict[str, _Ranked], pool: set[str], state: State,
               round_: int) -> tuple[_Ranked, str] | None:
    """The best fact of the queue for this round, ranking again only what could win."""
    while queue:
        _key, fact, ranked_in = heapq.heappop(queue)
        if fact not in pool:
            continue
        if ranked_in == round_:
            return fresh[fact], fact
        rank = _rank(situation, fact, state)
        if rank is None:
            continue
        fresh[fact] = rank
        heapq.heappush(queue, (rank.key, fact, round_))
    return None


def _ranked(situation: Situation, facts: list[str], state: State) -> list[tuple[_Ranked, str]]:
    found = [(rank, fact) for fact in facts if (rank := _rank(situation, fact, state)) is not None]
    return sorted(found, key=lambda pair: (pair[0].key, pair[1]))


def _rank(situation: Situation, fact: str, now: State) -> _Ranked | None:
    """How much answering ``fact`` settles: first a fact every answer of which decides the
    review, then the fewest entries left open on average over its answers, then the most
    answers that decide, then the fewest left open by its least helpful answer. None when no
    answer to it changes anything."""
    results: list[tuple[tuple[bool, int], Any, State]] = []
    given = {**situation.answered, **now.answers}
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
