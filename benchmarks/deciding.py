"""What the deciding facts cost: the search on top of a review, against the workspace's budget.

The workspace re-evaluates the review on every keystroke, so the whole review, deciding facts
included, should stay under :data:`TARGET_NS` (150 ms). Measured three ways:

* each bundled example, and an empty description (every fact unknown: the search's worst case);
* incomplete descriptions from the generated portfolio (only incomplete reviews search);
* a generated large catalogue: the bundled rulesets copied :data:`COPIES` times under new rule
  ids (about 1,000 rules), on the same empty and sparse descriptions.

For each, ``build_review`` end to end and, apart, the search alone (:class:`Situation` plus
:func:`deciding_facts`), with how many facts it names and whether they suffice.
"""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

from benchmarks.inputs import Config, Portfolio, example_systems
from benchmarks.results import Section, Target
from benchmarks.timing import Stats, format_duration, measure
from secreview.api import Reviewer
from secreview.engine.assemble import build_review
from secreview.engine.deciding import Situation, deciding_facts
from secreview.engine.evaluate import evaluate
from secreview.inputs import Inputs
from secreview.loading import Document
from secreview.profile import Profile, load_profile
from secreview.rules.loader import Catalog, LoadedRuleset, build_catalog
from secreview.rules.model import Ruleset
from secreview.system import SystemDescription

TARGET_NS = 150_000_000  # the whole review, deciding facts included
COPIES = 10
REVIEW_DATE = dt.date(2026, 11, 26)
SPARSE = {"personal_data": {"processed": True}, "vendor": {"third_country_law_access": True}}


def copied_catalogue(catalog: Catalog, copies: int) -> Catalog:
    """The catalogue's rulesets ``copies`` times over, every ruleset and rule id made unique:
    a large catalogue with the bundled rules' real shapes."""
    loaded: list[LoadedRuleset] = []
    for copy in range(copies):
        for ruleset in catalog.rulesets:
            data = ruleset.model.model_dump(mode="python", by_alias=True, exclude_unset=True)
            data["ruleset"]["id"] = f"{ruleset.id}.copy{copy}"
            for rule in data["rules"]:
                rule["id"] = f"{rule['id']}_c{copy}"
            loaded.append(LoadedRuleset(Ruleset.model_validate(data),
                                        f"{ruleset.source}#copy{copy}", ruleset.sha256,
                                        ruleset.document))
    return build_catalog(loaded)


def _inputs(system: SystemDescription, catalog: Catalog, profile: Profile, sha: str) -> Inputs:
    return Inputs(system, Document(data={}, source="generated.yaml", sha256="0" * 64), catalog,
                  profile, sha)


def _search(inputs: Inputs) -> Any:
    situation = Situation(inputs.catalog, evaluate(inputs.system, inputs.catalog, REVIEW_DATE),
                          inputs.profile, inputs.waivers, REVIEW_DATE)
    return deciding_facts(situation)


def _cpu(stats: Stats) -> float:
    """The CPU time of a measurement: on a shared machine the wall clock also counts the other
    jobs' turns, and the budget is what the review itself costs."""
    return stats.cpu_median_ns if stats.cpu_median_ns is not None else stats.median_ns


def _measure_one(section: Section, name: str, inputs: Inputs, config: Config) -> Stats:
    review = measure(lambda: build_review(inputs, REVIEW_DATE), operations=1,
                     repeat=config.repeat, disable_gc=False)
    search = measure(lambda: _search(inputs), operations=1, repeat=config.repeat,
                     disable_gc=False)
    found = _search(inputs)
    outcome = build_review(inputs, REVIEW_DATE).decision.outcome
    what = (f"{outcome}; {len(found.facts)} deciding facts"
            + (", enough to decide" if found.suffice and found.facts else ""))
    section.add(f"review, {name}", review, unit=what)
    section.add(f"deciding facts alone, {name}", search, unit="Situation + search")
    return review


