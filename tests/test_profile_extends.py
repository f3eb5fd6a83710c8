"""Profiles that extend another: the bundled profile plus an organisation's changes, no copy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from secreview.api import review_file
from secreview.errors import InputError
from secreview.profile import load_profile
from secreview.toolkit.lint import lint_profile

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "school-platform.yaml"

OWN_RULE = """\
ruleset: {id: kommun.own, version: 1.0.0, title: {sv: Egna, en: Own}, owner: o,
          date: 2026-01-01, aspect: logging}
rules:
  - id: kommun.incident_notification
    title: {sv: Sen incidentrapport, en: Late incident report}
    message: {sv: För sent., en: Too late.}
    remediation: {sv: Kräv 24 timmar., en: Require 24 hours.}
    references: [{source: NIS2, clause: Art. 23(4)}]
    consequence: 3
    likelihood: 3
    finding_if:
      all:
        - {fact: security_testing.incident_notification_hours, gt: 24}
        - {fact: hosting.deployment, not_in: [on_premises]}
    examples:
      - name: late
        expect: finding
        facts: {hosting: {deployment: saas}, security_testing: {incident_notification_hours: 72}}
      - name: soon
        expect: pass
        facts: {hosting: {deployment: saas}, security_testing: {incident_notification_hours: 12}}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def child(folder: Path, extends: str = "se-municipality", tailoring: str = "") -> Path:
    return write(folder, "profile.yaml", f"""\
extends: {extends}
profile: {{id: kommun, version: 1.2.0, title: {{sv: Kommunen, en: The municipality}}}}
organisation: {{name: Exempelkommunen}}
{tailoring}""")


def test_the_bundled_profile_extended_with_own_rules_and_changes(tmp_path: Path) -> None:
    write(tmp_path, "rules/own.yaml", OWN_RULE)
    file = child(tmp_path, tailoring="""\
tailoring:
  rulesets: [rules]
  exclude_rulesets: [se.archiving]
  disable: [{rule: access_control.foreign_eid, reason: No public e-services here.}]
  override: [{rule: integration.exit_plan, consequence: 3, reason: Board decision KS 2025/402.}]
""")
    profile, sha, _ = load_profile(file)
    bundled, bundled_sha, _ = load_profile(None)
    assert profile.matrix == bundled.matrix and profile.decision == bundled.decision
    assert profile.language == "sv" and profile.organisation.name == "Exempelkommunen"
    assert profile.extends == "se_municipality 1.0.0"
    assert sha not in (bundled_sha, file.read_bytes())
    review = review_file(EXAMPLE, profile=file, review_date=dt.date(2026, 11, 26))
    ids = {f.rule_id for f in review.findings}
    assert "kommun.incident_notification" in ids
    assert not any(i.startswith("archiving.") for i in ids)
    assert "access_control.foreign_eid" not in ids
    assert review.profile.extends == "se_municipality 1.0.0"
    assert {t.rule_id: t.change for t in review.tailoring} == {
        "access_control.foreign_eid": "disabled", "integration.exit_plan": "override"}


@pytest.mark.slow
def test_lint_warns_that_an_own_rule_repeats_a_bundled_one(tmp_path: Path) -> None:
    write(tmp_path, "rules/own.yaml", OWN_RULE)
    report = lint_profile(child(tmp_path, tailoring="tailoring: {rulesets: [rules]}\n"))
    (duplicate,) = [p for p in report.problems if p.code == "duplicate-condition"]
    assert duplicate.rule_id == "kommun.incident_notification"
    assert "logging.incident_notification" in duplicate.message


def test_entries_of_the_extending_profile_replace_those_of_the_extended(tmp_path: Path) -> None:
    bundled = load_profile(None)[2].read_text(encoding="utf-8")
    write(tmp_path, "base.yaml", bundled + """\
tailoring:
  disable:
    - {rule: access_control.foreign_eid, reason: Not for the base.}
    - {rule: archiving.e_archive_export, reason: Not for the base.}
  override: [{rule: integration.exit_plan, consequence: 4, reason: Base decision.}]
""")
    file = child(tmp_path, "base.yaml", """\
tailoring:
  enable: [{rule: access_control.foreign_eid, reason: This office runs e-services.}]
  override: [{rule: integration.exit_plan, likelihood: 2, reason: Own decision.}]
""")
    tailoring = load_profile(file)[0].tailoring
    assert [d.rule for d in tailoring.disable] == ["archiving.e_archive_export"]
    (override,) = tailoring.override
    assert (override.consequence, override.likelihood, override.reason) == (
        None, 2, "Own decision.")


@pytest.mark.parametrize(("extends", "message", "suggestion"), [
    ("se-municipalty", "no bundled profile 'se-municipalty'", "did you mean 'se-municipality'?"),
    ("../elsewhere.yaml", "is outside this profile's folder", "extend a bundled profile"),
    ("/etc/passwd.yaml", "is outside this profile's folder", "extend a bundled profile"),
    ("missing.yaml", "no such profile file 'missing.yaml'", None),
    ("profile.yaml", "profile extends itself", "never itself"),
])
def test_what_a_profile_cannot_extend(tmp_path: Path, extends: str, message: str,
                                      suggestion: str | None) -> None:
    with pytest.raises(InputError) as caught:
        load_profile(child(tmp_path / "org", extends))
    (problem,) = caught.value.problems
    assert message in problem.message and problem.line == 1
    assert suggestion is None or suggestion in (problem.suggestion or "")


def test_enable_needs_a_disable_to_undo(tmp_path: Path) -> None:
    file = child(tmp_path, tailoring="tailoring:\n  enable: [{rule: access_control.foreign_eid, "
                                     "reason: Nothing to undo.}]\n")
    with pytest.raises(InputError, match=r"does not disable 'access_control\.foreign_eid'"):
        load_profile(file)


def test_a_profile_extending_another_is_valid_under_the_profile_schema() -> None:
    from secreview.profile import profile_json_schema

    schema = profile_json_schema()
    assert schema["type"] == "object" and len(schema["anyOf"]) == 2
