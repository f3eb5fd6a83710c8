"""Risk ids: R1…Rn over open, unverified and accepted risks, by level then rule id."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from secreview.api import review_file
from secreview.engine.risk_ids import is_numbered, number_risks
from secreview.profile import load_profile
from secreview.review import Review

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def review() -> Review:
    return review_file(FIXTURES / "system_min.yaml", [FIXTURES / "rules"],
                       waivers=FIXTURES / "waivers.yaml", review_date=dt.date(2026, 11, 26))


def _rank(review: Review, level: str) -> int:
    return [lv.id for lv in review.matrix.levels].index(level)


def test_ids_are_contiguous_and_ordered_by_level_then_rule(review: Review) -> None:
    numbered = sorted((f for f in review.findings if f.risk_id),
                      key=lambda f: int(f.risk_id[1:]))  # type: ignore[index]
    assert [f.risk_id for f in numbered] == [f"R{n}" for n in range(1, len(numbered) + 1)]
    keys = [(-_rank(review, f.residual.level), f.rule_id)  # type: ignore[union-attr]
            for f in numbered]
    assert keys == sorted(keys)
    assert any(f.status == "waived" for f in numbered)


def test_only_risks_a_person_weighs_are_numbered(review: Review) -> None:
    for finding in review.findings:
        assert (finding.risk_id is not None) == is_numbered(finding)
        if finding.status in ("pass", "not_applicable") or finding.screening:
            assert finding.risk_id is None


def test_numbering_does_not_depend_on_the_input_order(review: Review) -> None:
    matrix = load_profile()[0].matrix
    forward = number_risks(review.findings, matrix)
    backward = number_risks(list(reversed(review.findings)), matrix)
    assert {f.rule_id: f.risk_id for f in forward} == {f.rule_id: f.risk_id for f in backward}