def run(catalog: Catalog, portfolio: Portfolio, config: Config) -> Section:
    section = Section("deciding", "Deciding facts: cost of the search")
    profile, sha, _path = load_profile(None)
    worst: list[float] = []
    examples = example_systems()
    reviewer = Reviewer()
    for example in examples[:1] if config.quick else examples:
        inputs = reviewer.load(example)
        worst.append(_cpu(_measure_one(section, f"examples/{example.name}", inputs, config)))
    for name, data in (("empty description", {}), ("two answers (issue 12)", SPARSE)):
        inputs = _inputs(SystemDescription.model_validate(data), catalog, profile, sha)
        worst.append(_cpu(_measure_one(section, name, inputs, config)))
    _portfolio(section, catalog, portfolio, profile, sha, config)
    _answer_by_answer(section, config)
    large = copied_catalogue(catalog, 2 if config.quick else COPIES)
    for name, data in (("empty description", {}), ("two answers (issue 12)", SPARSE)):
        inputs = _inputs(SystemDescription.model_validate(data), large, profile, sha)
        _measure_one(section, f"{name}, {len(large.rules)} rules", inputs, config)
    slowest = max(worst)
    section.targets.append(Target(
        f"whole review with deciding facts ≤ {format_duration(TARGET_NS)} of CPU (slowest of "
        "the examples, the empty and the two-answer description, bundled rulesets)",
        format_duration(slowest), slowest <= TARGET_NS))
    section.notes.append(
        f"Each cell is the median [IQR] of {config.repeat} runs after a warm-up, garbage "
        "collector on (as the workspace pays for it). The large catalogue is the bundled "
        f"rulesets copied {2 if config.quick else COPIES} times under new rule ids.")
    return section


def _portfolio(section: Section, catalog: Catalog, portfolio: Portfolio, profile: Profile,
               sha: str, config: Config) -> None:
    """Over the generated portfolio's incomplete reviews: the search's cost and result."""
    limit = 3 if config.quick else 100
    costs: list[float] = []
    cpu: list[float] = []
    named: list[int] = []
    enough = 0
    for system in portfolio.systems:
        inputs = _inputs(system, catalog, profile, sha)
        situation = Situation(catalog, evaluate(system, catalog, REVIEW_DATE), profile, None,
                              REVIEW_DATE)
        if situation.base.decided:
            continue
        stats = measure(lambda inputs=inputs: _search(inputs),  # type: ignore[misc]
                        operations=1, repeat=1, disable_gc=False)
        found = _search(inputs)
        costs.append(stats.median_ns)
        cpu.append(stats.cpu_median_ns or 0.0)
        named.append(len(found.facts))
        enough += found.suffice
        if len(costs) >= limit:
            break
    if not costs:
        section.add("deciding facts, generated portfolio", value="no incomplete review")
        return
    section.add(f"deciding facts alone, {len(costs)} incomplete generated systems",
                value=f"median {format_duration(statistics.median(costs))} "
                f"(CPU {format_duration(statistics.median(cpu))}), max "
                f"{format_duration(max(costs))} (CPU {format_duration(max(cpu))})",
                unit=f"median {statistics.median(named):g} facts named; {enough} of "
                f"{len(costs)} decided by them")



def drafts(users: int, answers: int, seed: int = 5) -> list[list[dict[str, Any]]]:
    """Each user's questionnaire draft after every answer, as the workspace reviews it: the
    questions and answers of the load test (``benchmarks.workspace_load``), a blank answer
    taking a previous one back."""
    import random

    from benchmarks.workspace_load import QUESTIONS
    from secreview.store.answers import set_answer

    rng = random.Random(seed)
    everyone = []
    for user in range(users):
        data: dict[str, Any] = {"system": {"name": f"System {user}", "owner_board": "KS"}}
        steps = []
        for _ in range(answers):
            path = rng.choice(sorted(QUESTIONS))
            text = rng.choice(QUESTIONS[path])
            value: Any = None if text == "" else (
                text == "true" if text in ("true", "false") else
                int(text) if path.startswith("classification.") else text)
            data = set_answer(data, path, value)
            steps.append(data)
        everyone.append(steps)
    return everyone


def _answer_by_answer(section: Section, config: Config) -> None:
    """The workspace's case: one review per answer as drafts grow, through one Reviewer whose
    per-rule memo (secreview.engine.memo) starts empty, beside the same reviews without it."""
    import dataclasses
    import time

    from secreview.errors import InputError

    users, answers = (3, 5) if config.quick else (20, 15)
    reviewer = Reviewer()
    loaded = []
    for steps in drafts(users, answers):
        for data in steps:
            try:
                loaded.append(reviewer.load(data))
            except InputError:  # an answer that contradicts a routing answer: refused
                continue
    for name, memo in (("without the memo", False), ("with the Reviewer's memo", True)):
        reviewer.memo.clear()
        started = time.process_time_ns()
        for inputs in loaded:
            build_review(inputs if memo else dataclasses.replace(inputs, memo=None),
                         REVIEW_DATE)
        per_answer = (time.process_time_ns() - started) / max(1, len(loaded))
        section.add(f"review per answer, {users} drafts answered one question at a time, "
                    f"{name}", value=f"CPU {format_duration(per_answer)}",
                    unit=f"mean of {len(loaded)} reviews, the memo empty at the start")
