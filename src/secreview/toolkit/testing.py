"""Rule tests: every rule's own examples, plus fixture folders of whole system descriptions.

A fixture folder is called ``fixtures/`` and sits next to the rulesets (or is given directly).
It holds system descriptions ``NAME.yaml``; each has a sibling ``NAME.expected.yaml`` mapping
rule ids to the status the rule must give for that system::

    # fixtures/cloud-crm.expected.yaml
    gdpr.processor_agreement: finding
    supplier.storage_outside_eea: pass
    archiving.e_archive_export: unknown

Rules that an expectations file does not name are not checked, so one fixture can target a few
rules. Results read like a test runner's: per rule pass or fail, counts, and for each failure the
expected and the actual status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import RootModel

from secreview.engine.evaluate import evaluate
from secreview.errors import InputError, Problem, did_you_mean
from secreview.i18n import Lang, label, plurals
from secreview.loading import load_document
from secreview.rules.loader import Catalog, require_existing, ruleset_files
from secreview.rules.model import RuleId
from secreview.toolkit.examples import run_examples
from secreview.toolkit.levels import level_checks
from secreview.validation import validate
from secreview.vocabulary import RuleStatus

EXPECTED_SUFFIX = ".expected"
FIXTURE_FOLDER = "fixtures"


class Expectations(RootModel[dict[RuleId, RuleStatus]]):
    """``rule id -> expected status`` for one fixture system."""


@dataclass(frozen=True)
class Check:
    """One expectation checked: a rule's example, or one rule against one fixture system."""

    kind: Literal["example", "fixture", "text"]
    rule_id: str | None
    name: str
    expected: str | None
    actual: str | None
    problem: Problem | None = None

    @property
    def passed(self) -> bool:
        return self.problem is None and self.expected == self.actual

    def describe(self, lang: Lang = "en") -> str:
        """What went wrong, for the text report; the statuses as ``expect:`` spells them."""
        if self.problem is not None:
            return self.problem.format().replace("\n", "\n    ")
        where = (label("rules.test.example", lang, name=self.name) if self.kind == "example"
                 else self.name)
        return label("rules.test.expected", lang, where=where, expected=self.expected,
                     actual=self.actual)

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "kind": self.kind, "rule_id": self.rule_id, "name": self.name,
            "expected": self.expected, "actual": self.actual, "passed": self.passed,
        }
        if self.problem is not None:
            data["problem"] = self.problem.as_dict()
        return data


MARKS = ("fail", "pass", "untested")


def _mark(kind: str, lang: Lang) -> str:
    """A result line's verdict ("FAIL", "UNDERKÄND"), padded so the rule ids line up: two
    spaces after the language's longest verdict ("NO TESTS  " in English, as before)."""
    width = max(len(label(f"rules.test.mark.{k}", lang)) for k in MARKS) + 2
    return label(f"rules.test.mark.{kind}", lang).ljust(width)


@dataclass
class TestRun:
    """Every check of a run, grouped by rule for reporting."""

    checks: list[Check] = field(default_factory=list)
    rule_ids: list[str] = field(default_factory=list)
    fixtures: list[Path] = field(default_factory=list)

    __test__ = False  # not a pytest test class

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    @property
    def ok(self) -> bool:
        return not self.failed

    def per_rule(self) -> dict[str | None, list[Check]]:
        groups: dict[str | None, list[Check]] = {rule_id: [] for rule_id in self.rule_ids}
        for check in self.checks:
            groups.setdefault(check.rule_id, []).append(check)
        return groups

    def format_text(self, verbose: bool = False, lang: Lang = "en") -> str:
        lines: list[str] = []
        untested = 0
        for rule_id, checks in self.per_rule().items():
            failures = [c for c in checks if not c.passed]
            examples = sum(1 for c in checks if c.kind == "example")
            fixtures = sum(1 for c in checks if c.kind == "fixture")
            if not examples and not fixtures:
                untested += 1
                if verbose and not failures:
                    lines.append(f"{_mark('untested', lang)}{rule_id}")
            counts = label("rules.test.line.counts", lang, **plurals(
                "rules.test.line.count", lang, examples=examples, fixtures=fixtures))
            name = rule_id or label("rules.test.fixture_systems", lang)
            if failures:
                lines.append(f"{_mark('fail', lang)}{name} {counts}")
                lines += [f"    {c.describe(lang)}" for c in failures]
            elif verbose and (examples or fixtures):
                lines.append(f"{_mark('pass', lang)}{name} {counts}")
        passed = len(self.checks) - len(self.failed)
        rules_failed = len({c.rule_id for c in self.failed} & set(self.rule_ids))
        summary = label("rules.test.summary", lang, **plurals(
            "rules.test.count", lang, passed=passed, failed=len(self.failed),
            rules=len(self.rule_ids), failing=rules_failed, untested=untested,
            fixtures=len(self.fixtures)))
        return "\n".join([*lines, summary]) + "\n"

    def format_json(self) -> str:
        data = {
            "passed": len(self.checks) - len(self.failed),
            "failed": len(self.failed),
            "rules": len(self.rule_ids),
            "fixtures": [str(f) for f in self.fixtures],
            "checks": [c.as_dict() for c in self.checks],
        }
        from secreview.documents import dump

        return dump("rules-test", data)


def example_checks(catalog: Catalog) -> list[Check]:
    return [Check("example", r.rule_id, r.name, r.expected, r.actual, r.problem)
            for r in run_examples(catalog)]


