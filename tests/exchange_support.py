"""What the vendor-exchange tests share: hypothesis strategies for fact values, and a way to
fill in a returned workbook as a vendor would (with openpyxl)."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import openpyxl
import yaml
from hypothesis import strategies as st

from secreview.addressees import addressee_of
from secreview.countries import iso_codes
from secreview.exchange.workbook import COLUMN
from secreview.facts import FactSpec, core_facts, flatten
from secreview.loading import parse_text
from secreview.routing import contradictions
from secreview.system import SystemDescription, plain_name
from secreview.valuesets import regions as named_regions

FACTS = {path: spec for path, spec in core_facts().items() if not path.startswith("derived.")}
LABELLED = Path(__file__).resolve().parent / "fixtures" / "exchange" / "labelled.yaml"
"""A ruleset whose extension facts label their values (top level, a list, one per integration)."""
SAFE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"),
                           blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067"
                           "\u2068\u2069\x85"),
    min_size=1, max_size=40)
TRICKY = st.sampled_from(["=1+1", "+46 8", "-", "@x", "NO", "2026-01-01", "a; b", "[x", "ja",
                          "okänt", "none", "inga", "  spaced  ", "x, y", "#N/A", "'quoted"])


def _plain(text: str) -> bool:
    """Does the model's own one-line rule (no line breaks, no look-alikes) accept ``text``?"""
    try:
        plain_name(text)
    except ValueError:
        return False
    return True


def _text(one_line: bool) -> st.SearchStrategy[str]:
    text = st.one_of(SAFE_TEXT, TRICKY)
    return text.filter(_plain) if one_line else text


def consistent(description: dict[str, Any]) -> dict[str, Any]:
    """``description`` without the drawn answers that contradict what other answers imply
    (``hosting.eea_only: true`` beside a US access country), values kept as drawn: a person's
    description with such a contradiction is refused when it loads."""
    while True:
        found = contradictions(flatten(SystemDescription.model_validate(description,
                                                                        strict=False)))
        if not found:
            return description
        for path, *_rest in found:
            *parents, name = path.split(".")
            node: Any = description
            for part in parents:
                node = node.get(part, {})
            node.pop(name, None)


def fact_in(description: Mapping[str, Any], path: str) -> bool:
    node: Any = description
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


def _country(regions: bool) -> st.SearchStrategy[str]:
    """ISO 3166-1 alpha-2 codes, and the named regions (EEA, EU) where the fact takes them."""
    codes = sorted(iso_codes()) + (sorted(named_regions()) if regions else [])
    return st.sampled_from(codes)


def values(spec: FactSpec) -> st.SearchStrategy[Any]:
    """Values the model accepts for ``spec``."""
    low = int(spec.minimum) if spec.minimum is not None else 0
    high = int(spec.maximum) if spec.maximum is not None else 10**9
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "int":
        return st.integers(low, high)
    if spec.kind == "number":
        return st.one_of(st.integers(low, min(high, 10**6)),
                         st.floats(low, min(high, 10**6), allow_nan=False))
    if spec.kind == "enum":
        return st.sampled_from(list(spec.allowed or ()))
    if spec.kind == "date":
        return st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31))
    if spec.kind == "list":
        if spec.allowed:
            return st.lists(st.sampled_from(list(spec.allowed)), unique=True, max_size=4)
        if spec.path.endswith(("country", "countries")):
            return st.lists(_country(spec.regions), max_size=4)
        return st.lists(_text(one_line=True), max_size=4)
    if spec.kind == "objects":
        first, *rest = spec.item_facts.values()
        item = st.fixed_dictionaries(
            {first.path: values(first)},
            optional={s.path: values(s) for s in rest})
        return st.lists(item, max_size=3)
    if spec.path.endswith("country"):
        return _country(regions=False)
    return _text(one_line=spec.path != "system.purpose")


def fill(workbook: bytes, answers: Mapping[str, Any] | None = None, *,
         comments: Mapping[str, str] | None = None, sources: Mapping[str, str] | None = None,
         formulas: Mapping[str, str] | None = None,
         respondent: Mapping[str, Any] | None = None) -> bytes:
    """``workbook`` with answer, comment and source cells filled in by fact id, as a vendor
    would type them (formulas as formulas), and the respondent form filled in."""
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    sheet = book[book.sheetnames[1]]
    rows = {sheet.cell(row=r, column=COLUMN["fact"]).value: r
            for r in range(2, sheet.max_row + 1)}
    for column, cells in (("answer", answers), ("comment", comments), ("source", sources),
                          ("answer", formulas)):
        for fact, value in (cells or {}).items():
            cell = sheet.cell(row=rows[fact], column=COLUMN[column])
            cell.value = value
            if cells is not formulas and isinstance(value, str):
                cell.data_type = "s"  # typed text stays text, even "=..."
    meta = {row[0].value: row[1].value for row in book["secreview"].iter_rows(max_col=2)}
    for name, value in (respondent or {}).items():
        coordinate = json.loads(meta["respondent"])[name]
        book[book.sheetnames[0]][coordinate] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rows_of(workbook: bytes) -> dict[str, dict[str, Any]]:
    """The question sheet's rows by fact id, each column by name."""
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    sheet = book[book.sheetnames[1]]
    found = {}
    for r in range(2, sheet.max_row + 1):
        fact = sheet.cell(row=r, column=COLUMN["fact"]).value
        if fact:
            found[fact] = {name: sheet.cell(row=r, column=c) for name, c in COLUMN.items()}
    return found


def without_vendor_answers(text: str) -> tuple[str, dict[str, Any]]:
    """The description with every vendor answer taken out, and those answers (by fact)."""
    data = yaml.safe_load(text)
    system = SystemDescription.model_validate(parse_text(text, "system.yaml").data)
    answers = {path: value for path, value in flatten(system).items()
               if value is not None and addressee_of(path) == "vendor"}
    for path in answers:
        *parents, leaf = path.split(".")
        node = data
        for key in parents:
            node = node[key]
        del node[leaf]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False), answers


WHEN = dt.date(2026, 12, 3)
