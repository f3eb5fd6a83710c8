"""The vendor workbook in the register: the questions of a system's latest version for one
addressee, and a returned workbook read into the next version with who gave each answer.

An upload goes in three steps: :func:`basis` (the latest version, in a short transaction),
:func:`read` (the exchange library reads the file; no database, so the second a large workbook
takes holds no write lock) and :func:`store` (the new description becomes the next version,
source ``workbook`` with the file's name, by compare-and-set on the basis). Every upload,
imported or refused, is an audit-log entry holding what it did (summary, refused answers with
their cells, notes), so the result page is rendered from the register's own record and a
reload never imports twice.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from secreview.errors import InputError, Problem, did_you_mean
from secreview.i18n import Lang, Text
from secreview.store.audit import record
from secreview.store.models import AuditEntry, DescriptionVersion, System, User
from secreview.store.register import (
    active_waivers,
    latest_review,
    latest_version,
    save_version,
)
from secreview.store.reviewing import Engine
from secreview.store.transfer import export_name, version_stem

IMPORTED = "workbook.import"
REFUSED = "workbook.refused"
MAX_PROBLEMS = 200
"""Refused answers kept in one upload's record (the summary counts them all)."""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_NAME = "answers.xlsx"


@dataclass(frozen=True)
class Download:
    """A workbook made from one version, with the file name to offer it under."""

    version: int
    data: bytes
    filename: str


def workbook(session: Session, engine: Engine, system: System, addressee: str, lang: Lang,
             include_answered: bool = False, today: dt.date | None = None) -> Download:
    """The questions of the latest version for ``addressee`` (``vendor``, ``dpo``, ...) in
    ``lang``; ``include_answered`` adds the answered ones to confirm (``--all``)."""
    from secreview.vocabulary import ADDRESSEES

    if addressee not in ADDRESSEES:
        raise InputError.single(f"unknown addressee '{addressee}'", file="for",
                                expected=", ".join(ADDRESSEES),
                                suggestion=did_you_mean(addressee, ADDRESSEES))
    latest = _latest(session, system)
    data = engine.workbook(latest.yaml_text, active_waivers(session, system.id), addressee,
                           lang, include_answered, today or dt.date.today())
    return Download(latest.number, data,
                    f"{version_stem(system, latest)}-{addressee}-{lang}.xlsx")


