"""Returned answers read as fact values and checked against the model, each located at its cell.

Each answer is checked on its own, with the same validation (and the same messages and "did you
mean" hints) as a description on the command line, so one wrong cell refuses that answer only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError

from secreview.errors import InputError, Problem, did_you_mean
from secreview.exchange.cells import (
    CellError,
    CellValue,
    answer_cell,
    check_text,
    is_empty,
    parse_answer,
)
from secreview.exchange.reading import RawAnswer, Received, Where
from secreview.exchange.rows import entries_of
from secreview.facts import FactSpec, json_value
from secreview.inputs import check_extensions
from secreview.loading import Document
from secreview.rules.loader import Catalog
from secreview.system import Provenance, SystemDescription
from secreview.validation import problems_from


@dataclass(frozen=True)
class Answer:
    """One readable answer: the value (None = unknown), where it is documented, a comment."""

    fact: str
    value: Any
    source: str | None
    comment: str | None
    given: bool  # the answer cell says something (a CSV's empty answer says nothing)
    touched: bool  # differs from what the workbook was sent out with
    where: Where


def data_path(fact: str) -> tuple[str, ...]:
    """Where a fact stands in the description's data: ``("personal_data", "dpia", "status")``."""
    if fact.startswith("extensions."):
        return ("extensions", fact.removeprefix("extensions."))
    return tuple(fact.split("."))


def _nested(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    data: Any = value
    for key in reversed(path):
        data = {key: data}
    assert isinstance(data, dict)
    return data


def check_value(fact: str, value: Any, catalog: Catalog, where: Where) -> list[Problem]:
    """The model's problems with ``value`` as the answer to ``fact``, located at ``where``."""
    path = data_path(fact)
    data = _nested(path, value)
    positions = {path[:i]: (where.row, where.column) for i in range(len(path) + 1)}
    doc = Document(data=data, source=where.file, positions=positions)
    try:  # extension answers too: a list's entries may answer a ruleset's per-item facts
        check_extensions(SystemDescription.model_validate(data), doc, catalog)
    except ValidationError as exc:
        return [replace(p, sheet=where.sheet) for p in problems_from(exc, SystemDescription, doc)]
    except InputError as exc:
        return [replace(p, sheet=where.sheet) for p in exc.problems]
    return []


def _text(raw: object, where: Where, one_line: bool) -> tuple[str | None, Problem | None]:
    if is_empty(raw):  # type: ignore[arg-type]
        return None, None
    text = str(raw)
    try:
        check_text(text)
    except CellError as exc:
        return None, where.problem(exc.message, expected=exc.expected, suggestion=exc.suggestion)
    text = " ".join(text.split()) if one_line else text.strip()
    return text, None


def _provenance_problems(source: str | None, comment: str | None,
                         where: dict[str, Where]) -> list[Problem]:
    """Source and comment within the model's bounds (a source is one line of 200 characters)."""
    try:
        Provenance(role="vendor", when=dt.date(2000, 1, 1), source=source, comment=comment)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            name = str(error["loc"][0]) if error["loc"] else "source"
            problems.append(where.get(name, where["answer"]).problem(
                f"{name}: {error['msg']}", found=repr(error.get("input"))[:80]))
        return problems
    return []


def _cell_text(raw: object) -> str | None:
    """A comment or source cell exactly as it stands (only an empty cell is no text)."""
    return None if raw is None or raw == "" else str(raw)


def _same(a: Any, b: Any) -> bool:
    return bool(json_value(a) == json_value(b))


def interpret(received: Received, catalog: Catalog
              ) -> tuple[list[Answer], list[Problem], int]:
    """The answers of ``received`` as fact values; the problems of the refused ones, and how
    many rows were refused."""
    answers: list[Answer] = []
    problems: list[Problem] = []
    refused = 0
    seen: set[str] = set()
    answerable = {path: spec for path, spec in catalog.facts.items()
                  if not path.startswith("derived.")}
    for raw in received.answers:
        row_problems = list(raw.refused)
        answer = _answer(raw, received, answerable, seen, row_problems, catalog)
        if row_problems:
            refused += 1
            problems.extend(row_problems)
        elif answer is not None:
            answers.append(answer)
    return answers, problems, refused


def _answer(raw: RawAnswer, received: Received, answerable: dict[str, FactSpec],
            seen: set[str], problems: list[Problem], catalog: Catalog) -> Answer | None:
    where = raw.where["answer"]
    fact_where = replace(where, column=2 if received.kind == "xlsx" else where.column)
    spec = answerable.get(raw.fact)
    each = entries_of(raw.fact, catalog)
    if spec is None and each:  # a CSV lists a per-item question as a row of its own
        if not is_empty(raw.cells.get("answer")):
            problems.append(where.problem(
                f"{raw.fact}: asked of each entry of '{each}', so one answer cannot say "
                "which entry it is for", found=repr(raw.cells.get("answer"))[:80],
                suggestion=f"answer it in the '{each}' list, in each entry's extensions: "
                           "the workbook asks it on that list's row"))
        return None
    if spec is None:
        problems.append(fact_where.problem(
            f"'{raw.fact}' is not a question of the system description",
            suggestion=did_you_mean(raw.fact, answerable) or "do not change the id column"))
        return None
    if raw.fact in seen:
        problems.append(fact_where.problem(f"'{raw.fact}' is answered twice",
                                           suggestion="keep one row per question"))
        return None
    seen.add(raw.fact)
    if problems:
        return None
    exported = received.exported.get(raw.fact)
    cell = raw.cells.get("answer")
    notes_as_sent = exported is not None \
        and _cell_text(raw.cells.get("source")) == exported.get("source") \
        and _cell_text(raw.cells.get("comment")) == exported.get("comment")
    if notes_as_sent and exported is not None and same_cell(
            cell, sent_cell(spec, exported.get("value"), received.meta.get("language", "sv"))):
        return None  # the row as it was sent: nothing to read, nothing to check
    source, problem = _text(raw.cells.get("source"), raw.where["source"], one_line=True)
    comment, problem2 = _text(raw.cells.get("comment"), raw.where["comment"], one_line=False)
    problems.extend(p for p in (problem, problem2) if p is not None)
    try:
        value = parse_answer(spec, cell)
    except CellError as exc:
        problems.append(where.problem(f"{raw.fact}: {exc.message}", expected=exc.expected,
                                      suggestion=exc.suggestion, found=repr(cell)[:80]))
        return None
    if value is not None:
        problems.extend(check_value(raw.fact, value, catalog, where))
    problems.extend(_provenance_problems(source, comment, raw.where))
    if problems:
        return None
    given = received.kind == "xlsx" or not is_empty(cell)
    if exported is None:
        touched = given or source is not None or comment is not None
    else:
        touched = not (notes_as_sent and _same(value, exported.get("value")))
    return Answer(raw.fact, value, source, comment, given, touched, where)


def sent_cell(spec: FactSpec, value: Any, lang: str) -> CellValue:
    """The answer cell as the workbook was sent with ``value`` (as its metadata keeps it)."""
    if spec.kind == "date" and isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return str(value)
    return answer_cell(spec, value, "en" if lang == "en" else "sv")


def same_cell(a: CellValue, b: CellValue) -> bool:
    """Do two cells hold the same thing, as far as a spreadsheet round trip can tell (an empty
    text is an empty cell; a date is a date whether it comes back with a time or not)?"""
    def norm(value: CellValue) -> CellValue:
        if value == "":
            return None
        if isinstance(value, dt.datetime) and value.time() == dt.time():
            return value.date()
        return value
    return type(norm(a)) is type(norm(b)) and norm(a) == norm(b)
