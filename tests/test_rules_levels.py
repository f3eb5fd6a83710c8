"""rules test checks that a rule's texts state the classification levels its conditions test."""

from __future__ import annotations

from pathlib import Path

import pytest

from secreview.bundled import bundled_ruleset_files
from secreview.rules.loader import load_catalog
from secreview.toolkit.levels import level_checks, level_problems
from secreview.toolkit.testing import run_tests

RULE = """\
ruleset:
  id: test.levels
  version: 1.0.0
  title: {{sv: Nivåer, en: Levels}}
  owner: secreview tests
  date: 2026-11-26
  aspect: classification
rules:
  - id: test.secret_abroad
    title: {{sv: Sekretess utomlands, en: Secrecy abroad}}
    message: {{sv: "{sv}", en: "{en}"}}
    remediation: {{sv: Byt leverantör., en: Change vendor.}}
    references: [{{source: OSL, clause: 10 kap. 2 a §}}]
    consequence: 4
    likelihood: 3
    applies_if:
      {applies}
    finding_if: {{fact: vendor.third_country_law_access, eq: true}}
    remedy: configuration
"""
EITHER = "any: [{fact: classification.osl_secrecy, eq: true}, " \
         "{fact: classification.confidentiality, gte: 3}]"
ONLY = "{fact: classification.confidentiality, gte: 3}"


def _problems(tmp_path: Path, sv: str, en: str, applies: str) -> list[str]:
    (tmp_path / "r.yaml").write_text(RULE.format(sv=sv, en=en, applies=applies),
                                     encoding="utf-8")
    (compiled,) = load_catalog([tmp_path / "r.yaml"]).rules
    return level_problems(compiled)


def test_the_bundled_rules_state_their_levels_correctly() -> None:
    catalog = load_catalog(bundled_ruleset_files())
    assert [(rule, p.message) for rule, p in level_checks(catalog) if p] == []


def test_a_written_level_must_be_the_threshold(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "Information klassad K2 lämnas ut.",
                         "Information classified C2 is disclosed.", ONLY)
    assert problems == []  # "above K2" is the boundary of gte 3
    problems = _problems(tmp_path, "Information klassad K1 lämnas ut.",
                         "Information classified C3 or higher is disclosed.", ONLY)
    assert len(problems) == 1 and "names K1" in problems[0] and "gte 3" in problems[0]


def test_a_printed_level_that_is_not_the_reason_is_refused(tmp_path: Path) -> None:
    """The bug of supplier.secret_data_foreign_law: secrecy OR K3, yet "klassad K2" printed."""
    sv = "Information som omfattas av sekretess eller är klassad K{classification.confidentiality}."
    en = "Secret information or classified C{classification.confidentiality}."
    problems = _problems(tmp_path, sv, en, EITHER)
    assert len(problems) == 2 and all("whatever that level is" in p for p in problems)
    assert _problems(tmp_path, sv, en, ONLY) == []
    plain = ("Sekretess eller konfidentialitetsnivå {classification.confidentiality}.",
             "Secrecy or confidentiality level {classification.confidentiality}.")
    assert len(_problems(tmp_path, *plain, EITHER)) == 2  # printed without a letter, too


def test_the_letter_must_fit_the_language(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "Klassad C{classification.confidentiality}.",
                         "Classified K{classification.confidentiality}.", ONLY)
    assert any("in sv that aspect is written 'K'" in p for p in problems)
    assert any("in en that aspect is written 'C'" in p for p in problems)


@pytest.mark.parametrize("applies", [EITHER])
def test_rules_test_fails_on_a_misstated_level(tmp_path: Path, applies: str) -> None:
    (tmp_path / "r.yaml").write_text(RULE.format(
        sv="Klassad K{classification.confidentiality}.",
        en="Classified C{classification.confidentiality}.", applies=applies), encoding="utf-8")
    run = run_tests(load_catalog([tmp_path / "r.yaml"]))
    assert [(c.kind, c.rule_id) for c in run.failed] == [("text", "test.secret_abroad")]
    assert "FAIL      test.secret_abroad" in run.format_text()
