"""One SHA-256 over the review JSON of every generated description: the check that a change
meant to make reviews faster left every review as it was.

``python3 -m benchmarks.review_hashes [--count 1000] [--seed 2026]`` prints the digest and the
outcomes; run it on two commits and compare. Each description is reviewed on its own
``review.date`` (the generated ones carry dates over a year, so dated rules and the rule memo's
date handling are exercised), else on a fixed date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
from collections import Counter

from benchmarks.inputs import Portfolio
from secreview import Reviewer

FALLBACK_DATE = dt.date(2026, 11, 26)


def digest(count: int, seed: int) -> tuple[str, Counter[str]]:
    reviewer = Reviewer()
    portfolio = Portfolio(count, seed, reviewer.catalog)
    total = hashlib.sha256()
    outcomes: Counter[str] = Counter()
    for raw in portfolio.raw:  # only the public API: the script runs on older commits too
        inputs = reviewer.load(raw)
        review = reviewer.review(inputs, inputs.system.review.date or FALLBACK_DATE)
        total.update(review.to_json().encode())
        outcomes[review.decision.outcome] += 1
    return total.hexdigest(), outcomes


def main() -> None:
    parser = argparse.ArgumentParser(prog="python3 -m benchmarks.review_hashes",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    sha, outcomes = digest(args.count, args.seed)
    print(sha)
    print(", ".join(f"{name} {n}" for name, n in sorted(outcomes.items())))


if __name__ == "__main__":
    main()
