"""The facts a finding's texts may quote, including the items of a list that make it fire.

A rule over a list (``for_any: integrations, where: ...``) fires because of some of its items;
its message names them with ``{integrations}`` (the items) or ``{integrations.counterpart}`` (a
field of each). For a finding those are the items whose ``where`` decides it; for an unverified
finding, also the items still undecided. A list the rule does not quantify over is quoted whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from secreview.rules.loader import CompiledRule
from secreview.tristate import Tri


class QuotedFacts(Mapping[str, Any]):
    """A review's facts as the placeholders of one rule's texts read them."""

    def __init__(self, facts: Mapping[str, Any], selected: Mapping[str, list[Any]]) -> None:
        self._facts = facts
        self._selected = selected

    def _items(self, list_path: str) -> Any:
        if list_path in self._selected:
            return self._selected[list_path]
        return self._facts.get(list_path)

    def _split(self, path: str) -> tuple[str, str] | None:
        """``integrations.counterpart`` → (``integrations``, ``counterpart``) when the first
        part is a list of items."""
        head = path
        while "." in head:
            head, _ = head.rsplit(".", 1)
            value = self._facts.get(head)
            if isinstance(value, list) and (not value or isinstance(value[0], Mapping)):
                return head, path[len(head) + 1:]
        return None

    def __getitem__(self, path: str) -> Any:
        if path in self._selected:
            return self._selected[path]
        if path in self._facts:
            return self._facts[path]
        split = self._split(path)
        if split is None:
            raise KeyError(path)
        items = self._items(split[0])
        if items is None:
            return None
        return [item.get(split[1]) for item in items if item.get(split[1]) is not None]

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and (path in self._facts or self._split(path) is not None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._facts)

    def __len__(self) -> int:
        return len(self._facts)


def quoted_facts(compiled: CompiledRule, status: str, facts: Mapping[str, Any]) -> QuotedFacts:
    """What ``{placeholders}`` in the rule's texts read, for an outcome of ``status``."""
    selected: dict[str, list[Any]] = {}
    if status in ("finding", "unknown"):
        for quantified in compiled.quantifiers:
            wanted: tuple[Tri, ...] = (quantified.fires_when,) if status == "finding" else (
                quantified.fires_when, None)
            chosen = selected.setdefault(quantified.list_path, [])
            chosen += [item for item in quantified.items(facts, wanted)
                       if not any(item is other for other in chosen)]
    return QuotedFacts(facts, selected)


def unknown_item_facts(compiled: CompiledRule, facts: Mapping[str, Any]) -> list[str]:
    """Extension facts of list items that keep the rule undecided, as ``LIST.extensions.NAME``:
    questions a ruleset declared for each item, to put to the vendor like any other."""
    found: list[str] = []
    for quantified in compiled.quantifiers:
        undecided = quantified.items(facts, (None,))
        for list_path, fact in compiled.item_facts_used:
            path = f"{list_path}.{fact}"
            if (list_path == quantified.list_path and fact.startswith("extensions.")
                    and path not in found and any(item.get(fact) is None for item in undecided)):
                found.append(path)
    return found
