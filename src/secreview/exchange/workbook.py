"""Write the questionnaire workbook a vendor fills in (openpyxl), byte for byte reproducibly.

Sheets: instructions (with a small form for who answers), the questions (one row each, grouped
by area, a drop-down for every yes/no and enumerated answer, locked except for the answer,
comment and source cells), a hidden sheet with the drop-down lists, and a very hidden sheet with
the metadata the import checks: which system and description, which questionnaire version,
language, date, and the answers as they stood when the workbook was made.

Every text that comes from a description is written as a string cell (never as a formula, even
when it starts with ``=``, ``+``, ``-`` or ``@``) with Excel's "quote prefix", so a spreadsheet
shows it as typed. The file is deterministic: the workbook properties carry the review date and
the zip entries a fixed timestamp, so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from secreview import __version__
from secreview.addressees import addressee_name, attribution
from secreview.exchange.cells import CellValue, answer_cell, choices, format_hint
from secreview.exchange.rows import Row
from secreview.facts import json_value
from secreview.i18n import LANGUAGES, Lang, format_fact, label
from secreview.questionnaire import section_title

FORMAT = "secreview-answers/1"
"""The workbook layout; a workbook of another format is never read as this one."""
META_SHEET = "secreview"
COLUMNS = ("number", "fact", "question", "why", "format", "current", "answer", "comment",
           "source")
COLUMN = {name: index for index, name in enumerate(COLUMNS, 1)}
"""Column number (1-based) of each field on the question sheet."""
WIDTHS = {"number": 6, "fact": 30, "question": 58, "why": 50, "format": 30, "current": 26,
          "answer": 30, "comment": 40, "source": 34}
OPEN_COLUMNS = ("answer", "comment", "source")
FORMULA_START = ("=", "+", "-", "@")
RESPONDENT_FIELDS = ("name", "organisation", "date")

_HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
_AREA_FILL = PatternFill("solid", fgColor="DCE6F1")
_OPEN_FILL = PatternFill("solid", fgColor="FFF8DC")
_WRAP = Alignment(wrap_text=True, vertical="top")
_UNLOCKED = Protection(locked=False)


@dataclass(frozen=True)
class WorkbookInfo:
    """What the workbook says about itself (the hidden metadata)."""

    system_name: str | None
    system_sha256: str
    addressee: str
    lang: Lang
    exported_on: dt.date
    review_date: dt.date
    questionnaire: str
    vendor_name: str | None = None


def _at(sheet: Worksheet, row: int, column: int) -> Cell:
    """The cell at ``row``, ``column`` (never a merged one: this workbook merges nothing)."""
    cell = sheet.cell(row=row, column=column)
    assert isinstance(cell, Cell)
    return cell


def text_cell(cell: Cell, value: str) -> None:
    """Write ``value`` as text, never as a formula: a string cell, quote-prefixed when a
    spreadsheet would otherwise read it as one."""
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_START):
        cell.quotePrefix = True


def _put(cell: Cell, value: CellValue) -> None:
    if isinstance(value, str):
        text_cell(cell, value)
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    else:
        cell.value = value


def _current(row: Row, lang: Lang) -> str:
    """The current answer as the report reads it (an extension fact's values by the labels its
    ruleset gives them), and who gave it."""
    if row.value is None:
        return ""
    text = format_fact(row.fact, json_value(row.value), lang, {row.fact: row.spec.labels})
    if row.provenance is not None:
        text += f" ({attribution(row.provenance, lang)})"
    return text


LINE_HEIGHT = 15.0
"""Points per line of wrapped text in the default 11-point font."""


def _fit_height(sheet: Worksheet, row: int) -> None:
    """Set ``row``'s height to show all of its wrapped text.

    Spreadsheets do not agree on growing a row to its wrapped text when a file is opened
    (LibreOffice keeps the default height and the lines overlap), so the height is estimated
    here from the column widths: about one character per unit of width.
    """
    lines = 1
    for cell in sheet[row]:
        if cell.value is None or not isinstance(cell.value, str):
            continue
        width = sheet.column_dimensions[cell.column_letter].width or 10
        per_line = max(int(width) - 1, 1)
        lines = max(lines, sum(max(1, -(-len(part) // per_line))
                               for part in cell.value.split("\n")))
    sheet.row_dimensions[row].height = lines * LINE_HEIGHT + 3


def _print_to_width(sheet: Worksheet,
                    orientation: Literal["portrait", "landscape"]) -> None:
    """Printed (and converted to PDF) as wide as the page, as many pages long as it takes."""
    sheet.page_setup.orientation = orientation
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]


class _Validations:
    """One data validation per drop-down list or number range, shared by all its cells."""

    def __init__(self, sheet: Worksheet, lists: Worksheet, lang: Lang) -> None:
        self.sheet = sheet
        self.lists = lists
        self.lang = lang
        self.by_key: dict[tuple[Any, ...], DataValidation] = {}
        self.list_columns = 0

    def _validation(self, key: tuple[Any, ...], **options: Any) -> DataValidation:
        found = self.by_key.get(key)
        if found is None:
            found = DataValidation(allow_blank=True, showErrorMessage=True,
                                   showInputMessage=True, **options)
            self.sheet.add_data_validation(found)
            self.by_key[key] = found
        return found

    def _list_range(self, entries: list[str]) -> str:
        """The entries written in a column of their own on the lists sheet; its range."""
        self.list_columns += 1
        column = self.list_columns
        for index, entry in enumerate(entries, 1):
            text_cell(_at(self.lists, index, column), entry)
        letter = get_column_letter(column)
        return f"{quote_sheetname(self.lists.title)}!${letter}$1:${letter}${len(entries)}"

    def add(self, row: Row, coordinate: str) -> None:
        lang = self.lang
        spec = row.spec
        entries = choices(spec, lang)
        title = label("exchange.col.answer", lang)[:32]
        hint = format_hint(spec, lang)[:250]
        if entries is not None:
            key = ("list", tuple(entries))
            if key not in self.by_key:
                self._validation(
                    key, type="list", formula1=self._list_range(entries), errorStyle="stop",
                    errorTitle=title, error=label("exchange.invalid_choice", lang)[:250],
                    promptTitle=title, prompt=hint)
            self.by_key[key].add(coordinate)
            return
        if spec.kind in ("int", "number"):
            kind = "whole" if spec.kind == "int" else "decimal"
            low = spec.minimum if spec.minimum is not None else -1e15
            high = spec.maximum if spec.maximum is not None else 1e15
            self._validation(
                (kind, low, high), type=kind, operator="between", formula1=f"{low:g}",
                formula2=f"{high:g}", errorStyle="stop", errorTitle=title,
                error=hint, promptTitle=title, prompt=hint).add(coordinate)
            return
        self._validation(("prompt", hint), promptTitle=title, prompt=hint).add(coordinate)


def _instructions(sheet: Worksheet, info: WorkbookInfo, questions: int) -> dict[str, str]:
    """The instruction sheet, in the workbook's language first and the other one after; returns
    the cells of the respondent form."""
    lang = info.lang
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 100
    system = info.system_name or label("workflow.questions.unnamed", lang)
    title = _at(sheet, 1, 1)
    text_cell(title, label("exchange.title", lang, system=system,
                           addressee=addressee_name(info.addressee, lang)))
    title.font = Font(bold=True, size=14)
    row = 3
    names = {name: label(f"exchange.col.{name}", lang) for name in COLUMNS}
    names["sheet"] = sheet_names(lang)["questions"]
    for language in (lang, *(other for other in LANGUAGES if other != lang)):
        heading = _at(sheet, row, 1)
        text_cell(heading, label("exchange.instructions_heading", language))
        heading.font = Font(bold=True)
        row += 1
        for step in range(1, 7):
            number = _at(sheet, row, 1)
            text_cell(number, f"{step}.")
            number.alignment = _WRAP
            cell = _at(sheet, row, 2)
            text_cell(cell, label(f"exchange.instructions.{step}", language, **names))
            cell.alignment = _WRAP
            _fit_height(sheet, row)
            row += 1
        row += 1
    heading = _at(sheet, row, 1)
    text_cell(heading, _both("exchange.respondent_heading", lang))
    heading.font = Font(bold=True)
    row += 1
    respondent: dict[str, str] = {}
    for field in RESPONDENT_FIELDS:
        name = _at(sheet, row, 1)
        text_cell(name, _both(f"exchange.respondent.{field}", lang))
        name.alignment = _WRAP
        answer = _at(sheet, row, 2)
        answer.protection = _UNLOCKED
        answer.fill = _OPEN_FILL
        if field == "date":
            answer.number_format = "yyyy-mm-dd"
        respondent[field] = answer.coordinate
        _fit_height(sheet, row)
        row += 1
    row += 1
    facts = (("system", system), ("exported", info.exported_on.isoformat()),
             ("questions", str(questions)), ("version", f"{FORMAT} · {info.questionnaire}"))
    for key, value in facts:
        text_cell(_at(sheet, row, 1), label(f"exchange.info.{key}", lang))
        text_cell(_at(sheet, row, 2), value)
        row += 1
    _print_to_width(sheet, "portrait")
    return respondent


def _both(key: str, lang: Lang) -> str:
    """A short label in the workbook's language with the other in brackets: "Svar (Answer)"."""
    other = next(o for o in LANGUAGES if o != lang)
    return f"{label(key, lang)} ({label(key, other)})"


