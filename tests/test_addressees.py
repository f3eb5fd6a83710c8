"""Every question names who answers it, and the municipality's own never reach the vendor."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner

from fast_yaml import safe_load
from reviewers import bundled_reviewer
from secreview.addressees import (
    according_to,
    addressee_name,
    addressee_of,
    catalogue,
    fact_addressee,
)
from secreview.bundled import data_dir
from secreview.cli import main
from secreview.facts import core_facts
from secreview.rules.loader import load_catalog
from secreview.vocabulary import ADDRESSEES

ANSWERABLE = sorted(p for p in core_facts() if not p.startswith("derived."))

MUNICIPALITY_ONLY = (
    "personal_data.dpia.prior_consultation_done", "personal_data.dpia.status",
    "personal_data.dpia.residual_high_risk", "personal_data.article_9_exception",
    "classification.confidentiality", "classification.integrity",
    "classification.availability", "classification.traceability", "classification.done",
    "classification.security_protection", "classification.security_protection_analysis",
    "classification.security_protection_agreement", "hosting.osl_disclosure_assessment",
    "hosting.transfer_impact_assessment", "personal_data.purposes", "system.owner_board",
)


def _raw() -> dict[str, object]:
    raw = safe_load((data_dir() / "addressees.yaml").read_text(encoding="utf-8"))
    assert isinstance(raw, dict)
    return raw


def test_every_answerable_fact_has_exactly_one_addressee() -> None:
    facts = _raw()["facts"]
    assert isinstance(facts, dict)
    assert sorted(set(ANSWERABLE) - set(facts)) == []
    assert sorted(set(facts) - set(ANSWERABLE)) == []
    assert set(facts.values()) <= set(ADDRESSEES)


def test_every_addressee_is_named_in_both_languages() -> None:
    infos = catalogue().addressees
    assert sorted(infos) == sorted(ADDRESSEES)
    for addressee in ADDRESSEES:
        for lang in ("sv", "en"):
            assert addressee_name(addressee, lang)
            assert according_to(addressee, lang).startswith(("enligt", "according to"))
        assert addressee_name(addressee, "sv") != addressee_name(addressee, "en")


def test_the_municipalitys_own_questions_never_go_to_the_vendor() -> None:
    for path in MUNICIPALITY_ONLY:
        assert addressee_of(path) != "vendor", path
    assert addressee_of("vendor.dpf_certified") == "vendor"
    assert addressee_of("hosting.content.countries") == "vendor"


def test_extension_facts_name_their_addressee_or_stay_inside(tmp_path: Path,
                                                             mini_rules: Path) -> None:
    catalog = load_catalog([mini_rules])
    assert fact_addressee("extensions.cloud_exit_tested", catalog) == \
        catalogue().extension_default != "vendor"
    ruleset = (mini_rules / "mini.yaml").read_text(encoding="utf-8").replace(
        '    question: {sv: "Har exit testats?", en: "Has exit been tested?"}\n',
        '    question: {sv: "Har exit testats?", en: "Has exit been tested?"}\n'
        '    addressee: vendor\n')
    (tmp_path / "mini.yaml").write_text(ruleset, encoding="utf-8")
    assert fact_addressee("extensions.cloud_exit_tested",
                          load_catalog([tmp_path / "mini.yaml"])) == "vendor"


def test_a_fact_asked_of_each_item_names_its_addressee_too(fixtures: Path) -> None:
    tls = "integrations.extensions.tls_version"
    assert fact_addressee(tls, load_catalog([fixtures / "exchange" / "labelled.yaml"])) == \
        "vendor"
    assert fact_addressee(tls, load_catalog([fixtures / "extended" / "extended.yaml"])) == \
        catalogue().extension_default
    assert addressee_of(tls) == catalogue().extension_default


def test_review_questions_carry_their_addressee(tmp_path: Path) -> None:
    file = tmp_path / "system.yaml"
    file.write_text(bundled_reviewer().questionnaire(), encoding="utf-8")
    review = bundled_reviewer().review(file)
    assert review.questions
    for question in review.questions:
        assert question.addressee == addressee_of(question.fact)
    assert {q.addressee for q in review.questions} >= {"vendor", "dpo", "information_owner"}


def test_questions_for_the_vendor_list_only_the_vendors(tmp_path: Path) -> None:
    file = tmp_path / "system.yaml"
    file.write_text(bundled_reviewer().questionnaire(), encoding="utf-8")
    runner = CliRunner()
    everyone = runner.invoke(main, ["questions", str(file), "--format", "csv", "--lang", "en"])
    vendor = runner.invoke(main, ["questions", str(file), "--format", "csv", "--lang", "en",
                                  "--for", "vendor"])
    assert everyone.exit_code == vendor.exit_code == 0, vendor.output
    rows = list(csv.reader(io.StringIO(vendor.output.removeprefix("\ufeff")), delimiter=";"))
    facts = [row[6] for row in rows[1:]]
    assert facts and all(addressee_of(f) == "vendor" for f in facts)
    assert not set(MUNICIPALITY_ONLY) & set(facts)
    assert "personal_data.dpia.prior_consultation_done" in everyone.output
    assert rows[0][8:] == ["Answered by", "Comment", "Source: where it is documented"]
    dpo = runner.invoke(main, ["questions", str(file), "--for", "dpo", "--lang", "en"])
    assert dpo.output.startswith("Open questions – Data protection officer:")
    bad = runner.invoke(main, ["questions", str(file), "--for", "vendors"])
    assert bad.exit_code == 2 and "vendor" in bad.output
