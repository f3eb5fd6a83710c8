"""Rule tests: examples plus fixture systems with expected outcomes, reported like a test runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fast_yaml import safe_load
from secreview.cli import main
from secreview.errors import InputError
from secreview.i18n import Lang
from secreview.rules.loader import load_catalog
from secreview.toolkit.testing import (
    TestRun,
    expectations_file,
    fixture_checks,
    fixture_folders,
    fixture_systems,
    run_tests,
    test_paths,
)

RULE_TESTS = Path(__file__).resolve().parent / "fixtures" / "rule_tests"
PASSING = RULE_TESTS / "passing"
FAILING = RULE_TESTS / "failing"


def test_expectations_file_sits_next_to_the_system() -> None:
    assert expectations_file(Path("f/crm.yaml")) == Path("f/crm.expected.yaml")


def test_fixture_folder_is_found_next_to_rulesets_and_files() -> None:
    assert fixture_folders([PASSING]) == [PASSING / "fixtures"]
    assert fixture_folders([PASSING / "exit.yaml"]) == [PASSING / "fixtures"]
    assert fixture_folders([PASSING / "fixtures"]) == [PASSING / "fixtures"]
    assert [p.name for p in fixture_systems(PASSING / "fixtures")] == [
        "cloud-crm.yaml", "unanswered.yaml"]


def test_passing_rulesets_pass_examples_and_fixtures() -> None:
    run = test_paths([PASSING])
    assert run.ok
    kinds = [c.kind for c in run.checks]
    assert kinds.count("example") == 5
    assert kinds.count("fixture") == 4
    per_rule = run.per_rule()
    assert [c.actual for c in per_rule["fixture.storage_outside_eea"] if c.kind == "fixture"] == [
        "finding", "unknown"]
    assert run.format_text().strip() == (
        "9 passed, 0 failed (2 rules, 0 failing, 0 without tests; 2 fixture systems)")


def test_verbose_lists_each_rule() -> None:
    text = test_paths([PASSING]).format_text(verbose=True)
    assert "PASS      fixture.exit_plan (2 examples, 2 fixture checks)" in text


def test_failures_show_expected_and_actual() -> None:
    run = test_paths([FAILING])
    assert not run.ok
    failed = {(c.rule_id, c.expected, c.actual) for c in run.failed}
    assert failed == {
        ("fixture.exit_plan", "pass", "finding"),
        ("fixture.storage_outside_ees", "finding", None),
        (None, None, None),
    }
    text = run.format_text()
    assert "FAIL      fixture.exit_plan (2 examples, 1 fixture check)" in text
    assert "cloud-crm.yaml: expected pass, got finding" in text
    swedish = run.format_text(lang="sv")
    assert "UNDERKÄND    fixture.exit_plan (2 exempel, 1 kontroll mot testsystem)" in swedish
    assert "cloud-crm.yaml: väntade pass, fick finding" in swedish
    assert "did you mean 'fixture.storage_outside_eea'?" in text
    assert "no expectations file orphan.expected.yaml" in text
    assert text.rstrip().endswith(
        "6 passed, 3 failed (2 rules, 1 failing, 0 without tests; 2 fixture systems)")


def test_unknown_expectation_is_located_in_the_expectations_file() -> None:
    catalog = load_catalog([FAILING])
    checks = fixture_checks(FAILING / "fixtures" / "cloud-crm.yaml", catalog)
    problem = next(c.problem for c in checks if c.problem is not None)
    assert (Path(problem.file or "").name, problem.line, problem.column) == (
        "cloud-crm.expected.yaml", 3, 1)


def test_invalid_expectations_are_reported_not_raised(tmp_path: Path) -> None:
    folder = tmp_path / "fixtures"
    folder.mkdir()
    (folder / "s.yaml").write_text("system: {name: S}\n", encoding="utf-8")
    (folder / "s.expected.yaml").write_text("fixture.exit_plan: fails\n", encoding="utf-8")
    run = run_tests(load_catalog([PASSING]), [folder])
    bad = [c for c in run.failed if c.kind == "fixture"]
    assert len(bad) == 1 and bad[0].problem is not None
    assert bad[0].problem.line == 1


def test_a_failing_example_fails_the_run(tmp_path: Path) -> None:
    text = (PASSING / "exit.yaml").read_text(encoding="utf-8").replace(
        "{name: plan, expect: pass", "{name: plan, expect: finding")
    (tmp_path / "exit.yaml").write_text(text, encoding="utf-8")
    run = test_paths([tmp_path])
    assert [(c.kind, c.name, c.expected, c.actual) for c in run.failed] == [
        ("example", "plan", "finding", "pass")]


def test_missing_path_cannot_run() -> None:
    with pytest.raises(InputError):
        test_paths([RULE_TESTS / "nowhere"])


def test_cli_exit_codes_and_json() -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["rules", "test", str(PASSING)])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(main, ["rules", "test", "--format", "json", str(FAILING)])
    assert bad.exit_code == 1
    data = json.loads(bad.output)
    assert (data["passed"], data["failed"], data["rules"]) == (6, 3, 2)
    extra = runner.invoke(main, ["rules", "test", str(PASSING / "exit.yaml"), "--fixtures",
                                 str(FAILING / "fixtures")])
    assert extra.exit_code == 1
    broken = runner.invoke(main, ["rules", "test", str(RULE_TESTS.parent / "lint" / "broken"
                                                       / "texts.yaml")])
    assert broken.exit_code == 2


def _profile(tmp_path: Path, disable: list[dict[str, str]]) -> Path:
    import shutil

    import yaml

    from secreview.profile import bundled_profile_path

    shutil.copytree(PASSING, tmp_path / "own")
    data = safe_load(bundled_profile_path("generic").read_text(encoding="utf-8"))
    data["tailoring"] = {"include_bundled": False, "rulesets": ["own"], "disable": disable}
    file = tmp_path / "profile.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return file


def test_profile_mode_tests_the_tailored_selection(tmp_path: Path) -> None:
    from secreview.toolkit.testing import test_profile

    run = test_profile(_profile(tmp_path, []))
    assert run.ok and len(run.fixtures) == 2
    disabled = test_profile(_profile(tmp_path / "d", [
        {"rule": "fixture.exit_plan", "reason": "handled by the framework agreement"}]))
    assert disabled.rule_ids == ["fixture.storage_outside_eea"]
    assert {c.rule_id for c in disabled.failed} == {"fixture.exit_plan"}  # expected, not loaded


def test_summary_in_swedish() -> None:
    assert test_paths([PASSING]).format_text(lang="sv").strip() == (
        "9 godkända, 0 underkända (2 regler, 0 med fel, 0 utan tester; 2 testsystem)")


@pytest.mark.parametrize(("lang", "expected"), [
    ("sv", "1 godkänt, 1 underkänt (1 regel, 1 med fel, 0 utan tester; 1 testsystem)"),
    ("en", "1 passed, 1 failed (1 rule, 1 failing, 0 without tests; 1 fixture system)"),
])
def test_summary_counts_one_in_the_singular(lang: Lang, expected: str) -> None:
    """One rule, one fixture system: each count takes its own form ("2 regler" above)."""
    rule = "fixture.exit_plan"
    passed = next(c for c in test_paths([PASSING]).checks if c.rule_id == rule)
    failed = next(c for c in test_paths([FAILING]).failed if c.rule_id == rule)
    run = TestRun(checks=[passed, failed], rule_ids=[rule], fixtures=[PASSING / "fixtures"])
    assert run.format_text(lang=lang).rstrip().endswith(expected)
