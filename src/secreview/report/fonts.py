"""The report's fonts, subset once in advance so that every PDF is the same with or without
HarfBuzz's subsetting library.

WeasyPrint subsets each font it embeds: with ``libharfbuzz-subset0`` when the system has it,
otherwise with fontTools, which stamps the current time into each font. Two renders of the same
review then differed, and a PDF made on a machine with the library differed from one made without
it. The fix is to never let WeasyPrint subset: the bundled Noto Sans files are cut down here,
once, to the scripts a Swedish public body writes in (Latin with its extensions, Greek, Cyrillic,
punctuation and the symbols the report uses), with fixed timestamps, and the PDF embeds them
whole (``full_fonts``). Each font adds about 65 KiB to a PDF; no render pays for subsetting.

Run ``python -m secreview.report.fonts`` after changing :data:`RANGES` or the source fonts in
``fonts/``; the result goes to ``report_templates/fonts/``.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1, Latin Extended-A and -B (Nordic, Sámi, Central European)
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2000, 0x206F),  # General Punctuation (dashes, quotes, ellipsis, no-break spaces)
    (0x20A0, 0x20CF),  # Currency symbols (€)
    (0x2100, 0x214F),  # Letterlike symbols (№, ™)
    (0x2190, 0x21FF),  # Arrows (→)
    (0x2200, 0x22FF),  # Mathematical operators (−, ≤, ≥)
    (0x25A0, 0x25FF),  # Geometric shapes (●, ☐-like boxes)
)
"""The characters the bundled fonts keep; anything else is drawn as "?" (environment.drawable)."""
FEATURES = ("kern",)
"""Layout features Pango may use when it shapes text with these fonts: kerning only. A ligature
("fi" drawn as one glyph) would reach the PDF without a Unicode mapping of its own, since a font
embedded whole maps glyphs through its character map, and "file" would be extracted, copied and
read aloud as "әle"."""
FILES = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")
COVERAGE = "coverage.txt"
"""Beside the fonts: the code points every one of them draws, as ranges ``0020-007E``, one a
line. The PDF's text check (environment.drawable) reads it instead of opening the fonts, which
would import fontTools into every render."""
TIMESTAMP = 0xD5A7_5B80
"""``head.created`` and ``head.modified`` of the subset fonts (2 August 2017, in seconds since
1904), written instead of the time of subsetting so that the files are reproducible."""


def codepoints() -> list[int]:
    return [c for low, high in RANGES for c in range(low, high + 1)]


def subset_font(source: bytes) -> bytes:
    """One font cut down to :data:`RANGES`, without hinting, with fixed timestamps."""
    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    options = subset.Options()
    options.layout_features = list(FEATURES)
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["DSIG"]
    font = TTFont(io.BytesIO(source), recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints())
    subsetter.subset(font)
    font["head"].created = TIMESTAMP
    font["head"].modified = TIMESTAMP
    output = io.BytesIO()
    font.save(output)
    return output.getvalue()


def coverage_ranges(codepoints: set[int]) -> list[tuple[int, int]]:
    """Sorted code points as inclusive ranges."""
    ranges: list[tuple[int, int]] = []
    for point in sorted(codepoints):
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return ranges


def font_coverage(folder: Path) -> set[int]:
    """The code points every font of :data:`FILES` in ``folder`` maps to a glyph."""
    from fontTools.ttLib import TTFont

    covered: set[int] | None = None
    for name in FILES:
        with TTFont(str(folder / name), lazy=True) as font:
            cmap = set(font.getBestCmap())
        covered = cmap if covered is None else covered & cmap
    return covered or set()


def coverage_text(codepoints: set[int]) -> str:
    return "".join(f"{low:04X}-{high:04X}\n" for low, high in coverage_ranges(codepoints))


def read_coverage(folder: Path) -> frozenset[int]:
    """The code points :data:`COVERAGE` in ``folder`` lists."""
    points: set[int] = set()
    for line in (folder / COVERAGE).read_text(encoding="ascii").split():
        low, high = line.split("-")
        points.update(range(int(low, 16), int(high, 16) + 1))
    return frozenset(points)


def write_subsets(source: Path, target: Path) -> list[Path]:
    """Subset every file of :data:`FILES` from ``source`` into ``target``, and list what they
    cover in :data:`COVERAGE`."""
    written = []
    for name in FILES:
        path = target / name
        path.write_bytes(subset_font((source / name).read_bytes()))
        written.append(path)
    coverage = target / COVERAGE
    coverage.write_text(coverage_text(font_coverage(target)), encoding="ascii")
    return [*written, coverage]


if __name__ == "__main__":  # pragma: no cover - a maintainer's step, tested through subset_font
    root = Path(__file__).resolve().parents[3]
    for done in write_subsets(root / "fonts", root / "report_templates" / "fonts"):
        print(f"wrote {done} ({done.stat().st_size // 1024} KiB)", file=sys.stderr)
