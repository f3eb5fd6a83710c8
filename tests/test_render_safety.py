"""Hostile text in EVERY text field that can reach a report is shown as text, in every format.

``test_report_safety.py`` (the renderers' own tests) covers a hand-picked set of fields. This test
is systematic: every string fact of the system model (taken from the fact catalogue, so a new
field is covered without editing the test), every text of a ruleset (titles, messages with
placeholders, remediation, references, mitigations, aspects, extension-fact questions), every text
of a profile (organisation, matrix, levels, decision reasons) and of a waiver (justification,
people) carries a payload with script, image, link, CSS ``url()`` and spreadsheet-formula parts
and a unique marker. Each format is then checked for markup that came from a payload.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from fast_yaml import safe_load
from secreview.api import review_file
from secreview.facts import FactSpec, core_facts
from secreview.report import FORMATS, render
from secreview.review import Review

PAYLOAD = ('<script>alert(1)</script><img src="file:///etc/passwd">[x](http://127.0.0.1:9/m)'
           '![i](file:///etc/passwd)<b style="background:url(http://127.0.0.1:9/c)">b</b>')
PREFIXES = ('=HYPERLINK("http://127.0.0.1:9/x")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3",
            "\t=1+1", "")
PASSWD_MARKER = "root:x:0:0"


class Payloads:
    """Hands out hostile strings, each with a unique marker, and remembers where each went."""

    def __init__(self) -> None:
        self.where: dict[str, str] = {}

    def __call__(self, field: str, limit: int = 200) -> str:
        marker = f"Q{len(self.where):03d}Q"
        prefix = PREFIXES[len(self.where) % len(PREFIXES)]
        self.where[marker] = field
        return (prefix + PAYLOAD)[: limit - len(marker) - 1] + " " + marker


def _item(spec: FactSpec, hostile: Payloads, path: str) -> Any:
    if "countr" in path:
        return None  # ISO country codes: the model allows only two capital letters
    if spec.kind == "string":
        return hostile(path)
    if spec.kind == "list" and spec.item_kind == "string":
        return [hostile(path)]
    if spec.kind == "enum" and spec.allowed:
        return spec.allowed[0]
    if spec.kind == "objects":
        item = {name: _item(sub, hostile, f"{path}[].{name}")
                for name, sub in spec.item_facts.items()}
        return [{k: v for k, v in item.items() if v is not None}]
    return None


def hostile_system(hostile: Payloads) -> dict[str, Any]:
    """Every string fact of the model, and a string extension fact, set to a payload."""
    data: dict[str, Any] = {"personal_data": {"processed": True},
                            "extensions": {"hostile_note": hostile("extensions.hostile_note")}}
    for path, spec in sorted(core_facts().items()):
        if path.startswith("derived.") or spec.kind not in ("string", "list", "objects"):
            continue
        value = _item(spec, hostile, path)
        if value is None:
            continue
        *parents, name = path.split(".")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[name] = value
    return data


def _text(hostile: Payloads, field: str) -> dict[str, str]:
    return {"sv": hostile(field + ".sv"), "en": hostile(field + ".en")}


def hostile_ruleset(hostile: Payloads) -> dict[str, Any]:
    def rule(rule_id: str, finding_if: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {
            "id": rule_id, "aspect": "hostile", "title": _text(hostile, f"{rule_id}.title"),
            "message": {"sv": "{vendor.name} " + hostile(f"{rule_id}.message.sv", 150),
                        "en": "{system.name} " + hostile(f"{rule_id}.message.en", 150)},
            "remediation": _text(hostile, f"{rule_id}.remediation"),
            "references": [{"source": hostile(f"{rule_id}.reference.source"),
                            "clause": hostile(f"{rule_id}.reference.clause")}],
            "consequence": 3, "likelihood": 3, "finding_if": finding_if, **extra,
        }

    processed = {"fact": "personal_data.processed", "eq": True}
    return {
        "ruleset": {"id": "test.hostile", "version": "1.0.0",
                    "title": _text(hostile, "ruleset.title"),
                    "owner": hostile("ruleset.owner"), "date": dt.date(2026, 11, 26),
                    "aspect": "hostile", "description": _text(hostile, "ruleset.description")},
        "aspects": [{"id": "hostile", "title": _text(hostile, "aspect.title")}],
        "facts": [
            {"name": "hostile_note", "type": "string", "question": _text(hostile, "fact.question"),
             "why": _text(hostile, "fact.why")},
            {"name": "hostile_unknown", "type": "bool",
             "question": _text(hostile, "unknown.question")},
        ],
        "rules": [
            rule("test.hostile_finding", processed, mitigations=[{
                "id": "hostile_mitigation", "when": processed, "lowers": "likelihood",
                "title": _text(hostile, "mitigation.title")}]),
            rule("test.hostile_waived", processed),
            rule("test.hostile_unknown", {"fact": "extensions.hostile_unknown", "eq": False}),
            rule("test.hostile_pass", {"fact": "personal_data.processed", "eq": False}),
        ],
    }


def hostile_profile(hostile: Payloads) -> dict[str, Any]:
    bundled = Path(__file__).resolve().parent.parent / "rulesets" / "profiles"
    profile: dict[str, Any] = safe_load((bundled / "se-municipality.yaml").read_text("utf-8"))
    profile["profile"]["title"] = _text(hostile, "profile.title")
    profile["organisation"]["name"] = hostile("organisation.name")
    matrix = profile["matrix"]
    matrix["title"] = _text(hostile, "matrix.title")
    for axis in ("likelihood", "consequence"):
        for index, step in enumerate(matrix[axis]):
            step["label"] = _text(hostile, f"matrix.{axis}.{index}.label")
            step["description"] = _text(hostile, f"matrix.{axis}.{index}.description")
    for level in matrix["levels"]:
        level["label"] = _text(hostile, f"level.{level['id']}.label")
    for clause in profile["decision"]["clauses"]:
        clause["reason"] = _text(hostile, f"clause.{clause['id']}.reason")
    profile["decision"]["default_reason"] = _text(hostile, "decision.default_reason")
    profile["tailoring"] = {"include_bundled": False}
    return profile


def hostile_waivers(hostile: Payloads) -> dict[str, Any]:
    return {"waivers": [{
        "rule": "test.hostile_waived", "justification": hostile("waiver.justification"),
        "accepted_by": {"name": hostile("waiver.accepted_by.name"),
                        "role": hostile("waiver.accepted_by.role")},
        "risk_owner": {"name": hostile("waiver.risk_owner.name"),
                       "role": hostile("waiver.risk_owner.role")},
        "accepted_on": dt.date(2026, 11, 1), "expires": dt.date(2027, 11, 1),
    }]}


@pytest.fixture(scope="module")
def reviews(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Review]:
    root = tmp_path_factory.mktemp("render_safety")
    hostile = Payloads()

    def dump(name: str, data: dict[str, Any]) -> Path:
        path = root / name
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        return path

    system = dump("system.yaml", hostile_system(hostile))
    (root / "rules").mkdir()
    dump("rules/hostile.yaml", hostile_ruleset(hostile))
    profile = dump("profile.yaml", hostile_profile(hostile))
    waivers = dump("waivers.yaml", hostile_waivers(hostile))
    return {lang: review_file(system, [root / "rules"], profile, waivers,
                              dt.date(2026, 11, 26), lang)  # type: ignore[arg-type]
            for lang in ("sv", "en")}


def test_the_review_carries_payloads_from_every_document(reviews: dict[str, Review]) -> None:
    review = reviews["sv"]
    statuses = {f.rule_id: f.status for f in review.findings}
    assert statuses["test.hostile_waived"] == "waived"
    assert statuses["test.hostile_unknown"] == "unknown"
    assert PAYLOAD[:40] in review.profile.organisation
    assert PAYLOAD[:40] in review.system.name  # type: ignore[operator]
    assert any(PAYLOAD[:40] in f.message.sv for f in review.findings)
    # The message placeholder pulled a hostile fact value in as well.
    assert any(f.message.sv.count("<script>") == 2 for f in review.findings)


class _Markup(HTMLParser):
    """Collects the real tags and attributes of an HTML document, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [f"{name}={value}" for name, value in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_html_has_no_markup_from_input(reviews: dict[str, Review], lang: str) -> None:
    html = render(reviews[lang], "html", lang)  # type: ignore[arg-type]
    assert isinstance(html, str)
    markup = _Markup()
    markup.feed(html)
    assert "script" not in markup.tags
    assert "b" not in markup.tags  # the payload's <b style=...>
    assert markup.tags.count("img") == 0  # no logo configured
    # Text may sit in a harmless attribute (<meta content=...>, title=...), escaped; but no
    # attribute that loads or runs something may carry input, and no event handler exists.
    loading = [a for a in markup.attributes
               if a.split("=", 1)[0] in ("src", "href", "style", "srcset", "action", "data",
                                         "background", "poster", "xlink:href")
               and re.search(r"file:|127\.0\.0\.1|javascript:|url\(", a)]
    assert loading == []
    assert not [a for a in markup.attributes if a.startswith("on")]
    text = "".join(markup.text)
    # The payloads are there, as text: the organisation name, the system, rules, waivers.
    assert text.count('<img src="file:///etc/passwd">') >= 10


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_markdown_has_no_markup_or_links_from_input(reviews: dict[str, Review],
                                                    lang: str) -> None:
    text = render(reviews[lang], "md", lang)  # type: ignore[arg-type]
    assert isinstance(text, str)
    assert "<script" not in text and "<img" not in text and "<b style" not in text
    assert not re.search(r"(?<!\\)\]\(", text), "a link or image survived"
    assert not re.search(r"(?<!\\)!\[", text)
    assert text.count("Q0") >= 10  # markers made it into the document


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_csv_has_no_formula_cells(reviews: dict[str, Review], lang: str) -> None:
    data = render(reviews[lang], "csv", lang)  # type: ignore[arg-type]
    assert isinstance(data, str)
    rows = list(csv.reader(io.StringIO(data.lstrip("\ufeff")), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    neutralised = {cell[1] for cell in cells if cell.startswith("'")}
    assert len(neutralised) >= 2, "the payloads with formula prefixes reached the CSV"


def test_text_and_json_keep_payloads_as_plain_data(reviews: dict[str, Review]) -> None:
    text = render(reviews["en"], "text", "en")
    assert isinstance(text, str)
    assert "\x1b" not in text  # control characters never get past the loader
    assert '<img src="file:///etc/passwd">' in text
    data = json.loads(render(reviews["en"], "json", "en"))
    assert Review.model_validate(data) == reviews["en"]


def test_every_document_format_is_covered() -> None:
    # A new format must be added to this file's checks (pdf is checked below).
    assert set(FORMATS) == {"text", "json", "md", "html", "csv", "pdf"}


@pytest.mark.slow
def test_pdf_fetches_and_reads_nothing(reviews: dict[str, Review]) -> None:
    from pypdf import PdfReader

    from secreview.report.pdf import make_fetcher, render_pdf

    fetcher = make_fetcher()
    data = render_pdf(reviews["sv"], "sv", fetcher=fetcher)
    assert fetcher.refused == []
    assert all(url.endswith(".ttf") and "/report_templates/fonts/" in url
               for url in fetcher.served)
    assert PASSWD_MARKER.encode() not in data
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert PASSWD_MARKER not in text
    assert "Q0" in text
