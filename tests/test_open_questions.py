"""The vendor question list: ranked, numbered, grouped by area, safely escaped."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner

from secreview.api import Reviewer, review_file
from secreview.cli import main
from secreview.open_questions import group_questions, render_questions
from secreview.report.csvout import csv_document


def _template_review(tmp_path: Path, rules: list[Path]):  # type: ignore[no-untyped-def]
    file = tmp_path / "system.yaml"
    reviewer = Reviewer(rules=rules)
    file.write_text(reviewer.questionnaire(), encoding="utf-8")
    return reviewer.review(file), reviewer.catalog


def test_numbers_run_in_reading_order_and_keep_the_ranking(tmp_path: Path,
                                                           mini_rules: Path) -> None:
    review, catalog = _template_review(tmp_path, [mini_rules])
    groups = group_questions(review, catalog)
    numbers = [q.number for g in groups for q in g.questions]
    assert numbers == list(range(1, len(review.questions) + 1))
    assert len({g.area for g in groups}) == len(groups)
    ranked = [q.fact for q in review.questions]
    for group in groups:
        facts = [q.fact for q in group.questions]
        assert facts == [f for f in ranked if f in facts]
    assert groups[0].questions[0].fact == review.questions[0].fact


def test_derived_facts_become_their_screening_questions(tmp_path: Path,
                                                        mini_rules: Path) -> None:
    review, _ = _template_review(tmp_path, [mini_rules])
    facts = {q.fact for q in review.questions}
    assert not any(f.startswith("derived.") for f in facts)
    screening = next(q for q in review.questions if q.fact == "dpia_screening.large_scale")
    assert "test.dpia_missing" in screening.rule_ids


def test_deciding_facts_first_then_highest_level(tmp_path: Path, mini_rules: Path) -> None:
    review, _ = _template_review(tmp_path, [mini_rules])
    deciding = review.decision.deciding_facts
    assert [q.fact for q in review.questions[:len(deciding)]] == deciding
    assert all(q.deciding == (q.fact in deciding) for q in review.questions)
    ranks = {lv.id: i for i, lv in enumerate(review.matrix.levels)}
    order = [ranks[q.highest_level] if q.highest_level else -1
             for q in review.questions[len(deciding):]]
    assert order == sorted(order, reverse=True)


def test_extension_questions_carry_the_ruleset_text(tmp_path: Path, mini_rules: Path) -> None:
    review, catalog = _template_review(tmp_path, [mini_rules])
    text = render_questions(review, "text", "en", catalog)
    assert "Has exit been tested?" in text
    assert "Why we ask" in text


def test_markdown_escapes_input_text(tmp_path: Path, mini_rules: Path) -> None:
    file = tmp_path / "s.yaml"
    file.write_text("system:\n  name: '[x](javascript:alert(1)) <b>'\n", encoding="utf-8")
    review = review_file(file, [mini_rules])
    md = render_questions(review, "md", "sv")
    assert "[x](javascript" not in md and "<b>" not in md
    assert "\\[x\\]" in md


def test_csv_has_bom_and_neutralises_formulas() -> None:
    text = csv_document(["a", "b"], [["=HYPERLINK(1)", "+1"], ["-2", "ok"], ["@x", "\tt"]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[1] == ["'=HYPERLINK(1)", "'+1"]
    assert rows[2] == ["'-2", "ok"]
    assert rows[3] == ["'@x", "'\tt"]


def test_no_questions_says_so(tmp_path: Path, mini_rules: Path) -> None:
    file = tmp_path / "s.yaml"
    file.write_text(
        "personal_data: {processed: false, special_categories: [], dpia: {status: approved}}\n"
        "hosting: {content: {countries: [SE]}, subprocessors: []}\n"
        "dpia_screening: {large_scale: false, sensitive_data: false}\n"
        "extensions: {cloud_exit_tested: true}\n",
        encoding="utf-8")
    review = review_file(file, [mini_rules])
    assert review.questions == []
    assert "No open questions" in render_questions(review, "text", "en")


def test_cli_questions_formats(tmp_path: Path, mini_rules: Path) -> None:
    file = tmp_path / "system.yaml"
    file.write_text(Reviewer(rules=[mini_rules]).questionnaire(), encoding="utf-8")
    runner = CliRunner()
    base = ["questions", str(file), "--rules", str(mini_rules)]
    md = runner.invoke(main, [*base, "--format", "md", "--lang", "en"])
    assert md.exit_code == 0, md.output
    assert md.output.startswith("# Open questions for the vendor")
    assert "1\\. **" in md.output
    out = tmp_path / "q.csv"
    written = runner.invoke(main, [*base, "--format", "csv", "-o", str(out)])
    assert written.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("\ufeffNr;Område;Fråga")
    text = runner.invoke(main, base)
    assert "Öppna frågor till leverantören" in text.output
    bad = runner.invoke(main, ["questions", str(tmp_path / "missing.yaml")])
    assert bad.exit_code == 2
