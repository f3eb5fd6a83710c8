"""The PDF read back: Swedish text intact, PDF/A-3u identification, the embedded review.json,
only the bundled fonts, bookmarks, metadata, and the same bytes on every render."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from secreview.api import review_file
from secreview.report.jsonout import render_json
from secreview.report.pdf import render_pdf
from secreview.review import Review

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures"
BUNDLED_FONT = re.compile(r"^[A-Z]{6}\+Secreview-Noto-Sans(-Bold)?$")


@pytest.fixture(scope="module")
def review() -> Review:
    return review_file(FIXTURES / "system_min.yaml", [FIXTURES / "rules"],
                       waivers=FIXTURES / "waivers.yaml", review_date=dt.date(2026, 11, 26))


@pytest.fixture(scope="module")
def pdf_sv(review: Review) -> bytes:
    return render_pdf(review, "sv")


@pytest.fixture(scope="module")
def reader(pdf_sv: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf_sv))


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_swedish_text_survives(reader: PdfReader) -> None:
    text = _text(reader)
    for phrase in ("Lärplattform", "Säkerhets- och dataskyddsgranskning före upphandling",
                   "Öppna frågor till leverantören", "Biträdesavtal saknas", "Sida 1 av"):
        assert phrase in text


def test_page_count_is_sane(reader: PdfReader) -> None:
    assert 6 <= len(reader.pages) <= 20
    last = reader.pages[-1].extract_text()
    assert f"Sida {len(reader.pages)} av {len(reader.pages)}" in last


def test_attachment_is_the_json_output_byte_for_byte(reader: PdfReader, review: Review) -> None:
    assert list(reader.attachments) == ["review.json"]
    (content,) = reader.attachments["review.json"]
    assert content == render_json(review, "sv").encode("utf-8")
    root = reader.trailer["/Root"]
    (spec,) = [ref.get_object() for ref in root["/AF"]]
    assert spec["/AFRelationship"] == "/Data"
    assert spec["/EF"]["/F"].get_object()["/Subtype"] == "/application/json"  # pypdf decodes #2f


def test_pdfa_3u_identification_in_xmp(reader: PdfReader) -> None:
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part="3"', xmp)
    assert re.search(r'pdfaid:conformance="U"', xmp)
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_tagged_with_language_title_author_and_fixed_dates(reader: PdfReader) -> None:
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "sv"
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Säkerhets- och dataskyddsgranskning före upphandling: Lärplattform"
    assert meta.author == "Kommunen"
    assert meta["/CreationDate"].startswith("D:20261126000000")
    assert meta["/ModDate"].startswith("D:20261126000000")


def _outline(items: list[object], depth: int = 0) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for item in items:
        if isinstance(item, list):
            found += _outline(item, depth + 1)
        else:
            found.append((depth, item.title))  # type: ignore[attr-defined]
    return found


def test_bookmarks_follow_the_sections(reader: PdfReader) -> None:
    outline = _outline(reader.outline)
    assert outline[0] == (0, "Lärplattform")
    sections = [title for depth, title in outline if depth == 1]
    assert sections == ["Riskbild", "Konsekvensbedömning och informationsklassning",
                        "Kritiska och höga risker", "Handlingsplan",
                        "Öppna frågor till leverantören", "Bilaga", "Beslut och underskrift"]
    assert any(depth == 2 and title.startswith(("Kritisk ", "Hög ")) for depth, title in outline)


def test_same_review_gives_the_same_bytes(review: Review, pdf_sv: bytes) -> None:
    assert render_pdf(review, "sv") == pdf_sv


def test_english_report(review: Review) -> None:
    reader = PdfReader(io.BytesIO(render_pdf(review, "en")))
    text = _text(reader)
    assert "Security and data protection review before procurement" in text
    assert "Page 1 of" in text
    assert reader.trailer["/Root"]["/Lang"] == "en"


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_only_bundled_fonts_are_embedded(pdf_sv: bytes, tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf_sv)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    names = [line.split()[0] for line in listing]
    assert names, "no fonts listed"
    assert all(BUNDLED_FONT.match(name) for name in names), names
    assert all(" yes yes yes " in line for line in listing)  # embedded, subset, unicode map


def test_characters_outside_the_font_do_not_pull_in_a_fallback_font(tmp_path: Path) -> None:
    system = tmp_path / "system.yaml"
    system.write_text("system:\n  name: 'Plattform 学校 ✓ 😀 → åäö'\n", encoding="utf-8")
    review = review_file(system, [FIXTURES / "rules"], review_date=dt.date(2026, 11, 26))
    data = render_pdf(review, "sv")
    fonts = set(re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-]+)", data))
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        for font in page.get("/Resources", {}).get("/Font", {}).values():
            fonts.add(font.get_object()["/BaseFont"].encode())
    assert fonts and all(BUNDLED_FONT.match(name.decode().lstrip("/")) for name in fonts)
    assert "Plattform ?? ? ? ? åäö" in _text(reader)


def test_rendering_is_bounded_in_time(review: Review) -> None:
    from secreview.errors import InputError

    with pytest.raises(InputError, match="took longer than"):
        render_pdf(review, "sv", time_limit_seconds=0.01)


def test_oversized_html_is_refused_before_layout(review: Review,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from secreview.errors import InputError
    from secreview.report import pdf

    monkeypatch.setattr(pdf, "MAX_HTML_BYTES", 1000)
    with pytest.raises(InputError, match="larger than"):
        render_pdf(review, "sv")
