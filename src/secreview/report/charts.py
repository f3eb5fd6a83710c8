"""SVG charts for the report: the risk matrix with risk ids, and risk per aspect.

The charts are built as strings here, not in a template, because their geometry is computed; every
text that enters them is XML-escaped and passed through the same cleaning as the rest of the
document (``clean``), and they reference nothing outside themselves (no images, no links), so they
are as safe in the standalone HTML as in the PDF. Text uses the report's font family.

Each chart carries a ``<title>``: the PDF's tag tree takes it as the figure's alternative text, and
it names what the picture shows (which risk ids sit at which level), not only that it is a chart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from secreview.i18n import Lang, label
from secreview.report.common import cap, level_colour, level_label, text_on, tint
from secreview.report.view import numbered
from secreview.review import Finding, Review

INK = "#1f2937"
LABEL_INK = "#374151"
"""Text on the tinted matrix cells: at least 7:1 on every tint of the default level colours."""
WAIVED_INK = "#4b5563"
CELL_TINT = 0.28
CELL_W, CELL_H = 64, 44
AXIS_LABELS = 74
PANEL_GAP = 26
TOP, BOTTOM = 20, 40
CHIP_W, CHIP_H, CHIP_GAP = 19, 11, 2
CHIPS_PER_LINE = 3
CHIP_LINES = 3


@dataclass(frozen=True)
class ChartStyle:
    font_family: str
    clean: Callable[[str], str]

    def text(self, value: str, limit: int = 60) -> str:
        return str(escape(self.clean(cap(value, limit))))


def _attr(value: str) -> str:
    return str(escape(value))


def _svg(width: int, height: int, title: str, body: list[str], style: ChartStyle) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'aria-label="{style.text(title, 1000)}" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'font-family="{_attr(style.font_family)}" font-size="11">'
            f"<title>{style.text(title, 1000)}</title>")
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every text above is escaped


def _chip(x: float, y: float, risk_id: str, status: str, filled: bool,
          style: ChartStyle) -> str:
    """One risk id in a cell: filled for a confirmed residual finding, outlined otherwise.

    Unverified risks have a dashed outline, accepted risks grey text: the id reads the same in
    black and white, and the legend says what each style means.
    """
    text = style.text(risk_id, 6)
    fill = INK if filled else "#ffffff"
    ink = "#ffffff" if filled else (WAIVED_INK if status == "waived" else INK)
    dash = ' stroke-dasharray="2 1.5"' if status == "unknown" else ""
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{CHIP_W}" height="{CHIP_H}" rx="2" '
            f'fill="{fill}" stroke="{INK}" stroke-width="0.8"{dash}/>'
            f'<text x="{x + CHIP_W / 2:.1f}" y="{y + CHIP_H - 3:.1f}" text-anchor="middle" '
            f'font-size="8" font-weight="bold" fill="{ink}">{text}</text>')


def _panel(review: Review, lang: Lang, style: ChartStyle, left: float, inherent: bool,
           findings: list[Finding], with_axis: bool) -> list[str]:
    matrix = review.matrix
    rows, cols = len(matrix.likelihood), len(matrix.consequence)
    body: list[str] = []
    heading = label("report.map.inherent" if inherent else "report.map.residual", lang)
    body.append(f'<text x="{left + cols * CELL_W / 2:.1f}" y="{TOP - 8}" text-anchor="middle" '
                f'font-weight="bold" fill="{INK}">{style.text(heading, 60)}</text>')
    cells: dict[tuple[int, int], list[Finding]] = {}
    for finding in findings:
        point = finding.inherent if inherent else finding.residual
        if point is not None:
            cells.setdefault((point.likelihood, point.consequence), []).append(finding)
    for li in range(rows):
        for ci in range(cols):
            level = matrix.grid[li][ci]
            x = left + ci * CELL_W
            y = TOP + (rows - 1 - li) * CELL_H
            body.append(f'<rect x="{x:.1f}" y="{y}" width="{CELL_W}" height="{CELL_H}" '
                        f'fill="{tint(level_colour(review, level), CELL_TINT)}" '
                        f'stroke="#ffffff" stroke-width="2"/>'
                        f'<text x="{x + CELL_W - 4:.1f}" y="{y + CELL_H - 4}" text-anchor="end" '
                        f'font-size="7" fill="{LABEL_INK}">'
                        f"{style.text(level_label(review, level, lang), 16)}</text>")
            here = cells.get((li + 1, ci + 1), [])
            capacity = CHIPS_PER_LINE * CHIP_LINES
            shown = here if len(here) <= capacity else here[:capacity - 1]
            for index, finding in enumerate(shown):
                cx = x + 3 + (index % CHIPS_PER_LINE) * (CHIP_W + CHIP_GAP)
                cy = y + 3 + (index // CHIPS_PER_LINE) * (CHIP_H + CHIP_GAP)
                body.append(_chip(cx, cy, finding.risk_id or "", finding.status,
                                  not inherent and finding.status == "finding", style))
            if len(shown) < len(here):
                index = len(shown)
                cx = x + 3 + (index % CHIPS_PER_LINE) * (CHIP_W + CHIP_GAP)
                cy = y + 3 + (index // CHIPS_PER_LINE) * (CHIP_H + CHIP_GAP)
                more = len(here) - len(shown)
                body.append(f'<text x="{cx + CHIP_W / 2:.1f}" y="{cy + CHIP_H - 3:.1f}" '
                            f'text-anchor="middle" font-size="8" font-weight="bold" '
                            f'fill="{INK}">+{more}</text>')
    for li, step in enumerate(matrix.likelihood):
        if not with_axis:
            break
        label_y = TOP + (rows - 1 - li) * CELL_H + CELL_H / 2 + 4
        body.append(f'<text x="{left - 6:.1f}" y="{label_y:.1f}" text-anchor="end" '
                    f'font-size="9" fill="{INK}">{style.text(step.get(lang), 14)}</text>')
    for ci, step in enumerate(matrix.consequence):
        label_x = left + ci * CELL_W + CELL_W / 2
        body.append(f'<text x="{label_x:.1f}" y="{TOP + rows * CELL_H + 12}" '
                    f'text-anchor="middle" font-size="8" fill="{INK}">'
                    f"{style.text(step.get(lang), 14)}</text>")
    body.append(f'<text x="{left + cols * CELL_W / 2:.1f}" y="{TOP + rows * CELL_H + 26}" '
                f'text-anchor="middle" font-size="9" font-weight="bold" fill="{INK}">'
                f"{style.text(label('report.axis.consequence', lang))}</text>")
    return body


def map_levels(review: Review, lang: Lang) -> list[str]:
    """Which risk ids sit at which residual level, highest first: "Kritisk: R1, R2"."""
    by_level: dict[str, list[str]] = {}
    for finding in numbered(review):
        if finding.residual is not None:
            by_level.setdefault(finding.residual.level, []).append(finding.risk_id or "")
    return [f"{level_label(review, level.id, lang)}: {', '.join(by_level[level.id])}"
            for level in reversed(review.matrix.levels) if level.id in by_level]


def map_description(review: Review, lang: Lang) -> str:
    """The map in words (the chart's alternative text)."""
    levels = map_levels(review, lang)
    if not levels:
        return label("report.map.empty", lang)
    return label("report.map.alt", lang, levels="; ".join(levels))


def risk_map(review: Review, lang: Lang, style: ChartStyle) -> Markup:
    """The risk matrix twice, before and after the measures in place, with every risk's id.

    Each numbered risk (open, unverified or accepted) sits in its cell as a small chip with its
    id, so a reader can tell which risk is where and look it up in the annex; the left matrix
    places it by inherent risk, the right by residual risk.
    """
    matrix = review.matrix
    rows, cols = len(matrix.likelihood), len(matrix.consequence)
    findings = [f for f in numbered(review) if f.inherent is not None and f.residual is not None]
    panel = cols * CELL_W
    left = AXIS_LABELS + 16
    width = left + 2 * panel + PANEL_GAP + 6
    height = TOP + rows * CELL_H + BOTTOM + 16
    body = _panel(review, lang, style, left, True, findings, with_axis=True)
    body += _panel(review, lang, style, left + panel + PANEL_GAP, False, findings,
                   with_axis=False)
    mid_y = TOP + rows * CELL_H / 2
    body.append(f'<text x="10" y="{mid_y:.1f}" text-anchor="middle" font-weight="bold" '
                f'font-size="9" fill="{INK}" transform="rotate(-90 10 {mid_y:.1f})">'
                f"{style.text(label('report.axis.likelihood', lang))}</text>")
    legend_y = height - 8
    x = float(left)
    for status in ("finding", "unknown", "waived"):
        key = f"report.map.legend.{status}"
        body.append(_chip(x, legend_y - CHIP_H + 2, "R", status, status == "finding", style))
        body.append(f'<text x="{x + CHIP_W + 4:.1f}" y="{legend_y}" font-size="8" '
                    f'fill="{INK}">{style.text(label(key, lang), 40)}</text>')
        x += CHIP_W + 14 + 4.6 * len(label(key, lang))
    return _svg(width, height, map_description(review, lang), body, style)


BAR_LEFT, BAR_WIDTH, BAR_ROW = 230, 240, 24


def aspect_chart(review: Review, lang: Lang, style: ChartStyle) -> Markup:
    """Open findings per aspect as stacked bars by residual level, with the passed count."""
    aspects = review.aspects
    levels = list(reversed(review.matrix.levels))
    most = max([sum(a.counts.values()) for a in aspects] + [1])
    height = TOP + max(len(aspects), 1) * BAR_ROW + 34
    width = BAR_LEFT + BAR_WIDTH + 130
    body: list[str] = []
    described: list[str] = []
    for index, aspect in enumerate(aspects):
        y = TOP + index * BAR_ROW
        body.append(f'<text x="{BAR_LEFT - 8}" y="{y + 15}" text-anchor="end" fill="{INK}">'
                    f"{style.text(aspect.title.get(lang), 40)}</text>")
        body.append(f'<rect x="{BAR_LEFT}" y="{y + 3}" width="{BAR_WIDTH}" height="16" '
                    f'fill="#f3f4f6"/>')
        x = float(BAR_LEFT)
        for level in levels:
            count = aspect.counts.get(level.id, 0)
            if not count:
                continue
            colour = level_colour(review, level.id)
            span = BAR_WIDTH * count / most
            body.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{span:.1f}" height="16" '
                        f'fill="{colour}" stroke="#ffffff" stroke-width="1"/>')
            if span >= 14:
                body.append(f'<text x="{x + span / 2:.1f}" y="{y + 15}" text-anchor="middle" '
                            f'fill="{text_on(colour)}" font-weight="bold">{count}</text>')
            x += span
        passed = aspect.statuses.get("pass", 0)
        applicable = sum(n for s, n in aspect.statuses.items() if s != "not_applicable")
        note = label("report.chart.passed", lang, passed=passed, total=applicable)
        body.append(f'<text x="{BAR_LEFT + BAR_WIDTH + 8}" y="{y + 15}" fill="{LABEL_INK}">'
                    f"{style.text(note, 40)}</text>")
        described.append(f"{aspect.title.get(lang)}: {level_label(review, aspect.level, lang)}"
                         f" ({note})")
    legend_y = TOP + max(len(aspects), 1) * BAR_ROW + 20
    x = float(BAR_LEFT)
    for level in levels:
        name = level.label.get(lang)
        body.append(f'<rect x="{x:.1f}" y="{legend_y - 9}" width="10" height="10" '
                    f'fill="{level_colour(review, level.id)}"/>'
                    f'<text x="{x + 14:.1f}" y="{legend_y}" fill="{INK}">'
                    f"{style.text(name, 20)}</text>")
        x += 24 + 6.5 * len(name)
    title = label("report.chart.aspects_title", lang) + ". " + "; ".join(described)
    return _svg(width, height, title, body, style)
