"""How much of a portfolio's review time the deciding-facts search takes: the benchmark's
generated descriptions reviewed as shipped, then with the search replaced by an
empty answer (a measurement only: those reviews list no deciding facts), CPU time each.

``python3 -m benchmarks.search_share [--count 1000] [--seed 2026]``. It shows the floor under
issue 13's portfolio goal: what a review costs without the search (docs/benchmarks.md, "Why two
goals are blocked"). Each run starts from a fresh Reviewer, so neither profits from the other's
memo: by default each runs in a process of its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time
from typing import Any
from unittest.mock import patch

import secreview.engine.assemble as assemble
from benchmarks.inputs import Portfolio
from secreview import BatchCollection, Reviewer
from secreview.engine.deciding import DecidingFacts

FALLBACK_DATE = dt.date(2026, 11, 26)


def _without_search() -> Any:
    """The review with the search answering nothing (``unittest.mock``: a measurement only)."""
    return patch.object(assemble, "deciding_facts",
                        lambda situation, *args: DecidingFacts([], False, {}))


def _run(count: int, seed: int) -> tuple[float, float]:
    """CPU seconds to load and to review ``count`` generated descriptions."""
    reviewer = Reviewer()
    portfolio = Portfolio(count, seed, reviewer.catalog)
    start = time.process_time()
    inputs = [reviewer.load(raw) for raw in portfolio.raw]
    loaded = time.process_time()
    with BatchCollection() as batch:
        for one in inputs:
            reviewer.review(one, one.system.review.date or FALLBACK_DATE)
            batch.reviewed()
    return loaded - start, time.process_time() - loaded


def main() -> None:
    parser = argparse.ArgumentParser(prog="python3 -m benchmarks.search_share",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--mode", choices=("both", "shipped", "bare"), default="both",
                        help="both (default) runs the other two, each in a process of its own")
    args = parser.parse_args()
    if args.mode == "both":
        seconds = {}
        for mode in ("shipped", "bare"):
            out = subprocess.run([sys.executable, "-m", "benchmarks.search_share", "--mode", mode,
                                  "--count", str(args.count), "--seed", str(args.seed)],
                                 check=True, capture_output=True, text=True).stdout
            print(out, end="")
            seconds[mode] = float(out.split("review ")[1].split(" s")[0])
        print(f"the search: {1 - seconds['bare'] / seconds['shipped']:.0%} of the review time")
        return
    if args.mode == "bare":
        with _without_search():
            load, review = _run(args.count, args.seed)
    else:
        load, review = _run(args.count, args.seed)
    name = "as shipped" if args.mode == "shipped" else "without the search"
    print(f"{name}: load {load:.2f} s, review {review:.2f} s CPU, "
          f"{(load + review) / args.count * 1000:.1f} ms per description")


if __name__ == "__main__":
    main()
