"""The profile's logo: SVG or PNG only, small, read once, shown in HTML and PDF."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from secreview.api import review_file
from secreview.bundled import profiles_dir
from secreview.errors import InputError
from secreview.profile import load_profile
from secreview.report.html import render_html
from secreview.report.logo import MAX_LOGO_BYTES, load_logo, profile_logo

FIXTURES = Path(__file__).parent / "fixtures"
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
       b'<rect width="120" height="40" fill="#1e3a5f"/></svg>')


def _profile_with_logo(tmp_path: Path, logo: str) -> Path:
    text = (profiles_dir() / "se-municipality.yaml").read_text(encoding="utf-8")
    text = text.replace("organisation:\n  name: Kommunen\n",
                        f"organisation:\n  name: Exempelkommunen\n  logo: {logo}\n")
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_logo_is_read_relative_to_the_profile(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_bytes(SVG)
    profile, _sha, path = load_profile(_profile_with_logo(tmp_path, "logo.svg"))
    logo = profile_logo(profile, path)
    assert logo is not None and logo.mime == "image/svg+xml" and logo.data == SVG


def test_bundled_profile_has_no_logo() -> None:
    profile, _sha, path = load_profile()
    assert profile_logo(profile, path) is None


@pytest.mark.parametrize(("name", "content", "message"), [
    ("logo.gif", b"GIF89a", "SVG or PNG"),
    ("logo.png", b"not a png", "not a PNG"),
    ("logo.svg", b"<html></html>", "not an SVG"),
    ("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * MAX_LOGO_BYTES, "at most"),
])
def test_bad_logos_are_refused(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError, match=message):
        load_logo(Path(name), tmp_path / "profile.yaml")


def test_missing_logo_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_logo(Path("gone.svg"), tmp_path / "profile.yaml")


def test_html_embeds_the_logo_as_data(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_bytes(SVG)
    logo = load_logo(tmp_path / "logo.svg")
    review = review_file(FIXTURES / "system_min.yaml", [FIXTURES / "rules"],
                         review_date=dt.date(2026, 11, 26))
    assert 'src="data:image/svg+xml;base64,' in render_html(review, "sv", logo=logo)


@pytest.mark.slow
def test_pdf_takes_the_logo_from_memory_only(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from secreview.report.pdf import make_fetcher, render_pdf

    (tmp_path / "logo.svg").write_bytes(SVG)
    logo = load_logo(tmp_path / "logo.svg")
    review = review_file(FIXTURES / "system_min.yaml", [FIXTURES / "rules"],
                         review_date=dt.date(2026, 11, 26))
    fetcher = make_fetcher(logo)
    data = render_pdf(review, "sv", logo=logo, fetcher=fetcher)
    assert "secreview-asset:logo" in fetcher.served
    assert fetcher.refused == []
    assert len(PdfReader(io.BytesIO(data)).pages) > 1


@pytest.mark.slow
def test_references_inside_an_svg_logo_are_refused(tmp_path: Path) -> None:
    from secreview.report.pdf import make_fetcher, render_pdf

    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" '
           b'xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="40">'
           b'<image href="file:///etc/passwd" width="40" height="40"/>'
           b'<image xlink:href="http://127.0.0.1:9/x.png" width="40" height="40"/></svg>')
    (tmp_path / "logo.svg").write_bytes(svg)
    logo = load_logo(tmp_path / "logo.svg")
    review = review_file(FIXTURES / "system_min.yaml", [FIXTURES / "rules"],
                         review_date=dt.date(2026, 11, 26))
    fetcher = make_fetcher(logo)
    data = render_pdf(review, "sv", logo=logo, fetcher=fetcher)
    assert b"root:x:0:0" not in data
    assert any("file:///etc/passwd" in url for url in fetcher.refused)
    assert any("127.0.0.1" in url for url in fetcher.refused)
