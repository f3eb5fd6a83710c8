"""``python3 -m benchmarks [--quick]``: every benchmark in one run.

``--quick`` is the CI mode: small inputs, a few seconds, and no assertion about time; it fails
(exit 1) only when a correctness check fails, e.g. the engines disagree on a status or the
parallel portfolio differs from the serial one. The full mode takes a few minutes on two cores.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks import (
    answers,
    cli_runs,
    comparison,
    deciding,
    machine,
    pdf_overhead,
    portfolio,
    rules_cost,
    scaling,
)
from benchmarks.inputs import Config, Portfolio, config_for, rule_source
from benchmarks.results import Section, render_json, render_markdown, render_text
from secreview.output import write_atomic

SECTIONS = ("rules", "catalogue", "deciding", "answers", "engines", "portfolio", "scaling",
            "startup", "pdf", "pdf-overhead")


def run(config: Config, only: Sequence[str] = SECTIONS,
        progress: Callable[[str], None] | None = None) -> list[Section]:
    """Run the chosen sections in a fixed order and return their results."""
    source = rule_source()
    catalog = source.load()
    systems = Portfolio(config.systems, config.seed, catalog)
    steps: dict[str, Callable[[], Section]] = {
        "rules": lambda: rules_cost.per_rule(catalog, systems, config),
        "catalogue": lambda: rules_cost.whole_catalogue(catalog, systems, config),
        "deciding": lambda: deciding.run(catalog, systems, config),
        "answers": lambda: answers.run(config),
        "engines": lambda: comparison.compare(systems, config),
        "portfolio": lambda: portfolio.run(source, catalog, systems, config),
        "scaling": lambda: scaling.run(systems, config),
        "startup": lambda: cli_runs.startup(source, catalog, config),
        "pdf": lambda: cli_runs.pdf_reports(source, catalog, config),
        "pdf-overhead": lambda: pdf_overhead.compare(config),
    }
    sections = []
    for key in SECTIONS:
        if key not in only:
            continue
        gc.collect()
        started = time.perf_counter()
        section = steps[key]()
        if progress:
            progress(f"{key}: {time.perf_counter() - started:.1f} s")
        if key == "rules":
            section.notes.insert(0, f"rules: {source.description}")
        sections.append(section)
    return sections


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="CI mode: small inputs, seconds, checks results but not times")
    parser.add_argument("--only", action="append", choices=SECTIONS,
                        help="run only this section (repeatable)")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes for the parallel portfolio (default: all cores)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--markdown", type=Path,
                        help="also write the result tables as Markdown here")
    args = parser.parse_args(argv)
    config = config_for(args.quick, args.workers)
    info = machine.describe()
    print(machine.render(info), end="", flush=True)
    sections = run(config, args.only or SECTIONS,
                   progress=lambda done: print(done, file=sys.stderr, flush=True))
    print(render_text(sections), end="")
    if args.json:
        write_atomic(args.json, render_json(sections, info, config.as_dict()))
    if args.markdown:
        write_atomic(args.markdown, render_markdown(sections))
    failed = [f"{s.title}: {name}" for s in sections for name, ok in s.checks.items() if not ok]
    for failure in failed:
        print(f"CHECK FAILED: {failure}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
