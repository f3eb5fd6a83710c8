"""A portfolio of generated systems against the rulesets: on one core and on all cores.

Three workloads:

* *evaluate*: :func:`~secreview.engine.evaluate.evaluate` on descriptions already validated, keeping
  a summary per system (the engine alone; the "1,000 systems in under 1 s" target);
* *load + evaluate*: from JSON bytes: parse, validate, evaluate (what a re-evaluation of a
  register does);
* *load + review + JSON*: parse, validate, :func:`~secreview.engine.assemble.build_review` and
  ``Review.to_json()``.

The last two also run in a :class:`~concurrent.futures.ProcessPoolExecutor` with one worker per
core. Workers load the rulesets once (initializer) and are warmed up before timing, so the
parallel figure is throughput, not start-up; start-up is reported on its own row. Each worker
returns a SHA-256 per system (of the statuses, or of the JSON) and the parallel results must
equal the serial ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from benchmarks.inputs import Config, Portfolio, RuleSource
from benchmarks.results import Section, Target
from benchmarks.timing import format_duration, measure
from secreview import BatchCollection, Reviewer
from secreview.engine.evaluate import Evaluation, evaluate
from secreview.rules.loader import Catalog

TARGET_NS = 1_000_000_000  # 1,000 systems in under 1 s
PORTFOLIO_COMMAND_NS = 3_000_000_000  # the secreview portfolio command, 1,000 files
REVIEW_DATE = dt.date(2026, 11, 26)  # fixed, so reviews do not depend on today's date


@dataclass
class _State:
    source: RuleSource
    reviewer: Reviewer


_STATE: _State | None = None


def _initialise(source: RuleSource) -> None:
    """Load rulesets and the default profile once per process (worker initializer)."""
    global _STATE
    if _STATE is None or _STATE.source != source:
        _STATE = _State(source, Reviewer(rules=source.paths))


def _summary(evaluation: Evaluation) -> tuple[int, int]:
    """What a register keeps per system: findings and unknowns (the outcomes are dropped)."""
    statuses = [o.status for o in evaluation.outcomes]
    return statuses.count("finding"), statuses.count("unknown")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def load_and_evaluate(chunk: tuple[int, list[bytes]]) -> list[str]:
    """Parse, validate and evaluate; one digest of the statuses per system."""
    assert _STATE is not None
    _start, raws = chunk
    digests = []
    reviewer = _STATE.reviewer
    for raw in raws:
        outcomes = evaluate(reviewer.load(raw).system, reviewer.catalog).outcomes
        digests.append(_digest(",".join(f"{o.rule.id}={o.status}" for o in outcomes)))
    return digests


def load_review_json(chunk: tuple[int, list[bytes]]) -> list[str]:
    """Parse, validate, build the review and serialise it; one digest of the JSON per system.
    Garbage is collected in batches, as ``secreview portfolio`` does (docs/api.md)."""
    assert _STATE is not None
    _start, raws = chunk
    digests = []
    reviewer = _STATE.reviewer
    with BatchCollection() as batch:
        for raw in raws:
            digests.append(_digest(reviewer.review(raw, REVIEW_DATE).to_json()))
            batch.reviewed()
    return digests


def _chunks(raw: list[bytes], pieces: int) -> list[tuple[int, list[bytes]]]:
    size = max(1, -(-len(raw) // pieces))
    return [(i, raw[i:i + size]) for i in range(0, len(raw), size)]


def _command(section: Section, portfolio: Portfolio, config: Config) -> None:
    """``secreview portfolio`` as a user runs it: a fresh process over a folder of files,
    reviews in a pool of ``workers``, the register written (CSV, JSON, HTML)."""
    from benchmarks.cli_runs import console_script, timed_command

    with tempfile.TemporaryDirectory() as folder:
        systems = Path(folder) / "systems"
        systems.mkdir()
        for index, raw in enumerate(portfolio.raw):
            (systems / f"system-{index:04d}.json").write_bytes(raw)
        argv = [console_script(), "portfolio", str(systems), "-o", str(Path(folder) / "register"),
                "--today", REVIEW_DATE.isoformat(), "--jobs", str(config.workers)]
        stats, rss, _ = timed_command(argv, config.portfolio_repeat, warmup=not config.quick)
    label = f"secreview portfolio ({portfolio.count} files, {config.workers} workers)"
    section.add(label, stats, unit=f"wall, fresh process, peak {rss // 1024} MiB (parent)")
    per_thousand = stats.median_ns * 1000 / portfolio.count
    section.targets.append(Target(
        f"secreview portfolio of 1,000 descriptions ≤ 3 s on {config.workers} cores",
        f"{format_duration(per_thousand)} per 1,000", per_thousand <= PORTFOLIO_COMMAND_NS))


def run(source: RuleSource, catalog: Catalog, portfolio: Portfolio, config: Config) -> Section:
    section = Section("portfolio", f"Portfolio of {portfolio.count} generated systems")
    _initialise(source)
    count = portfolio.count
    systems = portfolio.systems
    evaluate_only = measure(lambda: [_summary(evaluate(s, catalog)) for s in systems],
                            operations=1, repeat=config.portfolio_repeat, disable_gc=False)
    section.add(f"evaluate, 1 core, {count} systems", evaluate_only, unit="whole portfolio")
    section.add("evaluate, 1 core, per system", evaluate_only.scaled(1 / count),
                unit=f"{len(catalog.rules)} rules")
    per_thousand = evaluate_only.median_ns * 1000 / count
    section.targets.append(Target("1,000 systems evaluated in < 1 s on one core",
                                  f"{format_duration(per_thousand)} per 1,000 systems",
                                  per_thousand < TARGET_NS))

    chunks = _chunks(portfolio.raw, config.workers * 4)
    serial: dict[str, list[str]] = {}
    for name, work in (("load + evaluate", load_and_evaluate),
                       ("load + review + JSON", load_review_json)):
        serial[name] = [d for chunk in chunks for d in work(chunk)]
        stats = measure(lambda work=work: [work(c) for c in chunks],  # type: ignore[misc]
                        operations=1, repeat=config.portfolio_repeat, disable_gc=False)
        section.add(f"{name}, 1 core", stats, unit="whole portfolio")

    started = time.perf_counter_ns()
    with ProcessPoolExecutor(max_workers=config.workers, initializer=_initialise,
                             initargs=(source,)) as pool:
        list(pool.map(load_and_evaluate, _chunks(portfolio.raw[:config.workers * 2],
                                                 config.workers * 2)))
        section.add(f"process pool start-up ({config.workers} workers, rulesets loaded)",
                    value=format_duration(time.perf_counter_ns() - started),
                    unit="once, not in the rows below")
        for name, work in (("load + evaluate", load_and_evaluate),
                           ("load + review + JSON", load_review_json)):
            parallel = [d for part in pool.map(work, chunks) for d in part]
            section.checks[f"{name}: {config.workers} cores give the same results as 1"] = (
                parallel == serial[name])
            stats = measure(lambda work=work: list(pool.map(work, chunks)),  # type: ignore[misc]
                            operations=1, repeat=config.portfolio_repeat, disable_gc=False,
                            cpu=False)
            section.add(f"{name}, {config.workers} cores", stats, unit="whole portfolio")
    _command(section, portfolio, config)
    section.notes.append(
        f"{count} systems from benchmarks/generate.py (seed {config.seed}); "
        f"{len(catalog.rules)} rules; default profile; review date fixed; "
        f"{config.portfolio_repeat} samples each; the process pool gets "
        f"{len(chunks)} chunks of JSON bytes and returns one SHA-256 per system.")
    return section

