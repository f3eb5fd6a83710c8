"""Hostile text in every field a person can type must never become markup, a fetch or a file read.

The payloads go into the system name, purpose and vendor, a rule's title and message (through a
test ruleset) and a waiver's justification; then every document format is rendered and checked.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from secreview.api import review_file
from secreview.report.csvout import render_csv
from secreview.report.html import render_html
from secreview.report.markdown import render_markdown
from secreview.review import Review

IMG = '<img src="file:///etc/passwd">'
LINK = '<link rel=attachment href="file:///etc/passwd">'
CSS_HTTP = "<style>body{background:url(http://127.0.0.1:9/x)}</style>"
CSS_FILE = '<div style="background:url(file:///etc/passwd)">x</div>'
MD_LINK = "[click](http://127.0.0.1:9/x) ![i](file:///etc/passwd)"
ALL = " ".join((IMG, LINK, CSS_HTTP, CSS_FILE, MD_LINK))
PASSWD_MARKER = "root:x:0:0"
FORMULA = "=HYPERLINK(\"http://127.0.0.1:9/x\")"


def _yaml(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Review:
    root = tmp_path_factory.mktemp("hostile")
    (root / "system.yaml").write_text(f"""
system:
  name: {_yaml(IMG + LINK)}
  purpose: {_yaml(ALL)}
  system_owner: {_yaml(FORMULA)}
vendor:
  name: {_yaml(CSS_HTTP + CSS_FILE)}
personal_data:
  processed: true
""", encoding="utf-8")
    rules = root / "rules"
    rules.mkdir()
    (rules / "hostile.yaml").write_text(f"""
ruleset:
  id: test.hostile
  version: 1.0.0
  title: {{sv: Fientliga regler, en: Hostile rules}}
  owner: secreview tests
  date: 2026-11-26
  aspect: gdpr
rules:
  - id: test.hostile_message
    title: {{sv: {_yaml("Titel " + IMG)}, en: {_yaml("Title " + IMG)}}}
    message: {{sv: {_yaml("Meddelande " + ALL + " {vendor.name}")}, en: {_yaml("Message " + ALL)}}}
    remediation: {{sv: {_yaml(FORMULA)}, en: {_yaml(FORMULA)}}}
    references: [{{source: {_yaml(CSS_FILE)}, clause: "Art. 1"}}]
    consequence: 3
    likelihood: 3
    finding_if: {{fact: personal_data.processed, eq: true}}
  - id: test.hostile_waived
    title: {{sv: Undantagen, en: Waived}}
    message: {{sv: Undantagen brist., en: Waived finding.}}
    remediation: {{sv: Gör något., en: Do something.}}
    references: [{{source: GDPR}}]
    consequence: 2
    likelihood: 2
    finding_if: {{fact: personal_data.processed, eq: true}}
""", encoding="utf-8")
    (root / "waivers.yaml").write_text(f"""
waivers:
  - rule: test.hostile_waived
    justification: {_yaml("Motivering " + ALL)}
    accepted_by: {{name: {_yaml(IMG)}, role: {_yaml(LINK)}}}
    accepted_on: 2026-11-01
    expires: 2027-11-01
""", encoding="utf-8")
    return review_file(root / "system.yaml", [rules], None, root / "waivers.yaml",
                       dt.date(2026, 11, 26), "sv")


def test_the_fixture_carries_the_payloads(hostile: Review) -> None:
    assert hostile.system.name == IMG + LINK
    assert any(f.status == "waived" for f in hostile.findings)
    assert any(IMG in f.message.sv for f in hostile.findings)


def test_html_escapes_every_payload(hostile: Review) -> None:
    html = render_html(hostile, "sv")
    for dangerous in ("<img src=\"file", "<link rel=attachment", "<style>body{background",
                      "<div style=\"background:url(file"):
        assert dangerous not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert html.count("<img") == 0  # no logo given, so no image at all
    assert "<link" not in html
    assert html.count("<style>") == 1  # ours only


def test_markdown_escapes_every_payload(hostile: Review) -> None:
    text = render_markdown(hostile, "sv")
    assert "<img" not in text and "<link" not in text and "<style" not in text
    assert not re.search(r"(?<!\\)\]\(", text)  # no link or image syntax survives
    assert not re.search(r"(?<!\\)!\[", text)
    assert "&lt;img src=\"file:///etc/passwd\"&gt;" in text
    assert "\\[click\\]" in text


def test_csv_neutralises_formulas(hostile: Review) -> None:
    rows = list(csv.reader(io.StringIO(render_csv(hostile, "sv").lstrip("\ufeff")),
                           delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'" + FORMULA in cells


@pytest.mark.slow
def test_pdf_reads_and_fetches_nothing(hostile: Review) -> None:
    from secreview.report.pdf import make_fetcher, render_pdf

    fetcher = make_fetcher()
    data = render_pdf(hostile, "sv", fetcher=fetcher)
    assert fetcher.refused == []
    assert all(url.endswith(".ttf") and "/report_templates/fonts/" in url
               for url in fetcher.served)
    reader = PdfReader(io.BytesIO(data))
    assert list(reader.attachments) == ["review.json"]
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    assert PASSWD_MARKER not in text
    assert PASSWD_MARKER.encode() not in data
    # The payloads are shown as the text they are.
    assert "".join(IMG.split()) in text
    assert "background:url(http://127.0.0.1:9/x)" in text


@pytest.mark.slow
def test_fetcher_refuses_everything_not_bundled_even_in_raw_html(tmp_path: Path) -> None:
    """Defence in depth: if escaping ever failed, the fetcher still refuses the payloads."""
    from weasyprint import HTML

    from secreview.report.pdf import make_fetcher

    fetcher = make_fetcher()
    raw = (f"<html><head>{LINK}<link rel=stylesheet href='http://127.0.0.1:9/s.css'></head>"
           f"<body>{IMG}<div style='background:url(http://127.0.0.1:9/x)'>a</div>"
           "<div style='background:url(file:///etc/passwd)'>b</div>"
           "<img src='data:image/png;base64,iVBORw0KGgo='>"
           "<img src='fonts/../../pyproject.toml'></body></html>")
    base = Path(__file__).resolve().parent.parent / "report_templates"
    data = HTML(string=raw, base_url=base.as_uri() + "/", url_fetcher=fetcher).write_pdf()
    assert PASSWD_MARKER.encode() not in data
    refused = " ".join(fetcher.refused)
    for url in ("file:///etc/passwd", "http://127.0.0.1:9/x", "http://127.0.0.1:9/s.css",
                "data:image/png", "pyproject.toml"):
        assert url in refused
    assert fetcher.served == []
