"""secreview's end-to-end PDF against bare WeasyPrint on the same HTML and fonts, side by side.

The question a user asks is "what does secreview add to the PDF rendering itself?". For each
subject the HTML that secreview renders is written to a file first; then, alternating so a change
in machine load hits both alike, two fresh processes are timed:

- **bare WeasyPrint**: ``python -c`` importing WeasyPrint and writing that HTML with the same
  bundled fonts and the same PDF options (PDF/A-3u, tagged, fonts embedded whole);
- **secreview**: ``secreview review SYSTEM -o report.pdf``, which also loads the profile and
  rulesets, reviews, builds the HTML and embeds the review JSON.

Wall time from spawn to exit and the children's CPU time (user + system) are both reported; the
target is on wall time (what the user waits for), the CPU time says how much work was added.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.cli_runs import REVIEW_DATE, _pdf_pages, console_script
from benchmarks.inputs import ROOT, Config, example_systems
from benchmarks.results import Section, Target
from benchmarks.timing import Stats, format_duration

TARGET_RATIO = 1.15
TARGET_PAGES = 10
BARE = """
import sys
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
html, css, out, base = sys.argv[1:5]
fonts = FontConfiguration()
HTML(filename=html, base_url=base).write_pdf(
    out, stylesheets=[CSS(filename=css, base_url=base, font_config=fonts)], font_config=fonts,
    pdf_variant="pdf/a-3u", pdf_tags=True, full_fonts=True)
"""


def _timed(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process (CPU: its user + system time)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _stats(values: list[float]) -> Stats:
    return Stats.of([v * 1e9 for v in values], 1)


def compare(config: Config) -> Section:
    section = Section("pdf-overhead", "secreview review → PDF beside bare WeasyPrint")
    if config.pdf_repeat == 0:
        section.unavailable = ("skipped in --quick mode: each run renders a PDF; run "
                               "'python3 -m benchmarks --only pdf-overhead' for these figures")
        return section
    from secreview.api import review_file
    from secreview.report.html import document_html
    from secreview.report.pdf_write import font_css

    repeat = max(config.pdf_repeat, 5)
    script = console_script()
    base = (ROOT / "report_templates").resolve().as_uri() + "/"
    results: list[tuple[str, int, float, float]] = []  # name, pages, wall ratio, cpu ratio
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "fonts.css").write_text(font_css(), encoding="utf-8")
        for path in example_systems():
            review = review_file(path, review_date=dt.date.fromisoformat(REVIEW_DATE))
            html = work / f"{path.stem}.html"
            html.write_text(document_html(review, review.language, pdf=True), encoding="utf-8")
            bare = [sys.executable, "-c", BARE, str(html), str(work / "fonts.css"),
                    str(work / "bare.pdf"), base]
            ours = [script, "review", str(path), "--date", REVIEW_DATE, "-o",
                    str(work / "ours.pdf")]
            _timed(bare), _timed(ours)  # warm-up: file cache, font cache
            bare_runs, our_runs = [], []
            for _ in range(repeat):
                bare_runs.append(_timed(bare))
                our_runs.append(_timed(ours))
            pages = _pdf_pages(work / "ours.pdf")
            bare_wall = _stats([w for w, _ in bare_runs])
            our_wall = _stats([w for w, _ in our_runs])
            ratio = our_wall.median_ns / bare_wall.median_ns
            cpu_ratio = (statistics.median(c for _, c in our_runs)
                         / statistics.median(c for _, c in bare_runs))
            section.add(f"bare WeasyPrint, {path.name} HTML", bare_wall,
                        unit=f"wall, fresh process, {pages} pages")
            section.add(f"secreview review {path.name} -o report.pdf", our_wall,
                        unit=f"wall, fresh process; {ratio:.2f}× bare (CPU {cpu_ratio:.2f}×)")
            results.append((path.name, pages, ratio, cpu_ratio))
    if results:
        name, pages, ratio, cpu_ratio = min(results, key=lambda r: (abs(r[1] - TARGET_PAGES),
                                                                    r[1]))
        section.targets.append(Target(
            f"review → {TARGET_PAGES}-page PDF within {TARGET_RATIO}× bare WeasyPrint",
            f"{name} ({pages} pages): {ratio:.2f}× wall, {cpu_ratio:.2f}× CPU",
            ratio <= TARGET_RATIO))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    section.notes.append(f"{repeat} alternating runs of each after one warm-up; load average "
                         f"{load:.1f} at the end; bare = python -c importing WeasyPrint and "
                         "writing secreview's HTML with the same fonts and PDF options; "
                         f"median {format_duration(1e9)} = 1 s")
    return section
