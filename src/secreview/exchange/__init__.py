"""Vendor exchange: a workbook the vendor fills in, and its answers read back with who gave them.

Two library functions, for the command line and the workspace alike (docs/vendor-exchange.md):

* :func:`export_workbook` makes the ``.xlsx`` questionnaire for one addressee (the vendor by
  default) from a system description;
* :func:`import_answers` reads a returned workbook (or CSV) and gives the new description text,
  every imported answer with its provenance, a summary and the refused answers, located by
  sheet, row and column. It never changes its input.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from secreview.addressees import VENDOR
from secreview.api import Reviewer
from secreview.errors import InputError, Problem
from secreview.exchange import engine
from secreview.exchange.answers import interpret
from secreview.exchange.apply import Applied, Statement, apply_answers
from secreview.exchange.cells import CellError, check_text, parse_date
from secreview.exchange.reading import CSV_FIELDS, Received, is_workbook, read_csv, read_workbook
from secreview.exchange.rows import fingerprint, select_rows
from secreview.exchange.workbook import WorkbookInfo, build_workbook, workbook_bytes
from secreview.exchange.yaml_edit import edit, normalised
from secreview.facts import flatten, json_value
from secreview.i18n import Text, bilingual
from secreview.inputs import Inputs
from secreview.labels import LANGUAGES, Lang, label, plurals
from secreview.loading import _decode
from secreview.review import Review
from secreview.system import SystemDescription
from secreview.vocabulary import ADDRESSEES, Addressee

__all__ = ["FORCIBLE", "OTHER_QUESTIONNAIRE", "OTHER_SYSTEM", "ImportResult", "ImportSummary",
           "export_workbook", "import_answers", "workbook_for"]

OTHER_SYSTEM = "exchange.other_system"
OTHER_QUESTIONNAIRE = "exchange.other_questionnaire"
FORCIBLE = (OTHER_SYSTEM, OTHER_QUESTIONNAIRE)
"""The codes of the problems that ``force`` overrides: a program (the workspace) can tell a
workbook made for another system or questionnaire version from one it cannot read at all."""


def workbook_for(review: Review, inputs: Inputs, addressee: str = VENDOR,
                 lang: Lang | None = None, include_answered: bool = False,
                 exported_on: dt.date | None = None) -> bytes:
    """The questionnaire workbook for a review already made (``inputs`` are its inputs)."""
    language: Lang = lang or review.language
    rows = select_rows(review, inputs.system, inputs.catalog, addressee, include_answered)
    info = WorkbookInfo(
        system_name=inputs.system.system.name, system_sha256=inputs.system_doc.sha256,
        addressee=addressee, lang=language, exported_on=exported_on or review.review_date,
        review_date=review.review_date,
        questionnaire=fingerprint([row.fact for row in rows], inputs.catalog.facts),
        vendor_name=inputs.system.vendor.name)
    return workbook_bytes(build_workbook(rows, info), review.review_date)


def export_workbook(description: str | bytes, *, source: str = "system.yaml",
                    addressee: str = VENDOR, lang: Lang | None = None,
                    include_answered: bool = False, exported_on: dt.date | None = None,
                    profile: str | Path | None = None, rules: Sequence[str | Path] = (),
                    waivers: str | Path | None = None) -> bytes:
    """The ``.xlsx`` questionnaire for ``addressee`` from a description's text.

    The open questions of the review come first, ranked and grouped by area; with
    ``include_answered`` every other question the addressee answers follows, with its current
    answer to confirm or correct. ``exported_on`` (default: the review date) is recorded in the
    workbook; the same inputs give the same bytes.
    """
    if addressee not in ADDRESSEES:
        raise InputError.single(f"unknown addressee '{addressee}'",
                                expected=", ".join(ADDRESSEES))
    reviewer = engine.reviewer(profile, rules, waivers, lang)
    inputs = engine.load(reviewer, description, source)
    review = engine.review(reviewer, inputs)
    return workbook_for(review, inputs, addressee, lang, include_answered, exported_on)


@dataclass(frozen=True)
class ImportSummary:
    """What an import did, counted by question."""

    answered: int
    changed: int
    confirmed: int
    still_unknown: int
    refused: int

    def text(self, lang: Lang) -> str:
        return label("exchange.summary", lang, **plurals(
            "exchange.count", lang, answered=self.answered, changed=self.changed,
            confirmed=self.confirmed, unknown=self.still_unknown, refused=self.refused))


@dataclass(frozen=True)
class ImportResult:
    """The new description and what went into it.

    ``text`` is the new description (the input text itself when nothing changed); ``problems``
    are the refused answers, each located at its cell; ``notes`` are what the reader should
    know about the import as a whole (in both languages).
    """

    text: str
    summary: ImportSummary
    statement: Statement
    problems: list[Problem] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)
    normalised: bool = False


def _csv_labels() -> dict[str, set[str]]:
    return {name: {label(key, lang).casefold() for lang in LANGUAGES}
            | {name, f"{name}_id" if name == "fact" else name}
            for name, key in CSV_FIELDS.items()}


def _identity(received: Received, inputs: Inputs, force: bool, notes: list[Text]) -> None:
    """Refuse a workbook made for another system or questionnaire version, unless forced."""
    if received.kind == "csv":
        notes.append(bilingual("exchange.note.csv"))
        return
    meta = received.meta
    name = inputs.system.system.name or ""
    made_for = meta.get("system_name", "")
    problems = []
    if made_for != name:
        problems.append(Problem("workbook was made for another system", file=received.source,
                                expected=repr(name), found=repr(made_for), code=OTHER_SYSTEM,
                                suggestion="import it into that system's description, or pass "
                                "--force if the system has been renamed"))
    version = fingerprint(received.exported, inputs.catalog.facts)
    if meta.get("questionnaire") != version:
        problems.append(Problem(
            "workbook was made for another questionnaire version: some of its questions now "
            "accept other answers, or no longer exist", file=received.source,
            expected=version, found=meta.get("questionnaire") or "none", code=OTHER_QUESTIONNAIRE,
            suggestion="send the vendor a new workbook, or pass --force to import what still "
            "fits"))
    if problems and not force:
        raise InputError(problems)
    if problems:
        notes.append(bilingual("exchange.note.forced"))
    if meta.get("system_sha256") != inputs.system_doc.sha256:
        notes.append(bilingual("exchange.note.changed_since",
                               date=meta.get("exported_on", "?")))


def _statement(received: Received, system: SystemDescription, who: str | None,
               role: str | None, when: dt.date | None, today: dt.date,
               problems: list[Problem]) -> Statement:
    """Who answers (``--by``, else the respondent form, else the vendor's name), in which role
    (``--role``, else the workbook's addressee) and when (``--date``, else the form's date)."""
    chosen_role: Addressee = VENDOR
    for candidate in (role, received.meta.get("addressee")):
        if candidate in ADDRESSEES:
            chosen_role = candidate
            break
    form: dict[str, str] = {}
    for name in ("name", "organisation"):
        value, where = received.respondent.get(name, (None, None))
        if isinstance(value, str | int | float) and str(value).strip() and where is not None:
            try:
                check_text(str(value))
                form[name] = " ".join(str(value).split())
            except CellError as exc:
                problems.append(where.problem(exc.message, suggestion=exc.suggestion))
    written = ", ".join(form[n] for n in ("name", "organisation") if n in form)
    fallback = system.vendor.name if chosen_role == VENDOR else None
    answered_by = (who or written or fallback or None)
    date_value, date_where = received.respondent.get("date", (None, None))
    form_date = None
    if date_value not in (None, "") and date_where is not None:
        try:
            form_date = parse_date(date_value)
        except CellError as exc:
            problems.append(date_where.problem(exc.message, expected=exc.expected,
                                               suggestion=exc.suggestion))
    return Statement(who=answered_by[:200] if answered_by else None, role=chosen_role,
                     when=when or form_date or today)


def import_answers(answers: bytes, description: str | bytes, *,
                   answers_name: str = "answers.xlsx", source: str = "system.yaml",
                   who: str | None = None, role: str | None = None,
                   when: dt.date | None = None, today: dt.date | None = None,
                   force: bool = False, profile: str | Path | None = None,
                   rules: Sequence[str | Path] = (),
                   reviewer: Reviewer | None = None) -> ImportResult:
    """Read returned answers (an ``.xlsx`` made by :func:`export_workbook`, or a CSV) into the
    description given as text. Raises :class:`InputError` for a file that cannot be imported
    at all (unreadable, another system or questionnaire version without ``force``).

    ``reviewer``: one already loaded (the workspace's), in place of loading ``profile`` and
    ``rules`` again for every import (about 40 ms)."""
    inputs = engine.load(reviewer or engine.reviewer(profile, rules), description, source)
    if is_workbook(answers):
        received = read_workbook(answers, answers_name)
    else:
        received = read_csv(answers, answers_name, _csv_labels())
    notes: list[Text] = []
    _identity(received, inputs, force, notes)
    read, problems, refused = interpret(received, inputs.catalog)
    statement = _statement(received, inputs.system, who, role, when,
                           today or dt.date.today(), problems)
    applied = apply_answers(inputs.system, inputs.system_doc.data, read, statement)
    raw = description.encode("utf-8") if isinstance(description, str) else description
    original = _decode(raw, source)
    text, result, is_normalised = original, inputs.system, False
    if applied.touched:
        text, result, is_normalised = _write(original, source, applied, inputs)
        if is_normalised:
            notes.append(bilingual("exchange.note.normalised"))
    values = flatten(result)
    asked = {a.fact for a in received.answers if a.fact in values}
    summary = ImportSummary(
        answered=len(applied.answered), changed=len(applied.changed),
        confirmed=len(applied.confirmed),
        still_unknown=sum(1 for fact in asked if values[fact] is None), refused=refused)
    return ImportResult(text=text, summary=summary, statement=statement, problems=problems,
                        notes=notes, answered=applied.answered, changed=applied.changed,
                        confirmed=applied.confirmed, normalised=is_normalised)


def _write(original: str, source: str, applied: Applied,
           inputs: Inputs) -> tuple[str, SystemDescription, bool]:
    """The new description text: edited in place where possible, else written normalised."""
    from secreview.inputs import check_extensions
    from secreview.loading import Document
    from secreview.validation import validate

    doc = Document(data=applied.data, source=source)
    expected = validate(SystemDescription, doc)
    check_extensions(expected, doc, inputs.catalog)
    if engine.is_json(inputs, source):
        return json.dumps(json_value(applied.data), indent=2, ensure_ascii=False) + "\n", \
            expected, True
    provenance = applied.data.get("provenance", {})
    edited = edit(original, source, applied.changes, provenance, expected)
    if edited is not None:
        return edited, expected, False
    return normalised(applied.data), expected, True
