"""Which questions a workbook asks, in which order, and the fingerprint of what they mean.

The open questions come first in the review's ranking (the deciding ones, whose answers settle
the decision, first of all), grouped by area as ``secreview questions`` groups them. With
``include_answered`` every other fact the addressee answers follows in its area, with its
current answer, so the vendor can confirm or correct what the description already says.

A fact a ruleset asks of each item of a list (``integrations.extensions.tls_version``) is asked
on that list's row: a list of entries is answered whole, in one cell, each entry with its own
``extensions:``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from secreview.addressees import fact_addressee
from secreview.facts import FactSpec, flatten
from secreview.i18n import LANGUAGES, Text, label
from secreview.open_questions import DECIDING, for_addressee
from secreview.questionnaire import fact_why, section_of
from secreview.questions import question_for
from secreview.review import Review
from secreview.rules.loader import Catalog
from secreview.system import Provenance, SystemDescription


@dataclass(frozen=True)
class Row:
    """One question of the workbook with the description's current answer."""

    number: int
    fact: str
    area: str
    spec: FactSpec
    question: Text
    why: Text | None
    value: Any
    provenance: Provenance | None
    open: bool  # an open question of the review (unknown and deciding), not only answered


def _answerable(catalog: Catalog) -> list[str]:
    return [path for path in catalog.facts if not path.startswith("derived.")]


def select_rows(review: Review, system: SystemDescription, catalog: Catalog,
                addressee: str, include_answered: bool = False) -> list[Row]:
    """The workbook's questions for ``addressee``, numbered in reading order."""
    selected = for_addressee(review, addressee)
    ranked: list[str] = []
    per_item: dict[str, list[str]] = {}
    for question in selected:
        row = _asked_on(question.fact, catalog)
        if row != question.fact:
            per_item.setdefault(row, []).append(question.fact)
        if row not in ranked:
            ranked.append(row)
    deciding = {_asked_on(q.fact, catalog) for q in selected if q.deciding}
    facts = list(ranked)
    if include_answered:
        asked = set(ranked)
        facts += [path for path in _answerable(catalog)
                  if path not in asked and fact_addressee(path, catalog) == addressee]
    areas: dict[str, list[str]] = {}
    for fact in facts:  # the deciding questions first, as secreview questions lists them
        areas.setdefault(DECIDING if fact in deciding else section_of(fact), []).append(fact)
    values = {path: _as_written(value) for path, value in flatten(system).items()}
    open_questions = set(ranked)
    rows: list[Row] = []
    for area, members in areas.items():
        for fact in members:
            rows.append(Row(
                number=len(rows) + 1, fact=fact, area=area,
                spec=catalog.facts[fact],
                question=_question(fact, per_item.get(fact, ()), catalog),
                why=fact_why(fact, catalog), value=values.get(fact),
                provenance=system.provenance.get(fact), open=fact in open_questions))
    return rows


def entries_of(fact: str, catalog: Catalog) -> str | None:
    """The list whose entries a ruleset asks ``fact`` of (``integrations`` for
    ``integrations.extensions.tls_version``); None for a fact with an answer of its own."""
    head = fact.rpartition(".extensions.")[0]
    return head if head and catalog.extension(fact) is not None else None


def _asked_on(fact: str, catalog: Catalog) -> str:
    """The row that asks ``fact``: its own, or its list's for a fact asked of each entry."""
    return entries_of(fact, catalog) or fact


def _question(fact: str, per_item: Iterable[str], catalog: Catalog) -> Text:
    """A row's question; a list's row adds what the review asks of each of its entries."""
    question = question_for(fact, catalog)
    asked = [(question_for(path, catalog), path.rpartition(".")[2]) for path in per_item]
    if not asked:
        return question
    return Text(**{lang: " ".join([question.get(lang), *(
        label("exchange.item_question", lang, question=item.get(lang), name=name)
        for item, name in asked)]) for lang in LANGUAGES})


def _as_written(value: Any) -> Any:
    """A list of entries as the description writes it: unanswered fields left out, not null,
    and the answers to a ruleset's per-item facts under the entry's own ``extensions:``."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [_entry(item) for item in value]
    return value


def _entry(item: Mapping[str, Any]) -> dict[str, Any]:
    entry = {key: answer for key, answer in item.items()
             if answer is not None and not key.startswith("extensions.")}
    extensions = {key.removeprefix("extensions."): answer for key, answer in item.items()
                  if answer is not None and key.startswith("extensions.")}
    return {**entry, "extensions": extensions} if extensions else entry


def _spec_signature(spec: FactSpec) -> dict[str, Any]:
    return {
        "path": spec.path, "kind": spec.kind, "item_kind": spec.item_kind,
        "allowed": [str(v) for v in spec.allowed] if spec.allowed is not None else None,
        "minimum": spec.minimum, "maximum": spec.maximum,
        "items": {name: _spec_signature(item) for name, item in spec.item_facts.items()},
    }


def fingerprint(facts: Iterable[str], specs: Mapping[str, FactSpec]) -> str:
    """The questionnaire version of a set of questions: a hash of what each answer may be.

    Two workbooks agree on it when every question they share accepts the same answers, so a
    workbook stays importable while unrelated facts are added, and is refused (unless forced)
    when a question it asks now means something else or no longer exists.
    """
    signature = [_spec_signature(specs[f]) if f in specs else {"path": f, "missing": True}
                 for f in sorted(facts)]
    digest = hashlib.sha256(json.dumps(signature, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()[:16]
