"""The same review gives the same PDF bytes, with or without libharfbuzz-subset0.

WeasyPrint subsets fonts with HarfBuzz when the library is there and with fontTools (which stamps
the time into each font) when it is not. secreview embeds fonts subset in advance, so neither
runs: two renders with the library hidden, and one with it, must be byte-identical.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "hr-service-se.yaml"
HIDE = """
import cffi, sys
_dlopen = cffi.FFI.dlopen
def dlopen(self, name, *args, **kwargs):
    if "harfbuzz-subset" in str(name):
        raise OSError(f"{name}: hidden by the test")
    return _dlopen(self, name, *args, **kwargs)
cffi.FFI.dlopen = dlopen
from secreview.cli import main
sys.exit(main())
"""


def _render(target: Path, hide: bool) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", HIDE] if hide else [sys.executable, "-m", "secreview"]
    return subprocess.run([*command, "review", str(EXAMPLE), "--date", "2026-11-20", "--lang",
                           "en", "-o", str(target)], capture_output=True, text=True, check=True,
                          cwd=ROOT)


def test_pdf_bytes_do_not_depend_on_harfbuzz_subset(tmp_path: Path) -> None:
    hidden_1, hidden_2, present = (tmp_path / n for n in ("h1.pdf", "h2.pdf", "p.pdf"))
    first = _render(hidden_1, hide=True)
    _render(hidden_2, hide=True)
    with_library = _render(present, hide=False)
    assert "libharfbuzz-subset0" in first.stderr  # the library really was hidden, and we said so
    assert first.stderr.count("libharfbuzz-subset0 is missing") == 1  # once
    assert "HarfBuzz-Subset will be required" not in first.stderr  # WeasyPrint's own warning
    assert hidden_1.read_bytes() == hidden_2.read_bytes()
    if "libharfbuzz-subset0 is missing" not in with_library.stderr:  # the machine has it
        assert hidden_1.read_bytes() == present.read_bytes()


def test_a_pdf_is_not_written_to_a_terminal(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    try:
        result = subprocess.run([sys.executable, "-m", "secreview", "review", str(EXAMPLE),
                                 "--format", "pdf", "--lang", "en"], stdout=terminal,
                                stderr=subprocess.PIPE, text=True, cwd=tmp_path, timeout=120)
    finally:
        os.close(terminal)
        os.close(controller)
    assert result.returncode == 2
    assert "A PDF is binary and is not written to a terminal" in result.stderr
    assert "-o report.pdf" in result.stderr
