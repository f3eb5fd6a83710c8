"""The HTML report: self-contained, escaped, every section in the agreed order, both languages."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from secreview.api import review_file
from secreview.report import EXTENSIONS, FORMATS, format_for, render
from secreview.report.common import NO_LEVEL_COLOUR, cap, level_colour
from secreview.report.environment import drawable, environment
from secreview.report.html import render_html
from secreview.review import Review

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def review() -> Review:
    return review_file(FIXTURES / "system_min.yaml", [FIXTURES / "rules"],
                       waivers=FIXTURES / "waivers.yaml", review_date=dt.date(2026, 11, 26))


def test_sections_in_the_agreed_order(review: Review) -> None:
    html = render_html(review, "sv")
    order = ["Beslut", "Villkor före avtal", "Riskbild", "Förhandsbedömning (DPIA-screening)",
             "Informationsklassning", "Kritiska och höga risker", "Handlingsplan",
             "Öppna frågor till leverantören", "Alla granskade krav",
             "Accepterade risker (undantag)", "Systembeskrivningen som den lämnades in",
             "Spårbarhet", "Beslut och underskrift"]
    positions = [html.index(f">{heading}<") for heading in order]
    assert positions == sorted(positions)
    assert '<html lang="sv">' in html


def test_self_contained_nothing_to_fetch(review: Review) -> None:
    html = render_html(review, "en")
    assert not re.search(r"""(src|href)\s*=""", html)
    assert "url(" not in html.split("</style>", 1)[1]
    assert "@import" not in html
    assert "Security and data protection review before procurement" in html


def test_vendor_name_escaped(review: Review) -> None:
    assert "Acme &lt;script&gt;" in render_html(review, "sv")


def test_waiver_and_provenance_shown(review: Review) -> None:
    html = render_html(review, "en")
    assert "The agreement is signed on 2026-12-01" in html
    assert review.rulesets[0].sha256 in html
    assert review.system.sha256 in html


def test_heat_map_shows_inherent_and_residual(review: Review) -> None:
    html = render_html(review, "sv")
    svg = html[html.index('<svg xmlns="http://www.w3.org/2000/svg" class="chart"'):]
    svg = svg[: svg.index("</svg>")]
    assert svg.count('fill="#ffffff" stroke="#1f2937"') >= 1  # rings: inherent
    assert "Kvarstående risk (antal)" in svg and "Inneboende risk (antal)" in svg


def test_environment_is_strict_and_escapes() -> None:
    env = environment()
    assert env.autoescape is True
    with pytest.raises(UndefinedError):
        env.from_string("{{ missing.attr }}").render()
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    long = env.from_string("{{ x }}").render(x="a" * 5000)
    assert len(long) == 2000 and long.endswith("…")


def test_cap_and_drawable() -> None:
    assert cap("abc", 10) == "abc"
    assert cap("abcdef", 4) == "abc…"
    assert drawable("Åtgärd – klar") == "Åtgärd – klar"
    assert drawable("學 ✓") == "? ?"


def test_formats_and_extensions_registered() -> None:
    assert {"md", "html", "csv", "pdf"} <= set(FORMATS)
    for suffix, fmt in ((".md", "md"), (".html", "html"), (".htm", "html"), (".csv", "csv"),
                        (".pdf", "pdf")):
        assert EXTENSIONS[suffix] == fmt
        assert format_for(Path("r" + suffix.upper()), None) == fmt
    assert format_for("r.pdf", "html") == "html"


def test_render_dispatch(review: Review) -> None:
    assert isinstance(render(review, "md", "sv"), str)
    assert render(review, "html", "sv") == render_html(review, "sv")


def test_only_strict_colours_reach_style_attributes(review: Review) -> None:
    levels = [lv.model_copy(update={"colour": "red;background:url(http://127.0.0.1:9/x)"})
              for lv in review.matrix.levels]
    hostile = review.model_copy(update={"matrix": review.matrix.model_copy(
        update={"levels": levels})})
    html = render_html(hostile, "sv")
    assert "127.0.0.1" not in html
    assert level_colour(hostile, "critical") == NO_LEVEL_COLOUR
