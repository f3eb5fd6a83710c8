"""Every text colour in the report and the register reaches 4.5:1 on its background (WCAG 2.1 AA,
required of Swedish public bodies by DOS-lagen and EN 301 549), computed from the stylesheets and
the colour tables, not eyeballed.

The white text on the default *Måttlig* and *Hög* badges was 1.97:1 and 3.08:1; badges now take
black or white, whichever reads better, and a test below holds that for every colour a profile can
choose.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tinycss2  # type: ignore[import-untyped]
from hypothesis import given
from hypothesis import strategies as st

from secreview.api import review_file
from secreview.profile import load_profile
from secreview.report import charts
from secreview.report.common import contrast, text_on, tint
from secreview.report.html import render_html
from secreview.vocabulary import DECISION_COLOURS, NO_LEVEL_COLOUR

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "report_templates"
AA = 4.5
WHITE = "#ffffff"
PROFILES = ("se-municipality", "generic", "iso27005-5x5")
HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def _expand(colour: str) -> str:
    colour = colour.strip().lower()
    if re.fullmatch(r"#[0-9a-f]{3}", colour):
        return "#" + "".join(c * 2 for c in colour[1:])
    return "#fff" if colour in ("white", "#fff") else colour


def _rules(css: str) -> list[tuple[str, dict[str, str]]]:
    """(selector, declarations) for every style rule, nested ones (@page, @media) included,
    with ``var(--name)`` resolved from ``:root``."""
    found: list[tuple[str, dict[str, str]]] = []

    def visit(nodes: list[object]) -> None:
        for node in nodes:
            if node.type == "qualified-rule":  # type: ignore[attr-defined]
                selector = tinycss2.serialize(node.prelude).strip()  # type: ignore[attr-defined]
                found.append((selector, _declarations(node.content)))  # type: ignore[attr-defined]
            elif node.type == "at-rule" and node.content is not None:  # type: ignore[attr-defined]
                inner = tinycss2.parse_blocks_contents(node.content)  # type: ignore[attr-defined]
                declarations = {d.lower_name: tinycss2.serialize(d.value).strip()
                                for d in inner if d.type == "declaration"}
                if declarations:
                    found.append(("@" + node.lower_at_keyword, declarations))  # type: ignore[attr-defined]
                visit([n for n in inner if n.type in ("qualified-rule", "at-rule")])

    visit(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    variables = {k: v for selector, d in found if selector == ":root" for k, v in d.items()}
    for _selector, declarations in found:
        for key, value in declarations.items():
            declarations[key] = re.sub(r"var\((--[\w-]+)\)",
                                       lambda m: variables.get(m.group(1), m.group(0)), value)
    return found


def _declarations(content: list[object]) -> dict[str, str]:
    return {d.lower_name: tinycss2.serialize(d.value).strip()
            for d in tinycss2.parse_blocks_contents(content) if d.type == "declaration"}


def _colour(value: str | None) -> str | None:
    if value is None:
        return None
    found = HEX.search(value) or re.search(r"#[0-9a-fA-F]{3}\b", value)
    return _expand(found.group(0)) if found else None


def _pairs(css: str) -> list[tuple[str, str, str]]:
    """(selector, text colour, background) to check: a rule's own background where it sets one,
    else every background the stylesheet puts behind text (white, table heads, tiles)."""
    rules = _rules(css)
    backgrounds = {WHITE} | {c for _, d in rules for key in ("background", "background-color")
                             if (c := _colour(d.get(key))) is not None}
    pairs = []
    for selector, declarations in rules:
        text = _colour(declarations.get("color"))
        if text is None:
            continue
        own = _colour(declarations.get("background") or declarations.get("background-color"))
        for background in ([own] if own else sorted(backgrounds)):
            pairs.append((selector, text, background))
    return pairs


def _register_css() -> str:
    template = (TEMPLATES / "register.html.j2").read_text(encoding="utf-8")
    return template[template.index("<style>") + 7: template.index("</style>")]


@pytest.mark.parametrize("css", [(TEMPLATES / "report.css").read_text(encoding="utf-8"),
                                 _register_css()], ids=["report.css", "register"])
def test_every_text_colour_in_the_stylesheets_reaches_aa(css: str) -> None:
    pairs = _pairs(css)
    assert len(pairs) > 5
    low = [(s, f, b, round(contrast(f, b), 2)) for s, f, b in pairs if contrast(f, b) < AA]
    assert low == []


def test_the_old_badges_would_have_failed() -> None:
    """The figures from the issue: white on the default amber and orange."""
    assert round(contrast(WHITE, "#f9a825"), 2) == 1.97
    assert round(contrast(WHITE, "#ef6c00"), 2) == 3.08


@given(st.from_regex(r"#[0-9a-f]{6}", fullmatch=True))
def test_a_badge_is_readable_in_any_colour_a_profile_chooses(colour: str) -> None:
    assert contrast(text_on(colour), colour) >= AA


def _level_colours() -> set[str]:
    colours = {NO_LEVEL_COLOUR}
    for name in PROFILES:
        profile, _sha, _path = load_profile(name)
        colours |= {level.colour.lower() for level in profile.matrix.levels}
    return colours


def test_decision_colours_carry_white_text_and_read_on_white() -> None:
    for colour in DECISION_COLOURS.values():
        assert contrast(WHITE, colour) >= AA, colour


def test_chart_texts_reach_aa_on_their_backgrounds() -> None:
    for colour in _level_colours():
        cell = tint(colour, charts.CELL_TINT)
        assert contrast(charts.LABEL_INK, cell) >= AA, (colour, cell)  # level name in a cell
        assert contrast(text_on(colour), colour) >= AA  # counts on the bars per aspect
    for ink in (charts.INK, charts.LABEL_INK, charts.WAIVED_INK):
        assert contrast(ink, WHITE) >= AA  # axis labels, legends, outlined risk ids
    assert contrast(WHITE, charts.INK) >= AA  # a filled risk id


def test_inline_colour_pairs_in_a_rendered_report_reach_aa() -> None:
    fixtures = ROOT / "tests" / "fixtures"
    review = review_file(fixtures / "system_min.yaml", [fixtures / "rules"],
                         waivers=fixtures / "waivers.yaml")
    page = render_html(review, "sv")
    pairs = re.findall(r'style="background: (#[0-9a-fA-F]{6}); color: (#[0-9a-fA-F]{6})"', page)
    assert pairs
    for background, text in pairs:
        assert contrast(text, background) >= AA
    for background, text in _svg_text_on_rects(page):
        assert contrast(text, background) >= AA, (background, text)


def _svg_text_on_rects(page: str) -> list[tuple[str, str]]:
    """(background, text colour) for every SVG text drawn inside a filled rectangle before it."""
    rects: list[tuple[float, float, float, float, str]] = []
    pairs = []
    for element in re.finditer(r"<(rect|text)\b([^>]*)>", page):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', element.group(2)))
        if "fill" not in attrs or not HEX.fullmatch(attrs["fill"]):
            continue
        if element.group(1) == "rect":
            rects.append((float(attrs["x"]), float(attrs["y"]), float(attrs["width"]),
                          float(attrs["height"]), attrs["fill"]))
            continue
        x, y = float(attrs.get("x", 0)), float(attrs.get("y", 0))
        for left, top, width, height, fill in reversed(rects):
            if left <= x <= left + width and top <= y <= top + height:
                pairs.append((fill, attrs["fill"]))
                break
    assert pairs
    return pairs
