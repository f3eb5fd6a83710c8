"""The HTML report and the register pass axe-core in a real headless Chromium, and the PDF is
tagged for assistive technology: headings, table headers, alternative text on the charts and the
document language.

Public bodies must meet WCAG 2.1 AA (DOS-lagen 2018:1937, EN 301 549). axe-core comes from the npm
registry (tests/axe/package.json, pinned by its lock file) and runs in Debian's Chromium; no browser
is downloaded. Without Chromium or npm the browser check is skipped and says why.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from tests.example_files import example_systems

from secreview.api import review_file
from secreview.i18n import LANGUAGES, Lang
from secreview.portfolio import build_register
from secreview.report.html import render_html
from secreview.report.pdf import render_pdf
from secreview.report.register import render_html as render_register
from secreview.review import Review

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
AXE_DIR = ROOT / "tests" / "axe"
AXE = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RUNNER = """<script>%(axe)s</script><script>
axe.run(document, {runOnly: {type: 'tag', values: %(tags)s}, resultTypes: ['violations']})
  .then(function (result) { report(result.violations.map(function (v) {
      return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(
        function (n) { return {target: n.target, summary: n.failureSummary}; })}; })); })
  .catch(function (error) { report({error: String(error)}); });
function report(value) {
  var out = document.createElement('pre'); out.id = 'axe-results';
  out.textContent = JSON.stringify(value); document.body.appendChild(out);
}
</script>"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed, so axe-core cannot be fetched (apt-get install npm)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefix", str(AXE_DIR)],
                       check=True, capture_output=True, timeout=300)
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: str, axe: str, folder: Path) -> Any:
    """Run axe-core on ``page`` in headless Chromium; the violations as axe reports them.

    The page gets axe and a few lines that write the result into the DOM, which Chromium's
    ``--dump-dom`` prints once the virtual time budget has let the asynchronous run finish.
    A page's Content-Security-Policy would forbid those scripts, so the test copy drops it.
    """
    runner = RUNNER % {"axe": axe.replace("</script", "<\\/script"), "tags": json.dumps(TAGS)}
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    target = folder / "page.html"
    target.write_text(page.replace("</body>", runner + "</body>"), encoding="utf-8")
    assert CHROMIUM is not None
    result = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={folder / 'profile'}",
         "--virtual-time-budget=120000", "--dump-dom", target.as_uri()],
        capture_output=True, text=True, timeout=300, check=False)
    found = re.search(r'<pre id="axe-results">(.*?)</pre>', result.stdout, re.S)
    assert found, f"axe produced no result; Chromium said: {result.stderr[-2000:]}"
    return json.loads(html.unescape(found.group(1)))


def _reviews() -> list[tuple[str, Review]]:
    reviews = [(path.stem, review_file(path)) for path in example_systems()]
    reviews.append(("fixture with waivers", review_file(
        FIXTURES / "system_min.yaml", [FIXTURES / "rules"], waivers=FIXTURES / "waivers.yaml",
        review_date=dt.date(2026, 11, 26))))
    return reviews


REVIEWS = _reviews()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("name", "review"), REVIEWS, ids=[name for name, _ in REVIEWS])
def test_html_report_passes_axe(name: str, review: Review, lang: Lang, axe_source: str,
                                tmp_path: Path) -> None:
    del name
    assert axe_violations(render_html(review, lang), axe_source, tmp_path) == []


def test_register_passes_axe(axe_source: str, tmp_path: Path) -> None:
    folder = tmp_path / "systems"
    folder.mkdir()
    for path in EXAMPLES.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    register = build_register(folder, today=dt.date(2026, 12, 1))
    for lang in LANGUAGES:
        page = render_register(register, lang)
        assert axe_violations(page, axe_source, tmp_path) == [], lang


def test_axe_finds_what_it_should(axe_source: str, tmp_path: Path) -> None:
    """The check is live: a faint paragraph and an image without alt text are reported."""
    page = render_html(REVIEWS[0][1], "en").replace(
        "</main>", '<p style="color:#bbbbbb">faint</p>'
        '<img src="data:image/png;base64,iVBORw0KGgo="></main>')
    found = {v["id"] for v in axe_violations(page, axe_source, tmp_path)}
    assert {"color-contrast", "image-alt"} <= found


# --- the tagged PDF -----------------------------------------------------------------------------

def _structure(reader: PdfReader) -> list[tuple[str, dict[str, Any]]]:
    """Every structure element of the tag tree: (tag, the element), in document order."""
    found: list[tuple[str, dict[str, Any]]] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "get"):
            return
        tag = node.get("/S")
        if tag is not None:
            found.append((str(tag), node))
        kids = node.get("/K")
        if kids is not None:
            walk(kids)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pdf_is_tagged_with_headings_table_headers_alt_text_and_language(lang: Lang) -> None:
    review = REVIEWS[-1][1]
    reader = PdfReader(io.BytesIO(render_pdf(review, lang)))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang
    assert bool(root["/MarkInfo"]["/Marked"])
    tags = _structure(reader)
    names = [tag for tag, _ in tags]
    assert names.count("/H1") == 1
    assert "/H2" in names and "/H3" in names and "/H4" in names
    assert names.count("/TH") >= 10 and "/Table" in names
    figures = [element for tag, element in tags if tag == "/Figure"]
    assert len(figures) >= 2  # the risk map and the chart per aspect
    for figure in figures:
        assert str(figure.get("/Alt", "")).strip(), "a chart without alternative text"
    alt = str(figures[0]["/Alt"])
    assert "R1" in alt  # the risk map's alternative names the risks by level
