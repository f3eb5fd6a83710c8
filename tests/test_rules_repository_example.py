"""The example rules repository in docs/rules-repository.md works as documented.

The test rebuilds the repository from the page's code blocks, then runs what the page and the
pre-commit hooks run: lint with the profile, rule tests, and a review with the tailoring.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from secreview.api import review_file
from secreview.cli import main
from secreview.schemas import write_schemas

# The page's repository is rebuilt and its commands run end to end (lint and rule tests over the
# bundled catalogue, the pre-commit hooks): CI keeps the page honest, the fast loop skips it.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "rules-repository.md"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
FILE_BLOCK = re.compile(r"^### `(?P<path>[^`]+)`\n.*?```yaml\n(?P<body>.*?)^```", re.S | re.M)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository rebuilt once for the module: the tests only read it."""
    tmp_path = tmp_path_factory.mktemp("rules-repository")
    blocks = {m.group("path"): m.group("body") for m in FILE_BLOCK.finditer(
        PAGE.read_text(encoding="utf-8"))}
    assert set(blocks) == {"profile.yaml", "rulesets/kommun.yaml",
                           "rulesets/fixtures/skolplattform.yaml",
                           "rulesets/fixtures/skolplattform.expected.yaml",
                           ".pre-commit-config.yaml"}
    for name, body in blocks.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    write_schemas(tmp_path / "schemas")
    return tmp_path


@pytest.fixture
def repository(built: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(built)
    return built


def test_schema_lines_resolve(repository: Path) -> None:
    for name in ("profile.yaml", "rulesets/kommun.yaml"):
        file = repository / name
        first = file.read_text(encoding="utf-8").splitlines()[0]
        target = first.split("$schema=", 1)[1]
        assert (file.parent / target).is_file(), name


def test_lint_and_test_pass(repository: Path) -> None:
    runner = CliRunner()
    lint = runner.invoke(main, ["rules", "lint", "--profile", "profile.yaml"])
    assert lint.exit_code == 0, lint.output
    tested = runner.invoke(main, ["rules", "test", "--profile", "profile.yaml"])
    assert tested.exit_code == 0, tested.output
    assert tested.output.count("\n") == 1  # only the summary when everything passes
    assert "0 failed" in tested.output and "1 fixture system)" in tested.output
    own_only = runner.invoke(main, ["rules", "test", "rulesets"])
    assert own_only.exit_code == 1  # integration.exit_plan is a bundled rule
    assert "expects rule 'integration.exit_plan', which is not loaded" in own_only.output


def test_pre_commit_hooks_run_clean(repository: Path) -> None:
    """Each hook as the example's .pre-commit-config.yaml configures it."""
    hooks = {h["id"]: h for h in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}
    config = yaml.safe_load((repository / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    used = config["repos"][0]["hooks"]
    assert {h["id"] for h in used} == set(hooks) == {"secreview-rules-lint",
                                                     "secreview-rules-test"}
    for hook in used:
        manifest = hooks[hook["id"]]
        assert manifest["language"] == "python" and manifest["pass_filenames"] is False
        command = shlex.split(manifest["entry"])
        assert command[0] == "secreview"
        result = CliRunner().invoke(main, [*command[1:], *hook.get("args", manifest["args"])])
        assert result.exit_code == 0, (hook["id"], result.output)


def test_review_records_the_tailoring(repository: Path) -> None:
    review = review_file(repository / "rulesets" / "fixtures" / "skolplattform.yaml",
                         profile=repository / "profile.yaml")
    assert [(t.rule_id, t.change) for t in review.tailoring] == [
        ("access_control.foreign_eid", "disabled"), ("integration.exit_plan", "override")]
    assert "kommun.local" in [r.id for r in review.rulesets]
    assert all(f.rule_id != "access_control.foreign_eid" for f in review.findings)
    exit_plan = next(f for f in review.findings if f.rule_id == "integration.exit_plan")
    assert exit_plan.inherent is not None and exit_plan.inherent.consequence == 3