def file_label(name: str | None) -> str:
    """An uploaded file's name as it may be shown and stored: the last path part, without
    control or format characters (bidirectional overrides), at most 120 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    return " ".join(kept.split())[:120] or DEFAULT_NAME


@dataclass
class Upload:
    """What one upload did: the record kept in its audit entry and shown on its result page.

    ``refusal`` holds the problems when the whole file was refused (another system or
    questionnaire version without ``force``, not a workbook at all); ``problems`` the refused
    answers of an imported file, each at its sheet, row and column.
    """

    file: str
    base: int
    forced: bool
    version: int | None = None
    summary: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    problems_total: int = 0
    refusal: list[Problem] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)
    who: str | None = None
    role: str | None = None
    when: str | None = None
    outcome_before: str | None = None
    outcome_after: str | None = None
    entry_id: int = 0
    at: dt.datetime | None = None
    actor: str = ""

    @property
    def refused(self) -> bool:
        return bool(self.refusal)

    @property
    def forcible(self) -> bool:
        """Refused only for being made for another system or questionnaire version: ticking
        "import anyway" (``force``) would read it."""
        from secreview.exchange import FORCIBLE

        return self.refused and all(p.code in FORCIBLE for p in self.refusal)

    def codes(self) -> list[str]:
        return sorted({p.code for p in self.refusal if p.code})

    def detail(self) -> dict[str, Any]:
        return {
            "file": self.file, "base": self.base, "forced": self.forced, "version": self.version,
            "summary": self.summary, "problems": [p.as_dict() for p in self.problems],
            "problems_total": self.problems_total,
            "refusal": [p.as_dict() for p in self.refusal],
            "notes": [n.model_dump() for n in self.notes], "answered": self.answered,
            "changed": self.changed, "confirmed": self.confirmed, "who": self.who,
            "role": self.role, "when": self.when, "outcome_before": self.outcome_before,
            "outcome_after": self.outcome_after,
        }

    @classmethod
    def from_entry(cls, entry: AuditEntry) -> Upload:
        d = entry.detail

        def problems(key: str) -> list[Problem]:
            return [Problem(**p) for p in d.get(key) or []]

        return cls(
            file=d.get("file", ""), base=int(d.get("base", 0)), forced=bool(d.get("forced")),
            version=d.get("version"), summary=dict(d.get("summary") or {}),
            problems=problems("problems"), problems_total=int(d.get("problems_total", 0)),
            refusal=problems("refusal"), notes=[Text(**n) for n in d.get("notes") or []],
            answered=list(d.get("answered") or []), changed=list(d.get("changed") or []),
            confirmed=list(d.get("confirmed") or []), who=d.get("who"), role=d.get("role"),
            when=d.get("when"), outcome_before=d.get("outcome_before"),
            outcome_after=d.get("outcome_after"), entry_id=entry.id, at=entry.at,
            actor=entry.actor)


@dataclass(frozen=True)
class Basis:
    """The version an upload is read against: the latest when the upload arrived."""

    number: int
    text: str
    source: str
    outcome: str | None


def basis(session: Session, system: System) -> Basis:
    latest = _latest(session, system)
    review = latest_review(session, latest.id)
    return Basis(latest.number, latest.yaml_text, export_name(system, latest),
                 review.outcome if review else None)


@dataclass
class Reading:
    """A returned file read against a :class:`Basis`: what the upload did so far, and the new
    description when it changes anything (None: nothing to save)."""

    upload: Upload
    text: str | None = None


def read(engine: Engine, start: Basis, data: bytes, name: str | None, force: bool = False,
         today: dt.date | None = None) -> Reading:
    """Read a returned workbook (or CSV) into ``start``'s text. Touches no database, so the
    second or so a large workbook takes holds no lock; :func:`store` saves the result."""
    upload = Upload(file=file_label(name), base=start.number, forced=force,
                    outcome_before=start.outcome)
    try:
        result = engine.import_answers(data, start.text, answers_name=upload.file,
                                       source=start.source, force=force,
                                       today=today or dt.date.today())
    except InputError as exc:
        upload.refusal = exc.problems[:MAX_PROBLEMS]
        return Reading(upload)
    summary = result.summary
    upload.summary = {"answered": summary.answered, "changed": summary.changed,
                      "confirmed": summary.confirmed, "still_unknown": summary.still_unknown,
                      "refused": summary.refused}
    upload.problems = result.problems[:MAX_PROBLEMS]
    upload.problems_total = len(result.problems)
    upload.notes = list(result.notes)
    upload.answered, upload.changed = result.answered, result.changed
    upload.confirmed = result.confirmed
    statement = result.statement
    upload.who, upload.role = statement.who, statement.role
    upload.when = statement.when.isoformat()
    return Reading(upload, result.text if result.text != start.text else None)


def store(session: Session, engine: Engine, system: System, user: User,
          reading: Reading) -> Upload:
    """Save what :func:`read` found: the new description as the next version by ``user``
    (source ``workbook``, the file's name kept), and the upload's audit record, refused or
    not. Raises :class:`~secreview.store.register.StaleVersion` when a version was saved
    since the basis was read: nothing is overwritten."""
    upload = reading.upload
    if reading.text is not None:
        saved = save_version(session, engine, system, user, reading.text, "workbook",
                             upload.base, source_name=upload.file)
        after = latest_review(session, saved.id)
        upload.version = saved.number
        upload.outcome_after = after.outcome if after else None
    return _recorded(session, system, user, REFUSED if upload.refused else IMPORTED, upload)


def _recorded(session: Session, system: System, user: User, action: str,
              upload: Upload) -> Upload:
    entry = record(session, user.name, action, subject=system.name, system_id=system.id,
                   version=upload.version, detail=upload.detail())
    session.flush()
    upload.entry_id, upload.at, upload.actor = entry.id, entry.at, entry.actor
    return upload


def upload_record(session: Session, system: System, entry_id: int) -> Upload | None:
    """One upload of ``system`` as its audit entry recorded it (None: no such upload)."""
    entry = session.get(AuditEntry, entry_id)
    if entry is None or entry.system_id != system.id or entry.action not in (IMPORTED, REFUSED):
        return None
    return Upload.from_entry(entry)


def _latest(session: Session, system: System) -> DescriptionVersion:
    latest = latest_version(session, system.id)
    if latest is None:  # every system is created with its version 1
        raise InputError.single(f"system {system.id} has no version yet")
    return latest
