"""From scored findings to a procurement decision and its conditions.

The policy is data (see :class:`~secreview.profile.DecisionPolicy`): clauses are tried from the
most severe outcome down, the first that fires decides, and the review records which one and why.

A reject rests only on confirmed levels, whatever the profile says: a reject clause compares the
level the known facts alone establish. When a reject clause would fire only in the *worst case*
(every unknown answered against the system), the engine decides ``incomplete`` instead and states
that worst case, so an assumption can never reject a system and never hide a rejection either.

The policy works on :class:`Entry` tuples, not on findings, so the deciding-facts search
(:mod:`secreview.engine.deciding`) can ask "what would the outcome be if..." by adjusting match
counts for the few rules an answer touches, with the very same clauses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from secreview.i18n import Lang, Text, Words, fact_name, format_fact, label, plural
from secreview.profile import DecisionClause, DecisionPolicy, FindingFilter, RiskMatrix
from secreview.review import ApprovalCondition, Assumption, Decision, Finding, Reason, WorstCase

ASSUMED_PREFIX = "assumed_"
"""Clause id of an ``incomplete`` given because a reject clause fires only in the worst case."""
SEVERE = ("reject", "incomplete")
MAX_STATEMENT_FINDINGS = 2
MAX_STATEMENT_CONDITIONS = 3


class Entry(NamedTuple):
    """What the policy needs to know of one open finding (not waived, not screening)."""

    rule_id: str
    status: str  # finding | unknown
    confirmed: int | None  # rank of the level the known facts establish; None: not established
    worst: int  # rank of the worst-case level
    remedy: str
    aspect: str


def entry_of(finding: Finding, matrix: RiskMatrix) -> Entry | None:
    """The policy's view of a finding; None for one that cannot decide (pass, waived, ...)."""
    if not finding.counts_as_risk or finding.residual is None:
        return None
    confirmed = matrix.rank(finding.confirmed.level) if finding.confirmed is not None else None
    return Entry(finding.rule_id, finding.status, confirmed, matrix.rank(finding.residual.level),
                 finding.remedy, finding.aspect)


@dataclass(frozen=True)
class _Filter:
    statuses: frozenset[str]
    threshold: int
    remedies: frozenset[str] | None
    aspects: frozenset[str] | None
    mode: str  # confirmed | assumed | worst

    def _scope(self, entry: Entry) -> bool:
        return ((self.remedies is None or entry.remedy in self.remedies)
                and (self.aspects is None or entry.aspect in self.aspects))

    def _confirmed(self, entry: Entry) -> bool:
        return (entry.status == "finding" and "finding" in self.statuses
                and entry.confirmed is not None and entry.confirmed >= self.threshold)

    def actual(self, entry: Entry) -> bool:
        """Does the entry match, as the facts stand?"""
        if not self._scope(entry):
            return False
        if self.mode == "confirmed":
            return self._confirmed(entry)
        worst = entry.status in self.statuses and entry.worst >= self.threshold
        if self.mode == "assumed":
            return worst and not self._confirmed(entry)
        return worst

    def worst_world(self, entry: Entry) -> bool:
        """Does it match when every unknown goes against the system (an undecided rule fires,
        every level is at its worst and so confirmed)?"""
        return (self.mode != "assumed" and "finding" in self.statuses
                and entry.worst >= self.threshold and self._scope(entry))


def _filter(selector: FindingFilter, matrix: RiskMatrix, reject: bool) -> _Filter:
    basis = set(selector.basis or ("confirmed", "assumed"))
    mode = ("confirmed" if reject or basis == {"confirmed"}
            else "assumed" if basis == {"assumed"} else "worst")
    threshold = (matrix.rank(selector.residual_at_least)
                 if selector.residual_at_least is not None else 0)
    return _Filter(frozenset(selector.status), threshold,
                   frozenset(selector.remedy) if selector.remedy is not None else None,
                   frozenset(selector.aspect) if selector.aspect is not None else None, mode)


class Choice(NamedTuple):
    outcome: str
    clause: int | None  # position in the policy's clauses; None for the default
    assumed: bool  # an ``incomplete`` because a reject would rest on assumptions


Signature = tuple[tuple[bool, ...], tuple[bool, ...]]


