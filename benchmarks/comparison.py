"""Side by side: the same twenty rules in secreview, CEL and Rego, on the same systems, in one run,
with every status checked equal before any time is reported.

How each engine is timed (see :mod:`benchmarks.engines` for how its input is prepared):

* secreview: ``evaluate_rule`` for the 20 rules over all systems' prepared facts (and, as a
  second row, predicates + status only); preparing the facts (``flatten``) is timed apart;
* CEL: ``Program.execute`` for the 20 compiled programs over all systems' contexts, each context
  built and converted once per system beforehand (the "reused context"); building them is timed
  apart;
* Rego: per system ``set_input`` then ``query_bundle`` (all 20 rules in one query, output parsed
  to a dict); the two parts are timed separately with a clock read around each call, which costs
  far less than one query.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from benchmarks.engines import (
    Cel,
    Ours,
    Rego,
    Statuses,
    available,
    disagreements,
    package_version,
    status_counts,
)
from benchmarks.inputs import Config, Portfolio
from benchmarks.results import Section, Target
from benchmarks.timing import Stats, format_duration, measure
from secreview.facts import flatten

CEL_FACTOR = 2.0
REGO_FACTOR = 50.0


def _rego_timings(rego: Rego, documents: list[dict[str, Any]], repeat: int
                  ) -> tuple[Stats, Stats]:
    """Per-system cost of ``set_input`` and of the query, over ``repeat`` passes."""
    rego.statuses(documents[0])  # warm-up
    clocks = (time.perf_counter_ns, time.process_time_ns)
    inputs: tuple[list[float], list[float]] = ([], [])
    queries: tuple[list[float], list[float]] = ([], [])
    gc.disable()
    try:
        for _ in range(repeat):
            set_total = [0, 0]
            query_total = [0, 0]
            for document in documents:
                start = [clock() for clock in clocks]
                rego.set_input(document)
                middle = [clock() for clock in clocks]
                rego.query()
                end = [clock() for clock in clocks]
                for i in (0, 1):
                    set_total[i] += middle[i] - start[i]
                    query_total[i] += end[i] - middle[i]
            for i in (0, 1):
                inputs[i].append(set_total[i] / len(documents))
                queries[i].append(query_total[i] / len(documents))
    finally:
        gc.enable()
    return (Stats.of(inputs[0], len(documents), inputs[1]),
            Stats.of(queries[0], len(documents), queries[1]))


def _ratio(theirs: Stats, ours: Stats) -> str:
    text = f"{theirs.median_ns / ours.median_ns:.1f}×"
    if theirs.cpu_median_ns and ours.cpu_median_ns:
        text += f" (CPU time {theirs.cpu_median_ns / ours.cpu_median_ns:.1f}×)"
    return text


def compare(portfolio: Portfolio, config: Config) -> Section:
    section = Section("engines", "Same 20 rules: secreview vs CEL vs Rego")
    ours = Ours()
    rules = len(ours.rules)
    facts = [flatten(system) for system in portfolio.systems]
    count = len(facts)
    evaluations = count * rules
    documents = [ours.document(f) for f in facts]

    reference: list[Statuses] = [ours.statuses(f) for f in facts]
    section.checks["secreview status-only path agrees with evaluate_rule"] = not disagreements(
        reference, [ours.status_only(f) for f in facts])

    flatten_cost = measure(lambda: [flatten(s) for s in portfolio.systems], operations=count,
                           repeat=config.repeat)
    outcome = measure(lambda: [ours.statuses(f) for f in facts], operations=evaluations,
                      repeat=config.repeat)
    status_only = measure(lambda: [ours.status_only(f) for f in facts], operations=evaluations,
                          repeat=config.repeat)
    section.add("secreview evaluate_rule (outcome + evidence)", outcome, unit="per rule")
    section.add("secreview predicates + status only", status_only, unit="per rule")
    section.add("secreview input: flatten()", flatten_cost, unit="per system")

    have = available()
    cel_stats: Stats | None = None
    rego_stats: Stats | None = None
    missing = [name for name, ok in have.items() if not ok]
    if have["cel"]:
        cel = Cel()
        contexts = [cel.context(d) for d in documents]
        results = [cel.statuses(c) for c in contexts]
        problems = disagreements(reference, results)
        section.checks[f"CEL agrees on {evaluations} statuses"] = not problems
        _report_disagreements(section, "CEL", problems)
        build = measure(lambda: [cel.context(d) for d in documents], operations=count,
                        repeat=config.repeat)
        cel_stats = measure(lambda: [cel.statuses(c) for c in contexts],
                            operations=evaluations, repeat=config.repeat)
        section.add("CEL Program.execute, reused context", cel_stats, unit="per rule")
        section.add("CEL input: Context build + conversion", build, unit="per system")
    if have["rego"]:
        rego = Rego()
        results = [rego.statuses(d) for d in documents]
        problems = disagreements(reference, results)
        section.checks[f"Rego agrees on {evaluations} statuses"] = not problems
        _report_disagreements(section, "Rego", problems)
        set_input, query = _rego_timings(rego, documents, config.rego_repeat)
        rego_stats = query.scaled(1 / rules)
        section.add("Rego query_bundle (20 rules per query)", rego_stats, unit="per rule")
        section.add("Rego input: set_input", set_input, unit="per system")
    if missing:
        section.unavailable = (f"{' and '.join(missing)} not installed "
                               "(pip install -e '.[bench]'); their rows are missing")

    _ratios(section, outcome, status_only, cel_stats, rego_stats)
    counts = status_counts(reference)
    section.add("statuses compared", value=", ".join(f"{k} {v}" for k, v in counts.items()),
                unit=f"{count} systems × {rules} rules")
    versions = {name: package_version(name) for name in ("common-expression-language", "regopy")}
    section.notes.append("versions: " + ", ".join(f"{k} {v or 'not installed'}"
                                                    for k, v in versions.items()))
    section.notes.append(
        "Unknown is modelled explicitly for CEL and Rego: every fact the rules read is present, "
        "null when unanswered, and each rule tests for null by hand (Kleene logic written out).")
    return section


def _report_disagreements(section: Section, engine: str,
                          problems: list[tuple[int, str, str, str]]) -> None:
    for index, rule_id, ours, theirs in problems[:5]:
        section.notes.append(f"{engine} differs: system {index}, {rule_id}: secreview {ours}, "
                             f"{engine} {theirs}")


def _ratios(section: Section, outcome: Stats, status_only: Stats, cel: Stats | None,
            rego: Stats | None) -> None:
    checks: list[tuple[str, Stats | None, float]] = [("CEL", cel, CEL_FACTOR),
                                                     ("Rego", rego, REGO_FACTOR)]
    for name, theirs, factor in checks:
        if theirs is None:
            section.targets.append(Target(f"≥ {factor:g}× faster than {name}", "not installed",
                                          None))
            continue
        section.add(f"ratio {name} / secreview evaluate_rule", value=_ratio(theirs, outcome),
                    unit="median / median")
        section.add(f"ratio {name} / secreview status only", value=_ratio(theirs, status_only),
                    unit="median / median")
        for label, ours in (("full outcome with evidence", outcome),
                            ("status only, like for like", status_only)):
            ratio = theirs.median_ns / ours.median_ns
            section.targets.append(Target(
                f"≥ {factor:g}× faster than {name} ({label})",
                f"{_ratio(theirs, ours)}: {format_duration(ours.median_ns)} vs "
                f"{format_duration(theirs.median_ns)}", ratio >= factor))

