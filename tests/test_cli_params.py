"""``-o -`` means standard output wherever a command can print its result, and is refused with
a clear message where it cannot; never a file or folder named "-" (src/secreview/cli/params.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
SYSTEM = str(FIXTURES / "system_min.yaml")
RULES = ["--rules", str(FIXTURES / "rules")]
DATE = ["--date", "2026-11-26"]

PRINTING = [
    pytest.param(["review", SYSTEM, *RULES, *DATE, "--lang", "en"], id="review-text"),
    pytest.param(["review", SYSTEM, *RULES, *DATE, "--format", "json"], id="review-json"),
    pytest.param(["questions", SYSTEM, *RULES, "--lang", "en"], id="questions"),
    pytest.param(["init", "--lang", "en"], id="init"),
    pytest.param(["schema", "system"], id="schema"),
]


@pytest.mark.parametrize("args", PRINTING)
def test_dash_prints_what_no_output_prints(args: list[str], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    plain = CliRunner().invoke(main, args)
    dashed = CliRunner().invoke(main, [*args, "-o", "-"])
    assert plain.exit_code == dashed.exit_code == 0, dashed.output
    assert dashed.stdout == plain.stdout and dashed.stdout.strip()
    assert list(tmp_path.iterdir()) == []  # no file named "-", nothing else either


REFUSED = [
    pytest.param(["portfolio", str(FIXTURES)], "give a folder name", id="portfolio"),
    pytest.param(["rules", "docs", *RULES], "give a folder name", id="rules-docs"),
    pytest.param(["answers", "import", "answers.xlsx", "--into", SYSTEM],
                 "give the file the new description is written to", id="answers-import"),
    pytest.param(["db", "export", "--system", "1"],
                 "leave out -o to write one version to standard output", id="db-export"),
]


@pytest.mark.parametrize(("args", "hint"), REFUSED)
def test_dash_is_refused_where_nothing_can_be_printed(args: list[str], hint: str,
                                                      tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [*args, "-o", "-"])
    assert result.exit_code == 2
    assert "'-' (standard output) is not possible here" in result.stderr
    assert hint in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_file_named_dash_is_still_reachable_as_a_path(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["schema", "system", "-o", "./-"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "-").read_text(encoding="utf-8").startswith("{")