def _questions(sheet: Worksheet, lists: Worksheet, rows: Sequence[Row], lang: Lang) -> None:
    for name, column in COLUMN.items():
        cell = _at(sheet, 1, column)
        text_cell(cell, label(f"exchange.col.{name}", lang))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS[name]
    _fit_height(sheet, 1)
    sheet.freeze_panes = "A2"
    validations = _Validations(sheet, lists, lang)
    line = 2
    area = None
    for row in rows:
        if row.area != area:
            area = row.area
            for column in COLUMN.values():
                _at(sheet, line, column).fill = _AREA_FILL
            heading = _at(sheet, line, COLUMN["question"])
            text_cell(heading, section_title(area, lang))
            heading.font = Font(bold=True)
            line += 1
        values: dict[str, CellValue] = {
            "number": row.number, "fact": row.fact, "question": row.question.get(lang),
            "why": row.why.get(lang) if row.why else "", "format": format_hint(row.spec, lang),
            "current": _current(row, lang), "answer": answer_cell(row.spec, row.value, lang),
            "comment": row.provenance.comment if row.provenance else None,
            "source": row.provenance.source if row.provenance else None,
        }
        for name, column in COLUMN.items():
            cell = _at(sheet, line, column)
            _put(cell, values[name])
            cell.alignment = _WRAP
            if name in OPEN_COLUMNS:
                cell.protection = _UNLOCKED
                cell.fill = _OPEN_FILL
        validations.add(row, _at(sheet, line, COLUMN["answer"]).coordinate)
        if row.spec.kind == "date":
            _at(sheet, line, COLUMN["answer"]).number_format = "yyyy-mm-dd"
        elif row.spec.kind not in ("int", "number"):
            _at(sheet, line, COLUMN["answer"]).number_format = "@"
        _fit_height(sheet, line)
        line += 1
    sheet.print_title_rows = "1:1"
    _print_to_width(sheet, "landscape")


