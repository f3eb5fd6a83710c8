"""The profile's logo: SVG or PNG only, small, read once, shown in HTML and PDF."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hostile import NON_REGULAR, make_non_regular, no_hang, profile_with_logo
from secreview.api import review_file
from secreview.errors import InputError
from secreview.profile import load_profile
from secreview.report.html import render_html
from secreview.report.logo import MAX_LOGO_BYTES, Logo, load_logo, profile_logo

FIXTURES = Path(__file__).parent / "fixtures"
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
       b'<rect width="120" height="40" fill="#1e3a5f"/></svg>')


def test_logo_is_read_relative_to_the_profile(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_bytes(SVG)
    profile, _sha, path = load_profile(profile_with_logo(tmp_path, "logo.svg"))
    logo = profile_logo(profile, path)
    assert logo is not None and logo.mime == "image/svg+xml"
    assert logo.data == SVG.replace(b'fill="#1e3a5f"/>', b'fill="#1e3a5f"></rect>')


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
    with pytest.raises(InputError, match=r"cannot use the logo .*gone.svg': file not found"):
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
    with pytest.raises(InputError, match=r"logo.svg:1:107: error: element <image> is not"):
        load_logo(tmp_path / "logo.svg")
    # Defence in depth: were such a logo to reach the renderer, the fetcher still refuses.
    logo = Logo(mime="image/svg+xml", data=svg)
    review = review_file(FIXTURES / "system_min.yaml", [FIXTURES / "rules"],
                         review_date=dt.date(2026, 11, 26))
    fetcher = make_fetcher(logo)
    data = render_pdf(review, "sv", logo=logo, fetcher=fetcher)
    assert b"root:x:0:0" not in data
    assert any("file:///etc/passwd" in url for url in fetcher.refused)
    assert any("127.0.0.1" in url for url in fetcher.refused)


@pytest.mark.slow
def test_a_logo_the_renderer_cannot_draw_is_an_error_not_an_omission(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint logs a failed SVG drawing (even a render timeout) and leaves the logo out."""
    import weasyprint.svg

    from secreview.report.pdf import render_pdf

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ValueError("cannot draw")

    monkeypatch.setattr(weasyprint.svg.SVG, "draw", broken)
    (tmp_path / "logo.svg").write_bytes(SVG)
    review = review_file(FIXTURES / "system_min.yaml", [FIXTURES / "rules"],
                         review_date=dt.date(2026, 11, 26))
    with pytest.raises(InputError, match="the logo could not be drawn in the PDF"):
        render_pdf(review, "sv", logo=load_logo(tmp_path / "logo.svg"))


USE_BOMB = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            b'<defs><g id="a"><rect width="1" height="1"/></g>'
            + b"".join(f'<g id="{c}"><use href="#{p}"/><use href="#{p}"/></g>'.encode()
                       for p, c in zip("abcdefghij", "bcdefghijk", strict=True))
            + b'</defs><use href="#k"/></svg>')


@pytest.mark.parametrize(("svg", "message", "where"), [
    (USE_BOMB, "element <use> is not allowed in a logo", ":1:"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><use href="secreview-asset:logo#x"/>'
     b'<use href="secreview-asset:logo#x"/></svg>', "element <use> is not allowed", ":1:41"),
    (b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
     "declares a DTD or entities", ""),
    (b'<svg xmlns="http://www.w3.org/2000/svg">\n  <script>alert(1)</script></svg>',
     "element <script> is not allowed", ":2:3"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect onload="x()" width="1"/></svg>',
     "attribute 'onload' is not allowed", ":1:41"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(http://x/y#z)"/></svg>',
     "refers outside the logo", ""),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:u\\72l(http://x)"/></svg>',
     "may hold only plain values", ""),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>',
     "element <foreignObject> is not allowed", ""),
    (b'<?xml-stylesheet href="http://x/s.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
     "processing instruction", ""),
    (b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g>" * 60 + b"</g>" * 60 + b"</svg>",
     "nested more than 40 levels", ""),
    (b'<svg xmlns="http://www.w3.org/2000/svg">' + b'<rect width="1"/>' * 6000 + b"</svg>",
     "more than 5000 elements", ""),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect', "not well-formed", ":1:"),
    (b'<html><svg xmlns="http://www.w3.org/2000/svg"/></html>', "root element is <html>", ""),
])
def test_svg_logos_are_sanitised(tmp_path: Path, svg: bytes, message: str, where: str) -> None:
    (tmp_path / "logo.svg").write_bytes(svg)
    with pytest.raises(InputError) as caught:
        load_logo(Path("logo.svg"), tmp_path / "profile.yaml")
    text = caught.value.format()
    assert message in text and f"logo.svg{where}" in text, text


