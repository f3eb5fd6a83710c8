"""Enumerated fact values read as words: every id has a label, and every report shows the label.

``data/values.yaml`` must cover exactly the allowed values of the core model's enumerated facts,
so a new enum value without a Swedish and an English label fails here rather than reaching a
report as ``in_progress``.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from secreview.api import review_file
from secreview.facts import core_facts
from secreview.i18n import LANGUAGES, Lang, format_fact, value_choices, value_labels
from secreview.report.html import render_html
from secreview.report.jsonout import render_json
from secreview.report.markdown import render_markdown
from secreview.review import Review


def enumerated_facts() -> dict[str, tuple[object, ...]]:
    """Every enumerated core fact (item facts as ``list.field``) with its allowed values."""
    found: dict[str, tuple[object, ...]] = {}
    for path, spec in core_facts().items():
        if spec.allowed:
            found[path] = spec.allowed
        for name, item in spec.item_facts.items():
            if item.allowed:
                found[f"{path}.{name}"] = item.allowed
    return found


def test_every_allowed_value_has_a_label_in_both_languages() -> None:
    labels = value_labels()
    missing = [f"{path}: {value}" for path, allowed in enumerated_facts().items()
               for value in allowed if str(value) not in labels.get(path, {})]
    assert not missing, "values without a label in data/values.yaml: " + ", ".join(missing)
    for values in labels.values():
        for text in values.values():
            assert all(text.get(lang).strip() for lang in LANGUAGES)


def test_catalogue_names_no_fact_or_value_the_model_lacks() -> None:
    enumerated = enumerated_facts()
    unknown_facts = sorted(set(value_labels()) - set(enumerated))
    assert not unknown_facts, f"not an enumerated core fact: {unknown_facts}"
    extra = [f"{path}: {value}" for path, values in value_labels().items()
             for value in values if value not in map(str, enumerated[path])]
    assert not extra, f"not an allowed value: {extra}"


def test_the_enumerations_the_catalogue_was_written_for_are_found() -> None:
    """Guards the discovery: an empty ``enumerated_facts`` would let the tests above pass."""
    enumerated = enumerated_facts()
    assert {"hosting.deployment", "access.staff_eid", "personal_data.purposes.lawful_basis",
            "vendor.certifications.standard", "integrations.direction"} <= set(enumerated)


@pytest.mark.parametrize(("path", "value", "lang", "expected"), [
    ("personal_data.dpia.status", "in_progress", "sv", "pågår"),
    ("personal_data.dpia.status", "in_progress", "en", "in progress"),
    ("hosting.deployment", "saas", "sv", "molntjänst (SaaS)"),
    ("hosting.deployment", "saas", "en", "cloud service (SaaS)"),
    ("personal_data.purposes.lawful_basis", "public_task", "en", "public task (Art. 6(1)(e))"),
    ("access.staff_eid", ["siths", "freja_plus"], "en", "SITHS, Freja eID Plus"),
    ("logging.security_events", [], "sv", "inga"),
    ("personal_data.article_9_exception", None, "en", "unknown"),
    ("access.sso", True, "sv", "ja"),
    ("review.date", dt.date(2026, 11, 26), "en", "2026-11-26"),
])
def test_format_fact(path: str, value: object, lang: Lang, expected: str) -> None:
    assert format_fact(path, value, lang) == expected


def test_free_text_equal_to_an_id_is_not_relabelled() -> None:
    assert format_fact("system.name", "saas", "en") == "saas"
    assert format_fact("personal_data.categories", ["health"], "sv") == "health"
    assert format_fact("extensions.hosting_model", "saas", "sv") == "saas"
    assert format_fact("hosting.deployment", "not_an_id", "en") == "not_an_id"


def test_entries_of_a_list_show_their_name_and_labelled_fields() -> None:
    purposes = [{"purpose": "Betygssättning", "lawful_basis": "public_task",
                 "national_legal_basis": None}]
    assert (format_fact("personal_data.purposes", purposes, "sv")
            == "Betygssättning: allmänt intresse eller myndighetsutövning (art. 6.1 e)")
    certificates = [{"standard": "soc2", "covers_service": True}, {"standard": "c5"}]
    assert (format_fact("vendor.certifications", certificates, "en")
            == "SOC 2 report; BSI C5 (German cloud criteria)")
    unnamed = [{"direction": "both"}]
    assert format_fact("integrations", unnamed, "en") == "direction: both directions"


def test_choices_pair_each_id_with_its_meaning() -> None:
    text = value_choices("hosting.deployment", ("saas", "hybrid"), "en")
    assert text == ("saas\u00a0— cloud service (SaaS); "
                    "hybrid\u00a0— hybrid (partly cloud, partly in-house)")
    assert value_choices("extensions.tier", ("gold", "silver"), "sv") == "gold; silver"


RULESET = """\
ruleset:
  id: test.values
  version: 1.0.0
  title: {sv: Värden, en: Values}
  owner: secreview tests
  date: 2026-11-26
  aspect: supplier
