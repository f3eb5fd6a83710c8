"""The questionnaire form: the same questions as ``secreview init``, grouped by area, and the
fields read back as the answers they mean (unknown stays unknown)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from secreview.i18n import Lang, label
from secreview.questionnaire import ROUTING, SECTIONS
from secreview.questions import question_for
from secreview.web.form import FormValues, Question, build_sections, parse_answers


@pytest.fixture(scope="module")
def questions(review_engine: Any) -> dict[str, Question]:
    return {q.path: q for s in build_sections(review_engine.catalog, "sv") for q in s.questions}


def test_every_answerable_fact_is_asked_in_the_questionnaires_words(
        review_engine: Any, questions: dict[str, Question]) -> None:
    answerable = {p for p in review_engine.facts if not p.startswith("derived.")}
    assert set(questions) == answerable
    for path, question in questions.items():
        assert question.text == question_for(path, review_engine.catalog).get("sv")
    sections = build_sections(review_engine.catalog, "en")
    assert [s.id for s in sections][:3] == [s for s, _ in SECTIONS][:3]
    personal = next(s for s in sections if s.id == "personal_data")
    assert personal.questions[0].path == "personal_data.processed"
    assert all(questions[p].routing_note for p in ROUTING)
    labels = {c.value: c.label for c in questions["hosting.deployment"].choices}
    assert labels["saas"].endswith("(saas)") and len(labels["saas"]) > len("(saas)")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_routing_note_names_the_answer_as_the_form_shows_it(review_engine: Any,
                                                              lang: Lang) -> None:
    """The form shows Ja/Nej and value labels, never `false` or `on_premises`: its routing note
    names the answer by those words, and says nothing a YAML file would."""
    from secreview.routing import routing

    questions = {q.path: q for s in build_sections(review_engine.catalog, lang)
                 for q in s.questions}
    answers = sorted({e.answer for e in routing().entries if isinstance(e.answer, str)})
    literal = re.compile(r"\b(true|false|" + "|".join(map(re.escape, answers)) + r")\b")
    for entry in routing().entries:
        question = questions[entry.fact]
        note = question.routing_note
        assert note is not None and not literal.search(note), (entry.fact, note)
        if question.control == "bool":
            shown = label("web.q.yes" if entry.answer else "web.q.no", lang).lower()
        else:
            shown = next(c.label for c in question.choices if c.value == entry.answer)
            shown = shown.removesuffix(f" ({entry.answer})")
        assert note.startswith(label("workflow.routing_if", lang, answer=shown, then="")), note


def test_fields_become_answers(questions: dict[str, Question]) -> None:
    form = FormValues([
        ("p:users.staff", "1"), ("f:users.staff", ""),
        ("p:ai.used", "1"), ("f:ai.used", "false"),
        ("p:users.number_of_users", "1"), ("f:users.number_of_users", " 120 "),
        ("p:review.date", "1"), ("f:review.date", "2026-03-01"),
        ("p:vendor.country", "1"), ("f:vendor.country", "se"),
        ("p:logging.security_events", "1"), ("s:logging.security_events", "none"),
        ("p:access.staff_eid", "1"), ("s:access.staff_eid", "unknown"),
        ("f:access.staff_eid", "siths"),
        ("p:exit.export_formats", "1"), ("s:exit.export_formats", "listed"),
        ("f:exit.export_formats", "CSV, XML\nPDF"),
        ("p:vendor.certifications", "1"), ("s:vendor.certifications", "listed"),
        ("o:vendor.certifications:0:standard", "iso27001"),
        ("o:vendor.certifications:0:covers_service", "true"),
        ("o:vendor.certifications:1:standard", ""),
        ("f:telemetry.collected", "true"),  # not marked present: left alone
    ])
    answers = parse_answers(questions, form)
    assert answers == {
        "users.staff": None, "ai.used": False, "users.number_of_users": 120,
        "review.date": dt.date(2026, 3, 1), "vendor.country": "SE",
        "logging.security_events": [], "access.staff_eid": None,
        "exit.export_formats": ["CSV", "XML", "PDF"],
        "vendor.certifications": [{"standard": "iso27001", "covers_service": True}]}


@pytest.mark.parametrize(("lang", "draft", "obsolete"), [
    ("sv", "Utkast till exitplan (draft)", "TLS 1.0 (föråldrad) (1.0)"),
    ("en", "Draft exit plan (draft)", "TLS 1.0 (obsolete) (1.0)")])
def test_a_rulesets_own_choices_read_by_its_labels(lang: Lang, draft: str,
                                                  obsolete: str) -> None:
    """An extension fact's choices are labelled as its ruleset says, like the bundled ones, at
    the top level and for each entry of a list."""
    from pathlib import Path

    from secreview.rules.loader import load_catalog

    labelled = Path(__file__).parent / "fixtures" / "exchange" / "labelled.yaml"
    catalog = load_catalog([labelled])
    asked = {q.path: q for s in build_sections(catalog, lang) for q in s.questions}
    plan = {c.value: c.label for c in asked["extensions.exit_plan"].choices}
    assert plan["draft"] == draft
    integrations = asked["integrations"]
    tls = next(item for item in integrations.items if item.name == "extensions.tls_version")
    versions = {c.value: c.label for c in tls.choices}
    assert versions["1.0"] == obsolete and versions["1.3"] == "1.3"
