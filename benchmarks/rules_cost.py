"""Rule evaluation cost: each compiled rule on its own, and the whole catalogue on one system.

Per rule, two figures: the full :func:`~secreview.engine.evaluate.evaluate_rule` (predicates,
status, mitigations, the evidence tuple and the ``RuleOutcome``), which is what a review pays, and
the predicates plus status alone, which is the condition language's own cost. The facts are those of
the generated portfolio after :func:`~secreview.engine.evaluate.evaluate` has added the derived
facts.
"""

from __future__ import annotations

import statistics

from benchmarks.generate import archetype_of
from benchmarks.inputs import Config, Portfolio
from benchmarks.results import Section, Target
from benchmarks.timing import Stats, format_duration, measure
from secreview.engine.evaluate import evaluate, evaluate_rule, rule_status
from secreview.rules.loader import Catalog

TARGET_NS = 1_000


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def per_rule(catalog: Catalog, portfolio: Portfolio, config: Config) -> Section:
    section = Section("rules", "Rule evaluation cost")
    facts = [evaluate(system, catalog).facts for system in portfolio.systems]
    outcome_cost: dict[str, Stats] = {}
    status_cost: dict[str, Stats] = {}
    for rule in catalog.rules:
        outcome_cost[rule.id] = measure(
            lambda rule=rule: [evaluate_rule(rule, f) for f in facts],  # type: ignore[misc]
            operations=len(facts), repeat=config.repeat)
        status_cost[rule.id] = measure(
            lambda rule=rule: [rule_status(rule, f) for f in facts],  # type: ignore[misc]
            operations=len(facts), repeat=config.repeat)
    count = len(catalog.rules)
    for name, costs in (("evaluate_rule (outcome + evidence)", outcome_cost),
                        ("predicates + status only", status_cost)):
        medians = [s.median_ns for s in costs.values()]
        cpu = statistics.median(s.cpu_median_ns or 0.0 for s in costs.values())
        section.add(f"{name}: median rule",
                    value=f"{format_duration(statistics.median(medians))} "
                    f"(CPU {format_duration(cpu)})",
                    unit=f"per evaluation, median over {count} rules")
        section.add(f"{name}: 90th percentile rule", value=format_duration(
            _percentile(medians, 0.9)), unit="per evaluation")
        section.add(f"{name}: slowest rule", value=format_duration(max(medians)),
                    unit=max(costs, key=lambda k: costs[k].median_ns))
    slowest = sorted(outcome_cost.items(), key=lambda kv: -kv[1].median_ns)[:5]
    for rule_id, stats in slowest:
        section.add(f"slow rule {rule_id}", stats, unit="evaluate_rule, per evaluation")
    median_outcome = statistics.median(s.median_ns for s in outcome_cost.values())
    median_status = statistics.median(s.median_ns for s in status_cost.values())
    section.targets.append(Target(
        "≤ 1 µs per rule evaluation (median rule, evaluate_rule)",
        format_duration(median_outcome), median_outcome <= TARGET_NS))
    section.targets.append(Target(
        "≤ 1 µs per rule evaluation (median rule, predicates + status)",
        format_duration(median_status), median_status <= TARGET_NS))
    section.notes.append(
        f"{count} rules, each timed over {len(facts)} generated systems, {config.repeat} samples "
        "after one warm-up, garbage collector off; a cell is median [interquartile range] of "
        "the per-evaluation time across samples.")
    return section


def whole_catalogue(catalog: Catalog, portfolio: Portfolio, config: Config) -> Section:
    """``evaluate()`` of every rule on one system, for a thorough and a sketchy description."""
    section = Section("catalogue", "Full rulesets on one system")
    count = len(catalog.rules)
    picks: dict[str, int] = {}
    for index in range(portfolio.count):
        picks.setdefault(archetype_of(config.seed, index), index)
    loops = 20 if config.quick else 200
    for archetype in ("thorough", "typical", "draft"):
        if archetype not in picks:
            continue
        system = portfolio.systems[picks[archetype]]
        stats = measure(lambda system=system: [evaluate(system, catalog)  # type: ignore[misc]
                                               for _ in range(loops)],
                        operations=loops, repeat=config.repeat)
        section.add(f"evaluate(), {archetype} system #{picks[archetype]}", stats,
                    unit=f"per system, {count} rules")
        section.add(f"evaluate(), {archetype} system, per rule", stats.scaled(1 / count),
                    unit="per rule, including flatten()")
    section.notes.append(
        "evaluate() flattens the description into facts (once per system), runs the DPIA "
        "screening rules, derives dpia_required, then runs every rule; the per-rule figure "
        "divides the whole by the number of rules.")
    return section
