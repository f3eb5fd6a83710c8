"""Routing answers close their branches: implications, contradictions and the linter's check."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from secreview.api import Reviewer
from secreview.engine.evaluate import complete_facts
from secreview.errors import InputError
from secreview.facts import core_facts, flatten
from secreview.i18n import Lang
from secreview.questionnaire import ROUTING
from secreview.routing import (
    Audience,
    apply_implications,
    contradictions,
    contradicts,
    hidden_facts,
    routes,
    routing,
    routing_hint,
    without_contradictions,
)
from secreview.system import SystemDescription
from secreview.toolkit.lint import lint_files


def _facts(data: dict[str, object]) -> dict[str, object]:
    return flatten(SystemDescription.model_validate(data))


def test_an_implication_fills_only_what_is_unanswered() -> None:
    facts = apply_implications(_facts({"users": {"children": False}, "ai": {"used": False}}))
    assert facts["personal_data.children_data"] is False
    assert facts["ai.automated_decisions"] is False
    answered = apply_implications(_facts({"personal_data": {"processed": False,
                                                            "special_categories": []}}))
    assert answered["personal_data.special_categories"] == []


def test_everything_in_the_eea_settles_every_location() -> None:
    facts = apply_implications(_facts({"hosting": {"eea_only": True}}))
    for kind in ("content", "backups", "support_data", "diagnostic_data"):
        assert facts[f"hosting.{kind}.countries"] == ["EEA"]
    assert facts["hosting.subprocessors_located"] == "eea_or_adequate"


def test_no_vendor_access_means_on_premises_and_nobody_else() -> None:
    facts = apply_implications(_facts({"hosting": {"vendor_access": False}}))
    assert facts["hosting.deployment"] == "on_premises"
    assert facts["hosting.support_access_countries"] == []
    assert facts["hosting.subprocessors"] == []


def test_a_contradiction_is_refused_at_both_answers(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("users:\n  children: false\npersonal_data:\n  children_data: true\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as raised:
        Reviewer().load(path)
    problem = raised.value.problems[0]
    assert (problem.line, problem.column) == (4, 3)
    assert "'users.children: false' (line 2)" in problem.message


def test_places_within_a_region_agree_with_it() -> None:
    fine = _facts({"hosting": {"eea_only": True, "content": {"countries": ["SE", "EU"]}}})
    assert contradictions(fine) == []
    wrong = _facts({"hosting": {"eea_only": True, "content": {"countries": ["SE", "US"]}}})
    assert [c[0] for c in contradictions(wrong)] == ["hosting.content.countries"]


def test_generators_can_leave_contradicting_answers_out() -> None:
    data = {"hosting": {"deployment": "saas", "vendor_access": False}, "users": {"children": True}}
    cleaned = without_contradictions(data)
    assert contradictions(_facts(cleaned)) == []
    assert cleaned["users"] == {"children": True}


def test_what_follows_from_answers_is_completed_in_one_place() -> None:
    """The evaluation and the deciding-facts search complete answers with complete_facts (the
    search's hypothetical answers against full reviews: tests/test_deciding.py)."""
    facts = complete_facts(_facts({"personal_data": {"processed": True}, "ai": {"used": False}}))
    assert facts["ai.trains_on_customer_data"] is False
    levels = complete_facts(_facts({"classification": {"confidentiality": 1, "integrity": 2}}))
    assert levels["derived.protection_level"] == 2
    assert contradicts(_facts({"ai": {"trains_on_customer_data": True}}), "ai.used", False)
    assert not contradicts(_facts({}), "system.name", "x")


def test_every_routing_question_has_its_label_and_closes_something() -> None:
    """The label says only what the answer lets the person skip: the answer is routing.yaml's,
    and a label that named it too could come to name another one."""
    from secreview.i18n import has_label, label

    assert routing().facts == ROUTING
    for entry in routing().entries:
        assert has_label(f"workflow.routing.{entry.fact}"), entry.fact
        assert entry.closes or entry.implication.implies, entry.fact
        for lang in ("sv", "en"):
            then = label(f"workflow.routing.{entry.fact}", lang)
            assert then[0].islower(), (entry.fact, lang)
            assert not then.startswith(("Om ", "If ", "om ", "if ")), (entry.fact, lang)
            assert not re.search(r"\b(true|false|on_premises)\b", then), (entry.fact, lang)


@pytest.mark.parametrize(("fact", "lang", "audience", "start"), [
    ("personal_data.processed", "sv", "yaml", "Om false (nej): resten av avsnittet Personupp"),
    ("personal_data.processed", "sv", "form", "Om nej: resten av avsnittet Personuppgifter"),
    ("personal_data.processed", "en", "yaml", "If false (no): the rest of the Personal data"),
    ("personal_data.processed", "en", "form", "If no: the rest of the Personal data section"),
    ("users.pupils", "sv", "form", "Om ja: räkna med att skollagen"),
    ("users.pupils", "en", "yaml", "If true (yes): expect the Education Act"),
    ("hosting.deployment", "sv", "yaml",
     "Om on_premises\u00a0— egen drift (on-premises): frågorna om molnleverantören"),
    ("hosting.deployment", "sv", "form", "Om egen drift (on-premises): frågorna om molnlev"),
    ("hosting.deployment", "en", "yaml",
     "If on_premises\u00a0— run in-house (on-premises): the questions on the cloud provider"),
    ("hosting.deployment", "en", "form", "If run in-house (on-premises): the questions on"),
])
def test_a_routing_hint_names_the_answer_as_its_reader_gives_it(
        fact: str, lang: Lang, audience: Audience, start: str) -> None:
    """The YAML file names the value to write, as its Answer line spells it; the form names the
    answer as its choices read. The consequence is the fact's label either way."""
    from secreview.i18n import label

    hint = routing_hint(fact, lang, audience)
    assert hint.startswith(start)
    assert hint.endswith(label(f"workflow.routing.{fact}", lang))


def test_a_routing_hint_takes_its_answer_from_routing_yaml(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Change the answer in the routing data and the hint follows: the label does not repeat it."""
    import secreview.routing as module

    other = module.build_routing({"routing": [{"fact": "hosting.deployment", "answer": "saas"}]})
    monkeypatch.setattr(module, "routing", lambda: other)
    assert routing_hint("hosting.deployment", "sv", "form").startswith(
        "Om molntjänst (SaaS): frågorna om molnleverantören")
    assert routing_hint("hosting.deployment", "en", "yaml").startswith(
        "If saas\u00a0— cloud service (SaaS): the questions on the cloud provider")
    with pytest.raises(KeyError, match=r"system\.name"):
        routing_hint("system.name", "sv", "form")


def test_the_bundled_rulesets_close_every_routing_branch() -> None:
    from secreview.bundled import bundled_ruleset_files

    report = lint_files(bundled_ruleset_files())
    assert [p for p in report.problems if p.code == "routing-open"] == []


def _ruleset(tmp_path: Path, body: str) -> Path:
    file = tmp_path / "r.yaml"
    file.write_text(textwrap.dedent("""\
        ruleset:
          id: t.rules
          version: 1.0.0
          title: {sv: T, en: T}
          owner: tests
          date: 2026-11-26
          aspect: supplier
        rules:
          - id: supplier.t
            title: {sv: T, en: T}
            message:
              sv: "Nivå K{classification.confidentiality}."
              en: "Level C{classification.confidentiality}."
            remediation: {sv: Gör., en: Do.}
            references: [{source: GDPR}]
            consequence: 2
            likelihood: 2
        """) + textwrap.indent(textwrap.dedent(body), "    "), encoding="utf-8")
    return file


def test_lint_reports_a_rule_that_still_asks_a_closed_branch(tmp_path: Path) -> None:
    file = _ruleset(tmp_path, """\
        finding_if:
          any:
            - {fact: ai.human_review, eq: false}
            - {fact: vendor.name, eq: X}
        """)
    problems = {(p.code, p.severity) for p in lint_files([file]).problems}
    assert ("routing-open", "warning") in problems


def test_lint_reports_unknown_made_false_and_glued_placeholders(tmp_path: Path) -> None:
    file = _ruleset(tmp_path, """\
        finding_if: {fact: system.owner_board, missing: true}
        """)
    report = lint_files([file])
    codes = {p.code for p in report.problems}
    assert {"unknown-as-false", "placeholder-glued"} <= codes
    assert next(p for p in report.problems if p.code == "unknown-as-false").severity == "error"


def test_every_routing_question_has_a_route_and_names_real_facts() -> None:
    facts = [p for p in core_facts() if not p.startswith("derived.")]
    assert [r.question for r in routes()] == list(ROUTING)
    for route in routes():
        assert route.question in facts
        for pattern in route.hides:
            assert any(route.covers(p) or p == pattern for p in facts), pattern
        assert not route.covers(route.question)


def test_a_routing_answer_hides_its_branch_and_unknown_hides_nothing() -> None:
    facts = list(core_facts())
    hidden = hidden_facts({"personal_data.processed": False}, facts)
    assert "personal_data.categories" in hidden and "dpia_screening.large_scale" in hidden
    assert "contract.processor_agreement.signed" in hidden
    assert "personal_data.processed" not in hidden and "contract.audit_rights" not in hidden
    assert hidden_facts({"personal_data.processed": None}, facts) == set()
    assert hidden_facts({"personal_data.processed": True}, facts) == set()
    # On premises, support and administration may still reach the data from abroad: those
    # questions stay; what only a hosted service has goes.
    onprem = hidden_facts({"hosting.deployment": "on_premises"}, facts)
    assert "hosting.data_location_in_contract" in onprem
    assert "hosting.support_access_countries" not in onprem
    assert "hosting.encryption_at_rest" not in onprem
    inside = hidden_facts({"hosting.eea_only": True}, facts)
    assert "hosting.content.countries" in inside and "hosting.tia_conclusion" in inside
