"""Browsing rules: list, show, and the Markdown/HTML catalogue per aspect."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.cli import main
from secreview.errors import InputError
from secreview.report.rules_docs import render_catalogue, write_catalogue
from secreview.rules.loader import Catalog, load_catalog
from secreview.toolkit.catalogue import catalogue_json, catalogue_table, find_rule, show_rule

RULES = Path(__file__).resolve().parent / "fixtures" / "rule_tests" / "passing"

HOSTILE = """\
ruleset:
  id: hostile
  version: 0.1.0
  title: {sv: "<b>Fientlig</b>", en: "<b>Hostile</b>"}
  owner: tests
  date: 2026-11-26
  aspect: gdpr
rules:
  - id: hostile.script
    title: {sv: "<script>alert(1)</script>", en: "<script>alert(1)</script>"}
    message:
      sv: "[klicka](javascript:alert(1)) & *fet*"
      en: "[click](javascript:alert(1)) & *bold*"
    remediation: {sv: "# Rubrik", en: "# Heading\\n\\n- list"}
    references: [{source: "GDPR <i>", clause: "Art. 5", url: "https://example.org/a b\\"><x>"}]
    consequence: 2
    likelihood: 2
    finding_if: {fact: vendor.name, matches: "```"}
"""


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog([RULES])


def test_list_json_has_the_documented_fields(catalog: Catalog) -> None:
    data = json.loads(catalogue_json(catalog))
    assert [r["id"] for r in data["rules"]] == ["fixture.exit_plan", "fixture.storage_outside_eea"]
    first = data["rules"][0]
    assert first["aspect"] == "integration"
    assert first["title"] == {"sv": "Exitplan saknas", "en": "No exit plan"}
    assert first["references"] == [{"source": "eSam", "clause": "Vägledning exit",
                                    "kind": "guidance"}]
    assert (first["consequence"], first["likelihood"]) == (3, 2)
    assert first["ruleset"] == {"id": "fixture.exit", "version": "1.2.0"}


def test_list_table_in_both_languages(catalog: Catalog) -> None:
    english = catalogue_table(catalog, "en").splitlines()
    assert english[0].split() == ["ID", "Aspect", "C", "L", "Title"]
    assert english[1].split()[:4] == ["fixture.exit_plan", "integration", "3", "2"]
    assert english[-1] == "2 rules"
    swedish = catalogue_table(catalog, "sv")
    assert "Exitplan saknas" in swedish and swedish.rstrip().endswith("2 regler")


def test_show_has_everything_about_a_rule(catalog: Catalog) -> None:
    text = show_rule(find_rule(catalog, "fixture.exit_plan"), catalog, "en")
    for expected in ("fixture.exit_plan", "Ruleset: fixture.exit 1.2.0", "sv: Exitplan saknas",
                     "en: No exit plan", "Consequence: 3 – Significant",
                     "Likelihood: 2 – Limited", "eSam Vägledning exit",
                     "fact: exit.exit_plan", "rehearsed: Exit rehearsed (lowers the likelihood "
                     "by 1)", "Facts tested: exit.exit_plan, extensions.exit_rehearsed",
                     "- no plan: finding"):
        assert expected in text, expected
    swedish = show_rule(find_rule(catalog, "fixture.exit_plan"), catalog, "sv")
    assert "Konsekvens: 3 – Betydande" in swedish


def test_show_unknown_id_suggests_the_closest(catalog: Catalog) -> None:
    with pytest.raises(InputError, match=r"did you mean 'fixture\.exit_plan'"):
        find_rule(catalog, "fixture.exitplan")


def test_docs_have_index_and_one_page_per_aspect(catalog: Catalog) -> None:
    files = render_catalogue(catalog, "en")
    assert list(files) == ["index.html", "index.md", "integration.html", "integration.md"]
    assert "[Integration, ownership and exit](integration.md) (2)" in files["index.md"]
    assert '<a href="integration.html">Integration, ownership and exit</a> (2)' in \
        files["index.html"]
    assert "| fixture.exit | 1.2.0 |" in files["index.md"]
    page = files["integration.md"]
    assert "## Storage outside the EEA" in page
    assert "| 3 – Significant | 3 – Significant |" in page
    assert "- GDPR Art. 44" in page


def test_docs_escape_hostile_rule_texts(tmp_path: Path) -> None:
    (tmp_path / "hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    files = render_catalogue(load_catalog([tmp_path]), "en")
    html = files["gdpr.html"]
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>" not in files["index.html"]
    assert 'href="https://example.org/a b&#34;&gt;&lt;x&gt;"' in html
    markdown = files["gdpr.md"]
    assert "&lt;script&gt;" in markdown and "<script>" not in markdown
    assert "\\[click\\](javascript:alert(1)) &amp; \\*bold\\*" in markdown
    assert "**Remediation:** \\# Heading - list" in markdown
    assert "(https://example.org/a%20b\"%3E%3Cx%3E)" in markdown
    assert "````yaml" in markdown  # the fence outgrows the backticks inside the condition


def test_markdown_escaper_neutralises_blocks_and_markup() -> None:
    from secreview.report.markdown_text import md

    assert md("1. first") == "1\\. first"
    assert md("- item") == "\\- item"
    assert md("a\n\n# b") == "a \\# b"
    assert md("Art. 28(3)") == "Art. 28(3)"


def test_docs_are_deterministic_and_written_atomically(catalog: Catalog,
                                                       tmp_path: Path) -> None:
    first = write_catalogue(catalog, tmp_path / "out", "sv")
    contents = {p.name: p.read_bytes() for p in first}
    write_catalogue(catalog, tmp_path / "out", "sv")
    assert {p.name: p.read_bytes() for p in first} == contents
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(contents)
    assert "Regelkatalog" in contents["index.md"].decode()


def test_docs_refuse_a_file_as_folder(catalog: Catalog, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="expected a folder"):
        write_catalogue(catalog, target)


def test_cli_list_show_docs(tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["rules", "list", "--rules", str(RULES), "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert len(json.loads(listed.output)["rules"]) == 2
    shown = runner.invoke(main, ["rules", "show", "fixture.exit_plan", "--rules", str(RULES)])
    assert shown.exit_code == 0 and "fixture.exit_plan" in shown.output
    unknown = runner.invoke(main, ["rules", "show", "fixture.nope", "--rules", str(RULES)])
    assert unknown.exit_code == 2
    docs = runner.invoke(main, ["rules", "docs", "-o", str(tmp_path / "cat"), "--rules",
                                str(RULES)])
    assert docs.exit_code == 0, docs.output
    assert (tmp_path / "cat" / "index.html").exists()
