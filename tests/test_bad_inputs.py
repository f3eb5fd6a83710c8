"""Every file of the hostile-input corpus gives its expected, located error and never a traceback.

The corpus lives in ``tests/bad_inputs/<kind>/`` with the expectations in ``expected.yaml``. Each
case runs through the real CLI (click's runner), a few also through a ``python -m`` subprocess, so
the exit code and what a user sees on the terminal are what is tested. The limits (size, depth,
values, string length, rules) and their environment overrides are tested here too, including the
time and memory an alias bomb may cost.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from fast_yaml import safe_load
from hostile import profile_with_logo
from secreview.cli import main
from secreview.errors import InputError
from secreview.loading import DEFAULT_LIMITS, LIMIT_VARIABLES, Limits, configured_limits

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "bad_inputs"
SYSTEM = "tests/fixtures/system_min.yaml"
RULES = "tests/fixtures/rules"
MANIFEST: dict[str, dict[str, Any]] = safe_load((CORPUS / "expected.yaml").read_text("utf-8"))


def cli_args(kind: str, file: str, folder: Path | None = None) -> list[str]:
    """The command that feeds ``file`` to secreview as a document of ``kind``.

    A logo needs a profile that names it: one is written into ``folder``, naming the corpus file
    by its absolute path (which the error then reports, see :func:`reported`).
    """
    if kind == "logo":
        assert folder is not None, "a logo case needs a folder for its profile"
        return ["review", SYSTEM, "--rules", RULES, "--format", "html", "--profile",
                str(profile_with_logo(folder, ROOT / file))]
    if kind == "review":
        return ["diff", file, file]
    if kind == "system":
        return ["check", file, "--rules", RULES]
    if kind == "ruleset":
        return ["check", SYSTEM, "--rules", file]
    if kind == "profile":
        return ["check", SYSTEM, "--rules", RULES, "--profile", file]
    if kind == "waivers":
        return ["review", SYSTEM, "--rules", RULES, "--waivers", file, "--date", "2026-11-26",
                "--lang", "en"]
    raise AssertionError(kind)


def reported(kind: str, file: str) -> str:
    """The file name an error about ``file`` starts with (a logo's is absolute)."""
    return str(ROOT / file) if kind == "logo" else file


def assert_reported(output: str, file: str, case: dict[str, Any]) -> None:
    """The expected message is on an error line located at the expected file:line:column."""
    assert "Traceback" not in output
    assert "internal error" not in output
    if case.get("exit", 2) != 2:
        assert case["message"] in output
        return
    lines = output.splitlines()
    matching = [i for i, line in enumerate(lines)
                if ": error: " in line and case["message"] in line]
    assert matching, f"no error line with {case['message']!r} in:\n{output}"
    index = matching[0]
    location = file
    if case["line"] is not None:
        location += f":{case['line']}"
        if case["column"] is not None:
            location += f":{case['column']}"
    assert lines[index].startswith(f"{location}: error: "), lines[index]
    if "hint" in case:
        hint = lines[index + 1] if index + 1 < len(lines) else ""
        assert hint.strip().startswith("hint:") and case["hint"] in hint, output


def test_manifest_and_corpus_agree() -> None:
    on_disk = {p.relative_to(CORPUS).as_posix() for p in CORPUS.glob("*/*") if p.is_file()}
    assert on_disk == set(MANIFEST)
    for name, case in MANIFEST.items():
        assert name.split("/")[0] == case["kind"], name
        assert {"message", "line", "column"} <= set(case), name


@pytest.fixture(autouse=True)
def _run_from_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    for variable in LIMIT_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_corpus_case_through_cli(name: str, tmp_path: Path) -> None:
    case = MANIFEST[name]
    file = f"tests/bad_inputs/{name}"
    result = CliRunner().invoke(main, cli_args(case["kind"], file, tmp_path))
    assert result.exit_code == case.get("exit", 2), result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert_reported(result.output, reported(case["kind"], file), case)


SUBPROCESS_CASES = [
    "system/alias_bomb.yaml", "system/python_object_apply.yaml", "system/utf16_bom.yaml",
    "system/control_char_raw.yaml", "system/deep_nesting.yaml",
    "ruleset/regex_lookahead.yaml", "profile/unordered_clauses.yaml",
    "waivers/expires_before_accepted.yaml",
    # issue 17: one per class that has corpus files
    "system/sexagesimal_number.yaml", "system/line_separator_in_name.yaml",
    "system/homoglyph_in_name.yaml", "profile/interval_as_bool.yaml",
    "profile/ruleset_outside_folder.yaml", "ruleset/regex_word_boundary.yaml",
    "logo/use_bomb.svg", "logo/entities.svg", "review/deep_nesting.json",
]


@pytest.mark.slow
@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_corpus_case_through_real_process(name: str, tmp_path: Path) -> None:
    case = MANIFEST[name]
    file = f"tests/bad_inputs/{name}"
    env = {k: v for k, v in os.environ.items() if k not in LIMIT_VARIABLES}
    done = subprocess.run([sys.executable, "-m", "secreview.cli",
                           *cli_args(case["kind"], file, tmp_path)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert done.returncode == case.get("exit", 2), done.stderr
    assert_reported(done.stdout + done.stderr, reported(case["kind"], file), case)


def test_python_tag_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    doc = tmp_path / "system.yaml"
    doc.write_text(f'system:\n  name: !!python/object/apply:os.system ["touch {marker}"]\n')
    result = CliRunner().invoke(main, cli_args("system", str(doc)))
    assert result.exit_code == 2
    assert not marker.exists()


# --- limits -------------------------------------------------------------------------------------

def test_too_large_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("w") as handle:
        handle.write("system:\n  purpose: |\n")
        line = "    " + "x" * 95 + "\n"
        handle.write(line * (DEFAULT_LIMITS.max_bytes // len(line) + 1))
    result = CliRunner().invoke(main, cli_args("system", str(big)))
    assert result.exit_code == 2
    assert f"{big}: error: file is too large (expected at most {DEFAULT_LIMITS.max_bytes} bytes" \
        in result.output


def test_very_long_scalar_is_refused_with_position(tmp_path: Path) -> None:
    doc = tmp_path / "long.yaml"
    doc.write_text("system:\n  purpose: " + "å" * (DEFAULT_LIMITS.max_string + 1) + "\n")
    result = CliRunner().invoke(main, cli_args("system", str(doc)))
    assert result.exit_code == 2
    assert f"{doc}:2:12: error: text value is too long" in result.output
    assert f"found {DEFAULT_LIMITS.max_string + 1} characters" in result.output


@pytest.mark.slow
def test_many_values_without_aliases(tmp_path: Path) -> None:
    doc = tmp_path / "many.yaml"
    doc.write_text("system:\n  name: [" + ",".join(["1"] * (DEFAULT_LIMITS.max_values + 1)) + "]\n")
    result = CliRunner().invoke(main, cli_args("system", str(doc)))
    assert result.exit_code == 2
    assert "too many values" in result.output


# Without libyaml the pure-Python parser takes a quarter of a second to nest 5,000 deep.
@pytest.mark.parametrize("libyaml", [True, pytest.param(False, marks=pytest.mark.slow)])
def test_deep_flow_nesting_is_located_not_a_recursion_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, libyaml: bool) -> None:
    """Far deeper than Python's recursion limit; without libyaml, deep enough to reach it."""
    depth = 50_000 if libyaml else 5000
    if not libyaml:
        monkeypatch.delattr(yaml, "CSafeLoader")
    doc = tmp_path / "deep.yaml"
    doc.write_text("a: " + "[" * depth + "]" * depth + "\n")
    result = CliRunner().invoke(main, cli_args("system", str(doc)))
    assert result.exit_code == 2
    assert f"{doc}:1:" in result.output and "nested too deeply" in result.output


def test_deep_json_nesting(tmp_path: Path) -> None:
    doc = tmp_path / "deep.json"
    doc.write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}")
    result = CliRunner().invoke(main, cli_args("system", str(doc)))
    assert result.exit_code == 2
    assert "nested too deeply" in result.output


@pytest.mark.parametrize(("variable", "value", "document", "message"), [
    ("SECREVIEW_MAX_INPUT_BYTES", "40", "system:\n  name: Elevportalen i kommunen\n",
     "file is too large (expected at most 40 bytes"),
    ("SECREVIEW_MAX_DEPTH", "2", "hosting:\n  subprocessors:\n    - name: CDN\n",
     "nested too deeply (expected at most 2 levels)"),
    ("SECREVIEW_MAX_VALUES", "5", "hosting:\n  admin_access_countries: [SE, NO, DK, FI]\n",
     "too many values (alias expansion or sheer size) (expected at most 5 values)"),
    ("SECREVIEW_MAX_STRING_LENGTH", "5", "system:\n  name: Elevportalen\n",
     "text value is too long (expected at most 5 characters"),
])
def test_each_limit_can_be_lowered_by_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str,
        document: str, message: str) -> None:
    doc = tmp_path / "system.yaml"
    doc.write_text(document)
    assert CliRunner().invoke(main, cli_args("system", str(doc))).exit_code == 0
    monkeypatch.setenv(variable, value)
    result = CliRunner().invoke(main, cli_args("system", str(doc)))
    assert result.exit_code == 2
    assert message in result.output, result.output
    assert "Traceback" not in result.output


def test_limit_can_be_raised_by_environment(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    doc = tmp_path / "system.yaml"
    doc.write_text("system:\n  purpose: " + "x" * (DEFAULT_LIMITS.max_string + 10) + "\n")
    assert "text value is too long" in CliRunner().invoke(main, cli_args("system", str(doc))).output
    monkeypatch.setenv("SECREVIEW_MAX_STRING_LENGTH", str(DEFAULT_LIMITS.max_string * 2))
    result = CliRunner().invoke(main, cli_args("system", str(doc)))
    # The loader lets it through; the model's own bound on a purpose (2000) still applies.
    assert "text value is too long" not in result.output
    assert "system.purpose: String should have at most 2000 characters" in result.output


def test_rule_count_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECREVIEW_MAX_RULES", "3")
    result = CliRunner().invoke(main, ["check", SYSTEM, "--rules", RULES])
    assert result.exit_code == 2
    assert "error: too many rules (7) in the loaded rulesets (expected at most 3)" in result.output
    assert "SECREVIEW_MAX_RULES" in result.output


@pytest.mark.parametrize("value", ["zero", "0", "-3", "1.5"])
def test_bad_limit_variable_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SECREVIEW_MAX_DEPTH", value)
    result = CliRunner().invoke(main, ["check", SYSTEM, "--rules", RULES])
    assert result.exit_code == 2
    assert "environment variable SECREVIEW_MAX_DEPTH must be a positive whole number" \
        in result.output


def test_configured_limits_reads_every_variable_and_nothing_else() -> None:
    environ = {variable: str(100 + i) for i, variable in enumerate(LIMIT_VARIABLES)}
    limits = configured_limits(Limits(), environ)
    assert [getattr(limits, LIMIT_VARIABLES[v]) for v in LIMIT_VARIABLES] == \
        [100 + i for i in range(len(LIMIT_VARIABLES))]
    assert configured_limits(DEFAULT_LIMITS, {"SECREVIEW_MAX_DEPTH": " "}) is DEFAULT_LIMITS
    with pytest.raises(InputError):
        configured_limits(DEFAULT_LIMITS, {"SECREVIEW_MAX_VALUES": "lots"})


_MEASURE = r"""
import json, resource, sys, time
from secreview.errors import InputError
from secreview.loading import load_document
before = resource.getrusage(resource.RUSAGE_SELF)
started = time.perf_counter()
try:
    load_document(sys.argv[1])
    outcome = "loaded"
except InputError as exc:
    outcome = exc.format()
after = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"outcome": outcome, "cpu": after.ru_utime - before.ru_utime,
                  "wall": time.perf_counter() - started,
                  "grown_mb": (after.ru_maxrss - before.ru_maxrss) / 1024}))
"""


@pytest.mark.slow
def test_alias_bomb_fails_fast_in_bounded_memory(tmp_path: Path) -> None:
    # Nine levels of nine aliases: 387 million strings if expanded. Also a deeper variant.
    bombs = [CORPUS / "system" / "alias_bomb.yaml", tmp_path / "bigger_bomb.yaml"]
    levels = ["a0: &a0 [" + ",".join(["lol"] * 50) + "]"]
    levels += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 50) + "]" for i in range(1, 12)]
    bombs[1].write_text("\n".join(levels) + "\n")
    for bomb in bombs:
        done = subprocess.run([sys.executable, "-c", _MEASURE, str(bomb)], capture_output=True,
                              text=True, cwd=ROOT, timeout=60, check=True)
        figures = json.loads(done.stdout)
        assert "too many values" in figures["outcome"]
        assert figures["cpu"] < 1.0, figures
        assert figures["grown_mb"] < 150, figures


def test_debug_shows_the_traceback_for_a_bad_input() -> None:
    file = "tests/bad_inputs/system/duplicate_key.yaml"
    plain = CliRunner().invoke(main, cli_args("system", file))
    debug = CliRunner().invoke(main, ["--debug", *cli_args("system", file)])
    assert plain.exit_code == debug.exit_code == 2
    assert "Traceback" not in plain.output
    assert "Traceback" in debug.output and "duplicate key 'system'" in debug.output


@pytest.mark.parametrize("name", [
    "system/deep_nesting.yaml", "system/control_char_raw.yaml", "system/tab_indent.yaml",
    "system/alias_bomb.yaml", "system/recursive_alias.yaml", "system/latin1.yaml",
])
@pytest.mark.slow
def test_same_errors_without_libyaml(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """PyYAML built without libyaml falls back to the pure-Python loader, with the same bounds."""
    monkeypatch.delattr(yaml, "CSafeLoader")
    case = MANIFEST[name]
    file = f"tests/bad_inputs/{name}"
    result = CliRunner().invoke(main, cli_args(case["kind"], file))
    assert result.exit_code == 2
    assert_reported(result.output, file, case)


@pytest.mark.slow
def test_thousands_of_wrong_values_do_not_flood_the_terminal(tmp_path: Path) -> None:
    doc = tmp_path / "many.yaml"
    doc.write_text("hosting:\n  admin_access_countries: [" + ",".join(["1"] * 5000) + "]\n")
    result = CliRunner().invoke(main, cli_args("system", str(doc)))
    assert result.exit_code == 2
    assert result.output.count(": error: ") == 101
    assert f"{doc}: error: 4900 more problems are not shown" in result.output