def _meta(sheet: Worksheet, info: WorkbookInfo, rows: Sequence[Row],
          sheets: dict[str, str], respondent: dict[str, str]) -> None:
    entries = {
        "format": FORMAT, "system_name": info.system_name or "",
        "system_sha256": info.system_sha256, "questionnaire": info.questionnaire,
        "language": info.lang, "exported_on": info.exported_on.isoformat(),
        "review_date": info.review_date.isoformat(), "addressee": info.addressee,
        "vendor_name": info.vendor_name or "", "engine_version": __version__,
        "sheets": json.dumps(sheets, sort_keys=True),
        "respondent": json.dumps(respondent, sort_keys=True),
    }
    line = 1
    for key, value in entries.items():
        text_cell(_at(sheet, line, 1), key)
        text_cell(_at(sheet, line, 2), value)
        line += 1
    text_cell(_at(sheet, line, 1), "answers")
    line += 1
    for row in rows:
        exported = {"value": json_value(row.value),
                    "source": row.provenance.source if row.provenance else None,
                    "comment": row.provenance.comment if row.provenance else None}
        text_cell(_at(sheet, line, 1), row.fact)
        text_cell(_at(sheet, line, 2),
                  json.dumps(exported, ensure_ascii=False, sort_keys=True))
        line += 1


def sheet_names(lang: Lang) -> dict[str, str]:
    return {key: label(f"exchange.sheet.{key}", lang)
            for key in ("instructions", "questions", "lists")}


def build_workbook(rows: Sequence[Row], info: WorkbookInfo) -> Workbook:
    """The workbook for ``rows`` (see :func:`secreview.exchange.rows.select_rows`)."""
    names = sheet_names(info.lang)
    book = Workbook()
    instructions = book.active
    assert instructions is not None
    instructions.title = names["instructions"]
    questions = book.create_sheet(names["questions"])
    lists = book.create_sheet(names["lists"])
    meta = book.create_sheet(META_SHEET)
    respondent = _instructions(instructions, info, len(rows))
    _questions(questions, lists, rows, info.lang)
    _meta(meta, info, rows, names, respondent)
    lists.sheet_state = "hidden"
    meta.sheet_state = "veryHidden"
    for sheet in (instructions, questions, lists, meta):
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False  # widths may be changed, the structure not
        sheet.protection.formatRows = False
    book.security = WorkbookProtection(lockStructure=True)
    book.active = 1
    stamp = dt.datetime.combine(info.review_date, dt.time())
    props = book.properties
    props.creator = f"secreview {__version__}"
    props.lastModifiedBy = props.creator
    props.title = label("exchange.title", info.lang, system=info.system_name or "",
                        addressee=addressee_name(info.addressee, info.lang))
    props.created = stamp
    props.modified = stamp
    props.language = info.lang
    return book


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries all carry one timestamp, so the same workbook gives the same bytes."""

    stamp: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)

    def writestr(self, zinfo_or_arcname: str | zipfile.ZipInfo, data: Any,
                 compress_type: int | None = None, compresslevel: int | None = None) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.stamp)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: int | None = None,
              compresslevel: int | None = None, *, strict_timestamps: bool = True) -> None:
        """openpyxl writes each sheet to a temporary file first; its bytes go in with the fixed
        timestamp instead of the file's modification time."""
        with open(filename, "rb") as handle:
            self.writestr(str(arcname or filename), handle.read(), compress_type, compresslevel)


def workbook_bytes(book: Workbook, review_date: dt.date) -> bytes:
    """The ``.xlsx`` bytes of ``book``, with every zip entry stamped with ``review_date``.

    Written through openpyxl's ``ExcelWriter`` rather than ``Workbook.save``, which would set
    the "modified" property to the current time.
    """
    buffer = io.BytesIO()
    archive = _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    archive.stamp = (max(review_date.year, 1980), review_date.month, review_date.day, 0, 0, 0)
    with archive:
        ExcelWriter(book, archive).save()
    return buffer.getvalue()
