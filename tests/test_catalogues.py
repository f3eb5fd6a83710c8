"""External catalogues: CISO Assistant libraries and OSCAL catalogs read, coverage per
requirement from rules' own 'satisfies' and from mapping files, and a review per requirement."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.api import Reviewer
from secreview.catalogues.coverage import catalogue_coverage
from secreview.catalogues.read import load_catalogue
from secreview.catalogues.view import with_catalogue
from secreview.cli import main
from secreview.errors import InputError
from secreview.report.coverage import coverage_markdown, coverage_text

HERE = Path(__file__).resolve().parent / "fixtures" / "catalogues"
CISO = HERE / "ciso-library.yaml"
OSCAL = HERE / "oscal-catalog.json"
OWN = HERE / "own-rules.yaml"
MAPPING = HERE / "mini-oscal.mapping.yaml"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def table(report: object) -> list[tuple[str, str, list[str]]]:
    return [(r.ref_id, r.status, [f"{c.rule_id}:{c.extent}" for c in r.rules])
            for r in report.requirements]  # type: ignore[attr-defined]


def test_a_ciso_assistant_library_is_read() -> None:
    catalogue = load_catalogue(CISO)
    assert catalogue.format == "ciso-assistant"
    assert catalogue.ids == ("urn:test:risk:framework:mini-guide", "mini-guide",
                             "urn:test:risk:library:mini-guide")
    assessable = [r.ref_id for r in catalogue.requirements if r.assessable]
    assert assessable == ["1.1", "1.2", "1.3", "2.1", "2.2", "node8"]
    assert catalogue.find("1.2").description == "Every user, not only administrators."  # type: ignore[union-attr]


def test_coverage_of_a_ciso_library_from_the_rules_own_satisfies() -> None:
    report = catalogue_coverage(CISO, rules=[OWN])
    assert table(report) == [
        ("1.1", "covered", ["kommun.mfa_admins:full"]),
        ("1.2", "partly_covered", ["kommun.mfa_admins:partial"]),
        ("1.3", "not_covered", []),
        ("2.1", "covered", ["kommun.processor_agreement:full"]),
        ("2.2", "not_covered", []),
        ("node8", "not_covered", []),
    ]
    assert report.summary.model_dump() == {"requirements": 6, "covered": 2,
                                           "partly_covered": 1, "not_covered": 3,
                                           "out_of_scope": 0}
    assert report.requirements[0].section == "1 Authentication"
    assert report.warnings == []


def test_an_oscal_catalog_is_read_groups_within_groups_and_enhancements() -> None:
    catalogue = load_catalogue(OSCAL)
    assert catalogue.format == "oscal"
    assert catalogue.ids == ("0b9c1f6e-1d2a-4d7e-9c3b-5a8f2e6d4c10", "mini-oscal")
    by_ref = {r.ref_id: r for r in catalogue.requirements}
    assert by_ref["AC-2"].description == "Review accounts [Assignment: frequency]."
    assert by_ref["AC-2(1)"].parent == "ac-2" and by_ref["AC-2(1)"].assessable
    assert not by_ref["AC-5"].assessable  # withdrawn
    assert by_ref["SC-8"].description == "a. Protect transmitted information."
    assert by_ref["sc-28"].parent == "sc-crypto"  # no label: cited by its id


def test_coverage_of_an_oscal_catalog_from_a_mapping_file() -> None:
    report = catalogue_coverage(OSCAL, mappings=[MAPPING])
    assert table(report) == [
        ("AC-2", "partly_covered", ["access_control.access_review:partial"]),
        ("AC-2(1)", "out_of_scope", []),
        ("SC-8", "covered", ["classification.encryption_in_transit:full"]),
        ("sc-28", "not_covered", []),
    ]
    assert report.requirements[1].reason is not None
    assert report.requirements[2].section == "sc-crypto Cryptography"


def test_links_that_cannot_be_made_are_located_warnings(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("catalogue: mini-oscal\nrules:\n  access_control.access_reveiw:\n"
                       "    - {ref: AC-2}\n  access_control.role_based:\n    - {ref: AC-3}\n"
                       "    - {ref: ac}\n", encoding="utf-8")
    report = catalogue_coverage(OSCAL, mappings=[mapping])
    assert len(report.warnings) == 3
    assert "rule 'access_control.access_reveiw', which is not loaded" in report.warnings[0]
    assert "did you mean 'access_control.access_review'?" in report.warnings[0]
    assert "m.yaml:6:" in report.warnings[1] and "'AC-3' is not a requirement" in \
        report.warnings[1]
    assert "'ac' is a heading" in report.warnings[2]


def test_a_mapping_for_another_catalogue_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        catalogue_coverage(CISO, mappings=[MAPPING])
    (problem,) = caught.value.problems
    assert "for catalogue 'mini-oscal', not for 'Mini security guide'" in problem.message
    assert problem.line == 1


@pytest.mark.parametrize(("text", "message"), [
    ("objects: {}\n", "needs one framework under 'objects.framework'"),
    ("objects:\n  framework: {urn: u, requirement_nodes: [{ref_id: a}]}\n",
     "a requirement node needs a 'urn'"),
    ('{"catalog": {"groups": [{"id": "g", "controls": [{"title": "no id"}]}]}}',
     "an OSCAL control needs an 'id'"),
    ("rules: []\n", "not a requirement catalogue"),
])
def test_a_broken_catalogue_is_one_clear_located_problem(tmp_path: Path, text: str,
                                                         message: str) -> None:
    file = tmp_path / ("c.json" if text.startswith("{") else "c.yaml")
    file.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_catalogue(file)
    (problem,) = caught.value.problems
    assert message in problem.message and problem.line is not None


def test_the_bundled_nist_subset_and_its_mapping() -> None:
    report = catalogue_coverage("nist-sp800-53r5-subset")
    assert report.catalogue.source == "bundled:nist-sp800-53r5-subset.json"
    assert report.catalogue.mappings == ["bundled:nist-sp800-53r5-subset.mapping.yaml"]
    assert report.summary.requirements == 43
    assert report.warnings == []
    statuses = {r.ref_id: r.status for r in report.requirements}
    assert statuses["IA-2(1)"] == "covered" and statuses["AC-1"] == "out_of_scope"
    assert statuses["CM-8"] == "not_covered"
    # and the same mapping applies to any catalog with NIST SP 800-53 Rev. 5's document id
    assert "10.6028/NIST.SP.800-53r5" in report.catalogue.ids


def test_text_and_markdown_tables_in_both_languages() -> None:
    report = catalogue_coverage(CISO, rules=[OWN])
    text = coverage_text(report, "sv")
    assert "6 krav att bedöma: 2 täckta, 1 delvis täckt, 3 inte täckta" in text
    assert "kommun.mfa_admins (delvis)" in text
    markdown = coverage_markdown(report, "en")
    assert "| 1\\.2 | Users use multi-factor authentication | partly covered |" in markdown
    assert "Staff are trained every year." in markdown  # a node without a name shows its text


def test_cli_rules_coverage_json_is_the_model() -> None:
    from secreview.catalogues.coverage import CoverageReport

    result = CliRunner().invoke(main, ["rules", "coverage", str(CISO), "--rules", str(OWN),
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [r["ref_id"] for r in data["requirements"]][:2] == ["1.1", "1.2"]
    assert data["summary"]["covered"] == 2
    CoverageReport.model_validate(data)


def test_cli_rules_coverage_unknown_catalogue_is_exit_2() -> None:
    result = CliRunner().invoke(main, ["rules", "coverage", "nist-sp800-53r5"])
    assert result.exit_code == 2
    assert "did you mean 'nist-sp800-53r5-subset'?" in result.output


def test_a_review_per_requirement_of_a_catalogue() -> None:
    reviewer = Reviewer(rules=[OWN])
    review = reviewer.review(
        {"personal_data": {"processed": True}, "access": {"mfa_admins": False}},
        dt.date(2026, 11, 26))
    review = with_catalogue(review, reviewer.catalog, CISO)
    view = review.catalogue
    assert view is not None
    results = {r.ref_id: r.result for r in view.requirements}
    assert results == {"1.1": "not_met", "1.2": "not_met", "1.3": "not_assessed",
                       "2.1": "unverified", "2.2": "not_assessed", "node8": "not_assessed"}
    assert view.counts["not_met"] == 2
    again = type(review).model_validate_json(review.to_json())
    assert again == review
    text = reviewer.render(review, "text", "en")
    assert "PER REQUIREMENT OF MINI SECURITY GUIDE" in text
    assert "- 1.1 Administrators use multi-factor authentication · not met" in text
    assert "| `2.1` | A data processing agreement is signed | unverified | R2 |" in str(
        reviewer.render(review, "md", "en"))
    html = str(reviewer.render(review, "html", "en"))
    assert "Annex G. Per requirement of Mini security guide" in html


def test_met_needs_a_rule_that_satisfies_the_requirement_fully() -> None:
    reviewer = Reviewer(rules=[OWN])
    review = reviewer.review({"personal_data": {"processed": False},
                              "access": {"mfa_admins": True}}, dt.date(2026, 11, 26))
    view = with_catalogue(review, reviewer.catalog, CISO).catalogue
    assert view is not None
    results = {r.ref_id: r.result for r in view.requirements}
    assert results["1.1"] == "met"
    assert results["1.2"] == "partly_assessed"  # only a partial rule passed
    assert results["2.1"] == "not_applicable"


@pytest.mark.slow
def test_cli_review_with_a_catalogue() -> None:
    result = CliRunner().invoke(main, ["review", str(EXAMPLES / "school-platform.yaml"),
                                       "--catalogue", "nist-sp800-53r5-subset", "--format",
                                       "json"])
    assert result.exit_code == 0, result.output
    view = json.loads(result.output)["catalogue"]
    assert view["counts"]["not_met"] >= 1
    assert {r["result"] for r in view["requirements"]} >= {"not_met", "out_of_scope"}
    result = CliRunner().invoke(main, ["review", str(EXAMPLES / "school-platform.yaml"),
                                       "--mapping", str(MAPPING)])
    assert result.exit_code == 2 and "--mapping needs --catalogue" in result.output


def test_rules_show_lists_what_a_rule_satisfies() -> None:
    result = CliRunner().invoke(main, ["rules", "show", "kommun.mfa_admins", "--rules", str(OWN)])
    assert result.exit_code == 0
    assert "Satisfies catalogue requirements:\n    - urn:test:risk:framework:mini-guide 1.1\n" \
           "    - mini-guide 1.2 (partly)\n" in result.output


@pytest.mark.parametrize(("n", "sv", "en"), [
    (1, "1 krav att bedöma: 1 täckt, 1 delvis täckt, 1 inte täckt, "
        "1 utanför en systemgranskning",
     "1 requirement to assess: 1 covered, 1 partly covered, 1 not covered, 1 out of scope"),
    (2, "2 krav att bedöma: 2 täckta, 2 delvis täckta, 2 inte täckta, "
        "2 utanför en systemgranskning",
     "2 requirements to assess: 2 covered, 2 partly covered, 2 not covered, 2 out of scope"),
])
def test_the_coverage_summary_agrees_with_each_count(n: int, sv: str, en: str) -> None:
    report = catalogue_coverage(CISO, rules=[OWN])
    counted = report.model_copy(update={"summary": report.summary.model_copy(update={
        name: n for name in report.summary.model_dump()})})
    assert coverage_text(counted, "sv").splitlines()[1] == sv
    assert en in coverage_text(counted, "en").splitlines()[1]


@pytest.mark.parametrize(("n", "sv", "en"), [
    (1, "1 ej uppfyllt, 1 overifierat, 1 uppfyllt, 1 delvis bedömt, 1 ej tillämpligt, "
        "1 inte bedömt (inga regler), 1 utanför en systemgranskning",
     "1 not met, 1 unverified, 1 met, 1 partly assessed, 1 not applicable, "
     "1 not assessed (no rules), 1 out of scope for a system review"),
    (2, "2 ej uppfyllda, 2 overifierade, 2 uppfyllda, 2 delvis bedömda, 2 ej tillämpliga, "
        "2 inte bedömda (inga regler), 2 utanför en systemgranskning",
     "2 not met, 2 unverified, 2 met, 2 partly assessed, 2 not applicable, "
     "2 not assessed (no rules), 2 out of scope for a system review"),
])
def test_the_report_counts_per_requirement_agree_with_each_count(n: int, sv: str,
                                                                 en: str) -> None:
    reviewer = Reviewer(rules=[OWN])
    review = with_catalogue(reviewer.review({"personal_data": {"processed": True}},
                                            dt.date(2026, 11, 26)), reviewer.catalog, CISO)
    assert review.catalogue is not None
    view = review.catalogue.model_copy(update={"counts": dict.fromkeys(review.catalogue.counts,
                                                                       n)})
    counted = review.model_copy(update={"catalogue": view})
    for lang, expected in (("sv", sv), ("en", en)):  # the text report wraps its lines
        assert expected in " ".join(str(reviewer.render(counted, "text", lang)).split())
