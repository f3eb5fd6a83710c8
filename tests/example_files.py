"""The bundled example system descriptions, as the tests that go through all of them need them."""

from __future__ import annotations

from pathlib import Path

from secreview.portfolio import is_waiver_file

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def example_systems() -> list[Path]:
    """Every example system description at the top of examples/ (not the waiver files beside
    them, which ``NAME.waivers.yaml`` marks, nor the later versions in subfolders)."""
    return sorted(p for p in EXAMPLES.glob("*.yaml") if not is_waiver_file(p))
