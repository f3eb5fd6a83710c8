"""The benchmarks' quick (CI) mode: one command, every section, results checked, no timing.

It runs ``python3 -m benchmarks --quick`` as a user would, once per test session, and reads the
JSON it writes. Times are never asserted here: only that every section reports, and that the
engines and the parallel portfolio agree with the reference results.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ("rules", "catalogue", "deciding", "answers", "engines", "portfolio", "scaling",
            "startup", "pdf", "pdf-overhead")


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    output = tmp_path_factory.mktemp("bench") / "results.json"
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--json", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(output.read_text(encoding="utf-8")), completed.stdout


def _section(results: dict[str, Any], key: str) -> dict[str, Any]:
    return next(s for s in results["sections"] if s["key"] == key)


@pytest.mark.slow
def test_quick_mode_reports_every_section(quick_run: tuple[dict[str, Any], str]) -> None:
    results, printed = quick_run
    assert [s["key"] for s in results["sections"]] == list(SECTIONS)
    for section in results["sections"]:
        assert section["title"] in printed
        if section["key"] in ("pdf", "pdf-overhead"):
            assert section["unavailable"], "quick mode must say why PDFs were not rendered"
            continue
        assert section["rows"], f"section {section['key']} measured nothing"
        timed = [r["stats"] for r in section["rows"] if r["stats"]]
        assert all(s["median_ns"] > 0 and s["q1_ns"] <= s["q3_ns"] for s in timed)
    assert results["machine"]["cores"] >= 1 and results["config"]["quick"] is True


@pytest.mark.slow
def test_every_correctness_check_passes(quick_run: tuple[dict[str, Any], str]) -> None:
    results, _ = quick_run
    checks = {name: ok for s in results["sections"] for name, ok in s["checks"].items()}
    assert checks, "no correctness checks were run"
    assert all(checks.values()), checks
    portfolio = _section(results, "portfolio")["checks"]
    assert any("same results" in name for name in portfolio)


@pytest.mark.slow
def test_cel_and_rego_agree_with_secreview(quick_run: tuple[dict[str, Any], str]) -> None:
    for module in ("cel", "regopy"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is a benchmark extra: pip install -e '.[bench]'")
    engines = _section(quick_run[0], "engines")
    agree = {name: ok for name, ok in engines["checks"].items() if "agrees on" in name}
    assert {name.split()[0] for name in agree} == {"CEL", "Rego"}
    assert all(agree.values()), agree
    assert any(r["label"].startswith("ratio CEL") for r in engines["rows"])


@pytest.mark.slow
def test_the_workspace_load_test_loses_nothing_in_quick_mode() -> None:
    from benchmarks.workspace_load import run

    summary = run(users=3, seconds=3.0, workers=1)
    assert summary["answers"] > 0
    assert summary["errors"] == 0, summary["error_samples"]
    assert summary["lost"] == 0, summary["lost_samples"]


@pytest.mark.slow
def test_the_review_hash_check_runs_as_documented() -> None:
    """``python3 -m benchmarks.review_hashes`` (docs/benchmarks.md): a digest and the outcomes,
    the same digest on a second run (reviews are deterministic)."""
    argv = [sys.executable, "-m", "benchmarks.review_hashes", "--count", "4", "--seed", "7"]
    runs = [subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120,
                           check=True).stdout.splitlines() for _ in range(2)]
    assert runs[0] == runs[1]
    digest, outcomes = runs[0]
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert sum(int(part.split()[-1]) for part in outcomes.split(", ")) == 4