class Policy:
    """A decision policy compiled against a matrix: per-clause match tests on entries, and the
    outcome from how many entries match each clause, as the facts stand and in the worst case."""

    def __init__(self, policy: DecisionPolicy, matrix: RiskMatrix) -> None:
        self.policy = policy
        self.matrix = matrix
        self.clauses: tuple[DecisionClause, ...] = tuple(policy.clauses)
        self.filters = tuple(_filter(c.when, matrix, c.outcome == "reject") for c in self.clauses)
        self.counts = tuple(c.count for c in self.clauses)
        self.severe = tuple(i for i, c in enumerate(self.clauses) if c.outcome in SEVERE)
        self.conditions = _filter(policy.conditions_from, matrix, reject=False)
        self._signatures: dict[Entry, Signature] = {}
        self._distances: dict[Signature, int] = {}

    def signature(self, entry: Entry) -> Signature:
        """Which clauses the entry matches as the facts stand and in the worst case (memoised:
        the deciding-facts search sees the same entries over and over)."""
        found = self._signatures.get(entry)
        if found is None:
            found = (tuple(f.actual(entry) for f in self.filters),
                     tuple(f.worst_world(entry) for f in self.filters))
            self._signatures[entry] = found
        return found

    def tally(self, entries: Iterable[Entry]) -> tuple[list[int], list[int]]:
        actual = [0] * len(self.filters)
        worst = [0] * len(self.filters)
        for entry in entries:
            add(actual, worst, self.signature(entry), 1)
        return actual, worst

    def choose(self, actual: Sequence[int], worst: Sequence[int]) -> Choice:
        """The first clause that fires; a reject clause that fires only in the worst case
        makes the outcome ``incomplete`` unless another reject clause fires on confirmed
        levels."""
        guard: int | None = None
        for i, clause in enumerate(self.clauses):
            if clause.outcome == "reject":
                if actual[i] >= self.counts[i]:
                    return Choice("reject", i, False)
                if guard is None and worst[i] >= self.counts[i]:
                    guard = i
                continue
            if guard is not None:
                return Choice("incomplete", guard, True)
            if actual[i] >= self.counts[i]:
                return Choice(clause.outcome, i, False)
        if guard is not None:
            return Choice("incomplete", guard, True)
        return Choice(self.policy.default, None, False)

    def choose_worst(self, worst: Sequence[int]) -> Choice:
        """The outcome if every assumption held: the policy on worst-case levels."""
        for i, clause in enumerate(self.clauses):
            if worst[i] >= self.counts[i]:
                return Choice(clause.outcome, i, False)
        return Choice(self.policy.default, None, False)

    def distance(self, signature: Signature) -> int:
        """1 when a severe clause (reject, incomplete) sees the entry differently as the facts
        stand and in the worst case: an entry an answer still has to settle."""
        found = self._distances.get(signature)
        if found is None:
            actual, worst = signature
            found = self._distances[signature] = int(any(actual[i] != worst[i]
                                                         for i in self.severe))
        return found


def add(actual: list[int], worst: list[int], signature: Signature, sign: int) -> None:
    for i, (a, w) in enumerate(zip(*signature, strict=True)):
        actual[i] += sign * a
        worst[i] += sign * w


def _severity_key(finding: Finding, matrix: RiskMatrix) -> tuple[int, str]:
    level = finding.residual.level if finding.residual else matrix.levels[0].id
    return (-matrix.rank(level), finding.rule_id)


def matches(finding: Finding, selector: FindingFilter, matrix: RiskMatrix) -> bool:
    """Does an open (not waived, not screening) finding match a policy filter, as the facts
    stand (the worst case, unless the filter asks for a basis)?"""
    entry = entry_of(finding, matrix)
    return entry is not None and _filter(selector, matrix, reject=False).actual(entry)


def decide(findings: Sequence[Finding], policy: DecisionPolicy, matrix: RiskMatrix, *,
           words: Words | None = None) -> Decision:
    """Apply the policy; conditions are listed whatever the outcome, worst first.

    ``words`` (the catalogue's :attr:`~secreview.rules.loader.Catalog.fact_words`) name the
    rulesets' own facts and their values in the worst case's sentence.
    """
    compiled = Policy(policy, matrix)
    open_findings = [(f, e) for f in findings if (e := entry_of(f, matrix)) is not None]
    entries = [e for _f, e in open_findings]
    actual, worst = compiled.tally(entries)
    choice = compiled.choose(actual, worst)
    candidates = sorted((f for f, e in open_findings if compiled.conditions.actual(e)),
                        key=lambda f: _severity_key(f, matrix))
    conditions = [
        ApprovalCondition(rule_id=f.rule_id, title=f.title, remediation=f.remediation,
                  owner_role=f.owner_role, due=f.due,
                  level=f.residual.level if f.residual else "", status=f.status)
        for f in candidates
    ]
    worst_case = _worst_case(compiled, open_findings, worst, choice, words)
    if choice.clause is None:
        return Decision(outcome=choice.outcome, clause=None,
                        reasons=[Reason(clause="default", text=policy.default_reason)],
                        conditions=conditions, worst_case=worst_case)
    clause = compiled.clauses[choice.clause]
    test = compiled.filters[choice.clause]
    matched = sorted((f for f, e in open_findings
                      if (test.worst_world(e) and not test.actual(e) if choice.assumed
                          else test.actual(e))),
                     key=lambda f: _severity_key(f, matrix))
    clause_id = ASSUMED_PREFIX + clause.id if choice.assumed else clause.id
    text = _assumed_reject_reason(clause) if choice.assumed else clause.reason
    reasons = [Reason(clause=clause_id, text=text, rule_ids=[f.rule_id for f in matched])]
    if not choice.assumed:
        reasons += _also_fired(compiled, open_findings, actual, choice, matrix)
    return Decision(outcome=choice.outcome, clause=clause_id, reasons=reasons,
                    conditions=conditions, worst_case=worst_case)


