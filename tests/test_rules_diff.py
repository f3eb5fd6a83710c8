"""``rules diff``: rules added, removed and changed, and whether the versions say so."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from secreview.cli import main
from secreview.errors import InputError
from secreview.toolkit.diff import RulesDiff, diff_paths, version_bump

FIXTURES = Path(__file__).resolve().parent / "fixtures"
V1, V2 = FIXTURES / "rules_v1", FIXTURES / "rules_v2"


@pytest.fixture(scope="module")
def diff() -> RulesDiff:
    return diff_paths([V1], [V2])


def test_added_removed_and_changed_rules(diff: RulesDiff) -> None:
    assert diff.added == [("diff.admin_exposed", "diff.access")]
    assert diff.removed == [("diff.old_exit", "diff.retired")]
    changed = {c.rule_id: c.groups for c in diff.changed}
    assert changed == {
        "diff.log_retention": ["texts", "references"],
        "diff.mfa_admins": ["levels"],
        "diff.mfa_users": ["conditions"],
        "diff.sso": ["scope"],
    }


def test_changes_carry_old_and_new_values(diff: RulesDiff) -> None:
    by_rule = {c.rule_id: c for c in diff.changed}
    (level,) = by_rule["diff.mfa_admins"].changes
    assert (level.field, level.old, level.new) == ("consequence", 3, 4)
    (condition,) = by_rule["diff.mfa_users"].changes
    assert condition.field == "applies_if"
    assert (condition.old, condition.new) == (None, {"fact": "users.staff", "eq": True})
    fields = [c.field for c in by_rule["diff.log_retention"].changes]
    assert fields == ["title", "references"]


def test_ruleset_versions_and_semver_hints(diff: RulesDiff) -> None:
    assert diff.rulesets_removed == [("diff.retired", "0.9.0")]
    problems = dict(diff.version_problems)
    # diff.access lost a rule to another ruleset and gained one, but kept 1.0.0.
    assert problems["diff.access"] == (
        "content changed but the version is still 1.0.0; a major bump is needed")
    # diff.logging gained a rule (minor) but was only patched.
    assert problems["diff.logging"] == (
        "version went 2.3.1 → 2.3.2 (patch), but the changes call for a minor bump")


def test_text_only_change_with_a_patch_bump_is_fine(tmp_path: Path) -> None:
    old = (V1 / "logging.yaml").read_text(encoding="utf-8")
    new = old.replace("2.3.1", "2.3.2").replace("No log retention}", "No log retention set}")
    (tmp_path / "old.yaml").write_text(old, encoding="utf-8")
    (tmp_path / "new.yaml").write_text(new, encoding="utf-8")
    result = diff_paths([tmp_path / "old.yaml"], [tmp_path / "new.yaml"])
    assert [c.groups for c in result.changed] == [["texts"]]
    assert result.version_problems == []
    unbumped = new.replace("2.3.2", "2.3.1")
    (tmp_path / "new.yaml").write_text(unbumped, encoding="utf-8")
    again = diff_paths([tmp_path / "old.yaml"], [tmp_path / "new.yaml"])
    assert again.version_problems == [(
        "diff.logging", "content changed but the version is still 2.3.1; a patch bump is needed")]


def test_formatting_only_changes_are_no_difference(tmp_path: Path) -> None:
    text = (V1 / "logging.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text("# a comment\n" + text.replace(
        "  title: {sv: Loggning, en: Logging}", "  title:\n    sv: Loggning\n    en: Logging"),
                                     encoding="utf-8")
    assert "    sv: Loggning" in (tmp_path / "a.yaml").read_text(encoding="utf-8")
    result = diff_paths([V1 / "logging.yaml"], [tmp_path / "a.yaml"])
    assert result.empty
    assert result.format_text() == "no differences\n"


def test_downgrade_is_flagged(tmp_path: Path) -> None:
    text = (V1 / "logging.yaml").read_text(encoding="utf-8").replace("2.3.1", "2.2.0")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    result = diff_paths([V1 / "logging.yaml"], [tmp_path / "a.yaml"])
    assert result.version_problems == [("diff.logging", "version went down: 2.3.1 → 2.2.0")]


@given(st.tuples(*[st.integers(0, 20)] * 3), st.tuples(*[st.integers(0, 20)] * 3))
def test_version_bump_agrees_with_tuple_order(a: tuple[int, int, int],
                                              b: tuple[int, int, int]) -> None:
    movement = version_bump(".".join(map(str, a)), ".".join(map(str, b)))
    assert (movement == "downgrade") == (b < a)
    assert (movement == "none") == (b == a)
    if b > a:
        expected = "major" if b[0] != a[0] else "minor" if b[1] != a[1] else "patch"
        assert movement == expected


def test_text_and_json_output(diff: RulesDiff) -> None:
    text = diff.format_text()
    assert "+ diff.admin_exposed (diff.access)" in text
    assert "- diff.old_exit (diff.retired)" in text
    assert "~ diff.mfa_admins (diff.access): levels\n    consequence: 3 → 4" in text
    assert "! content changed but the version is still 1.0.0" in text
    assert text.rstrip().endswith("1 added, 1 removed, 4 changed")
    data = json.loads(diff.format_json())
    assert data["added"] == [{"id": "diff.admin_exposed", "ruleset": "diff.access"}]
    assert data["rulesets"]["removed"] == [{"id": "diff.retired", "version": "0.9.0"}]
    access = next(r for r in data["rulesets"]["changed"] if r["id"] == "diff.access")
    assert (access["needed_bump"], access["actual_bump"]) == ("major", "none")


def test_missing_side_cannot_run() -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        diff_paths([V1], [FIXTURES / "nowhere"])


def test_cli() -> None:
    runner = CliRunner()
    plain = runner.invoke(main, ["rules", "diff", str(V1), str(V2)])
    assert plain.exit_code == 0, plain.output
    checked = runner.invoke(main, ["rules", "diff", "--check-versions", str(V1), str(V2)])
    assert checked.exit_code == 1
    as_json = runner.invoke(main, ["rules", "diff", "--format", "json", str(V1), str(V2)])
    assert json.loads(as_json.output)["removed"][0]["id"] == "diff.old_exit"


def test_a_side_that_does_not_compile_cannot_run(tmp_path: Path) -> None:
    text = (V1 / "logging.yaml").read_text(encoding="utf-8")
    fact = text.split("fact: ", 1)[1].split(",", 1)[0].split("}", 1)[0].strip()
    (tmp_path / "broken.yaml").write_text(text.replace(fact, "logging.no_such_fact"),
                                          encoding="utf-8")
    with pytest.raises(InputError, match=r"unknown fact 'logging\.no_such_fact'") as raised:
        diff_paths([V1 / "logging.yaml"], [tmp_path / "broken.yaml"])
    assert raised.value.problems[0].line is not None
    result = CliRunner().invoke(main, ["rules", "diff", str(V1 / "logging.yaml"),
                                       str(tmp_path / "broken.yaml")])
    assert result.exit_code == 2
    assert "unknown fact 'logging.no_such_fact'" in result.output


def test_text_output_in_swedish(diff: RulesDiff) -> None:
    text = diff.format_text("sv")
    assert "! innehållet ändrades men versionen är fortfarande 1.0.0" in text
    assert text.rstrip().endswith("1 tillagd, 1 borttagen, 4 ändrade")
    result = CliRunner().invoke(main, ["rules", "diff", "--lang", "sv", str(V1), str(V1)])
    assert (result.exit_code, result.output) == (0, "inga skillnader\n")


@pytest.mark.parametrize(("n", "sv", "en"), [
    (1, "1 tillagd, 1 borttagen, 1 ändrad", "1 added, 1 removed, 1 changed"),
    (2, "2 tillagda, 2 borttagna, 2 ändrade", "2 added, 2 removed, 2 changed"),
])
def test_the_summary_agrees_with_each_count(diff: RulesDiff, n: int, sv: str, en: str) -> None:
    counted = dataclasses.replace(diff, added=diff.added[:1] * n, removed=diff.removed[:1] * n,
                                  changed=diff.changed[:n])
    assert counted.format_text("sv").rstrip().endswith(sv)
    assert counted.format_text("en").rstrip().endswith(en)
