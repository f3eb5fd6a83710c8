"""Re-review diff: laws (self-diff empty, added/resolved symmetric) and clear load errors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from hostile import make_non_regular, no_hang
from reviewers import bundled_reviewer
from secreview.api import review_file
from secreview.cli import main
from secreview.report.diff import render_diff
from secreview.review import SCHEMA_VERSION, Review
from secreview.review_diff import (
    FindingChange,
    ReviewDiff,
    diff_reviews,
    load_review,
)
from secreview.vocabulary import FINDING_STATUSES as STATUSES

ROOT = Path(__file__).resolve().parent
MINI = ROOT / "fixtures" / "rules"
SYSTEM = ROOT / "fixtures" / "system_min.yaml"
_BASE = review_file(SYSTEM, [MINI])


def _variant(statuses: list[str], decision: str) -> Review:
    findings = [f.model_copy(update={"status": s}) for f, s in zip(_BASE.findings, statuses,
                                                                     strict=False)]
    return _BASE.model_copy(update={
        "findings": findings,
        "decision": _BASE.decision.model_copy(update={"outcome": decision}),
    })


variants = st.builds(
    _variant,
    st.lists(st.sampled_from(STATUSES), min_size=len(_BASE.findings),
             max_size=len(_BASE.findings)),
    st.sampled_from(["approve", "approve_with_conditions", "incomplete", "reject"]),
)


@settings(max_examples=40)
@given(variants)
def test_a_review_compared_with_itself_is_empty(review: Review) -> None:
    assert diff_reviews(review, review).empty


@settings(max_examples=40)
@given(variants, variants)
def test_added_one_way_is_resolved_the_other(a: Review, b: Review) -> None:
    forward, backward = diff_reviews(a, b), diff_reviews(b, a)
    assert [c.rule_id for c in forward.added] == [c.rule_id for c in backward.resolved]
    assert [c.rule_id for c in forward.resolved] == [c.rule_id for c in backward.added]
    assert [c.rule_id for c in forward.changed] == [c.rule_id for c in backward.changed]
    assert forward.answered == backward.new_questions


def test_answering_questions_resolves_findings(tmp_path: Path) -> None:
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(SYSTEM.read_text(encoding="utf-8").replace("signed: false", "signed: true"),
                     encoding="utf-8")
    after = review_file(fixed, [MINI])
    result = diff_reviews(_BASE, after)
    assert [c.rule_id for c in result.resolved] == ["test.processor_agreement"]
    assert result.resolved[0].status_before == "finding"
    assert result.resolved[0].status_after == "pass"
    assert result.resolved[0].level_after is None, "a pass carries no risk level to show"
    text = render_diff(result, "text", "en")
    assert "Resolved or no longer relevant (1)" in text
    old_id = next(f.risk_id for f in _BASE.findings if f.rule_id == "test.processor_agreement")
    assert result.resolved[0].risk_before == old_id and result.resolved[0].risk_after is None
    assert f"{old_id} test.processor_agreement:" in text


def test_a_risk_whose_id_moved_shows_both() -> None:
    change = FindingChange(rule_id="r", risk_before="R3", risk_after="R5", title_sv="t",
                           title_en="t", status_before="finding", status_after="finding",
                           level_before="high", level_after="critical")
    result = ReviewDiff(system_before="s", system_after="s", date_before="2026-01-01",
                        date_after="2027-01-01", decision_before="reject",
                        decision_after="reject", changed=[change])
    assert "R5 (was R3) r: t" in render_diff(result, "text", "en")
    assert "R5 (tidigare R3) r: t" in render_diff(result, "text", "sv")


def test_ruleset_versions_are_compared() -> None:
    newer = _BASE.model_copy(update={"rulesets": [
        r.model_copy(update={"version": "2.0.0"}) for r in _BASE.rulesets]})
    result = diff_reviews(_BASE, newer)
    assert [(r.id, r.version_before, r.version_after) for r in result.rulesets] == \
        [("test.mini", "1.0.0", "2.0.0")]
    assert json.loads(render_diff(result, "json", "en"))["rulesets"][0]["version_after"] == "2.0.0"


def test_load_review_errors(tmp_path: Path) -> None:
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{\n  nope", encoding="utf-8")
    other = tmp_path / "other.json"
    other.write_text(_BASE.to_json().replace(f'"schema_version": "{SCHEMA_VERSION}"',
                                             '"schema_version": "9.0"'), encoding="utf-8")
    not_review = tmp_path / "x.json"
    not_review.write_text("[1, 2]", encoding="utf-8")
    deep = tmp_path / "deep.json"  # json's parser recurses per level: was a RecursionError
    deep.write_text('{"schema_version": "1.0", "x": ' + "[" * 200_000 + "]" * 200_000 + "}")
    pipe = make_non_regular("fifo", tmp_path / "pipe.json")  # blocked the read for ever
    runner = CliRunner()
    for file, message in ((bad_json, "bad.json:2:"), (other, "another schema version"),
                          (not_review, "not a secreview review"),
                          (tmp_path / "absent.json", "file not found"),
                          (deep, "deep.json: error: review file is nested too deeply"),
                          (pipe, "pipe.json: error: is a named pipe (FIFO)")):
        with no_hang():
            result = runner.invoke(main, ["diff", str(file), str(file)])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output and "internal error" not in result.output
        assert message in result.output
    good = tmp_path / "good.json"
    good.write_text(_BASE.to_json(), encoding="utf-8")
    assert load_review(good) == _BASE


def test_cli_diff_formats(tmp_path: Path) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(_BASE.to_json(), encoding="utf-8")
    template = tmp_path / "t.yaml"
    template.write_text("system: {name: Lärplattform}\n", encoding="utf-8")
    new.write_text(review_file(template, [MINI]).to_json(), encoding="utf-8")
    runner = CliRunner()
    text = runner.invoke(main, ["diff", str(old), str(new), "--lang", "sv"])
    assert text.exit_code == 0, text.output
    assert "Beslutet har ändrats: Avslås → Underlaget är ofullständigt" in text.output
    md = runner.invoke(main, ["diff", str(old), str(new), "--format", "md"])
    assert md.output.startswith("# ")
    same = runner.invoke(main, ["diff", str(old), str(old), "--format", "json"])
    data = json.loads(same.output)
    assert data["added"] == [] and data["decision"]["before"] == data["decision"]["after"]


def test_the_walkthrough_re_review_shows_a_real_change() -> None:
    """README step 5: the school platform a year later, compared with its first review."""
    examples = Path(__file__).resolve().parent.parent / "examples"
    first = bundled_reviewer().review(examples / "school-platform.yaml")
    second = bundled_reviewer().review(examples / "2027" / "school-platform.yaml")
    result = diff_reviews(first, second)
    assert (result.decision_before, result.decision_after) == ("reject",
                                                               "approve_with_conditions")
    assert len(result.resolved) >= 10
    text = render_diff(result, "text", "sv")
    assert "Granskningsdatum: 20 november 2026 → 19 november 2027" in text


def test_answered_and_new_questions_are_named_in_words() -> None:
    """The diff's reader sees the facts as the worst case names them; a fact without a name (an
    extension's) keeps its path."""
    result = ReviewDiff(system_before="s", system_after="s", date_before="2026-01-01",
                        date_after="2027-01-01", decision_before="incomplete",
                        decision_after="incomplete",
                        answered=["classification.confidentiality"],
                        new_questions=["local.own_fact"])
    assert "  the confidentiality level (KLASSA)\n" in render_diff(result, "text", "en")
    swedish = render_diff(result, "md", "sv")
    assert "- konfidentialitetsnivån (KLASSA)\n" in swedish
    assert "classification.confidentiality" not in swedish
    assert "local.own\\_fact" in swedish
    assert json.loads(render_diff(result, "json", "sv"))["questions_answered"] == \
        ["classification.confidentiality"]
