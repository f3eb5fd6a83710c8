"""The workbook opens in LibreOffice without repair, and what it fills in reads back.

LibreOffice (``soffice``) is a system package: .ci/run installs it; without it these tests are
skipped, saying so.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from exchange_support import WHEN, fill
from secreview.exchange import export_workbook, import_answers

pytestmark = pytest.mark.slow
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCHOOL = (EXAMPLES / "school-platform.yaml").read_text(encoding="utf-8")


def _soffice(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it")
    profile = tmp_path / "lo-profile"  # a profile of its own: never the user's, never shared
    return subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         *arguments],
        cwd=tmp_path, capture_output=True, text=True, timeout=180, check=False,
        env={**os.environ, "HOME": str(tmp_path)})


def test_the_workbook_converts_to_pdf_without_repair(tmp_path: Path) -> None:
    workbook = tmp_path / "questions.xlsx"
    workbook.write_bytes(export_workbook(SCHOOL, include_answered=True,
                                         exported_on=dt.date(2026, 12, 1)))
    done = _soffice(tmp_path, "--convert-to", "pdf", "--outdir", str(tmp_path), str(workbook))
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "questions.pdf"
    assert pdf.exists() and pdf.stat().st_size > 10_000, done.stdout + done.stderr
    assert "repair" not in (done.stdout + done.stderr).lower()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Lärportalen (Classwise Learn)" in text
        assert "Så här fyller du i" in text and "How to fill it in" in text
        assert "vendor.dpf_certified" in text


def test_a_workbook_saved_by_libreoffice_imports(tmp_path: Path) -> None:
    """LibreOffice rewrites the whole file (its own XML, shared strings, its date cells); the
    answers typed into it must still read back, and the metadata still match."""
    workbook = tmp_path / "questions.xlsx"
    workbook.write_bytes(fill(export_workbook(SCHOOL, include_answered=True,
                                              exported_on=dt.date(2026, 12, 1)),
                              {"vendor.dpf_certified": "nej"},
                              sources={"vendor.dpf_certified": "DPA bilaga 2"}))
    out = tmp_path / "saved"
    done = _soffice(tmp_path, "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir",
                    str(out), str(workbook))
    assert done.returncode == 0, done.stderr
    saved = (out / "questions.xlsx").read_bytes()
    result = import_answers(saved, SCHOOL, answers_name="saved.xlsx", today=WHEN)
    assert result.problems == []
    assert result.changed == ["vendor.dpf_certified"]
    assert result.summary.refused == 0 and result.summary.answered == 0
