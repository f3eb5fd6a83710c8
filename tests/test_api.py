"""The public API: one Reviewer for every source, the date decided at the API, errors with
positions, lazy imports, and docs/api.md running as written."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

import secreview
from secreview import InputError, Review, Reviewer
from secreview.system import SystemDescription

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SYSTEM = FIXTURES / "system_min.yaml"
DATE = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def reviewer() -> Reviewer:
    return Reviewer(rules=[FIXTURES / "rules"])


def test_every_public_name_resolves_and_nothing_else_does() -> None:
    for name in secreview.__all__:
        assert getattr(secreview, name) is not None
    assert set(secreview.__all__) <= set(dir(secreview))
    with pytest.raises(AttributeError):
        secreview.Nonexistent  # noqa: B018


def test_every_kind_of_source_gives_the_same_review(reviewer: Reviewer) -> None:
    text = SYSTEM.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    system = SystemDescription.model_validate(data)
    sources: list[object] = [SYSTEM, str(SYSTEM), text, text.encode("utf-8"), data,
                             json.dumps(data, default=str), system]
    reviews = [reviewer.review(s, DATE) for s in sources]  # type: ignore[arg-type]
    outcomes = {json.dumps([(f.rule_id, f.status) for f in r.findings]) for r in reviews}
    assert len(outcomes) == 1
    assert {r.decision.outcome for r in reviews} == {reviews[0].decision.outcome}
    # The file and its text are the same bytes, so the same SHA-256 is recorded.
    assert reviews[0].system.sha256 == reviews[2].system.sha256 == reviews[3].system.sha256


def test_json_text_is_parsed_as_json_with_json_positions(reviewer: Reviewer) -> None:
    with pytest.raises(InputError) as caught:
        reviewer.review('{\n  "system": {"nmae": "x"}\n}', DATE)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line) == ("<text>.json", 2)
    assert problem.suggestion is not None and "'name'" in problem.suggestion


def test_a_mapping_that_is_not_plain_data_is_refused(reviewer: Reviewer) -> None:
    with pytest.raises(InputError, match="not plain data"):
        reviewer.review({"system": {"name": object()}}, DATE)


def test_the_review_date_is_the_given_one_else_the_descriptions_else_today(
        reviewer: Reviewer) -> None:
    data = yaml.safe_load(SYSTEM.read_text(encoding="utf-8"))
    data["review"] = {"date": "2026-01-15"}
    assert reviewer.review(data, DATE).review_date == DATE
    assert reviewer.review(data).review_date == dt.date(2026, 1, 15)
    del data["review"]
    before = dt.date.today()
    assert before <= reviewer.review(data).review_date <= dt.date.today()


def test_build_review_has_no_default_date() -> None:
    import inspect

    from secreview.engine.assemble import build_review

    assert inspect.signature(build_review).parameters["review_date"].default is (
        inspect.Parameter.empty)


def test_language_comes_from_the_reviewer_else_the_profile() -> None:
    assert Reviewer(rules=[FIXTURES / "rules"]).review(SYSTEM, DATE).language == "sv"
    english = Reviewer(rules=[FIXTURES / "rules"], lang="en")
    review = english.review(SYSTEM, DATE)
    assert review.language == "en"
    assert english.render(review, "md", lang="sv") != english.render(review, "md")


def test_one_reviewer_serves_many_threads_with_the_same_result(reviewer: Reviewer) -> None:
    first = reviewer.review(SYSTEM, DATE).to_json()
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: reviewer.review(SYSTEM, DATE).to_json(), range(16)))
    assert set(results) == {first}


def test_render_gives_text_for_documents(reviewer: Reviewer) -> None:
    review = reviewer.review(SYSTEM, DATE)
    for fmt in ("text", "json", "md", "html", "csv"):
        assert isinstance(reviewer.render(review, fmt), str)
    assert Review.model_validate_json(reviewer.render(review, "json")) == review
    with pytest.raises(InputError, match="unknown output format"):
        reviewer.render(review, "docx")


@pytest.mark.slow
def test_render_gives_bytes_for_pdf(reviewer: Reviewer) -> None:
    pdf = reviewer.render(reviewer.review(SYSTEM, DATE), "pdf")
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF-")


def test_per_review_waivers_override_the_reviewers(reviewer: Reviewer) -> None:
    plain = reviewer.review(SYSTEM, DATE)
    waived = reviewer.review(SYSTEM, DATE, waivers=FIXTURES / "waivers.yaml")
    assert plain.waivers_sha256 is None and waived.waivers_sha256 is not None
    assert any(f.status == "waived" for f in waived.findings)
    assert FIXTURES / "waivers.yaml" in reviewer.load(
        SYSTEM, waivers=FIXTURES / "waivers.yaml").source_files()


def test_bad_profile_or_rules_fail_in_the_constructor(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        Reviewer(profile=tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("ruleset: [\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Reviewer(rules=[bad])
    assert caught.value.problems[0].file == str(bad)


def test_input_files_are_what_outputs_must_not_overwrite(reviewer: Reviewer) -> None:
    files = reviewer.input_files()
    assert reviewer.profile_path in files
    assert all(Path(r.source) in files for r in reviewer.catalog.rulesets)


@pytest.mark.slow
def test_docs_api_examples_run_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Python block of docs/api.md, in order, as one program from the repository root."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "api.md").read_text("utf-8"),
                        re.S)
    assert len(blocks) >= 5
    monkeypatch.chdir(ROOT)
    exec(compile("\n".join(blocks), "docs/api.md", "exec"), {"__name__": "docs_api"})


@pytest.mark.slow
def test_import_secreview_loads_no_dependency() -> None:
    """``import secreview`` must stay cheap: the API and pydantic load on first use only."""
    code = ("import sys, secreview; "
            "print(sorted(m for m in ('pydantic', 'yaml', 'click', 'jinja2', 'secreview.api') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
