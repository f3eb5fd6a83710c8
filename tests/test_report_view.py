"""What the report selects from a review: key risks, unverified ones, the action plan, rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from secreview.api import review_file
from secreview.report import view
from secreview.review import Review

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def review() -> Review:
    return review_file(FIXTURES / "system_min.yaml", [FIXTURES / "rules"],
                       review_date=dt.date(2026, 11, 26))


def test_key_levels_are_the_top_two(review: Review) -> None:
    assert view.key_levels(review) == ["high", "critical"]


def test_confirmed_and_unverified_key_risks_are_separate(review: Review) -> None:
    confirmed = {f.rule_id for f in view.key_findings(review)}
    unverified = {f.rule_id for f in view.key_unverified(review)}
    assert "test.dpia_missing" in unverified and "test.dpia_missing" not in confirmed
    assert {"test.subprocessor_outside", "test.processor_agreement"} <= confirmed
    assert "test.exit" not in confirmed  # moderate


def test_action_plan_puts_conditions_first_then_by_due(review: Review) -> None:
    actions = view.action_plan(review)
    flags = [a.is_condition for a in actions]
    assert flags == sorted(flags, reverse=True)
    assert {a.finding.rule_id for a in actions if a.is_condition} == {
        c.rule_id for c in review.decision.conditions}
    assert all(a.finding.status == "finding" or a.is_condition for a in actions)


def test_level_counts_highest_first(review: Review) -> None:
    counts = view.level_counts(review)
    assert [level for level, _ in counts] == ["critical", "high", "moderate", "low"]
    assert sum(n for _, n in counts) == len(view.open_findings(review))


def test_description_rows_are_dotted_paths_with_readable_values(review: Review) -> None:
    rows = {row.path: row.text for row in view.description_rows(review, "sv")}
    assert rows["system.name"] == "Lärplattform"
    assert rows["personal_data.processed"] == "ja"
    assert rows["hosting.subprocessors"] == "name: CDN Inc, country: US"
    assert rows["hosting.content.countries"] == "SE, US"


def test_every_explanation_step_reads_as_a_sentence(review: Review) -> None:
    for finding in review.findings:
        for step in finding.explanation:
            for lang in ("sv", "en"):
                sentence = view.explain_step(step, finding, review, lang)
                assert sentence != step.kind and "{" not in sentence
