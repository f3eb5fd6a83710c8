"""End to end through the library: the JSON contract, provenance, determinism, tailoring."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from reviewers import bundled_reviewer
from secreview.api import Reviewer, review_file
from secreview.engine.assemble import build_review
from secreview.errors import InputError
from secreview.i18n import MAX_LINE
from secreview.review import SCHEMA_VERSION, Review

FIXTURES = Path(__file__).parent / "fixtures"
DATE = dt.date(2026, 11, 26)


def mini_review(**kwargs: object) -> Review:
    return review_file(FIXTURES / "system_min.yaml", [FIXTURES / "rules"], review_date=DATE,
                       **kwargs)  # type: ignore[arg-type]


def test_json_contract_minimum() -> None:
    data = json.loads(mini_review().to_json())
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["system"]["name"] == "Lärplattform" and len(data["system"]["sha256"]) == 64
    assert data["rulesets"] == [{"id": "test.mini", "version": "1.0.0",
                                 "sha256": data["rulesets"][0]["sha256"],
                                 "title": {"sv": "Testregler", "en": "Test rules"}}]
    finding = data["findings"][0]
    for key in ("rule_id", "aspect", "status", "title", "evidence", "references", "inherent",
                "residual", "explanation"):
        assert key in finding
    assert set(data["summary"]["statuses"]) == {"finding", "unknown", "waived", "pass",
                                                "not_applicable"}
    assert data["decision"]["outcome"] == "reject"
    assert data["dpia"]["required"] is True
    assert data["profile"]["id"] == "se_municipality"


def test_findings_sorted_worst_first() -> None:
    review = mini_review()
    assert review.findings[0].rule_id == "test.subprocessor_outside"
    statuses = [f.status for f in review.findings]
    assert statuses.index("unknown") > statuses.index("finding")


def test_messages_quote_facts_in_both_languages() -> None:
    finding = next(f for f in mini_review().findings if f.rule_id == "test.processor_agreement")
    assert finding.message.en == "Vendor Acme <script> has no processor agreement."
    assert finding.message.sv == "Leverantören Acme <script> saknar biträdesavtal."


def test_explanation_records_each_step() -> None:
    finding = next(f for f in mini_review().findings if f.rule_id == "test.third_country")
    kinds = [s.kind for s in finding.explanation]
    assert kinds[0] == "default" and kinds[-1] == "matrix"
    assert "scaling_unknown" in kinds and "mitigation_unknown" in kinds


def test_same_inputs_same_json() -> None:
    assert mini_review().to_json() == mini_review().to_json()


def test_review_json_round_trips() -> None:
    review = mini_review()
    assert Review.model_validate_json(review.to_json()) == review


def test_review_date_from_description_and_next_review(tmp_path: Path) -> None:
    system = tmp_path / "s.yaml"
    system.write_text("system:\n  name: X\nreview:\n  date: 2026-01-31\n", encoding="utf-8")
    review = review_file(system, [FIXTURES / "rules"])
    assert review.review_date == dt.date(2026, 1, 31)
    assert review.next_review == dt.date(2027, 1, 31)


def test_language_override_and_profile() -> None:
    assert mini_review(lang="en").language == "en"
    assert mini_review(profile="generic").language == "en"


def test_unanswered_description_is_incomplete_not_approved(tmp_path: Path) -> None:
    system = tmp_path / "s.yaml"
    system.write_text("system:\n  name: Nothing answered\n", encoding="utf-8")
    review = review_file(system, [FIXTURES / "rules"], review_date=DATE)
    assert review.decision.outcome == "incomplete"
    assert review.questions, "unknowns must become questions for the vendor"


def test_build_review_is_pure_given_loaded_inputs() -> None:
    inputs = Reviewer(rules=[FIXTURES / "rules"]).load(FIXTURES / "system_min.yaml")
    assert build_review(inputs, DATE) == build_review(inputs, DATE)


def test_a_review_date_with_no_room_for_the_next_review_is_an_input_error(tmp_path: Path) -> None:
    """--date 9999-12-31 was an AssertionError (exit 3): twelve months later is year 10000."""
    with pytest.raises(InputError, match="would fall after the year 9999"):
        review_file(FIXTURES / "system_min.yaml", [FIXTURES / "rules"],
                    review_date=dt.date(9999, 12, 31))
    far = tmp_path / "far.yaml"
    far.write_text("system:\n  name: Arkiv\nreview:\n  next_review: 9999-12-31\n")
    review = review_file(far, [FIXTURES / "rules"], review_date=dt.date(9999, 12, 31))
    assert review.next_review == dt.date(9999, 12, 31)


def test_filled_in_messages_stay_within_the_text_limit(tmp_path: Path) -> None:
    """Many long export formats made the bundled exit rule's message exceed 4,000 characters."""
    formats = [f"Exportformat {i} " + "x" * 180 for i in range(60)]
    system = tmp_path / "long.yaml"
    system.write_text(json.dumps({"system": {"name": "Export"},
                                  "exit": {"export_formats": formats,
                                           "open_format_export": False}}))
    review = bundled_reviewer().review(system, DATE)
    finding = next(f for f in review.findings if f.rule_id == "integration.exit_export")
    assert finding.status == "finding"
    for text in (finding.message.sv, finding.message.en):
        assert len(text) <= MAX_LINE and "Exportformat 0" in text and "(+" in text
    assert review.description["exit"]["export_formats"] == formats  # the record keeps all
