"""The command line as a user runs it: start-up, ``check``, ``review`` to PDF, and peak memory.

Every command runs as a fresh process, ``repeat`` times after one untimed warm-up (which fills
the operating system's file cache). A small launcher process spawns it and reports the wall time
from spawn to exit and the child's own maximum resident set size from ``os.wait4`` (the
per-process form of ``getrusage(RUSAGE_CHILDREN).ru_maxrss``). The console script next to the
running interpreter is used, not a version manager's shim, whose own start-up would be counted
otherwise.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.generate import generate_system
from benchmarks.inputs import ROOT, Config, RuleSource, example_systems
from benchmarks.results import Section, Target
from benchmarks.timing import Stats, format_duration, measure
from secreview.engine.evaluate import evaluate
from secreview.rules.loader import Catalog

HELP_TARGET_NS = 100_000_000
HELP_TARGET_RATIO = 5
REVIEW_JSON_TARGET_NS = 150_000_000
REVIEW_JSON_TARGET_RATIO = 10
PDF_TARGET_NS = 1_000_000_000  # "a 10-page PDF in about 1 s"
FINDINGS_WANTED = 50
REVIEW_DATE = "2026-11-26"


@dataclass
class Run:
    elapsed_ns: int
    max_rss_kib: int
    returncode: int
    stderr: str
    cpu_ns: int = 0  # the child's user + system time


def console_script() -> str:
    beside = Path(sys.executable).parent / "secreview"
    if beside.exists():
        return str(beside)
    found = shutil.which("secreview")
    if found is None:
        raise FileNotFoundError("the secreview command is not installed (pip install -e .)")
    return found


# Spawning from this (large) process would count its memory: with vfork the child's peak RSS
# includes the parent's until exec. A small launcher process spawns and measures instead.
LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter_ns()
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
_pid, status, usage = os.wait4(child.pid, 0)
elapsed = time.perf_counter_ns() - start
cpu = round((usage.ru_utime + usage.ru_stime) * 1e9)
print(elapsed, usage.ru_maxrss, os.waitstatus_to_exitcode(status), cpu)
"""


def run_once(argv: list[str], cwd: Path) -> Run:
    """One fresh process: wall time from spawn to exit, its own peak RSS (KiB) and CPU time."""
    launched = subprocess.run([sys.executable, "-c", LAUNCHER, *argv], cwd=cwd,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              check=False)
    fields = launched.stdout.split()
    if launched.returncode != 0 or len(fields) != 4:
        return Run(0, 0, launched.returncode or -1, launched.stderr)
    elapsed, max_rss, returncode, cpu = (int(f) for f in fields)
    return Run(elapsed, max_rss, returncode, launched.stderr, cpu)


def timed_command(argv: list[str], repeat: int, cwd: Path = ROOT, warmup: bool = True
                  ) -> tuple[Stats, int, Run]:
    """Median wall time, peak memory (KiB, largest over runs) and the last run."""
    runs = [run_once(argv, cwd) for _ in range(repeat + (1 if warmup else 0))]
    failed = [r for r in runs if r.returncode not in (0, 1)]
    if failed:
        raise RuntimeError(f"{' '.join(argv)} failed ({failed[0].returncode}): "
                           f"{failed[0].stderr[-800:]}")
    if warmup:
        runs = runs[1:]
    stats = Stats.of([float(r.elapsed_ns) for r in runs], 1)
    return stats, max(r.max_rss_kib for r in runs), runs[-1]


