"""The questionnaire template: every fact asked, routing first, and the untouched file reviews."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from fast_yaml import safe_load
from reviewers import bundled_reviewer
from secreview.api import Reviewer, review_file
from secreview.cli import main
from secreview.facts import NOT_FACTS, core_facts
from secreview.i18n import Lang
from secreview.questionnaire import ROUTING, SECTIONS, section_of
from secreview.routing import routing_hint
from secreview.system import SystemDescription


def _leaf_paths(data: object, prefix: str = "") -> set[str]:
    if isinstance(data, dict) and data:
        paths: set[str] = set()
        for key, value in data.items():
            paths |= _leaf_paths(value, f"{prefix}{key}.")
        return paths
    return {prefix.rstrip(".")}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_fact_is_an_empty_key(mini_rules: Path, lang: str) -> None:
    text = Reviewer(rules=[mini_rules], lang=lang).questionnaire()  # type: ignore[arg-type]
    data = safe_load(text)
    answerable = {p for p in core_facts() if not p.startswith("derived.")}
    assert _leaf_paths(data) == answerable | {"extensions.cloud_exit_tested"}
    assert all(value is None for value in safe_load(text)["system"].values())


def test_first_line_is_the_schema_hint(mini_rules: Path) -> None:
    text = Reviewer(rules=[mini_rules]).questionnaire("../docs/schemas/system.schema.json")
    assert text.splitlines()[0] == \
        "# yaml-language-server: $schema=../docs/schemas/system.schema.json"


def test_routing_questions_come_first_and_lead_their_sections(mini_rules: Path) -> None:
    text = Reviewer(rules=[mini_rules], lang="en").questionnaire()
    first_key = next(i for i, line in enumerate(text.splitlines()) if line.endswith(":")
                     and not line.startswith("#"))
    header = "\n".join(text.splitlines()[:first_key])
    for path in ROUTING:
        assert path in header
    assert "START HERE" in header and "→ If false (no): the rest of the Personal" in header
    data = safe_load(text)
    assert next(iter(data["personal_data"])) == "processed"
    assert list(data["users"])[:2] == ["children", "pupils"]
    assert next(iter(data["hosting"])) == "deployment"
    assert next(iter(data["ai"])) == "used"


def test_questions_values_and_why_are_in_the_comments(mini_rules: Path) -> None:
    sv = Reviewer(rules=[mini_rules], lang="sv").questionnaire()
    assert "Behandlas personuppgifter i systemet" in sv
    assert "Svar: ett av: saas\u00a0— molntjänst (SaaS); paas\u00a0— plattform som" in sv
    assert "Varför:" in sv and "GDPR art. 28.3" in sv
    assert "Har exit testats?" in sv and "test.mini" in sv
    en = Reviewer(rules=[mini_rules], lang="en").questionnaire()
    assert "Answer: true (yes) or false (no)" in en
    assert "a list of country codes" in en


def _unwrapped(text: str) -> str:
    """The template's comments as running text: a wrapped comment line (indented past its
    first) continues the one above."""
    return re.sub(r"\n *# {5,}", " ", text)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_routing_hint_says_what_to_write(mini_rules: Path, lang: Lang) -> None:
    """The file is filled in by writing YAML, so each routing hint, in the start-here list and
    at its question, names the value to write (`false`, `on_premises`) beside its meaning."""
    from secreview.routing import routing

    text = _unwrapped(Reviewer(rules=[mini_rules], lang=lang).questionnaire())
    condition = {"sv": "Om", "en": "If"}[lang]
    for entry in routing().entries:
        hint = routing_hint(entry.fact, lang, "yaml")
        assert text.count(f"→ {hint}\n") == 2, hint
        written = {True: "true", False: "false"}.get(entry.answer, entry.answer)
        assert re.match(f"{condition} {re.escape(written)}[ \u00a0]", hint), hint


def test_every_top_level_key_has_a_section() -> None:
    covered = {key for _, keys in SECTIONS for key in keys}
    model = set(SystemDescription.model_fields) - set(NOT_FACTS)
    assert covered == model
    assert section_of("derived.dpia_required") == "dpia_screening"
    assert section_of("extensions.x") == "extensions"


def test_untouched_template_reviews_as_incomplete(tmp_path: Path, mini_rules: Path) -> None:
    file = tmp_path / "system.yaml"
    file.write_text(Reviewer(rules=[mini_rules]).questionnaire(), encoding="utf-8")
    assert review_file(file, [mini_rules]).decision.outcome == "incomplete"


def test_untouched_template_with_bundled_rulesets_is_incomplete(tmp_path: Path) -> None:
    file = tmp_path / "system.yaml"
    file.write_text(bundled_reviewer().questionnaire(), encoding="utf-8")
    review = bundled_reviewer().review(file)
    assert review.decision.outcome == "incomplete"
    assert review.questions


def test_cli_init_writes_and_refuses_to_overwrite(tmp_path: Path, mini_rules: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "new.yaml"
    args = ["init", "-o", str(target), "--rules", str(mini_rules), "--lang", "en"]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    written = target.read_text(encoding="utf-8")
    assert written.startswith("# yaml-language-server: $schema=")
    again = runner.invoke(main, args)
    assert again.exit_code == 2
    assert "already exists" in again.output
    assert target.read_text(encoding="utf-8") == written
    forced = runner.invoke(main, [*args, "--force", "--schema", "https://example.org/s.json"])
    assert forced.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=https://example.org/s.json")


def test_cli_init_prints_to_stdout_in_the_profile_language() -> None:
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0
    assert "Frågeformulär" in result.output
    assert result.output.startswith("# yaml-language-server: $schema=docs/schemas/")


EXTENDED = Path(__file__).parent / "fixtures" / "extended"


def test_extension_facts_have_their_place_help_bounds_labels_and_routing() -> None:
    text = Reviewer(rules=[EXTENDED], lang="en").questionnaire()
    lines = text.splitlines()
    # asked in the extensions block, under the heading of the section they belong to, and the
    # contract section points there
    heading = next(i for i, line in enumerate(lines) if line.startswith("# --- ")
                   or line.startswith("  # --- "))
    assert "Contract" in lines[heading]
    assert any("stand under 'extensions:' in section" in line and "last_audit" in line
               for line in lines)
    assert "#   Answer: a whole number from 0 to 50" in text
    assert "→ Answer only when: {fact: extensions.last_audit, exists: true}" in text
    # asked per integration, with the declared labels and help
    item = text.index("tls_version:  # Which TLS version does the integration use?")
    assert "1.0\u00a0— TLS 1.0" in text[item:item + 200]
    assert "Help: See the vendor's technical description." in text
    data = safe_load(text)
    assert set(data["extensions"]) == {"last_audit", "audit_findings"}


def test_extension_questions_are_grouped_in_their_declared_section() -> None:
    from secreview.rules.loader import load_catalog

    catalog = load_catalog([EXTENDED])
    assert section_of("extensions.last_audit", catalog) == "contract"
    assert section_of("extensions.audit_findings", catalog) == "extensions"
    assert section_of("integrations.extensions.tls_version", catalog) == "integrations"
