"""Read a returned workbook (or CSV) into raw answers, safely and without trusting it.

A workbook is a zip of XML parts from outside the organisation, so before openpyxl parses
anything the zip's directory is checked: a bounded file, a bounded number of parts, and a bounded
total of their *declared* sizes (Python's zip reader never inflates a part past its declared
size, so this defuses a zip bomb). openpyxl parses XML through defusedxml, which refuses entity
expansion and external entities; secreview refuses to read workbooks without it. Formulas are
never evaluated, nor are their cached results used: a formula where an answer belongs is a
refused answer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import openpyxl
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from secreview.errors import InputError, Problem
from secreview.exchange.cells import CellValue
from secreview.exchange.workbook import COLUMN, FORMAT, META_SHEET
from secreview.loading import Limits, _decode, configured_limits
from secreview.report.csvout import FORMULA_START

MAX_PARTS = 500
UNPACKED_FACTOR = 8
"""The parts of a workbook may unpack to at most this many times the input byte limit."""
MAX_ROWS = 5000
MAX_COLUMNS = 60
FIELDS = ("answer", "comment", "source")
CSV_FIELDS = {"fact": "workflow.questions.col.fact", "answer": "workflow.questions.col.answer",
              "comment": "exchange.col.comment", "source": "exchange.col.source"}


@dataclass(frozen=True)
class Where:
    """Where one cell stands: a sheet, row and column, or a CSV line and field."""

    file: str
    row: int
    column: int
    sheet: str | None = None

    def problem(self, message: str, **details: Any) -> Problem:
        return Problem(message, file=self.file, line=self.row, column=self.column,
                       sheet=self.sheet, **details)


@dataclass
class RawAnswer:
    """One returned row: the fact it answers and its cells as the file holds them."""

    fact: str
    cells: dict[str, CellValue]
    where: dict[str, Where]
    refused: list[Problem] = field(default_factory=list)


@dataclass
class Received:
    """A returned questionnaire, read but not yet interpreted."""

    kind: Literal["xlsx", "csv"]
    source: str
    answers: list[RawAnswer]
    meta: dict[str, str] = field(default_factory=dict)
    exported: dict[str, dict[str, Any]] = field(default_factory=dict)
    respondent: dict[str, tuple[CellValue, Where]] = field(default_factory=dict)


def _require_defusedxml() -> None:
    if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise InputError.single(
            "cannot read workbooks safely: the Python package defusedxml is not installed",
            suggestion="pip install defusedxml (it is a dependency of secreview)")


def check_archive(raw: bytes, source: str, limits: Limits) -> None:
    """Refuse a file that is not a zip, or whose parts are too many or too large unpacked."""
    if len(raw) > limits.max_bytes:
        raise InputError.single("workbook is too large", file=source,
                                expected=f"at most {limits.max_bytes} bytes",
                                found=f"{len(raw)} bytes")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError.single(f"not a readable .xlsx workbook ({exc})", file=source,
                                suggestion="save it from Excel or LibreOffice as .xlsx") from None
    if len(parts) > MAX_PARTS:
        raise InputError.single("workbook has too many parts", file=source,
                                expected=f"at most {MAX_PARTS}", found=str(len(parts)))
    unpacked = sum(part.file_size for part in parts)
    bound = limits.max_bytes * UNPACKED_FACTOR
    if unpacked > bound:
        raise InputError.single(
            "workbook unpacks to too much data (a zip bomb, or far more than a questionnaire)",
            file=source, expected=f"at most {bound} bytes unpacked", found=f"{unpacked} bytes")
    odd = [p.filename for p in parts
           if p.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)]
    if odd:
        raise InputError.single(f"workbook part '{odd[0]}' uses an unsupported compression",
                                file=source, suggestion="save it again from Excel or LibreOffice")


def _value(cell: Cell | MergedCell, where: Where) -> tuple[CellValue, Problem | None]:
    """A cell's value, or why it is refused: formulas and error values are not answers."""
    if cell.data_type == "f":
        return None, where.problem(
            "a formula is not an answer; formulas are never evaluated",
            found=str(cell.value)[:80], suggestion="write the answer itself as a value")
    if cell.data_type == "e":
        return None, where.problem(f"the cell holds the error value {cell.value}",
                                   suggestion="write the answer itself as a value")
    value = cell.value
    if value is None or isinstance(value, str | int | float | bool | dt.date):
        return value, None
    return None, where.problem(f"cannot read a {type(value).__name__} as an answer",
                               suggestion="write the answer as text, a number or a date")


def _meta(sheet: Worksheet) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    meta: dict[str, str] = {}
    exported: dict[str, dict[str, Any]] = {}
    in_answers = False
    for key_cell, value_cell in sheet.iter_rows(min_col=1, max_col=2, max_row=MAX_ROWS):
        key, value = key_cell.value, value_cell.value
        if not isinstance(key, str):
            continue
        if key == "answers":
            in_answers = True
        elif in_answers:
            try:
                entry = json.loads(value) if isinstance(value, str) else None
            except json.JSONDecodeError:
                entry = None
            if isinstance(entry, dict):
                exported[key] = entry
        elif isinstance(value, str):
            meta[key] = value
    return meta, exported