rules:
  - id: test.deployment
    title: {sv: Molntjänst, en: Cloud service}
    message:
      sv: "Driftformen är {hosting.deployment}."
      en: "The deployment is {hosting.deployment}."
    remediation: {sv: Bedöm molntjänsten., en: Assess the cloud service.}
    references: [{source: GDPR, clause: Art. 28}]
    consequence: 4
    likelihood: 4
    finding_if: {fact: hosting.deployment, eq: saas}
    remedy: contract
"""
SYSTEM = """\
system: {name: saas}
hosting: {deployment: saas}
personal_data: {dpia: {status: not_required}}
"""
LABELS = {"sv": "molntjänst (SaaS)", "en": "cloud service (SaaS)"}


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Review:
    folder = tmp_path_factory.mktemp("values")
    (folder / "rules").mkdir()
    (folder / "rules" / "values.yaml").write_text(RULESET, encoding="utf-8")
    (folder / "system.yaml").write_text(SYSTEM, encoding="utf-8")
    return review_file(folder / "system.yaml", [folder / "rules"],
                       review_date=dt.date(2026, 11, 26))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_markdown_shows_the_label_in_message_and_evidence(review: Review, lang: Lang) -> None:
    text = render_markdown(review, lang)
    assert f"? | {LABELS[lang]} |" in text  # the evidence: question, then the answer's label
    sentence = {"sv": "Driftformen är", "en": "The deployment is"}[lang]
    assert f"{sentence} {LABELS[lang]}." in text
    assert f"{sentence} saas." not in text and "| saas |" not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_html_shows_the_label_in_message_and_evidence(review: Review, lang: Lang) -> None:
    html = render_html(review, lang)
    assert f'?</td><td><span class="name">{LABELS[lang]}</span></td>' in html
    assert f"{LABELS[lang]}.</p>" in html
    assert "<td>saas</td>" not in html
    dpia = {"sv": "bedömd som inte nödvändig", "en": "assessed as not required"}[lang]
    assert f"<td>{dpia}</td>" in html and "not_required" not in html


def test_json_keeps_the_ids(review: Review) -> None:
    data = json.loads(render_json(review, "en"))
    (finding,) = [f for f in data["findings"] if f["rule_id"] == "test.deployment"]
    assert {"fact": "hosting.deployment", "value": "saas", "known": True} in finding["evidence"]
    assert data["description"]["hosting"]["deployment"] == "saas"


def test_an_unanswered_placeholder_reads_unknown_in_brackets() -> None:
    """Issue 12 point 10: never "classified Cunknown", always set apart."""
    from secreview.i18n import Text, fill_text

    filled = fill_text(Text(sv="Nivå {classification.confidentiality}, lagras i "
                               "{hosting.content.countries}.",
                            en="Level {classification.confidentiality}, stored in "
                               "{hosting.content.countries}."),
                       {"hosting.content.countries": ["SE", "EU"]})
    assert filled.sv == "Nivå (okänt), lagras i SE, EU."
    assert filled.en == "Level (unknown), stored in SE, EU."
    assert fill_text(Text(sv="{no.such}", en="{no.such}"), {}).en == "{no.such}"


def test_no_bundled_message_glues_a_placeholder_to_a_word() -> None:
    import re

    from secreview.bundled import bundled_ruleset_files
    from secreview.rules.loader import load_catalog

    glued = re.compile(r"\w\{[a-z_.]+\}|\{[a-z_.]+\}\w")
    for rule in load_catalog(bundled_ruleset_files()).rules:
        for text in (rule.rule.message, rule.rule.remediation):
            assert not glued.search(text.sv) and not glued.search(text.en), rule.id
