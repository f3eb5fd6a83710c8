"""Tailoring in the organisation profile, end to end: what is loaded, what is changed, and what
the review records about it."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from fast_yaml import safe_load
from secreview.api import review_file
from secreview.bundled import bundled_ruleset_files
from secreview.errors import InputError
from secreview.profile import bundled_profile_path
from secreview.report import render
from secreview.review import Review
from secreview.rules.loader import parse_ruleset

FIXTURES = Path(__file__).resolve().parent / "fixtures"
OWN_RULES = FIXTURES / "rule_tests" / "passing" / "exit.yaml"
SYSTEM = FIXTURES / "rule_tests" / "passing" / "fixtures" / "cloud-crm.yaml"


def _profile(tmp_path: Path, tailoring: dict[str, Any]) -> Path:
    """The bundled generic profile with ``tailoring`` and the organisation's own ruleset."""
    (tmp_path / "own").mkdir(exist_ok=True)
    shutil.copy(OWN_RULES, tmp_path / "own" / "exit.yaml")
    data = safe_load(bundled_profile_path("generic").read_text(encoding="utf-8"))
    data["tailoring"] = tailoring
    file = tmp_path / "profile.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return file


def _review(tmp_path: Path, tailoring: dict[str, Any]) -> Review:
    return review_file(SYSTEM, profile=_profile(tmp_path, tailoring))


def _finding(review: Review, rule_id: str) -> Any:
    return next(f for f in review.findings if f.rule_id == rule_id)


def test_own_rulesets_only(tmp_path: Path) -> None:
    review = _review(tmp_path, {"include_bundled": False, "rulesets": ["own"]})
    assert [r.id for r in review.rulesets] == ["fixture.exit"]
    assert {f.rule_id for f in review.findings} == {"fixture.exit_plan",
                                                    "fixture.storage_outside_eea"}
    assert review.tailoring == []


def test_selected_bundled_rulesets_plus_own(tmp_path: Path) -> None:
    bundled = bundled_ruleset_files()
    if not bundled:
        pytest.skip("no bundled rulesets in this checkout")
    first = parse_ruleset(bundled[0]).id
    review = _review(tmp_path, {"include_bundled": [first], "rulesets": ["own"]})
    assert [r.id for r in review.rulesets] == [first, "fixture.exit"]
    assert all(r.sha256 and r.version for r in review.rulesets)


def test_unknown_bundled_ruleset_is_refused_with_a_hint(tmp_path: Path) -> None:
    bundled = bundled_ruleset_files()
    if not bundled:
        pytest.skip("no bundled rulesets in this checkout")
    first = parse_ruleset(bundled[0]).id
    with pytest.raises(InputError) as caught:
        _review(tmp_path, {"include_bundled": [first + "x"]})
    problem = caught.value.problems[0]
    assert f"unknown bundled ruleset '{first}x'" in problem.message
    assert problem.suggestion == f"did you mean '{first}'?"
    assert (problem.line, problem.column) != (None, None)  # the entry in the profile


def test_disabled_rule_is_not_evaluated_and_the_reason_is_recorded(tmp_path: Path) -> None:
    review = _review(tmp_path, {
        "include_bundled": False, "rulesets": ["own"],
        "disable": [{"rule": "fixture.storage_outside_eea",
                     "reason": "Covered by the framework agreement's EEA clause"}],
    })
    assert [f.rule_id for f in review.findings] == ["fixture.exit_plan"]
    (entry,) = review.tailoring
    assert (entry.rule_id, entry.change, entry.reason) == (
        "fixture.storage_outside_eea", "disabled",
        "Covered by the framework agreement's EEA clause")


def test_override_changes_the_levels_and_explains_why(tmp_path: Path) -> None:
    plain = _finding(_review(tmp_path, {"include_bundled": False, "rulesets": ["own"]}),
                     "fixture.storage_outside_eea")
    reason = "Our board treats storage outside the EEA as critical"
    tailored_review = _review(tmp_path, {
        "include_bundled": False, "rulesets": ["own"],
        "override": [{"rule": "fixture.storage_outside_eea", "consequence": 4, "likelihood": 4,
                      "reason": reason}],
    })
    tailored = _finding(tailored_review, "fixture.storage_outside_eea")
    assert (plain.inherent.likelihood, plain.inherent.consequence) == (3, 3)
    assert (tailored.inherent.likelihood, tailored.inherent.consequence) == (4, 4)
    assert tailored.inherent.level == "critical" != plain.inherent.level
    steps = [(s.kind, s.axis, s.before, s.after, s.ref) for s in tailored.explanation
             if s.kind == "override"]
    assert steps == [("override", "likelihood", 3, 4, reason),
                     ("override", "consequence", 3, 4, reason)]
    (entry,) = tailored_review.tailoring
    assert (entry.change, entry.consequence, entry.likelihood, entry.reason) == (
        "override", 4, 4, reason)
    assert tailored_review.decision.outcome == "reject"


def test_tailoring_is_in_the_json_review(tmp_path: Path) -> None:
    review = _review(tmp_path, {
        "include_bundled": False, "rulesets": ["own"],
        "disable": [{"rule": "fixture.exit_plan", "reason": "Exit handled by the framework"}],
        "override": [{"rule": "fixture.storage_outside_eea", "likelihood": 2,
                      "reason": "Encrypted with our keys"}],
    })
    data = json.loads(render(review, "json", "en"))
    assert data["tailoring"] == [
        {"rule_id": "fixture.exit_plan", "change": "disabled",
         "reason": "Exit handled by the framework", "consequence": None, "likelihood": None},
        {"rule_id": "fixture.storage_outside_eea", "change": "override",
         "reason": "Encrypted with our keys", "consequence": None, "likelihood": 2},
    ]