def side_by_side(commands: dict[str, list[str]], repeat: int, warmup: bool = True
                 ) -> dict[str, tuple[Stats, int]]:
    """Median wall and CPU time and peak memory of several commands, run in turns (one of each,
    then the next round), so a machine that slows down or speeds up during the measurement
    (another job, a CPU clock that changes) shifts them alike and their ratios hold."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for round_ in range(repeat + (1 if warmup else 0)):
        for name, argv in commands.items():
            run = run_once(argv, ROOT)
            if run.returncode not in (0, 1):
                raise RuntimeError(f"{' '.join(argv)} failed ({run.returncode}): "
                                   f"{run.stderr[-800:]}")
            if round_ or not warmup:
                runs[name].append(run)
    return {name: (Stats.of([float(r.elapsed_ns) for r in done], 1,
                            [float(r.cpu_ns) for r in done]), max(r.max_rss_kib for r in done))
            for name, done in runs.items()}


def _mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def _pdf_pages(path: Path) -> int:
    try:
        from pypdf import PdfReader
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))
    return len(PdfReader(str(path)).pages)


def startup(source: RuleSource, catalog: Catalog, config: Config) -> Section:
    section = Section("startup", "CLI start-up and peak memory")
    script = console_script()
    warmup = not config.quick
    imports = subprocess.run(
        [sys.executable, "-c", "import sys\nfrom secreview.cli import main\n"
         "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
         "print(any(m == 'weasyprint' or m.startswith('weasyprint.') for m in sys.modules))"],
        capture_output=True, text=True, cwd=ROOT, check=True)
    section.checks["secreview --help does not import WeasyPrint"] = (
        imports.stdout.strip().splitlines()[-1] == "False")
    rules = [a for p in source.paths for a in ("--rules", p)]
    with tempfile.TemporaryDirectory() as folder:
        targets = example_systems()
        if targets:
            subject, path = targets[0].name, targets[0]
        else:
            subject = "a generated system (no examples/*.yaml yet)"
            path = Path(folder) / "system.json"
            path.write_text(json.dumps(generate_system(config.seed, 0, catalog.extension_facts)),
                            encoding="utf-8")
        measured = side_by_side({
            "bare": [sys.executable, "-c", "pass"],
            "help": [script, "--help"],
            "check": [script, "check", str(path), *rules],
            "review": [script, "review", str(path), "--format", "json", "--date", REVIEW_DATE,
                       *rules],
        }, config.cli_repeat, warmup=warmup)
    bare = measured["bare"][0]
    (help_stats, help_rss), (check_stats, check_rss), (review_stats, review_rss) = (
        measured["help"], measured["check"], measured["review"])
    section.add("python -c pass (bare interpreter, for comparison)", bare,
                unit="wall, fresh process")
    section.add("secreview --help", help_stats, unit="wall, fresh process")
    section.add("secreview --help peak memory", value=_mib(help_rss), unit="max RSS")
    _against_bare(section, "secreview --help", help_stats, bare, HELP_TARGET_NS,
                  HELP_TARGET_RATIO)
    section.add(f"secreview check {subject}", check_stats, unit="wall, fresh process")
    section.add("secreview check peak memory", value=_mib(check_rss), unit="max RSS")
    section.add(f"secreview review {subject} --format json", review_stats,
                unit="wall, fresh process")
    section.add("secreview review --format json peak memory", value=_mib(review_rss),
                unit="max RSS")
    _against_bare(section, "secreview review EXAMPLE --format json", review_stats, bare,
                  REVIEW_JSON_TARGET_NS, REVIEW_JSON_TARGET_RATIO)
    section.notes.append(f"command: {script}; {config.cli_repeat} runs of each, in turns"
                         + (" after one warm-up" if warmup else " (no warm-up in --quick)")
                         + "; CPU is the command's own user + system time")
    return section


def _against_bare(section: Section, what: str, stats: Stats, bare: Stats, limit_ns: int,
                  ratio: float) -> None:
    """Two targets for one command: an absolute median, and a multiple of bare Python measured
    in the same run (which holds on a slower or busier machine too)."""
    times = stats.median_ns / bare.median_ns
    cpu = ""
    if stats.cpu_median_ns and bare.cpu_median_ns:
        cpu = (f"; CPU {stats.cpu_median_ns / bare.cpu_median_ns:.1f}× "
               f"({format_duration(stats.cpu_median_ns)} against "
               f"{format_duration(bare.cpu_median_ns)})")
    section.targets.append(Target(f"{what} ≤ {format_duration(limit_ns)}",
                                  format_duration(stats.median_ns), stats.median_ns <= limit_ns))
    section.targets.append(Target(f"{what} ≤ {ratio:g}× bare python",
                                  f"{times:.1f}× ({format_duration(bare.median_ns)} bare){cpu}",
                                  times <= ratio))


def _report_systems(catalog: Catalog, config: Config) -> dict[str, tuple[dict[str, object], str]]:
    """Two generated systems: the report closest to 50 findings (open + unverified) and the
    report with the fewest, the shortest PDF these rulesets produce."""
    from benchmarks.generate import validated

    seed = config.seed + 1
    scored: list[tuple[int, int, int, int]] = []  # (open + unverified, open, unverified, index)
    for index in range(150 if config.quick else 1500):
        data = generate_system(seed, index, catalog.extension_facts)
        statuses = [o.status for o in evaluate(validated(data), catalog).outcomes
                    if o.rule.rule.dpia_criterion is None]
        found, unknown = statuses.count("finding"), statuses.count("unknown")
        scored.append((found + unknown, found, unknown, index))
    fifty = min(scored, key=lambda s: (abs(s[0] - FINDINGS_WANTED), -s[1], s[3]))
    fewest = min(scored)
    picks: dict[str, tuple[dict[str, object], str]] = {}
    for name, (_total, found, unknown, index) in (("~50-finding report", fifty),
                                                  ("shortest report", fewest)):
        picks[name] = (generate_system(seed, index, catalog.extension_facts),
                       f"generated system {index} (seed {seed}): {found} findings + {unknown} "
                       f"unverified of {len(catalog.rules)} rules")
    return picks


def pdf_reports(source: RuleSource, catalog: Catalog, config: Config) -> Section:
    section = Section("pdf", "End-to-end review to PDF")
    if importlib.util.find_spec("secreview.report.pdf") is None:
        section.unavailable = ("the PDF renderer (secreview.report.pdf) is not in this checkout; "
                               "rerun when it is")
        return section
    if config.pdf_repeat == 0:
        section.unavailable = ("skipped in --quick mode: one PDF render takes seconds; run "
                               "'python3 -m benchmarks' for these figures")
        return section
    script = console_script()
    rules = [a for p in source.paths for a in ("--rules", p)]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        subjects: list[tuple[str, Path, list[str]]] = [(p.name, p, []) for p in example_systems()]
        if not subjects:
            section.notes.append("no examples/*.yaml in this checkout yet: only generated "
                                 "reports were measured")
        for number, (name, (data, described)) in enumerate(
                _report_systems(catalog, config).items()):
            path = work / f"generated-{number}.json"
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            subjects.append((name, path, rules))
            section.notes.append(f"{name}: {described}")
        for name, path, extra in subjects:
            output = work / f"{path.stem}.pdf"
            argv = [script, "review", str(path), "--date", REVIEW_DATE, "-o", str(output), *extra]
            stats, rss, _ = timed_command(argv, config.pdf_repeat)
            section.add(f"secreview review {name} -o report.pdf", stats,
                        unit=f"wall, {_pdf_pages(output)} pages, peak {_mib(rss)}")
        rendered: list[tuple[int, Stats, str]] = []
        for name, path, extra in subjects:
            stats, pages = _render_in_process(path, extra, config)
            rendered.append((pages, stats, name))
            section.add(f"PDF rendering alone (in process), {name}", stats,
                        unit=f"{pages} pages, {format_duration(stats.median_ns / pages)} per page")
        pages, stats, name = min(rendered, key=lambda r: (abs(r[0] - 10), r[0]))
        ten_pages = stats.median_ns / pages * 10
        section.targets.append(Target(
            "a 10-page PDF in about 1 s (±25 %)",
            f"{name}: {pages} pages in {format_duration(stats.median_ns)}, i.e. "
            f"{format_duration(ten_pages)} per 10 pages", ten_pages <= 1.25 * PDF_TARGET_NS))
    section.notes.append(f"review date fixed to {REVIEW_DATE}; {config.pdf_repeat} runs after "
                         "one warm-up; start-up, loading and evaluation are inside the "
                         "end-to-end rows; 'in process' is render(review, 'pdf') alone")
    return section


def _render_in_process(path: Path, rule_options: list[str], config: Config
                       ) -> tuple[Stats, int]:
    from secreview import Reviewer

    rules = rule_options[1::2]  # ["--rules", PATH, ...] -> [PATH, ...]
    reviewer = Reviewer(rules=rules)
    review = reviewer.review(path, dt.date.fromisoformat(REVIEW_DATE))
    output = reviewer.render(review, "pdf")
    if not isinstance(output, bytes):
        raise TypeError("the pdf renderer returned text")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(output)
        handle.flush()
        pages = _pdf_pages(Path(handle.name))
    stats = measure(lambda: reviewer.render(review, "pdf"), operations=1,
                    repeat=config.pdf_repeat, disable_gc=False)
    return stats, max(pages, 1)
