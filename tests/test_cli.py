"""The CLI as a user meets it: exit codes, messages, outputs; CliRunner and a real process."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview import __version__
from secreview.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
SYSTEM = str(FIXTURES / "system_min.yaml")
RULES = ["--rules", str(FIXTURES / "rules")]
DATE = ["--date", "2026-11-26"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and __version__ in out


def test_review_text_shows_decision_first() -> None:
    code, out, _ = run("review", SYSTEM, *RULES, *DATE, "--lang", "en")
    assert code == 0
    lines = [line for line in out.splitlines() if line]
    at = lines.index("DECISION")
    assert lines[at + 1].strip() == "Reject"
    assert at < 12  # after the identity lines, before everything else
    assert "No processor agreement" in out


def test_review_json_to_stdout_and_file(tmp_path: Path) -> None:
    code, out, _ = run("review", SYSTEM, *RULES, *DATE, "--format", "json")
    assert code == 0
    assert json.loads(out)["decision"]["outcome"] == "reject"
    target = tmp_path / "review.json"
    code, _, err = run("review", SYSTEM, *RULES, *DATE, "-o", str(target))
    assert code == 0 and "review.json" in err
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(out)


def test_review_pauses_the_garbage_collector_only_while_loading(tmp_path: Path) -> None:
    assert gc.isenabled()
    code, _, _ = run("review", SYSTEM, *RULES, *DATE, "--format", "json")
    assert code == 0 and gc.isenabled() and gc.get_freeze_count() > 0
    code, _, _ = run("review", SYSTEM, "--rules", str(tmp_path / "missing"), *DATE)
    assert code == 2 and gc.isenabled()


def test_fail_on_maps_decision_to_exit_1() -> None:
    code, _, err = run("review", SYSTEM, *RULES, *DATE, "--fail-on", "reject", "--lang", "en")
    assert code == 1 and "--fail-on reject" in err
    code, _, _ = run("review", SYSTEM, *RULES, *DATE, "--fail-on", "conditions")
    assert code == 1


def test_bad_input_exit_2_with_position_and_hint(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("system:\n  nme: X\n", encoding="utf-8")
    code, _, err = run("review", str(bad), *RULES)
    assert code == 2
    assert f"{bad}:2:3: error: unknown key 'nme' in 'system'" in err
    assert "did you mean 'name'?" in err
    assert "Traceback" not in err


def test_missing_file_is_exit_2() -> None:
    code, _, err = run("review", "/nonexistent/system.yaml")
    assert code == 2 and "file not found" in err


def test_refuses_to_overwrite_input(tmp_path: Path) -> None:
    copy = tmp_path / "s.json"
    copy.write_text(json.dumps({"system": {"name": "X"}}), encoding="utf-8")
    code, _, err = run("review", str(copy), *RULES, "-o", str(copy))
    assert code == 2 and "over an input" in err
    assert json.loads(copy.read_text(encoding="utf-8")) == {"system": {"name": "X"}}


def test_unknown_output_extension(tmp_path: Path) -> None:
    code, _, err = run("review", SYSTEM, *RULES, "-o", str(tmp_path / "r.docx"))
    assert code == 2 and "extension" in err


def test_check_validates_only() -> None:
    code, out, _ = run("check", SYSTEM, *RULES)
    assert code == 0 and "giltig systembeskrivning" in out
    code, out, _ = run("check", SYSTEM, *RULES, "--lang", "en")
    assert code == 0 and "valid system description" in out


def test_schema_commands_emit_json_schema() -> None:
    for kind in ("system", "ruleset", "profile", "waivers", "review"):
        code, out, _ = run("schema", kind)
        assert code == 0
        assert json.loads(out)["type"] == "object"


@pytest.mark.slow
def test_real_process_round_trip(tmp_path: Path) -> None:
    """A real subprocess, as a user or a pipeline runs it."""
    target = tmp_path / "out.json"
    done = subprocess.run(
        [sys.executable, "-m", "secreview.cli", "review", SYSTEM, *RULES, *DATE, "-o",
         str(target), "--fail-on", "reject"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["decision"]["outcome"] == "reject"
    bad = subprocess.run([sys.executable, "-m", "secreview.cli", "review", str(tmp_path)],
                         capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_refuses_to_overwrite_a_ruleset_or_the_profile(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    ruleset = rules / "mini.yaml"
    ruleset.write_bytes((FIXTURES / "rules" / "mini.yaml").read_bytes())
    before = ruleset.read_bytes()
    code, _, err = run("review", SYSTEM, "--rules", str(rules), "-o", str(ruleset), "--format",
                       "json")
    assert code == 2 and "over an input" in err
    assert ruleset.read_bytes() == before


@pytest.mark.slow
def test_binary_format_to_stdout() -> None:
    """A PDF asked for with --format and no -o goes to standard output as bytes."""
    done = subprocess.run(
        [sys.executable, "-m", "secreview", "review", SYSTEM, *RULES, *DATE, "--format", "pdf"],
        capture_output=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"%PDF-") and done.stdout.rstrip().endswith(b"%%EOF")
