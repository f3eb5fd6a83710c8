"""Review building against the number of rules: 100, 1,000 and 5,000 (the default limit).

The rules are copies of the bundled ones (ids suffixed, extension-fact declarations kept once),
so every size has the same mix of conditions, findings and unknowns. A Reviewer loads them once;
the timed step is ``Reviewer.review`` of an already loaded description: evaluation, scoring,
waivers, decision, summaries, questions and the Review object. Linear means the cost per rule
stays flat as the number of rules grows.
"""

from __future__ import annotations

import datetime as dt
import gc
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from benchmarks.inputs import Config, Portfolio
from benchmarks.results import Section, Target
from benchmarks.timing import Stats, format_duration, measure
from secreview import Reviewer
from secreview.bundled import bundled_ruleset_files
from secreview.inputs import Inputs
from secreview.loading import load_document

SIZES = (100, 1000, 5000)
QUICK_SIZES = (20, 100, 200)
LINEAR_TOLERANCE = 1.5
"""Linear enough: the cost per rule at 5,000 rules is at most 1.5× the cost at 100."""
REVIEW_DATE = dt.date(2026, 11, 26)


def _copies(count: int) -> list[dict[str, Any]]:
    """Ruleset documents holding ``count`` rules in all, cycling through the bundled rulesets."""
    originals = [load_document(f).data for f in bundled_ruleset_files()]
    documents: list[dict[str, Any]] = []
    left, copy = count, 0
    while left > 0:
        for original in originals:
            if left <= 0:
                break
            document = {**original, "ruleset": {**original["ruleset"],
                                                "id": f"{original['ruleset']['id']}-c{copy}"}}
            if copy:
                document.pop("facts", None)  # extension facts are declared once, by the first copy
            rules = [{**rule, "id": f"{rule['id']}_c{copy}"}
                     for rule in original["rules"][:left]]
            document["rules"] = rules
            documents.append(document)
            left -= len(rules)
        copy += 1
    return documents


def _reviewer(count: int, folder: Path) -> Reviewer:
    target = folder / f"rules-{count}"
    target.mkdir()
    for number, document in enumerate(_copies(count)):
        (target / f"{number:03d}.yaml").write_text(
            yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return Reviewer(rules=[target])


def _review_all(reviewer: Reviewer, loaded: list[Inputs]) -> None:
    for inputs in loaded:
        reviewer.review(inputs, REVIEW_DATE)


def run(portfolio: Portfolio, config: Config) -> Section:
    section = Section("scaling", "Review building against the number of rules")
    systems = portfolio.data[: 5 if config.quick else 20]
    sizes = QUICK_SIZES if config.quick else SIZES
    per_rule: dict[int, Stats] = {}
    with tempfile.TemporaryDirectory() as folder:
        for count in sizes:
            reviewer = _reviewer(count, Path(folder))
            loaded = [reviewer.load(system) for system in systems]
            gc.collect()
            gc.freeze()  # as the CLI and the portfolio do once the rules are loaded
            stats = measure(partial(_review_all, reviewer, loaded), operations=len(loaded),
                            repeat=config.portfolio_repeat, disable_gc=False)
            gc.unfreeze()
            rules = len(reviewer.catalog.rules)
            section.add(f"review of one description, {rules} rules", stats, unit="per review")
            per_rule[count] = stats.scaled(1 / rules)
            section.add(f"  per rule, {rules} rules", per_rule[count], unit="per rule")
    # CPU time where measured: on a shared machine the wall time also counts other jobs.
    first, last = (per_rule[n].cpu_median_ns or per_rule[n].median_ns for n in (sizes[0],
                                                                               sizes[-1]))
    growth = last / first
    section.targets.append(Target(
        f"review building linear in rules up to {sizes[-1]:,}",
        f"{format_duration(first)} CPU per rule at {sizes[0]}, {format_duration(last)} at "
        f"{sizes[-1]} ({growth:.2f}×)", growth <= LINEAR_TOLERANCE))
    section.notes.append(
        f"{len(systems)} generated descriptions, each loaded once; copies of the bundled rules; "
        f"linear means at most {LINEAR_TOLERANCE}× the cost per rule at {sizes[-1]:,} rules "
        f"as at {sizes[0]}; the garbage collector is frozen after loading, as in the CLI and "
        "the portfolio (without it, collections walking the loaded rules made 5,000 rules cost "
        "2.2× per rule what 100 did)")
    return section
