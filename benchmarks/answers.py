"""How many answers each example needs before it is decided: the cost to a person, not a machine.

A harmless system should be decided with few answers (issue 12: the meeting-room booking with at
most 20). For each bundled example the description is thinned greedily: every answered fact (a
list counts as one) is left out in turn, in reverse order of the description, and stays out when
the review still reaches the same, decided outcome. What remains is a set of answers no single one
of which can be dropped: the figure is "answers needed to decide", an upper bound on the fewest
(greedy is not a search over every subset). The reviews are the library's own
(:meth:`Reviewer.review` on the thinned data), so routing answers, implications and the law of the
review date all count as they would for a person.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from benchmarks.inputs import Config, example_systems
from benchmarks.results import Section, Target
from secreview.api import Reviewer
from secreview.loading import load_document

TARGET_ANSWERS = 20
"""Issue 12: the meeting-room booking reviews as approve with at most this many answers."""
TARGET_EXAMPLE = "room-booking"
UNDECIDED = "incomplete"

Path = tuple[str, ...]


@dataclass(frozen=True)
class Needed:
    example: str
    outcome: str
    answered: int
    needed: list[Path]
    reviews: int


def answered_paths(data: Any, prefix: Path = ()) -> Iterator[Path]:
    """Every answered fact of a description: a scalar or a whole list, never ``$schema``."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key != "$schema":
                yield from answered_paths(value, (*prefix, key))
    elif data is not None:
        yield prefix


def without(data: dict[str, Any], paths: set[Path]) -> dict[str, Any]:
    """The description with the facts at ``paths`` left unanswered."""
    thinned = copy.deepcopy(data)
    for path in paths:
        node: Any = thinned
        for key in path[:-1]:
            node = node[key]
        node.pop(path[-1], None)
    return thinned


def answers_needed(reviewer: Reviewer, name: str, data: dict[str, Any],
                   date: dt.date) -> Needed:
    """Drop answers greedily while the review keeps its decided outcome."""
    outcome = reviewer.review(data, date).decision.outcome
    paths = list(answered_paths(data))
    dropped: set[Path] = set()
    reviews = 1
    if outcome != UNDECIDED:
        for path in reversed(paths):
            reviews += 1
            trial = without(data, dropped | {path})
            if reviewer.review(trial, date).decision.outcome == outcome:
                dropped.add(path)
    return Needed(name, outcome, len(paths), [p for p in paths if p not in dropped], reviews)


def run(config: Config) -> Section:
    section = Section("answers", "Answers needed to decide each example")
    reviewer = Reviewer()
    examples = example_systems()
    if config.quick:
        examples = [e for e in examples if e.stem == TARGET_EXAMPLE]
    found: dict[str, Needed] = {}
    for example in examples:
        data = load_document(example).data
        date = (data.get("review") or {}).get("date") or dt.date(2026, 11, 26)
        result = answers_needed(reviewer, example.stem, data, date)
        found[example.stem] = result
        section.add(f"examples/{example.name}", value=(
            f"{len(result.needed)} of {result.answered}"
            if result.outcome != UNDECIDED else f"undecided with all {result.answered}"),
            unit=f"{result.outcome}; {result.reviews} reviews")
        section.checks[f"{example.stem}: the thinned description keeps the outcome"] = (
            result.outcome == UNDECIDED or reviewer.review(
                without(data, set(answered_paths(data)) - set(result.needed)),
                date).decision.outcome == result.outcome)
    target = found.get(TARGET_EXAMPLE)
    if target is not None:
        section.targets.append(Target(
            f"{TARGET_EXAMPLE} reviews as approve with at most {TARGET_ANSWERS} answers",
            f"{target.outcome} with {target.answered} answered ({len(target.needed)} needed)",
            target.outcome == "approve" and target.answered <= TARGET_ANSWERS))
        section.notes.append(f"{TARGET_EXAMPLE}, the answers needed: "
                             + ", ".join(".".join(p) for p in target.needed) + ".")
    section.notes.append(
        "Greedy: each answered fact (a list counts as one) is left out in turn, last first, and "
        "stays out when the review keeps its decided outcome; the rest cannot be thinned one "
        "answer at a time. An upper bound on the fewest answers, not an exhaustive search.")
    return section