def text_checks(catalog: Catalog) -> list[Check]:
    """Each rule's texts name the classification levels its conditions test (toolkit.levels).

    Only a misstated level becomes a (failed) check: the count of passed checks stays the
    count of examples and fixture expectations met.
    """
    return [Check("text", rule_id, "levels named in the texts", None, None, problem)
            for rule_id, problem in level_checks(catalog) if problem is not None]


def expectations_file(system_file: Path) -> Path:
    """``NAME.yaml`` → ``NAME.expected.yaml`` (same suffix)."""
    return system_file.with_name(system_file.stem + EXPECTED_SUFFIX + system_file.suffix)


def fixture_systems(folder: Path) -> list[Path]:
    """System files in a fixture folder (every YAML/JSON file that is not an expectations file)."""
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix in (".yaml", ".yml", ".json")
                  and not p.stem.endswith(EXPECTED_SUFFIX))


def fixture_checks(system_file: Path, catalog: Catalog) -> list[Check]:
    """Evaluate one fixture system and compare each named rule with its expectation."""
    from secreview.inputs import load_system

    name = str(system_file)
    expected_file = expectations_file(system_file)
    if not expected_file.exists():
        return [Check("fixture", None, name, None, None, Problem(
            f"no expectations file {expected_file.name} next to this fixture",
            file=name, suggestion=f"create {expected_file.name} mapping rule ids to "
            "finding / pass / unknown / not_applicable"))]
    try:
        doc = load_document(expected_file)
        expectations = validate(Expectations, doc).root
        system, _doc = load_system(system_file, catalog)
    except InputError as exc:
        return [Check("fixture", None, name, None, None, p) for p in exc.problems]
    # Judged on the description's review date, or today, exactly as 'secreview review' would.
    date = system.review.date or dt.date.today()
    outcomes = {o.rule.id: o.status for o in evaluate(system, catalog, date).outcomes}
    checks: list[Check] = []
    for rule_id, status in expectations.items():
        if rule_id not in outcomes:
            checks.append(Check("fixture", rule_id, name, status, None, Problem(
                f"expects rule '{rule_id}', which is not loaded", rule_id=rule_id,
                **doc.where((rule_id,)),
                suggestion=did_you_mean(rule_id, outcomes) or "check the rule id")))
            continue
        checks.append(Check("fixture", rule_id, name, status, outcomes[rule_id]))
    return checks


def fixture_folders(paths: Sequence[str | Path]) -> list[Path]:
    """``fixtures/`` folders next to the given rulesets, or the given folders themselves."""
    folders: list[Path] = []
    for entry in paths:
        path = Path(entry)
        if path.is_dir() and path.name == FIXTURE_FOLDER:
            folders.append(path)
            continue
        base = path if path.is_dir() else path.parent
        candidates = [base / FIXTURE_FOLDER]
        if path.is_dir():
            candidates += sorted(p for p in path.rglob(FIXTURE_FOLDER) if p.is_dir())
        folders += [c for c in candidates if c.is_dir()]
    return list(dict.fromkeys(folders))


def run_tests(catalog: Catalog, folders: Sequence[Path] = ()) -> TestRun:
    """Run every rule's examples and every fixture in ``folders``."""
    run = TestRun(rule_ids=[r.id for r in catalog.rules])
    run.checks += example_checks(catalog)
    run.checks += text_checks(catalog)
    for folder in folders:
        for system_file in fixture_systems(folder):
            run.fixtures.append(system_file)
            run.checks += fixture_checks(system_file, catalog)
    return run


def test_paths(paths: Sequence[str | Path] = (),
               fixtures: Sequence[str | Path] = ()) -> TestRun:
    """``rules test``: load the rulesets (bundled when ``paths`` is empty) and run their tests.

    Raises :class:`InputError` when the rulesets cannot be loaded; lint them to see why.
    """
    from secreview.bundled import bundled_ruleset_files, rulesets_dir
    from secreview.rules.loader import load_catalog

    require_existing([*paths, *fixtures])
    files = ruleset_files(paths) if paths else bundled_ruleset_files()
    catalog = load_catalog(files)
    folders = fixture_folders(paths or [rulesets_dir()])
    folders += [Path(f) for f in fixtures if Path(f) not in folders]
    return run_tests(catalog, folders)


def test_profile(profile_path: str | Path, paths: Sequence[str | Path] = (),
                 fixtures: Sequence[str | Path] = ()) -> TestRun:
    """``rules test --profile``: test what an organisation profile selects, as it tailors it.

    Disabled rules are left out, so fixtures can also state what bundled rules must find for
    the organisation. Fixture folders next to the profile's own rulesets and ``paths`` are used.
    """
    from secreview.profile import load_profile
    from secreview.rules.selection import tailored_catalog

    require_existing([profile_path, *paths, *fixtures])
    profile, _sha, resolved = load_profile(profile_path)
    catalog, _applied = tailored_catalog(profile, resolved)
    own = [resolved.parent / p for p in profile.tailoring.rulesets]
    folders = fixture_folders([*own, *paths])
    folders += [Path(f) for f in fixtures if Path(f) not in folders]
    return run_tests(catalog, folders)


test_paths.__test__ = False  # type: ignore[attr-defined]
test_profile.__test__ = False  # type: ignore[attr-defined]
