"""Routing: which questions an answer makes irrelevant (``data/routing.yaml``).

The questionnaire template explains the routing in words (labels ``workflow.routing.<path>``);
the workspace applies it: a question hidden by a routing answer is not shown while that answer
holds. Hiding never deletes an answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass(frozen=True)
class Route:
    question: str
    when: Any
    hides: tuple[str, ...]

    def covers(self, path: str) -> bool:
        """Does this route's ``hides`` name ``path`` (never the routing question itself)?"""
        if path == self.question:
            return False
        return any(path.startswith(pattern[:-1]) if pattern.endswith(".*") else path == pattern
                   for pattern in self.hides)


@cache
def routes() -> tuple[Route, ...]:
    from secreview.bundled import load_data

    return tuple(Route(question, entry["when"], tuple(entry["hides"]))
                 for question, entry in load_data("routing.yaml").items())


def hidden_facts(answer_of: Mapping[str, Any], facts: Iterable[str]) -> set[str]:
    """The facts among ``facts`` that the routing answers in ``answer_of`` make irrelevant.

    ``answer_of`` maps a routing question's path to its answer (``None`` when unknown: an
    unknown routing answer hides nothing).
    """
    active = [r for r in routes() if r.question in answer_of and answer_of[r.question] == r.when
              and answer_of[r.question] is not None]
    return {path for path in facts if any(r.covers(path) for r in active)}
