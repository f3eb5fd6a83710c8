"""The bundled catalogue: loads strictly, is big and broad enough, and every rule proves itself.

These tests guard the content promises of the bundled rulesets: at least 60 requirement rules in
the seven aspects, all nine WP248 criteria screened, a reference behind every rule, examples that
fire and pass for every rule, and no two rules that test the very same condition.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from secreview.bundled import bundled_ruleset_files
from secreview.rules.loader import Catalog, load_catalog
from secreview.rules.model import WP248_CRITERIA
from secreview.toolkit.examples import run_examples

ASPECTS = ("gdpr", "access_control", "classification", "supplier", "integration", "logging",
           "archiving")
SCHEMA_LINE = "# yaml-language-server: $schema=../../docs/schemas/ruleset.schema.json"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(strict=True)


def _requirement_rules(catalog: Catalog) -> list[str]:
    return [r.id for r in catalog.rules if r.rule.dpia_criterion is None]


def test_loads_strictly_without_warnings(catalog: Catalog) -> None:
    assert catalog.warnings == []
    assert len(catalog.rulesets) >= len(ASPECTS)


def test_at_least_sixty_requirement_rules(catalog: Catalog) -> None:
    assert len(_requirement_rules(catalog)) >= 60


def test_every_aspect_has_its_own_ruleset_and_rules(catalog: Catalog) -> None:
    per_aspect = Counter(r.aspect for r in catalog.rules if r.rule.dpia_criterion is None)
    for aspect in ASPECTS:
        assert per_aspect[aspect] >= 5, aspect
    ruleset_aspects = {loaded.model.ruleset.aspect for loaded in catalog.rulesets}
    assert set(ASPECTS) <= ruleset_aspects


def test_ruleset_metadata(catalog: Catalog) -> None:
    for loaded in catalog.rulesets:
        info = loaded.model.ruleset
        assert info.owner.strip()
        assert info.title.sv and info.title.en
        first_line = Path(loaded.source).read_text(encoding="utf-8").splitlines()[0]
        assert first_line == SCHEMA_LINE, loaded.source


def test_rule_ids_are_namespaced_by_aspect(catalog: Catalog) -> None:
    for rule in catalog.rules:
        assert rule.id.split(".")[0] == rule.aspect, rule.id


def test_every_example_gives_the_expected_status(catalog: Catalog) -> None:
    failures = [(r.rule_id, r.name, r.expected, r.actual, r.problem)
                for r in run_examples(catalog) if not r.passed]
    assert failures == []


def test_every_rule_has_a_firing_and_a_passing_example(catalog: Catalog) -> None:
    for rule in catalog.rules:
        expects = {example.expect for example in rule.rule.examples}
        assert {"finding", "pass"} <= expects, rule.id


def test_all_nine_wp248_criteria_are_screened(catalog: Catalog) -> None:
    screened = Counter(r.rule.dpia_criterion for r in catalog.rules if r.rule.dpia_criterion)
    assert set(screened) == set(WP248_CRITERIA)
    assert all(count == 1 for count in screened.values())


def test_no_two_rules_test_the_same_condition(catalog: Catalog) -> None:
    seen: dict[str, str] = {}
    for rule in catalog.rules:
        dumped = rule.rule.model_dump(mode="json", by_alias=True, exclude_none=True)
        key = json.dumps([dumped.get("applies_if"), dumped["finding_if"]], sort_keys=True)
        assert key not in seen, f"{rule.id} repeats {seen.get(key)}"
        seen[key] = rule.id


def test_every_rule_has_a_reference_and_both_languages(catalog: Catalog) -> None:
    for rule in catalog.rules:
        assert rule.rule.references, rule.id
        for text in (rule.rule.title, rule.rule.message, rule.rule.remediation):
            assert text.sv.strip() and text.en.strip(), rule.id
            assert text.sv != text.en or rule.rule.dpia_criterion, rule.id


def test_remedy_none_is_rare(catalog: Catalog) -> None:
    """'none' means unfixable and drives a rejection; it must stay the exception."""
    unfixable = [r.id for r in catalog.rules if r.rule.remedy == "none"]
    assert len(unfixable) <= 3, unfixable


def test_classification_raises_authentication_and_foreign_law_controls(catalog: Catalog) -> None:
    """Issue 4: LoA3 from confidentiality 2; keys or EU-only provider for secret data."""
    loa = catalog.rule("access_control.loa_matches_classification")
    assert loa is not None
    assert loa.applies is not None
    assert loa.applies({"classification.confidentiality": 2}) is True
    assert loa.applies({"classification.confidentiality": 1}) is False
    secret = catalog.rule("supplier.secret_data_foreign_law")
    assert secret is not None
    facts = {"vendor.third_country_law_access": True, "hosting.subprocessors": [],
             "hosting.content.customer_held_keys": False,
             "hosting.content.end_to_end_encrypted": False}
    assert secret.finding(facts) is True
    assert secret.finding({**facts, "hosting.content.customer_held_keys": True}) is False
    assert secret.finding({**facts, "hosting.content.end_to_end_encrypted": True}) is False
    assert secret.finding({**facts, "vendor.third_country_law_access": False}) is False


def test_support_access_from_a_third_country_is_a_transfer(catalog: Catalog) -> None:
    rule = catalog.rule("supplier.transfer_mechanism")
    assert rule is not None and rule.applies is not None
    eu_storage_us_support = {"personal_data.processed": True,
                             "hosting.content.countries": ["SE"],
                             "hosting.backups.countries": ["SE"],
                             "hosting.support_data.countries": ["SE"],
                             "hosting.diagnostic_data.countries": [],
                             "hosting.support_access_countries": ["US"],
                             "hosting.admin_access_countries": ["SE"],
                             "hosting.subprocessors_located": "no_subprocessors"}
    assert rule.applies(eu_storage_us_support) is True
    assert rule.applies({**eu_storage_us_support,
                         "hosting.support_access_countries": ["NO", "CH"]}) is False


def test_bundled_files_are_the_seven_aspect_rulesets() -> None:
    folders = {path.parent.name for path in bundled_ruleset_files()}
    assert set(ASPECTS) <= folders


def test_bundled_data_files_are_read_with_yaml_1_2_booleans() -> None:
    """Norway's country code is a country, not ``false`` as YAML 1.1 would read it."""
    from secreview.bundled import load_data

    assert "NO" in load_data("sets.yaml")["sets"]["eea"]["members"]


