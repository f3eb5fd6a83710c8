"""The inputs every section shares: run settings, the rulesets, the generated portfolio."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from benchmarks.generate import generate_portfolio, validated
from secreview.bundled import bundled_ruleset_files
from secreview.errors import InputError
from secreview.portfolio import is_waiver_file
from secreview.rules.loader import Catalog, load_catalog
from secreview.system import SystemDescription

ROOT = Path(__file__).resolve().parent.parent


def example_systems() -> list[Path]:
    """The example system descriptions (not the waiver files beside them)."""
    return sorted(p for p in (ROOT / "examples").glob("*.yaml") if not is_waiver_file(p))
FIXTURE_RULES = ROOT / "tests" / "fixtures" / "rules"


@dataclass(frozen=True)
class Config:
    """How much work each section does; ``quick`` is the CI mode (seconds, no timing asserts)."""

    quick: bool
    systems: int  # portfolio size
    repeat: int  # timed samples for micro-measurements
    rego_repeat: int  # Rego is ~100x slower; fewer samples keep the run short
    portfolio_repeat: int
    cli_repeat: int
    pdf_repeat: int  # 0: PDF rendering is skipped (quick mode: a render takes seconds)
    workers: int
    seed: int = 2026

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def config_for(quick: bool, workers: int | None = None) -> Config:
    cores = workers or os.cpu_count() or 1
    if quick:
        return Config(quick=True, systems=12, repeat=2, rego_repeat=1, portfolio_repeat=1,
                      cli_repeat=1, pdf_repeat=0, workers=cores)
    return Config(quick=False, systems=1000, repeat=7, rego_repeat=3, portfolio_repeat=3,
                  cli_repeat=11, pdf_repeat=3, workers=cores)


@dataclass(frozen=True)
class RuleSource:
    """Which rulesets were measured: the bundled ones, or the test fixture until they exist."""

    paths: tuple[str, ...]  # empty: the bundled rulesets
    description: str

    def load(self) -> Catalog:
        return load_catalog(list(self.paths) or None)


def rule_source() -> RuleSource:
    try:
        load_catalog()
    except InputError:
        return RuleSource((str(FIXTURE_RULES),),
                          "tests/fixtures/rules (no bundled rulesets could be loaded)")
    files = bundled_ruleset_files()
    names = ", ".join(sorted(f.parent.name for f in files))
    return RuleSource((), f"bundled rulesets: {names}")


class Portfolio:
    """``count`` generated systems as data, as JSON bytes and as validated models."""

    def __init__(self, count: int, seed: int, catalog: Catalog) -> None:
        self.count = count
        self.data = list(generate_portfolio(count, seed, catalog.extension_facts))

    @cached_property
    def raw(self) -> list[bytes]:
        return [json.dumps(d, ensure_ascii=False).encode() for d in self.data]

    @cached_property
    def systems(self) -> list[SystemDescription]:
        return [validated(d) for d in self.data]
