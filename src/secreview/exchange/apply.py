"""Returned answers applied to a description, each with who gave it, when and where it is written.

An answer the vendor left as it was sent is not applied at all (not re-stamped, whatever the
description says meanwhile). A new or changed value gets a new provenance entry, and the value
and provenance it replaces go into that entry's history; an unchanged value with a new source or
comment is *confirmed*: its provenance is renewed the same way.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from secreview.exchange.answers import Answer, data_path
from secreview.facts import json_value
from secreview.system import PreviousAnswer, Provenance, SystemDescription
from secreview.vocabulary import Addressee


@dataclass(frozen=True)
class Statement:
    """Who answers for the whole returned file, in which role, and on which date."""

    who: str | None
    role: Addressee
    when: dt.date


@dataclass
class Applied:
    """The description's data after the answers, and what they did."""

    data: dict[str, Any]
    changes: dict[tuple[str, ...], Any] = field(default_factory=dict)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    answered: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)

    @property
    def touched(self) -> bool:
        return bool(self.answered or self.changed or self.confirmed)


def value_at(data: Mapping[str, Any], fact: str) -> Any:
    """The answer at ``fact`` in a description's data (None when absent or unknown)."""
    node: Any = data
    for key in data_path(fact):
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _set(data: dict[str, Any], fact: str, value: Any) -> None:
    path = data_path(fact)
    node = data
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[path[-1]] = value


def _previous(value: Any, entry: Provenance | None) -> PreviousAnswer:
    if entry is None:
        return PreviousAnswer(value=value)
    return PreviousAnswer(value=value, who=entry.who, role=entry.role, when=entry.when,
                          source=entry.source, comment=entry.comment)


def apply_answers(system: SystemDescription, data: Mapping[str, Any], answers: Sequence[Answer],
                  statement: Statement) -> Applied:
    """``data`` (the description as loaded) with ``answers`` applied; see the module text."""
    current = system.model_dump(mode="python", exclude_none=True, by_alias=True)
    applied = Applied(data=copy.deepcopy(dict(data)), provenance=dict(system.provenance))
    for answer in answers:
        says_nothing = not answer.given and answer.source is None and answer.comment is None
        if not answer.touched or says_nothing:
            continue
        before = value_at(current, answer.fact)
        after = answer.value if answer.given else before
        old = system.provenance.get(answer.fact)
        same = json_value(before) == json_value(after)
        if same and old is not None and (old.source, old.comment, old.role, old.who) == (
                answer.source, answer.comment, statement.role, statement.who):
            continue  # nothing new: the same value from the same person with the same source
        history = list(old.history) if old is not None else []
        if before is not None or old is not None:
            history.append(_previous(before, old))
        applied.provenance[answer.fact] = Provenance(
            who=statement.who, role=statement.role, when=statement.when, source=answer.source,
            comment=answer.comment, history=history)
        if same:
            applied.confirmed.append(answer.fact)
            continue
        _set(applied.data, answer.fact, after)
        applied.changes[data_path(answer.fact)] = after
        (applied.answered if before is None else applied.changed).append(answer.fact)
    if applied.touched:
        applied.data["provenance"] = provenance_data(applied.provenance)
    return applied


def provenance_data(provenance: Mapping[str, Provenance]) -> dict[str, Any]:
    """The provenance map as plain data for the description (empty fields left out)."""
    return {path: entry.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
            for path, entry in sorted(provenance.items())}