def _json_map(text: str | None) -> dict[str, str]:
    try:
        data = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def read_workbook(raw: bytes, source: str, limits: Limits | None = None) -> Received:
    """The answers of a workbook made by :func:`secreview.exchange.export_workbook`."""
    limits = configured_limits() if limits is None else limits
    _require_defusedxml()
    check_archive(raw, source, limits)
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=False, data_only=False,
                                      keep_links=False, keep_vba=False, rich_text=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged or foreign file
        cause: BaseException = exc
        while cause.__cause__ is not None or cause.__context__ is not None:
            cause = cause.__cause__ or cause.__context__  # type: ignore[assignment]
        raise InputError.single(
            f"not a readable .xlsx workbook: {type(cause).__name__}: {str(cause)[:200]}",
            file=source, suggestion="save it from Excel or LibreOffice as .xlsx") from None
    if META_SHEET not in book.sheetnames:
        raise InputError.single(
            "not a secreview questionnaire workbook (its hidden metadata sheet is missing)",
            file=source, suggestion="make the workbook with: secreview questions SYSTEM "
            "--for vendor --format xlsx -o questions.xlsx")
    meta, exported = _meta(book[META_SHEET])
    if meta.get("format") != FORMAT:
        raise InputError.single("workbook was made in another format", file=source,
                                expected=FORMAT, found=meta.get("format") or "none",
                                suggestion="make the workbook again with this secreview")
    names = _json_map(meta.get("sheets"))
    questions_name = names.get("questions", "")
    if questions_name not in book.sheetnames:
        raise InputError.single(f"the questions sheet '{questions_name}' is missing",
                                file=source)
    sheet = book[questions_name]
    if sheet.max_row > MAX_ROWS or sheet.max_column > MAX_COLUMNS:
        raise InputError.single("the questions sheet is far larger than a questionnaire",
                                file=source, sheet=questions_name,
                                expected=f"at most {MAX_ROWS} rows and {MAX_COLUMNS} columns")
    answers: list[RawAnswer] = []
    for row in sheet.iter_rows(min_row=2, max_row=sheet.max_row):
        fact_cell = row[COLUMN["fact"] - 1]
        if not isinstance(fact_cell.value, str) or not fact_cell.value.strip():
            continue  # an area heading, or an empty row
        answer = RawAnswer(fact=fact_cell.value.strip(), cells={}, where={})
        for name in FIELDS:
            cell = row[COLUMN[name] - 1]
            where = Where(source, cell.row or 0, COLUMN[name], questions_name)
            value, problem = _value(cell, where)
            answer.cells[name] = value
            answer.where[name] = where
            if problem is not None:
                answer.refused.append(problem)
        answers.append(answer)
    received = Received("xlsx", source, answers, meta, exported)
    instructions = names.get("instructions", "")
    if instructions in book.sheetnames:
        for name, coordinate in _json_map(meta.get("respondent")).items():
            try:
                cell = book[instructions][coordinate]
            except (ValueError, KeyError, IndexError):
                continue
            if isinstance(cell, Cell):
                where = Where(source, cell.row or 0, cell.column or 0, instructions)
                value, problem = _value(cell, where)
                if problem is None:
                    received.respondent[name] = (value, where)
    return received


def read_csv(raw: bytes, source: str, labels: Mapping[str, set[str]],
             limits: Limits | None = None) -> Received:
    """The answers of a CSV made by ``secreview questions --format csv`` (or its columns).

    ``labels`` gives, per field (fact, answer, comment, source), the header names it may have
    in either language. Spreadsheets put a ``'`` before cells that would read as formulas when
    the file was written; it is taken off again. A cell that still starts with ``=`` is a
    formula typed into the spreadsheet and is refused.
    """
    limits = configured_limits() if limits is None else limits
    if len(raw) > limits.max_bytes:
        raise InputError.single("file is too large", file=source,
                                expected=f"at most {limits.max_bytes} bytes")
    text = _decode(raw, source)
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError.single("file is empty", file=source) from None
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        for field_name, names in labels.items():
            if name.strip().casefold() in names:
                columns.setdefault(field_name, index)
    if "fact" not in columns or "answer" not in columns:
        raise InputError.single(
            "the CSV has no fact and answer columns", file=source, line=1,
            expected="the columns of 'secreview questions --format csv'",
            suggestion="make it with: secreview questions SYSTEM --for vendor --format csv")
    answers: list[RawAnswer] = []
    for record in reader:
        if len(answers) >= MAX_ROWS:
            raise InputError.single("too many rows", file=source,
                                    expected=f"at most {MAX_ROWS}")
        line = reader.line_num
        fact_index = columns["fact"]
        fact = record[fact_index].strip() if fact_index < len(record) else ""
        if not fact:
            continue
        answer = RawAnswer(fact=fact, cells={}, where={})
        for name in FIELDS:
            position = columns.get(name)
            value = record[position] if position is not None and position < len(record) \
                else None
            where = Where(source, line, (position or 0) + 1)
            if isinstance(value, str) and value.startswith("'") and \
                    value[1:].startswith(FORMULA_START):
                value = value[1:]  # neutralised by secreview's own CSV writer
            elif isinstance(value, str) and value.startswith("="):
                answer.refused.append(where.problem(
                    "a formula is not an answer; formulas are never evaluated",
                    found=value[:80], suggestion="write the answer itself as a value"))
                value = None
            answer.cells[name] = value or None
            answer.where[name] = where
        answers.append(answer)
    return Received("csv", source, answers)


def is_workbook(raw: bytes) -> bool:
    """An .xlsx file is a zip archive; anything else is read as CSV text."""
    return raw.startswith(b"PK\x03\x04")