ISSUE_12_FACTS = (
    "system.lifecycle", "system.in_operation_since", "personal_data.purposes",
    "personal_data.transparency_information", "personal_data.guardians_informed",
    "personal_data.consent_given_by", "personal_data.children_age_band",
    "personal_data.less_intrusive_alternative", "personal_data.necessity_conclusion",
    "personal_data.intrusive_defaults", "personal_data.protected_identity_access_tested",
    "telemetry.visitor_tracking", "telemetry.visitor_consent", "hosting.vendor_access",
    "hosting.content.countries", "hosting.content.end_to_end_encrypted",
    "hosting.content.customer_held_keys", "hosting.backups.countries",
    "hosting.backups.end_to_end_encrypted", "hosting.backups.customer_held_keys",
    "hosting.support_data.countries", "hosting.support_data.end_to_end_encrypted",
    "hosting.support_data.customer_held_keys", "hosting.diagnostic_data.countries",
    "hosting.diagnostic_data.end_to_end_encrypted", "hosting.diagnostic_data.customer_held_keys",
    "hosting.subprocessors_located", "hosting.tia_conclusion", "hosting.supplementary_measures",
    "contract.joint_controller_arrangement", "access.subject_separation_tested",
    "archiving.preservation_required",
)


def test_every_fact_issue_12_added_is_used_by_a_rule(catalog: Catalog) -> None:
    used = {path for rule in catalog.rules for path in rule.facts_used}
    assert [fact for fact in ISSUE_12_FACTS if fact not in used] == []


def test_the_routing_aggregate_answers_are_read_where_the_rules_need_them(catalog: Catalog) -> None:
    """hosting.eea_only works through its implications (data/routing.yaml), not in a rule."""
    from secreview.routing import routing

    entry = routing().entry("hosting.eea_only")
    assert entry is not None and "hosting.content.countries" in entry.implication.implies
