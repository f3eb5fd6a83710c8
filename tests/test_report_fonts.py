"""The bundled fonts are subset once, reproducibly, to the characters the report keeps."""

from __future__ import annotations

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from secreview.report import fonts
from secreview.report.environment import drawable

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "fonts"
BUNDLED = ROOT / "report_templates" / "fonts"


@pytest.mark.parametrize("name", fonts.FILES)
def test_bundled_font_keeps_exactly_the_declared_characters(name: str) -> None:
    bundled = TTFont(str(BUNDLED / name))
    kept = set(bundled.getBestCmap())
    wanted = set(fonts.codepoints())
    assert kept <= wanted
    if SOURCE.is_dir():  # the full fonts travel in the repository, not in the wheel
        source = set(TTFont(str(SOURCE / name)).getBestCmap())
        assert kept == wanted & source
    assert bundled["head"].created == bundled["head"].modified == fonts.TIMESTAMP
    assert "DSIG" not in bundled and "prep" not in bundled  # no signature, no hinting


@pytest.mark.slow
@pytest.mark.skipif(not SOURCE.is_dir(), reason="the full source fonts are not in this copy")
def test_subsetting_is_reproducible() -> None:
    source = (SOURCE / fonts.FILES[0]).read_bytes()
    assert fonts.subset_font(source) == fonts.subset_font(source)


def test_what_the_fonts_lack_is_drawn_as_a_question_mark() -> None:
    assert drawable("Ærø Łódź Ελλάδα Москва – “quoted” €") == \
        "Ærø Łódź Ελλάδα Москва – “quoted” €"
    assert drawable("学校 😀") == "?? ?"


def test_the_coverage_list_matches_the_fonts() -> None:
    assert fonts.read_coverage(BUNDLED) == frozenset(fonts.font_coverage(BUNDLED))
    assert (BUNDLED / fonts.COVERAGE).read_text(encoding="ascii") == \
        fonts.coverage_text(fonts.font_coverage(BUNDLED))
