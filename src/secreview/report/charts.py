"""SVG charts for the report: the risk matrix heat map and risk per aspect.

The charts are built as strings here, not in a template, because their geometry is computed; every
text that enters them is XML-escaped and passed through the same cleaning as the rest of the
document (``clean``), and they reference nothing outside themselves (no images, no links), so they
are as safe in the standalone HTML as in the PDF. Text uses the report's font family.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from secreview.i18n import Lang, label
from secreview.report.common import cap, level_colour, level_label, tint
from secreview.review import Review

INK = "#1f2937"
MUTED = "#6b7280"
CELL_W, CELL_H = 110, 60
LEFT, TOP, BOTTOM = 118, 14, 58
MARKER_R = 11


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
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'font-family="{_attr(style.font_family)}" font-size="11">'
            f"<title>{style.text(title, 200)}</title>")
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every text above is escaped


def _arrow(x1: float, y1: float, x2: float, y2: float, width: float) -> str:
    """A straight arrow from (x1, y1) to (x2, y2), stopping short of both markers."""
    dx, dy = x2 - x1, y2 - y1
    length = (dx * dx + dy * dy) ** 0.5 or 1.0
    ux, uy = dx / length, dy / length
    sx, sy = x1 + ux * (MARKER_R + 2), y1 + uy * (MARKER_R + 2)
    ex, ey = x2 - ux * (MARKER_R + 3), y2 - uy * (MARKER_R + 3)
    head = 7.0
    bx, by = ex - ux * head, ey - uy * head
    px, py = -uy * head * 0.55, ux * head * 0.55
    return (f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{bx:.1f}" y2="{by:.1f}" stroke="{INK}" '
            f'stroke-width="{width:.1f}" stroke-opacity="0.75"/>'
            f'<polygon points="{ex:.1f},{ey:.1f} {bx + px:.1f},{by + py:.1f} '
            f'{bx - px:.1f},{by - py:.1f}" fill="{INK}" fill-opacity="0.75"/>')


def heat_map(review: Review, lang: Lang, style: ChartStyle) -> Markup:
    """The risk matrix with open findings at inherent (ring) and residual (dot) risk.

    An arrow joins the two cells when a finding's existing measures move it, with the number of
    findings that take that path, so the effect of the measures is visible at a glance.
    """
    matrix = review.matrix
    rows, cols = len(matrix.likelihood), len(matrix.consequence)
    width = LEFT + cols * CELL_W + 8
    height = TOP + rows * CELL_H + BOTTOM + 26
    findings = [f for f in review.findings
                if f.counts_as_risk and f.inherent is not None and f.residual is not None]
    inherent = Counter((f.inherent.likelihood, f.inherent.consequence)  # type: ignore[union-attr]
                       for f in findings)
    residual = Counter((f.residual.likelihood, f.residual.consequence)  # type: ignore[union-attr]
                       for f in findings)
    moves = Counter(((f.inherent.likelihood, f.inherent.consequence),  # type: ignore[union-attr]
                     (f.residual.likelihood, f.residual.consequence))  # type: ignore[union-attr]
                    for f in findings)

    def centre(cell: tuple[int, int], which: str) -> tuple[float, float]:
        likelihood, consequence = cell
        x = LEFT + (consequence - 1) * CELL_W + CELL_W / 2
        y = TOP + (rows - likelihood) * CELL_H + CELL_H / 2
        return (x - 17, y) if which == "inherent" else (x + 17, y)

    body: list[str] = []
    for li in range(rows):
        for ci in range(cols):
            level = matrix.grid[li][ci]
            cell_x = LEFT + ci * CELL_W
            cell_y = TOP + (rows - 1 - li) * CELL_H
            body.append(f'<rect x="{cell_x}" y="{cell_y}" width="{CELL_W}" height="{CELL_H}" '
                        f'fill="{tint(level_colour(review, level), 0.30)}" stroke="#ffffff" '
                        f'stroke-width="2"/>'
                        f'<text x="{cell_x + CELL_W - 5}" y="{cell_y + CELL_H - 5}" '
                        f'text-anchor="end" font-size="8" fill="{MUTED}">'
                        f"{style.text(level_label(review, level, lang), 16)}</text>")
    for li, step in enumerate(matrix.likelihood):
        label_y = TOP + (rows - 1 - li) * CELL_H + CELL_H / 2 + 4
        body.append(f'<text x="{LEFT - 8}" y="{label_y:.1f}" text-anchor="end" fill="{INK}">'
                    f"{style.text(step.get(lang), 20)}</text>")
    for ci, step in enumerate(matrix.consequence):
        label_x = LEFT + ci * CELL_W + CELL_W / 2
        body.append(f'<text x="{label_x:.1f}" y="{TOP + rows * CELL_H + 16}" '
                    f'text-anchor="middle" fill="{INK}">'
                    f"{style.text(step.get(lang), 20)}</text>")
    axis_y = TOP + rows * CELL_H + 36
    axis_name = style.text(label("report.axis.consequence", lang))
    body.append(f'<text x="{LEFT + cols * CELL_W / 2:.1f}" y="{axis_y}" text-anchor="middle" '
                f'font-weight="bold" fill="{INK}">{axis_name}</text>')
    mid_y = TOP + rows * CELL_H / 2
    body.append(f'<text x="14" y="{mid_y:.1f}" text-anchor="middle" font-weight="bold" '
                f'fill="{INK}" transform="rotate(-90 14 {mid_y:.1f})">'
                f"{style.text(label('report.axis.likelihood', lang))}</text>")
    for (start, end), count in sorted(moves.items()):
        if start != end:
            x1, y1 = centre(start, "inherent")
            x2, y2 = centre(end, "residual")
            body.append(_arrow(x1, y1, x2, y2, min(1.2 + 0.6 * count, 4.0)))
    for cell, count in sorted(inherent.items()):
        cx, cy = centre(cell, "inherent")
        body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{MARKER_R}" fill="#ffffff" '
                    f'stroke="{INK}" stroke-width="1.6"/>'
                    f'<text x="{cx:.1f}" y="{cy + 4:.1f}" text-anchor="middle" font-weight="bold" '
                    f'fill="{INK}">{count}</text>')
    for cell, count in sorted(residual.items()):
        cx, cy = centre(cell, "residual")
        body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{MARKER_R}" fill="{INK}"/>'
                    f'<text x="{cx:.1f}" y="{cy + 4:.1f}" text-anchor="middle" font-weight="bold" '
                    f'fill="#ffffff">{count}</text>')
    legend_y = height - 10
    body.append(f'<circle cx="{LEFT + 6}" cy="{legend_y - 4}" r="6" fill="#ffffff" '
                f'stroke="{INK}" stroke-width="1.4"/>'
                f'<text x="{LEFT + 16}" y="{legend_y}" fill="{INK}">'
                f"{style.text(label('report.chart.inherent', lang))}</text>")
    second = LEFT + 16 + 150
    body.append(f'<circle cx="{second}" cy="{legend_y - 4}" r="6" fill="{INK}"/>'
                f'<text x="{second + 10}" y="{legend_y}" fill="{INK}">'
                f"{style.text(label('report.chart.residual', lang))}</text>")
    title = label("report.chart.heat_map_title", lang, n=len(findings))
    return _svg(width, height, title, body, style)


BAR_LEFT, BAR_WIDTH, BAR_ROW = 230, 240, 24


def aspect_chart(review: Review, lang: Lang, style: ChartStyle) -> Markup:
    """Open findings per aspect as stacked bars by residual level, with the passed count."""
    aspects = review.aspects
    levels = list(reversed(review.matrix.levels))
    most = max([sum(a.counts.values()) for a in aspects] + [1])
    height = TOP + max(len(aspects), 1) * BAR_ROW + 34
    width = BAR_LEFT + BAR_WIDTH + 130
    body: list[str] = []
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
            span = BAR_WIDTH * count / most
            body.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{span:.1f}" height="16" '
                        f'fill="{level_colour(review, level.id)}" stroke="#ffffff" '
                        'stroke-width="1"/>')
            if span >= 14:
                body.append(f'<text x="{x + span / 2:.1f}" y="{y + 15}" text-anchor="middle" '
                            f'fill="#ffffff" font-weight="bold">{count}</text>')
            x += span
        passed = aspect.statuses.get("pass", 0)
        applicable = sum(n for s, n in aspect.statuses.items() if s != "not_applicable")
        note = label("report.chart.passed", lang, passed=passed, total=applicable)
        body.append(f'<text x="{BAR_LEFT + BAR_WIDTH + 8}" y="{y + 15}" fill="{MUTED}">'
                    f"{style.text(note, 40)}</text>")
    legend_y = TOP + max(len(aspects), 1) * BAR_ROW + 20
    x = float(BAR_LEFT)
    for level in levels:
        name = level.label.get(lang)
        body.append(f'<rect x="{x:.1f}" y="{legend_y - 9}" width="10" height="10" '
                    f'fill="{level_colour(review, level.id)}"/>'
                    f'<text x="{x + 14:.1f}" y="{legend_y}" fill="{INK}">'
                    f"{style.text(name, 20)}</text>")
        x += 24 + 6.5 * len(name)
    title = label("report.chart.aspects_title", lang)
    return _svg(width, height, title, body, style)