def _also_fired(compiled: Policy, open_findings: Sequence[tuple[Finding, Entry]],
                actual: Sequence[int], choice: Choice, matrix: RiskMatrix) -> list[Reason]:
    """The other clauses of the deciding outcome that fire as the facts stand, each with its
    reason: a rejection for a critical risk and for an unmitigable one names both, so the report
    can say everything that stands between the system and an approval."""
    reasons = []
    for i, other in enumerate(compiled.clauses):
        if i == choice.clause or other.outcome != choice.outcome or actual[i] < compiled.counts[i]:
            continue
        test = compiled.filters[i]
        matched = sorted((f for f, e in open_findings if test.actual(e)),
                         key=lambda f: _severity_key(f, matrix))
        reasons.append(Reason(clause=other.id, text=other.reason,
                              rule_ids=[f.rule_id for f in matched]))
    return reasons


def _assumed_reject_reason(clause: DecisionClause) -> Text:
    return Text(sv=label("decision.assumed_reject", "sv", reason=clause.reason.sv),
                en=label("decision.assumed_reject", "en", reason=clause.reason.en))


def _worst_case(policy: Policy, open_findings: list[tuple[Finding, Entry]], worst: list[int],
                choice: Choice, words: Words | None) -> WorstCase | None:
    """Where the assumptions could lead, when that is somewhere else than the facts lead."""
    matrix = policy.matrix
    worst_rank = max((e.worst for _f, e in open_findings), default=None)
    confirmed_rank = max((e.confirmed for _f, e in open_findings if e.confirmed is not None),
                         default=None)
    outcome = policy.choose_worst(worst)
    if outcome.outcome == choice.outcome and worst_rank == confirmed_rank and not choice.assumed:
        return None
    level = matrix.levels[worst_rank].id if worst_rank is not None else None
    if outcome.clause is None:
        leading: list[Finding] = []
    else:
        test = policy.filters[outcome.clause]
        leading = sorted((f for f, e in open_findings
                          if test.worst_world(e) and f.residual is not None
                          and f.residual.basis == "assumed"),
                         key=lambda f: _severity_key(f, matrix))
    clause = policy.clauses[outcome.clause].id if outcome.clause is not None else None
    statement = Text(sv=_statement(leading, outcome.outcome, matrix, "sv", words),
                     en=_statement(leading, outcome.outcome, matrix, "en", words))
    return WorstCase(outcome=outcome.outcome, level=level, clause=clause,
                     rule_ids=[f.rule_id for f in leading], statement=statement)


def _statement(findings: list[Finding], outcome: str, matrix: RiskMatrix, lang: Lang,
               words: Words | None) -> str:
    """The worst case in words: "If X is 3 or higher, <finding> is critical and the system is
    rejected." One sentence per finding, the first few."""
    result = label(f"worst.outcome.{outcome}", lang)
    if not findings:
        return label("worst.none", lang, result=result)
    sentences = []
    for finding in findings[:MAX_STATEMENT_FINDINGS]:
        level = matrix.level(finding.residual.level).label.get(lang).lower()  # type: ignore[union-attr]
        first = {a.fact: a for a in reversed(finding.assumptions)}  # the first per fact
        phrases = [_phrase(a, lang, words) for a in finding.assumptions if first[a.fact] is a]
        if len(phrases) > MAX_STATEMENT_CONDITIONS:
            more = len(phrases) - MAX_STATEMENT_CONDITIONS
            phrases = [*phrases[:MAX_STATEMENT_CONDITIONS], plural("worst.more", more, lang)]
        conditions = label("worst.and", lang).join(phrases) or label("worst.unknowns", lang)
        sentences.append(label("worst.sentence", lang, conditions=conditions,
                               title=finding.title.get(lang), level=level, result=result))
    if len(findings) > MAX_STATEMENT_FINDINGS:
        sentences.append(plural("worst.more_findings", len(findings) - MAX_STATEMENT_FINDINGS,
                                lang))
    return " ".join(sentences)


def _phrase(assumption: Assumption, lang: Lang, words: Words | None) -> str:
    """One assumption as a clause: "X is 3 or higher", "measure m is not in place (X)"."""
    path, assumed = assumption.fact, assumption.assumed
    fact = fact_name(path, lang, words)  # in words: management reads this, not the description
    if assumed is None:
        if assumption.effect == "mitigation":
            return label("worst.measure_missing", lang, fact=fact, ref=assumption.ref or "")
        return label("worst.against", lang, fact=fact)
    value = format_fact(path, assumed, lang, words)
    if assumption.comparison == "in":
        value = label("worst.or", lang).join(format_fact(path, v, lang, words) for v in assumed)
    key = {"gte": "worst.at_least", "lte": "worst.at_most"}.get(assumption.comparison,
                                                                "worst.is")
    return label(key, lang, fact=fact, value=value)
