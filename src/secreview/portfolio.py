"""The portfolio register: every system description in a folder reviewed, sorted by risk.

The register is what an organisation keeps between procurements: which systems were reviewed,
with what decision and risk, who owns them, when the next review is due and whether it is
overdue, which accepted risks (waivers) have expired. It also serves coordination across
departments: systems are grouped by the capability they provide, so two boards buying the same
kind of system show up side by side, and integrations without an open standard and systems
without a named owner or management object are listed.

Reviews run in a process pool; each worker loads the profile and the rulesets once. A file that
cannot be loaded is reported with its position and skipped: one bad file never stops the register.
Output order is deterministic (sorted by risk, then name and file), whatever order workers finish.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from secreview.errors import InputError, Problem
from secreview.i18n import Lang, Text, label
from secreview.loading import check_regular_file, real_path
from secreview.vocabulary import OUTCOME_SEVERITY

SYSTEM_SUFFIXES = (".yaml", ".yml", ".json")
WAIVER_MARK = ".waivers"
OWNERSHIP = ("owner_board", "system_owner", "information_owner", "management_object")
REGISTER_FILES = ("register.csv", "register.json", "register.html")


@dataclass(frozen=True)
class ClosedIntegration:
    counterpart: str
    protocol: str | None


@dataclass(frozen=True)
class RegisterEntry:
    """One reviewed system as the register shows it."""

    file: str
    system: str | None
    vendor: str | None
    capability: str | None
    decision: str
    level: str | None
    level_rank: int
    owner_board: str | None
    system_owner: str | None
    information_owner: str | None
    management_object: str | None
    review_date: dt.date
    review_date_assumed: bool  # the description names no review.date: today's date was used
    next_review: dt.date | None
    overdue: bool
    expired_waivers: tuple[str, ...]
    missing: tuple[str, ...]
    closed_integrations: tuple[ClosedIntegration, ...]
    findings: int
    open_questions: int
    report: str | None = None
    """The file name of this system's report in the register's folder, when one was written."""

    def sort_key(self) -> tuple[Any, ...]:
        return (-OUTCOME_SEVERITY[self.decision], -self.level_rank, not self.overdue,
                (self.system or "").casefold(), self.file)

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["review_date"] = self.review_date.isoformat()
        data["next_review"] = self.next_review.isoformat() if self.next_review else None
        data["closed_integrations"] = [dict(c.__dict__) for c in self.closed_integrations]
        data["expired_waivers"] = list(self.expired_waivers)
        data["missing"] = list(self.missing)
        del data["level_rank"]
        return data


@dataclass
class Register:
    today: dt.date
    language: Lang
    profile: str
    levels: dict[str, Text]
    profile_title: Text | None = None
    entries: list[RegisterEntry] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    reports: dict[str, str | bytes] = field(default_factory=dict)
    """Each system's report by file name (``--reports html|pdf``), written beside the register."""

    def by_capability(self) -> list[tuple[str | None, list[RegisterEntry]]]:
        """Systems grouped by capability (named ones first, alphabetically), risk order inside."""
        groups: dict[str | None, list[RegisterEntry]] = {}
        for entry in self.entries:
            key = entry.capability.strip().casefold() if entry.capability else None
            groups.setdefault(key, []).append(entry)
        named = sorted(k for k in groups if k is not None)
        ordered: list[tuple[str | None, list[RegisterEntry]]] = [
            (groups[k][0].capability, groups[k]) for k in named]
        if None in groups:
            ordered.append((None, groups[None]))
        return ordered

    def closed_integrations(self) -> list[tuple[RegisterEntry, ClosedIntegration]]:
        return [(e, c) for e in self.entries for c in e.closed_integrations]

    def ownerless(self) -> list[RegisterEntry]:
        return [e for e in self.entries if e.missing]

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "profile": self.profile,
            "entries": [e.as_dict() for e in self.entries],
            "by_capability": [{"capability": c, "files": [e.file for e in members]}
                              for c, members in self.by_capability()],
            "closed_integrations": [{"file": e.file, "system": e.system, **c.__dict__}
                                    for e, c in self.closed_integrations()],
            "ownerless": [{"file": e.file, "system": e.system, "missing": list(e.missing)}
                          for e in self.ownerless()],
            "errors": [p.as_dict() for p in self.errors],
        }


@dataclass(frozen=True)
class _Job:
    system: Path
    waivers: Path | None


def is_waiver_file(path: Path) -> bool:
    """``NAME.waivers.yaml`` beside ``NAME.yaml``: the accepted risks of a system, not a system."""
    return path.stem.endswith(WAIVER_MARK)