@pytest.mark.parametrize("section", ["disable", "override"])
def test_tailoring_an_unknown_rule_is_refused_with_a_hint(tmp_path: Path, section: str) -> None:
    entry = {"rule": "fixture.exit_plans", "reason": "a reason", **(
        {"likelihood": 1} if section == "override" else {})}
    with pytest.raises(InputError) as caught:
        _review(tmp_path, {"include_bundled": False, "rulesets": ["own"], section: [entry]})
    problem = caught.value.problems[0]
    assert "unknown rule 'fixture.exit_plans'" in problem.message
    assert problem.suggestion == "did you mean 'fixture.exit_plan'?"
    assert (problem.line, problem.column) != (None, None)


def test_a_rule_tailored_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="tailored twice") as caught:
        _review(tmp_path, {
            "include_bundled": False, "rulesets": ["own"],
            "disable": [{"rule": "fixture.exit_plan", "reason": "not used"}],
            "override": [{"rule": "fixture.exit_plan", "likelihood": 1, "reason": "rare"}],
        })
    assert caught.value.problems[0].line is not None  # the second entry, in the override list


def test_disabling_needs_a_reason(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="reason"):
        _review(tmp_path, {"include_bundled": False, "rulesets": ["own"],
                           "disable": [{"rule": "fixture.exit_plan"}]})


def test_explicit_rules_keep_tailoring_that_applies(tmp_path: Path) -> None:
    profile = _profile(tmp_path, {
        "include_bundled": False,
        "disable": [{"rule": "fixture.exit_plan", "reason": "Exit handled elsewhere"}],
    })
    review = review_file(SYSTEM, rules=[OWN_RULES], profile=profile)
    assert [f.rule_id for f in review.findings] == ["fixture.storage_outside_eea"]
    assert [t.rule_id for t in review.tailoring] == ["fixture.exit_plan"]


def test_explicit_rules_skip_tailoring_for_rules_not_loaded(tmp_path: Path) -> None:
    """``--rules`` replaces the profile's selection; tailoring aimed at rules that are not loaded
    then cannot apply. The review says so instead of refusing to run."""
    profile = _profile(tmp_path, {
        "include_bundled": False, "rulesets": ["own"],
        "disable": [{"rule": "fixture.exit_plan", "reason": "Exit handled elsewhere"}],
    })
    other = FIXTURES / "rules_v1" / "logging.yaml"
    review = review_file(SYSTEM.with_name("unanswered.yaml"), rules=[other], profile=profile)
    assert [(t.rule_id, t.change) for t in review.tailoring] == [("fixture.exit_plan",
                                                                  "not_applied")]
    assert any("fixture.exit_plan" in w.en and "not loaded" in w.en for w in review.warnings)


# --- confinement (issue 17, class 8) ------------------------------------------------------------

@pytest.mark.parametrize("entry", ["/", "/etc", "..", "../..", "own/../../elsewhere"])
def test_profile_rulesets_are_confined_to_the_profile_folder(tmp_path: Path, entry: str) -> None:
    """``tailoring.rulesets: ["/"]`` walked the whole file system, quoting unrelated files."""
    with pytest.raises(InputError) as caught:
        _review(tmp_path, {"include_bundled": False, "rulesets": ["own", entry]})
    (problem,) = caught.value.problems
    assert problem.message == f"ruleset path '{entry}' leads outside the profile's folder"
    assert problem.file is not None and problem.file.endswith("profile.yaml")
    assert problem.line is not None


def test_a_link_out_of_the_profile_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(OWN_RULES, outside / "exit.yaml")
    (tmp_path / "kommun").mkdir()
    profile = _profile(tmp_path / "kommun", {"include_bundled": False, "rulesets": ["own"]})
    (tmp_path / "kommun" / "own" / "exit.yaml").unlink()
    (tmp_path / "kommun" / "own" / "exit.yaml").symlink_to(outside / "exit.yaml")
    with pytest.raises(InputError, match="ruleset file leads outside the profile's folder"):
        review_file(SYSTEM, profile=profile)
    (tmp_path / "kommun" / "linked").symlink_to(outside)
    data = safe_load(profile.read_text("utf-8"))
    data["tailoring"]["rulesets"] = ["linked"]
    profile.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="ruleset path 'linked' leads outside"):
        review_file(SYSTEM, profile=profile)


def test_explicit_rules_do_not_excuse_a_profile_reaching_outside(tmp_path: Path) -> None:
    profile = _profile(tmp_path, {"include_bundled": False, "rulesets": ["/"]})
    with pytest.raises(InputError, match="leads outside the profile's folder"):
        review_file(SYSTEM, [FIXTURES / "rules"], profile=profile)


SEGMENTS = st.sampled_from(["own", "..", ".", "sub", "/", "/etc", "own/..", "x"])


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(st.lists(SEGMENTS, min_size=1, max_size=4).map(lambda parts: "/".join(parts)))
def test_a_ruleset_path_is_accepted_exactly_when_it_stays_in_the_profile_folder(entry: str
                                                                               ) -> None:
    from secreview.profile import load_profile, tailoring_ruleset_paths

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name) / "kommun"
        folder.mkdir()
        profile_file = _profile(folder, {"include_bundled": False, "rulesets": []})
        profile, _sha, _path = load_profile(profile_file)
        tailored = profile.model_copy(update={"tailoring": profile.tailoring.model_copy(
            update={"rulesets": [entry]})})
        inside = not entry.startswith("/") and os.path.normpath(
            os.path.join(folder, entry)).startswith(str(folder))
        if inside:
            assert tailoring_ruleset_paths(tailored, profile_file) == [folder / entry]
        else:
            with pytest.raises(InputError, match="leads outside the profile's folder"):
                tailoring_ruleset_paths(tailored, profile_file)
