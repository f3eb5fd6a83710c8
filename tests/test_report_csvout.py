"""The CSV opens in Excel with å, ä and ö, splits on ';' and never runs a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from secreview.api import review_file
from secreview.report.csvout import BOM, COLUMNS, DELIMITER, neutralise, render_csv

FIXTURES = Path(__file__).parent / "fixtures"


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix(BOM)), delimiter=DELIMITER))


def test_utf8_bom_semicolons_and_swedish_headers() -> None:
    review = review_file(FIXTURES / "system_min.yaml", [FIXTURES / "rules"],
                         review_date=dt.date(2026, 11, 26))
    text = render_csv(review, "sv")
    assert text.startswith(BOM)
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    assert "\r\n" in text
    rows = _rows(text)
    assert rows[0][:4] == ["Regel", "Regeluppsättning", "Område", "Krav"]
    assert all(len(row) == len(COLUMNS) for row in rows)
    ids = [row[0] for row in rows[1:]]
    assert "test.processor_agreement" in ids
    assert "test.screen_large" not in ids  # DPIA screening rules are not findings
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id["test.processor_agreement"][3] == "Biträdesavtal saknas"


def test_english_headers() -> None:
    review = review_file(FIXTURES / "system_min.yaml", [FIXTURES / "rules"],
                         review_date=dt.date(2026, 11, 26))
    assert _rows(render_csv(review, "en"))[0][:3] == ["Rule", "Ruleset", "Aspect"]


def test_formula_cells_get_an_apostrophe() -> None:
    for cell in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert neutralise(cell).startswith("'")
    assert neutralise("Åtgärd = klar") == "Åtgärd = klar"


@given(st.text())
def test_no_cell_can_start_a_formula(cell: str) -> None:
    assert not neutralise(cell).startswith(("=", "+", "-", "@", "\t", "\r"))