def discover(folder: Path) -> tuple[list[_Job], list[Problem]]:
    """System files in ``folder`` (not recursive), each with its ``NAME.waivers.yaml`` if any.

    Every entry named like a document is accounted for: one that is not a regular file (a FIFO,
    a link loop, a dangling link, a link to a device, a folder named ``x.yaml``) is reported as
    an error of the register, never skipped in silence.
    """
    if not folder.is_dir():
        raise InputError.single("not a folder", file=str(folder),
                                suggestion="pass the folder that holds the system descriptions")
    try:
        named = sorted(p for p in folder.iterdir() if p.suffix in SYSTEM_SUFFIXES)
    except OSError as exc:
        raise InputError.single(f"cannot read folder: {exc.strerror}", file=str(folder)) from None
    files: list[Path] = []
    problems: list[Problem] = []
    for path in named:
        try:
            check_regular_file(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        files.append(path)
    waivers = {p.stem.removesuffix(WAIVER_MARK): p for p in files if is_waiver_file(p)}
    systems = [p for p in files if p not in waivers.values()]
    stems = {p.stem for p in systems}
    problems += [Problem("waiver file has no system description of the same name",
                         file=str(path), suggestion=f"name it after the system: {stem}.yaml")
                 for stem, path in sorted(waivers.items()) if stem not in stems]
    return [_Job(p, waivers.get(p.stem)) for p in systems], problems


# --- the worker: profile and catalogue loaded once per process ---------------------------------

_STATE: dict[str, Any] = {}


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """End this worker when the process that started it ends, however it ends.

    On Linux the kernel sends SIGKILL when the parent dies (``prctl(PR_SET_PDEATHSIG)``); the
    parent may have died before that call, so the parent's pid is checked right after it. A
    watchdog thread checks it again every second, which also covers systems without prctl:
    otherwise a killed ``portfolio`` left its workers waiting for jobs for good.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, if it set one
    if sys.platform.startswith("linux"):
        with contextlib.suppress(AttributeError, OSError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="secreview-parent-watch", daemon=True).start()


def _init_worker(profile: str | None, rules: Sequence[str], parent: int | None = None) -> None:
    """Load once per worker; a forked worker already has the parent's Reviewer. A worker only
    reviews, so it collects garbage in batches (:class:`~secreview.batch.BatchCollection`) for
    the rest of its life."""
    from secreview.batch import BatchCollection, collect_and_freeze

    if parent is not None:
        _die_with_parent(parent)
    if "reviewer" not in _STATE:
        from secreview.api import Reviewer

        _STATE["reviewer"] = Reviewer(profile, [Path(r) for r in rules])
        collect_and_freeze()
    _STATE["batch"] = BatchCollection().__enter__()


@dataclass(frozen=True)
class ReportRequest:
    """Write each system's report beside the register: in which format and language."""

    fmt: str
    lang: Lang | None = None


REPORT_PREFIX = "report-"
REPORT_FORMATS = ("html", "pdf")


def report_name(system_file: Path, fmt: str) -> str:
    """``report-NAME.html`` for ``NAME.yaml``: flat beside the register files, and the suffix of
    the description kept where two descriptions share a stem (``report-x-json.pdf``)."""
    return f"{REPORT_PREFIX}{system_file.name.replace('.', '-')}.{fmt}" \
        if system_file.suffix != ".yaml" else f"{REPORT_PREFIX}{system_file.stem}.{fmt}"


def is_report_name(name: str) -> bool:
    """A file an earlier run may have written into the register's folder."""
    return name.startswith(REPORT_PREFIX) and name.rsplit(".", 1)[-1] in REPORT_FORMATS


def _review_one(job: _Job, today: dt.date, reports: ReportRequest | None = None
                ) -> tuple[RegisterEntry, str | bytes | None] | list[Problem]:
    """Review one file; with ``reports``, render its report too (in the worker, in parallel)."""
    reviewer = _STATE["reviewer"]
    try:
        inputs = reviewer.load(job.system, waivers=job.waivers)
        system, waivers = inputs.system, inputs.waivers
        review = reviewer.review(inputs, system.review.date or today)
        report = (reviewer.render(review, reports.fmt, reports.lang)
                  if reports is not None else None)
    except InputError as exc:
        return exc.problems
    except Exception as exc:  # one broken file must never stop the register
        return [Problem(f"internal error while reviewing: {type(exc).__name__}: {exc}",
                        file=str(job.system), suggestion="please report it")]
    finally:
        batch = _STATE.get("batch")
        if batch is not None:
            batch.reviewed()
    matrix = reviewer.profile.matrix
    level = review.summary.overall_level
    ident = system.system
    return RegisterEntry(
        report=report_name(job.system, reports.fmt) if reports is not None else None,
        file=job.system.name, system=ident.name, vendor=system.vendor.name,
        capability=ident.capability, decision=review.decision.outcome, level=level,
        level_rank=matrix.rank(level) if level else -1,
        owner_board=ident.owner_board, system_owner=ident.system_owner,
        information_owner=ident.information_owner, management_object=ident.management_object,
        review_date=review.review_date, review_date_assumed=system.review.date is None,
        next_review=review.next_review,
        overdue=review.next_review is not None and review.next_review < today,
        expired_waivers=tuple(sorted(w.rule for w in (waivers.waivers if waivers else ())
                                     if w.expires < today)),
        missing=tuple(k for k in OWNERSHIP if getattr(ident, k) is None),
        closed_integrations=tuple(
            ClosedIntegration(i.counterpart, i.protocol)
            for i in (system.integrations or ()) if i.open_standard is False),
        findings=sum(1 for f in review.findings if f.counts_as_risk and f.status == "finding"),
        open_questions=len(review.questions),
    ), report


def build_register(folder: str | Path, rules: Sequence[str | Path] = (),
                   profile: str | None = None, jobs: int | None = None,
                   today: dt.date | None = None,
                   reports: ReportRequest | None = None) -> Register:
    """Review every system description in ``folder``; bad files become register errors.

    With ``reports``, each system's decision report is rendered too (by the same worker that
    reviewed it) and kept in :attr:`Register.reports` for :func:`write_register`.
    """
    from secreview.api import Reviewer
    from secreview.batch import BatchCollection, collect_and_freeze

    day = today or dt.date.today()
    found, problems = discover(Path(folder))
    reviewer = Reviewer(profile, rules)  # bad rules or profile: fail now, not in every worker
    loaded = reviewer.profile
    rule_paths = [str(r) for r in rules]
    workers = min(jobs or os.cpu_count() or 1, max(len(found), 1))
    results: list[tuple[RegisterEntry, str | bytes | None] | list[Problem]]
    _STATE["reviewer"] = reviewer  # inherited by forked workers: no second load
    collect_and_freeze()  # the loaded rules: never walked again, here or in a forked worker
    if workers == 1:
        batch = _STATE["batch"] = BatchCollection()
        try:
            with batch:
                results = [_review_one(job, day, reports) for job in found]
        finally:
            del _STATE["batch"]
    else:
        # A few chunks per worker: one round trip per file cost more than some reviews.
        chunk = max(1, len(found) // (workers * 8))
        pool = ProcessPoolExecutor(workers, initializer=_init_worker,
                                   initargs=(profile, rule_paths, os.getpid()))
        try:
            results = list(pool.map(_review_one, found, [day] * len(found),
                                    [reports] * len(found), chunksize=chunk))
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM): drop the jobs not started rather than wait for all
            # of them; the workers end with this process.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    register = Register(today=day, language=loaded.language, profile=loaded.profile.id,
                        profile_title=loaded.profile.title,
                        levels={lv.id: lv.label for lv in loaded.matrix.levels})
    for result in results:
        if isinstance(result, tuple):
            entry, report = result
            register.entries.append(entry)
            if report is not None and entry.report is not None:
                register.reports[entry.report] = report
        else:
            problems.extend(result)
    register.entries.sort(key=RegisterEntry.sort_key)
    register.errors = sorted(problems, key=lambda p: (p.file or "", p.line or 0, p.column or 0))
    return register


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an exception so that clean-up (``finally``) runs as for Ctrl-C."""


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """While a portfolio runs, SIGTERM unwinds like Ctrl-C: the hidden folder being built is
    removed and the workers stop, instead of the process vanishing mid-write."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: object) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def check_output_folder(folder: str | Path, outdir: str | Path, lang: Lang) -> None:
    """Refuse to write the register among the inputs, where the next run would read it."""
    if real_path(outdir) == real_path(folder):
        raise InputError.single(label("workflow.portfolio.same_folder", lang), file=str(outdir),
                                suggestion="-o register")


def write_register(register: Register, outdir: str | Path, lang: Lang,
                   protected: Sequence[str | Path] = ()) -> list[Path]:
    """Write register.csv, register.json, register.html and any reports as the folder
    ``outdir``, in one step: a killed run leaves the previous register or the new one, never a
    mix of the two. Reports an earlier run wrote (``report-*.html|pdf``) belong to the set."""
    from secreview.output import write_folder_atomic
    from secreview.report.register import render_csv, render_html, render_json

    contents = (render_csv(register, lang), render_json(register), render_html(register, lang))
    files: dict[str, str | bytes] = dict(zip(REGISTER_FILES, contents, strict=True))
    files.update(register.reports)
    return write_folder_atomic(outdir, files, protected, owned=is_report_name)
