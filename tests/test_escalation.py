"""Escalation: harms that compound raise a level, after scaling, never lower it, with a step of
their own; an unknown condition escalates the worst case only; the linter and rule examples
check it."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from secreview.engine.evaluate import evaluate
from secreview.engine.scoring import Scored, score_outcome
from secreview.profile import load_profile
from secreview.rules.loader import Catalog, load_catalog
from secreview.rules.model import Escalation
from secreview.system import SystemDescription
from secreview.toolkit.examples import run_examples
from secreview.toolkit.lint import lint_files

FIXTURE = Path(__file__).parent / "fixtures" / "escalation"
CATALOG: Catalog = load_catalog([FIXTURE])
MATRIX = load_profile()[0].matrix
BASE = {"classification": {"confidentiality": 1}, "hosting": {"encryption_at_rest": False},
        "personal_data": {"processed": True, "minimisation_assessed": False}}


def scored(extra: dict[str, Any]) -> Scored:
    data: dict[str, Any] = {**BASE, **extra}
    data["personal_data"] = {**BASE["personal_data"], **extra.get("personal_data", {})}
    evaluation = evaluate(SystemDescription.model_validate(data), CATALOG)
    outcome = next(o for o in evaluation.outcomes if o.rule.id == "test.minimisation")
    return score_outcome(outcome, MATRIX, evaluation.facts, specs=CATALOG.facts)


def test_compounding_harm_raises_the_consequence_with_its_reason() -> None:
    result = scored({"personal_data": {"children_data": True,
                                       "special_categories": ["biometric"],
                                       "protected_identities": False}})
    assert result.inherent.consequence == 4
    assert result.confirmed is not None and result.confirmed.level == result.residual.level
    step = next(s for s in result.steps if s.kind == "escalation")
    assert (step.axis, step.before, step.after) == ("consequence", 2, 4)
    assert step.reason is not None and "children" in step.reason.en
    kinds = [s.kind for s in result.steps]
    assert kinds.index("scaling") < kinds.index("escalation")


def test_no_compounding_no_escalation() -> None:
    result = scored({"personal_data": {"children_data": False, "protected_identities": False}})
    assert result.inherent.consequence == 2
    assert not any(s.kind.startswith("escalation") for s in result.steps)
    assert result.residual.basis == "confirmed"


def test_an_unknown_condition_escalates_the_worst_case_only() -> None:
    result = scored({"personal_data": {"special_categories": ["biometric"],
                                       "protected_identities": False}})
    assert result.inherent.consequence == 4 and result.inherent.basis == "assumed"
    assert result.confirmed is not None
    assert result.confirmed.consequence == 2
    assert result.residual.basis == "assumed"
    assert any(s.kind == "escalation_unknown" for s in result.steps)
    [assumption] = [a for a in result.assumptions if a.effect == "escalation"]
    assert (assumption.fact, assumption.assumed, assumption.ref) == (
        "personal_data.children_data", True, "0")


def test_likelihood_escalation_and_mitigation_after_it() -> None:
    result = scored({"personal_data": {"protected_identities": True, "children_data": False},
                     "hosting": {"encryption_at_rest": True}})
    assert result.inherent.likelihood == 4
    assert result.residual.likelihood == 3  # the mitigation lowers from the escalated level
    assert result.confirmed is not None and result.confirmed.likelihood == 3


def test_an_escalation_never_lowers() -> None:
    result = scored({"classification": {"confidentiality": 3},
                     "personal_data": {"children_data": True,
                                       "special_categories": ["biometric"],
                                       "protected_identities": False}})
    assert result.inherent.consequence == 4
    low = scored({"classification": {"confidentiality": 3},
                  "personal_data": {"children_data": False, "protected_identities": False}})
    assert low.inherent.consequence == 3  # scaled; no escalation applies


def test_an_escalation_must_raise_something() -> None:
    with pytest.raises(ValidationError, match="at least one"):
        Escalation.model_validate({"if": {"fact": "personal_data.processed", "eq": True},
                                   "reason": {"sv": "x", "en": "x"}})


def test_examples_check_the_level_and_the_escalation() -> None:
    results = run_examples(CATALOG)
    assert all(r.passed for r in results), [(r.name, r.expected, r.actual) for r in results]
    escalated = next(r for r in results if r.name == "biometrics on children")
    assert escalated.expected == "finding, consequence 4, escalated"


RULE = """\
ruleset: {{id: test.lint_escalation, version: 1.0.0, title: {{sv: T, en: T}}, owner: t,
          date: 2026-11-29, aspect: gdpr}}
rules:
  - id: test.esc
    title: {{sv: T, en: T}}
    message: {{sv: M, en: M}}
    remediation: {{sv: R, en: R}}
    references: [{{source: GDPR}}]
    consequence: 3
    likelihood: 2
    finding_if: {{fact: personal_data.children_data, eq: true}}
    escalate:
{escalate}
    examples:
      - {{name: f, expect: finding, facts: {{personal_data: {{children_data: true}}}}}}
      - {{name: p, expect: pass, facts: {{personal_data: {{children_data: false}}}}}}
"""


def lint(tmp_path: Path, escalate: str) -> list[tuple[str, str, int | None]]:
    file = tmp_path / "rules.yaml"
    file.write_text(RULE.format(escalate=textwrap.indent(textwrap.dedent(escalate), " " * 6)),
                    encoding="utf-8")
    return [(p.code, p.severity, p.line) for p in lint_files([file]).problems]


def test_lint_an_escalation_that_cannot_raise(tmp_path: Path) -> None:
    problems = lint(tmp_path, """\
        - if: {fact: users.children, eq: true}
          consequence: 2
          reason: {sv: x, en: x}
    """)
    assert ("escalation-no-effect", "error", 14) in problems


def test_lint_an_escalation_that_never_applies(tmp_path: Path) -> None:
    problems = lint(tmp_path, """\
        - if: {all: [{fact: users.children, eq: true}, {fact: users.children, eq: false}]}
          consequence: 4
          reason: {sv: x, en: x}
        - if: {fact: personal_data.children_data, eq: false}
          consequence: 4
          reason: {sv: x, en: x}
    """)
    codes = {(code, severity) for code, severity, _line in problems}
    assert ("never-true", "error") in codes
    assert ("escalation-never", "warning") in codes
    assert ("escalation-untested", "warning") in codes


def test_lint_an_escalation_on_an_unknown_fact_and_a_missing_language(tmp_path: Path) -> None:
    problems = lint(tmp_path, """\
        - if: {fact: users.childern, eq: true}
          consequence: 4
          reason: {sv: x}
    """)
    codes = {code for code, _severity, _line in problems}
    assert {"unknown-fact", "missing-text"} <= codes


def test_the_fixture_is_clean() -> None:
    assert lint_files(sorted(FIXTURE.glob("*.yaml"))).clean


def test_the_guide_s_escalation_fits_the_model() -> None:
    import re

    import yaml

    guide = (Path(__file__).resolve().parent.parent / "docs" / "ruleset-guide.md").read_text(
        encoding="utf-8")
    (block,) = [b for b in re.findall(r"^```yaml\n(.*?)^```", guide, re.S | re.M)
                if b.startswith("escalate:")]
    [escalation] = [Escalation.model_validate(e) for e in yaml.safe_load(block)["escalate"]]
    assert escalation.consequence == 4 and escalation.reason.sv