def test_a_sanitised_logo_keeps_its_drawing_and_nothing_else(tmp_path: Path) -> None:
    svg = (b'<?xml version="1.0"?>\n<!-- made by an editor -->\n'
           b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" xml:space="preserve">'
           b'<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient>'
           b'</defs><rect width="10" height="10" fill="url(#g)"/><text x="1">Kommun &amp; '
           b'&lt;AB&gt;</text></svg>')
    (tmp_path / "logo.svg").write_bytes(svg)
    data = load_logo(tmp_path / "logo.svg").data
    assert b"made by an editor" not in data and b"<?xml" not in data
    assert b'fill="url(#g)"' in data and b"Kommun &amp; &lt;AB&gt;" in data
    assert data.startswith(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" '
                           b'xml:space="preserve">')


def test_a_png_declaring_an_enormous_image_is_refused(tmp_path: Path) -> None:
    import struct
    import zlib

    ihdr = struct.pack(">II", 30_000, 30_000) + b"\x08\x06\x00\x00\x00"
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(
        ">I", zlib.crc32(b"IHDR" + ihdr))
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + chunk)
    with pytest.raises(InputError, match="declares 30000 × 30000 pixels"):
        load_logo(tmp_path / "logo.png")


@pytest.mark.parametrize("kind", sorted(NON_REGULAR))
def test_a_logo_that_is_not_a_regular_file_is_refused_unread(tmp_path: Path, kind: str) -> None:
    make_non_regular(kind, tmp_path / "logo.svg")
    with no_hang(), pytest.raises(InputError) as caught:
        load_logo(Path("logo.svg"), tmp_path / "profile.yaml")
    assert NON_REGULAR[kind] in caught.value.format()


SHAPES = st.sampled_from(["rect", "circle", "path", "g", "text", "use", "image", "script",
                          "style", "foreignObject", "a", "linearGradient"])
ATTRIBUTES = st.sampled_from(["width", "fill", "onload", "href", "style", "d", "transform",
                              "xlink:href", "class"])
VALUES = st.sampled_from(["10", "#1e3a5f", "url(#g)", "url(http://x/y)", "M0 0L1 1",
                          "fill:red", "u\\72l(x)", "javascript:alert(1)", "a&b<c"])


@st.composite
def svgs(draw: st.DrawFn, depth: int = 0) -> str:
    children = []
    for _ in range(draw(st.integers(0, 3 if depth < 3 else 0))):
        name = draw(SHAPES)
        attrs = draw(st.dictionaries(ATTRIBUTES, VALUES, max_size=2))
        written = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
        children.append(f"<{name}{written}>{draw(svgs(depth + 1))}</{name}>")
    body = "".join(children)
    return body if depth else ('<svg xmlns="http://www.w3.org/2000/svg" '
                               f'xmlns:xlink="http://www.w3.org/1999/xlink">{body}</svg>')


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(svgs())
def test_a_sanitised_logo_holds_only_allowed_names_and_sanitises_to_itself(svg: str) -> None:
    import xml.etree.ElementTree as ET

    from secreview.report.svg import ATTRIBUTES as ALLOWED_ATTRIBUTES
    from secreview.report.svg import ELEMENTS, sanitise_svg

    try:
        clean = sanitise_svg(svg.encode(), "logo.svg")
    except InputError as exc:
        assert exc.problems[0].file == "logo.svg"
        return
    assert sanitise_svg(clean, "logo.svg") == clean
    for element in ET.fromstring(clean).iter():
        assert element.tag.removeprefix("{http://www.w3.org/2000/svg}") in ELEMENTS
        assert set(element.attrib) <= ALLOWED_ATTRIBUTES
        assert not any("url(" in v and "url(#" not in v for v in element.attrib.values())
