"""Finding ruleset files: a bounded walk that names other files instead of quoting them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.cli import main
from secreview.errors import InputError
from secreview.rules.loader import MAX_TREE_DEPTH, MAX_TREE_ENTRIES, load_catalog, ruleset_files

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SYSTEM = FIXTURES / "system_min.yaml"


def test_a_tree_larger_than_the_limit_is_refused_while_walking(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    for i in range(5):
        (tmp_path / f"d{i}").mkdir()
        for j in range(40):
            (tmp_path / f"d{i}" / f"x{j}.txt").write_text("")
    monkeypatch.setattr("secreview.rules.loader.MAX_TREE_ENTRIES", 100)
    listed: list[str] = []
    real_scandir = os.scandir

    def counting_scandir(path: str | Path) -> object:
        listed.append(str(path))
        return real_scandir(path)

    monkeypatch.setattr("secreview.rules.loader.os.scandir", counting_scandir)
    with pytest.raises(InputError, match="holds more than 100 files and folders"):
        ruleset_files([tmp_path])
    assert len(listed) < 6  # stopped early: the last folders were never listed


def test_the_walk_limits_are_sensible() -> None:
    assert MAX_TREE_ENTRIES >= 1000 and MAX_TREE_DEPTH >= 10


def test_a_deep_tree_is_refused(tmp_path: Path) -> None:
    folder = tmp_path
    for i in range(MAX_TREE_DEPTH + 2):
        folder = folder / f"n{i}"
    folder.mkdir(parents=True)
    with pytest.raises(InputError, match=f"nested more than {MAX_TREE_DEPTH} deep"):
        ruleset_files([tmp_path])


def test_hidden_entries_profiles_fixtures_and_linked_folders_are_skipped(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "rules", tmp_path / "rules")
    (tmp_path / "rules" / ".github").mkdir()
    (tmp_path / "rules" / ".github" / "ci.yml").write_text("on: push\n")
    (tmp_path / "rules" / ".pre-commit-config.yaml").write_text("repos: []\n")
    (tmp_path / "rules" / "elsewhere").symlink_to(tmp_path)  # a loop if it were followed
    found = ruleset_files([tmp_path / "rules"])
    assert found == sorted(p for p in (tmp_path / "rules").glob("*.yaml")
                           if not p.name.startswith("."))


def test_other_yaml_in_a_rules_folder_is_named_not_quoted(tmp_path: Path) -> None:
    """``--rules /`` quoted the keys of unrelated files (docker-compose, CI) in its errors."""
    shutil.copytree(FIXTURES / "rules", tmp_path / "rules")
    (tmp_path / "rules" / "docker-compose.yml").write_text(
        "services:\n  db:\n    environment: {POSTGRES_PASSWORD: hunter2}\n")
    with pytest.raises(InputError) as caught:
        load_catalog([tmp_path / "rules"])
    text = caught.value.format()
    assert "docker-compose.yml: error: not a ruleset" in text
    assert "services" not in text and "hunter2" not in text and "POSTGRES" not in text
    result = CliRunner().invoke(main, ["rules", "lint", str(tmp_path / "rules")])
    assert result.exit_code == 1 and "not a ruleset" in result.output
    assert "services" not in result.output and "hunter2" not in result.output
