"""Moving descriptions in and out of the register: import a folder of YAML files, export any
version back to the exact text that was saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from secreview.errors import InputError, Problem
from secreview.store.models import DescriptionVersion, System, User
from secreview.store.register import (
    active_waivers,
    add_waiver,
    create_system,
    latest_version,
    save_version,
)
from secreview.store.reviewing import Engine, WaiverInput

IMPORT_USER = "import"
"""The account versions imported from the command line are attributed to (cannot log in)."""


def import_user(session: Session) -> User:
    user = session.scalar(select(User).where(User.name == IMPORT_USER))
    if user is None:
        user = User(name=IMPORT_USER, display_name="secreview db import", role="project_lead",
                    password_hash=None, language="sv", active=False)
        session.add(user)
        session.flush()
    return user


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def import_folder(session: Session, engine: Engine, folder: Path,
                  user: User | None = None) -> ImportReport:
    """Each description in ``folder`` becomes a system (or a new version of the system with the
    same name); ``NAME.waivers.yaml`` beside ``NAME.yaml`` adds its waivers. A bad file is
    reported with its position and skipped; the others are imported."""
    from secreview.portfolio import discover
    from secreview.waivers import load_waivers

    author = user or import_user(session)
    jobs, problems = discover(folder)
    report = ImportReport(problems=list(problems))
    for job in jobs:
        raw = job.system.read_bytes()
        try:
            text = raw.decode("utf-8")
            doc = engine.parse(job.system).system_doc
            name = (doc.data.get("system") or {}).get("name") or job.system.stem
            existing = session.scalar(select(System).where(System.name == name))
            with session.begin_nested():
                if existing is None:
                    system, _ = create_system(session, engine, author, text, "import",
                                              name_hint=str(job.system))
                    system.name = str(name)
                    report.created.append(job.system.name)
                else:
                    system = existing
                    latest = latest_version(session, system.id)
                    if latest is not None and latest.yaml_text == text:
                        report.unchanged.append(job.system.name)
                    else:
                        save_version(session, engine, system, author, text, "import",
                                     latest.number if latest else None)
                        report.updated.append(job.system.name)
                if job.waivers is not None:
                    _import_waivers(session, engine, system, author, load_waivers(job.waivers)[0])
        except UnicodeDecodeError:
            report.problems.append(Problem("not UTF-8 text", file=str(job.system)))
        except InputError as exc:
            report.problems.extend(exc.problems)
    return report


def _import_waivers(session: Session, engine: Engine, system: System, user: User,
                    waivers: object) -> None:
    from secreview.waivers import WaiverFile

    assert isinstance(waivers, WaiverFile)
    present = {w.rule for w in active_waivers(session, system.id)}
    for w in waivers.waivers:
        if w.rule in present:
            continue
        add_waiver(session, engine, system, user, WaiverInput(
            w.rule, w.justification, (w.accepted_by.name, w.accepted_by.role), w.accepted_on,
            w.expires, (w.risk_owner.name, w.risk_owner.role) if w.risk_owner else None))


def version_stem(system: System, version: DescriptionVersion) -> str:
    """What every file made from a version is named after: ``system-3-v2`` (ids only, so a
    system's name never reaches a header or a path)."""
    return f"system-{system.id}-v{version.number}"


def export_name(system: System, version: DescriptionVersion) -> str:
    """A file name for an exported version: the system's id and version, and the text's kind."""
    suffix = ".json" if version.yaml_text.lstrip().startswith("{") else ".yaml"
    return f"{version_stem(system, version)}{suffix}"
