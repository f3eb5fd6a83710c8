"""Answers as data: read and set one fact of a description by its dotted path, and write the
description back as YAML in the questionnaire's order.

An unknown answer is an absent key (``None`` removes it), exactly as in a hand-written file: the
register never stores "no" for a question nobody answered. The YAML is written deterministically
(same answers, same bytes) and read back through secreview's own loader in the tests.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import yaml

from secreview.facts import core_facts
from secreview.loading import quoting_numbers

HEADER = "# yaml-language-server: $schema=docs/schemas/system.schema.json\n"


def get_answer(data: Mapping[str, Any], path: str) -> Any:
    """The value at ``path`` (``None`` when unanswered)."""
    node: Any = data
    for part in _parts(path):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def set_answer(data: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``data`` with ``path`` set to ``value``; ``None`` removes it, and sections left
    empty are removed too, so an unanswered question leaves no trace."""
    result = copy.deepcopy(dict(data))
    parts = _parts(path)
    trail: list[dict[str, Any]] = [result]
    node = result
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            if value is None:
                return result
            child = {}
            node[part] = child
        node = child
        trail.append(node)
    if value is None:
        node.pop(parts[-1], None)
        for depth in range(len(parts) - 1, 0, -1):
            if not trail[depth]:
                trail[depth - 1].pop(parts[depth - 1], None)
    else:
        node[parts[-1]] = value
    return result


def _parts(path: str) -> list[str]:
    if path.startswith("extensions."):
        return ["extensions", path.removeprefix("extensions.")]
    return path.split(".")


@cache
def _order() -> dict[str, int]:
    """Rank of every key path (and each prefix) in the questionnaire's order."""
    rank: dict[str, int] = {}
    for index, path in enumerate(core_facts()):
        parts = path.split(".")
        for depth in range(1, len(parts) + 1):
            rank.setdefault(".".join(parts[:depth]), index)
        for item in core_facts()[path].item_facts:
            rank.setdefault(f"{path}.{item}", index)
    return rank


def _ordered(value: Any, prefix: str) -> Any:
    if isinstance(value, Mapping):
        order = _order()
        keys = sorted(value, key=lambda k: (order.get(f"{prefix}{k}", len(order)), str(k)))
        return {k: _ordered(value[k], f"{prefix}{k}.") for k in keys}
    if isinstance(value, list):
        return [_ordered(item, prefix) for item in value]
    return value


_DUMPER = quoting_numbers(getattr(yaml, "CSafeDumper", yaml.SafeDumper))
"""libyaml's emitter when PyYAML has it: five times faster than the pure-Python one, which
matters because every autosave writes the draft. Both emit the same text, except that libyaml
writes characters beyond U+FFFF (emoji) as escapes; either way the text reads back the same."""


def dump_description(data: Mapping[str, Any]) -> str:
    """The description as YAML text, keys in the questionnaire's order, with the editor line."""
    if not data:
        return HEADER + "{}\n"
    body = yaml.dump(_ordered(dict(data), ""), Dumper=_DUMPER, sort_keys=False,
                     allow_unicode=True, default_flow_style=False, width=100)
    return HEADER + body


def load_draft(text: str) -> dict[str, Any]:
    """Read back a draft this module wrote (trusted text, written by :func:`dump_description`
    from validated answers), with libyaml when available: every autosave reads the draft."""
    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader, on our own output
    return dict(data) if isinstance(data, dict) else {}


def answered_paths(data: Mapping[str, Any], facts: Iterable[str]) -> set[str]:
    """The facts among ``facts`` that have an answer in ``data``."""
    return {path for path in facts if get_answer(data, path) is not None}
