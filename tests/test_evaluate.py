"""Evaluation: statuses under Kleene logic, evidence, screening first, extension facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from secreview.engine.evaluate import decide_status, evaluate
from secreview.errors import InputError
from secreview.inputs import check_extensions
from secreview.loading import parse_yaml_text
from secreview.rules.loader import Catalog, load_catalog
from secreview.system import SystemDescription

FIXTURE_RULES = Path(__file__).parent / "fixtures" / "rules"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog([FIXTURE_RULES])


def statuses(catalog: Catalog, data: dict[str, Any]) -> dict[str, str]:
    system = SystemDescription.model_validate(data)
    return {o.rule.id: o.status for o in evaluate(system, catalog).outcomes}


@pytest.mark.parametrize(
    ("applies", "finding", "on_unknown", "expected"),
    [
        (False, None, "unknown", "not_applicable"),
        (True, True, "unknown", "finding"),
        (True, False, "unknown", "pass"),
        (None, False, "unknown", "pass"),
        (None, True, "unknown", "unknown"),
        (True, None, "unknown", "unknown"),
        (True, None, "finding", "finding"),
        (True, None, "pass", "pass"),
    ],
)
def test_decide_status(applies: bool | None, finding: bool | None, on_unknown: str,
                       expected: str) -> None:
    assert decide_status(applies, finding, on_unknown) == expected


def test_empty_description_is_unknown_not_pass(catalog: Catalog) -> None:
    result = statuses(catalog, {})
    assert result["test.processor_agreement"] == "unknown"
    assert result["test.third_country"] == "unknown"
    assert "pass" not in {result[r] for r in ("test.processor_agreement", "test.third_country")}


def test_scope_excludes_rule(catalog: Catalog) -> None:
    result = statuses(catalog, {"personal_data": {"processed": False}})
    assert result["test.processor_agreement"] == "not_applicable"


def test_evidence_names_facts_and_values(catalog: Catalog) -> None:
    system = SystemDescription.model_validate(
        {"personal_data": {"processed": True},
         "contract": {"processor_agreement": {"signed": False}}}
    )
    outcome = next(o for o in evaluate(system, catalog).outcomes
                   if o.rule.id == "test.processor_agreement")
    assert dict(outcome.evidence) == {"personal_data.processed": True,
                                      "contract.processor_agreement.signed": False}


def test_screening_feeds_derived_facts(catalog: Catalog) -> None:
    both = statuses(catalog, {"dpia_screening": {"large_scale": True},
                              "personal_data": {"special_categories": ["health"],
                                                "dpia": {"status": "in_progress"}}})
    assert both["test.dpia_missing"] == "finding"
    one = statuses(catalog, {"dpia_screening": {"large_scale": False},
                             "personal_data": {"special_categories": ["health"]}})
    # one criterion met, one not, and seven that no rule here screens: a DPIA may still be
    # required, so the rule that depends on it is unknown, not out of scope
    assert one["test.dpia_missing"] == "unknown"
    approved = statuses(catalog, {"dpia_screening": {"large_scale": True},
                                  "personal_data": {"special_categories": ["health"],
                                                    "dpia": {"status": "approved"}}})
    assert approved["test.dpia_missing"] == "pass"


def test_mitigations_in_effect_and_unknown(catalog: Catalog) -> None:
    system = SystemDescription.model_validate({"hosting": {"content": {"countries": ["US"]}}})
    outcome = next(o for o in evaluate(system, catalog).outcomes
                   if o.rule.id == "test.third_country")
    assert outcome.status == "finding"
    assert outcome.mitigations_in_effect == ()
    assert outcome.mitigations_unknown == ("keys",)


def test_extension_facts_are_checked(catalog: Catalog) -> None:
    doc = parse_yaml_text("extensions:\n  cloud_exit_testd: true\n", "s.yaml")
    system = SystemDescription.model_validate(doc.data)
    with pytest.raises(InputError) as caught:
        check_extensions(system, doc, catalog)
    assert caught.value.problems[0].suggestion == "did you mean 'cloud_exit_tested'?"
    assert caught.value.problems[0].line == 2
    doc = parse_yaml_text("extensions:\n  cloud_exit_tested: 'yes'\n", "s.yaml")
    with pytest.raises(InputError, match="expected a bool"):
        check_extensions(SystemDescription.model_validate(doc.data), doc, catalog)


def test_evaluation_is_deterministic(catalog: Catalog) -> None:
    data = {"hosting": {"content": {"countries": ["SE", "US"]}},
            "personal_data": {"processed": True}}
    assert statuses(catalog, data) == statuses(catalog, data)


EXTENDED = Path(__file__).parent / "fixtures" / "extended"


@pytest.mark.parametrize(("text", "message", "line"), [
    ("extensions:\n  audit_findings: 51\n", "51 is outside the allowed range (at least 0 and at "
     "most 50)", 2),
    ("extensions:\n  last_audit: soon\n", "expected a date (YYYY-MM-DD)", 2),
    ("integrations:\n  - counterpart: A\n    extensions: {tls_version: '1.4'}\n",
     "'1.4' is not one of 1.0, 1.1, 1.2, 1.3", 3),
    ("integrations:\n  - counterpart: A\n    extensions: {tls_versio: '1.3'}\n",
     "unknown extension fact 'tls_versio'", 3),
])
def test_extension_answers_are_checked_at_the_top_and_per_item(text: str, message: str,
                                                               line: int) -> None:
    catalog = load_catalog([EXTENDED])
    doc = parse_yaml_text(text, "s.yaml")
    with pytest.raises(InputError) as caught:
        check_extensions(SystemDescription.model_validate(doc.data), doc, catalog)
    (problem,) = caught.value.problems
    assert message in problem.message
    assert problem.line == line


def test_a_date_extension_written_as_text_reads_as_a_date() -> None:
    import datetime as dt

    catalog = load_catalog([EXTENDED])
    doc = parse_yaml_text('{"extensions": {"last_audit": "2026-01-31"}}', "s.json")
    system = check_extensions(SystemDescription.model_validate(doc.data), doc, catalog)
    assert system.extensions["last_audit"] == dt.date(2026, 1, 31)
