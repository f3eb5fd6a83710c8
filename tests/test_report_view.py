"""What the report selects and says from a review: blocking risks, conditions by due point,
accepted risks and their expiry, the decision sentence, steps in words, evidence as questions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from secreview.api import review_file
from secreview.i18n import LANGUAGES, Lang, Text
from secreview.report import view
from secreview.report.text import render_text
from secreview.review import ApprovalCondition, ExplanationStep, Review
from secreview.vocabulary import STEP_KINDS

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def review() -> Review:
    return review_file(FIXTURES / "system_min.yaml", [FIXTURES / "rules"],
                       waivers=FIXTURES / "waivers.yaml", review_date=dt.date(2026, 11, 26))


@pytest.fixture(scope="module")
def conditional() -> Review:
    return review_file(EXAMPLES / "case-management-onprem.yaml")


def test_key_levels_are_the_top_two(review: Review) -> None:
    assert view.key_levels(review) == ["high", "critical"]


def test_numbered_risks_come_in_id_order(review: Review) -> None:
    ids = [f.risk_id for f in view.numbered(review)]
    assert ids == [f"R{n}" for n in range(1, len(ids) + 1)]


def test_blocking_names_every_reject_clause(review: Review) -> None:
    blocking = {f.rule_id for f in view.blocking(review)}
    assert review.decision.outcome == "reject"
    # test.third_country is critical only if the unknown classification is K3: an assumed level
    # never blocks (issue 12), so only the confirmed critical risk stands in the way.
    assert blocking == {"test.subprocessor_outside"}
    assert len(review.decision.reasons) == 2  # critical_finding and unmitigable_high


def test_conditions_grouped_by_due_point_in_order(review: Review) -> None:
    groups = view.condition_groups(review)
    order = [view.DUE_ORDER.index(due) for due, _ in groups]
    assert order == sorted(order)
    blocking = {f.rule_id for f in view.blocking(review)}
    listed = {c.rule_id for _, items in groups for c in items}
    assert not listed & blocking
    for due, items in groups:
        assert all(c.due == due for c in items)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_decision_sentence_agrees_with_the_grouping(conditional: Review, lang: Lang) -> None:
    """The case-management example's only condition is due within 6 months: the sentence must
    not say "before signing"."""
    groups = view.condition_groups(conditional)
    assert [due for due, _ in groups] == ["within_6_months"]
    sentence = view.decision_sentence(conditional, lang)
    assert {"sv": "inom 6 månader", "en": "within 6 months"}[lang] in sentence
    assert {"sv": "före avtal", "en": "before signing"}[lang] not in sentence


def test_the_sentence_counts_each_due_point(conditional: Review) -> None:
    conditions = [ApprovalCondition(rule_id=f"x{i}", title=c.title, remediation=c.remediation,
                            owner_role="procurement", due=due, level="high", status="finding")
                  for i, (c, due) in enumerate(zip(
                      [conditional.decision.conditions[0]] * 3,
                      ["before_contract", "before_go_live", "before_go_live"], strict=True))]
    changed = conditional.model_copy(update={"decision": conditional.decision.model_copy(
        update={"conditions": conditions})})
    sentence = view.decision_sentence(changed, "en")
    assert "1 condition to be met before signing and 2 conditions to be met before go-live" \
        in sentence
    assert "1 villkor som ska vara uppfyllt före avtal och 2 villkor som ska vara uppfyllda " \
        "före driftstart" in view.decision_sentence(changed, "sv")



@pytest.mark.parametrize(("extra", "sv", "en"), [
    (1, "… och 1 villkor till, alla i åtgärdsplanen", "… and 1 more condition, all in the"),
    (2, "… och 2 villkor till, alla i åtgärdsplanen", "… and 2 more conditions, all in the"),
])
def test_the_memo_counts_the_conditions_it_leaves_out(conditional: Review, extra: int, sv: str,
                                                      en: str) -> None:
    first = conditional.decision.conditions[0]
    conditions = [first.model_copy(update={"rule_id": f"x{i}"})
                  for i in range(view.MAX_MEMO_CONDITIONS + extra)]
    changed = conditional.model_copy(update={"decision": conditional.decision.model_copy(
        update={"conditions": conditions})})
    for lang, expected in (("sv", sv), ("en", en)):  # the text report wraps its lines
        assert expected in " ".join(render_text(changed, lang).split())


@pytest.mark.parametrize(("n", "sv", "en"), [
    (1, "varav 1 overifierad.", "of which 1 unverified."),
    (2, "varav 2 overifierade.", "of which 2 unverified."),
])
def test_the_counts_note_agrees_with_the_unverified_count(conditional: Review, n: int, sv: str,
                                                          en: str) -> None:
    summary = conditional.summary.model_copy(update={"statuses": {
        **conditional.summary.statuses, "unknown": n}})
    changed = conditional.model_copy(update={"summary": summary})
    for lang, expected in (("sv", sv), ("en", en)):
        assert expected in " ".join(render_text(changed, lang).split())

def test_accepted_risks_flag_a_waiver_that_expires_before_the_next_review(review: Review) -> None:
    (accepted,) = view.accepted_risks(review)
    assert accepted.finding.rule_id == "test.processor_agreement"
    assert accepted.expires == dt.date(2027, 1, 31) and review.next_review == dt.date(2027, 11, 26)
    assert accepted.expires_before_next_review
    sentence = view.decision_sentence(review, "en")
    assert f"Risk {accepted.finding.risk_id} is accepted by a waiver" in sentence
    assert "expires before the next review (26 November 2027)" in sentence


def test_action_plan_puts_conditions_first_then_by_due(review: Review) -> None:
    actions = view.action_plan(review)
    flags = [a.is_condition for a in actions]
    assert flags == sorted(flags, reverse=True)
    assert {a.finding.rule_id for a in actions if a.is_condition} == {
        c.rule_id for c in review.decision.conditions}


def test_level_counts_highest_first(review: Review) -> None:
    counts = view.level_counts(review)
    assert [level for level, _ in counts] == ["critical", "high", "moderate", "low"]
    assert sum(n for _, n in counts) == len(view.open_findings(review))


def test_description_rows_are_dotted_paths_with_readable_values(review: Review) -> None:
    rows = {row.path: row.text for row in view.description_rows(review, "sv")}
    assert rows["system.name"] == "Lärplattform"
    assert rows["personal_data.processed"] == "ja"
    assert rows["hosting.subprocessors"] == "name: CDN Inc, country: US"
    assert rows["hosting.content.countries"] == "SE, US"


def test_evidence_reads_as_question_and_answer(review: Review) -> None:
    finding = next(f for f in review.findings if f.rule_id == "test.processor_agreement")
    rows = view.evidence_rows(finding, review, "sv")
    signed = next(r for r in rows if r.fact == "contract.processor_agreement.signed")
    assert signed.question.endswith("?") and "contract." not in signed.question
    assert signed.answer == "nej"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_explanation_step_reads_as_a_sentence_without_numbers(review: Review,
                                                                    lang: Lang) -> None:
    for finding in review.findings:
        for sentence in view.explanation(finding, review, lang):
            assert "{" not in sentence
            assert not any(f"från {n} till" in sentence or f"from {n} to" in sentence
                           for n in range(1, 6))


@pytest.mark.parametrize("kind", STEP_KINDS)
def test_every_kind_of_step_has_words_in_both_languages(review: Review, kind: str) -> None:
    """A step kind the engine can write must never break the report (a missing placeholder)."""
    finding = review.findings[0]
    step = ExplanationStep(kind=kind, axis="consequence", before=2, after=4,  # type: ignore[arg-type]
                           ref="high" if kind == "matrix" else "classification.confidentiality",
                           value=3,
                           reason=Text(sv="barns uppgifter används för egna ändamål.",
                                       en="children's data is used for the vendor's own ends."))
    for lang in LANGUAGES:
        sentence = view.explain_step(step, finding, review, lang)
        assert sentence and "{" not in sentence and sentence != kind


@pytest.mark.parametrize(("fact", "value", "sv", "en"), [
    ("derived.protection_level", 3, "Informationsklassningen (skyddsnivå 3) höjer",
     "The information classification (protection level 3) raises"),
    ("derived.protection_level", None, "Klassningen (skyddsnivå) är okänd",
     "The classification (protection level) is unknown"),
    ("derived.classification_max", None, "Klassningen (högsta klassningsnivå) är okänd",
     "The classification (highest classification level) is unknown"),
    ("classification.confidentiality", 2, "Informationsklassningen (konfidentialitet nivå 2)",
     "The information classification (confidentiality level 2)"),
])
def test_a_scaling_step_names_its_level_in_words(review: Review, fact: str, value: int | None,
                                                 sv: str, en: str) -> None:
    """The levels derived from the classification read as words in the annex, not as
    ``derived.protection_level``."""
    finding = review.findings[0]
    step = ExplanationStep(kind="scaling" if value is not None else "scaling_unknown",
                           axis="consequence", before=2, after=4, ref=fact,
                           value=value if value is not None else 2)
    assert view.explain_step(step, finding, review, "sv").startswith(sv)
    assert view.explain_step(step, finding, review, "en").startswith(en)


def test_steps_that_change_nothing_are_dropped(review: Review) -> None:
    finding = next(f for f in review.findings if f.explanation)
    noop = ExplanationStep(kind="scaling", axis="consequence", before=3, after=3,
                           ref="classification.confidentiality", value=2)
    lowering = ExplanationStep(kind="mitigation", axis="likelihood", before=3, after=2,
                               ref="keys")
    changed = finding.model_copy(update={"explanation": [*finding.explanation, noop, lowering]})
    words = view.explanation(changed, review, "sv")
    assert len(words) == len(view.explanation(finding, review, "sv")) + 1
    assert "sänker sannolikheten från betydande till begränsad" in words[-1]


@pytest.fixture(scope="module")
def sparse() -> Review:
    """Two answers only: the worst case is a rejection, the outcome incomplete (issue 12)."""
    from secreview.api import Reviewer

    return Reviewer().review({"system": {"name": "Tvåsvar"},
                              "personal_data": {"processed": True},
                              "vendor": {"third_country_law_access": True}},
                             review_date=dt.date(2026, 11, 29))


def test_an_incomplete_review_leads_with_the_questions_that_decide(sparse: Review) -> None:
    assert sparse.decision.outcome == "incomplete" and sparse.decision.deciding_facts
    deciding = view.deciding_questions(sparse)
    assert [q.fact for q in deciding] == [f for f in sparse.decision.deciding_facts
                                          if any(q.fact == f for q in sparse.questions)]
    for lang in LANGUAGES:
        sentence = view.decision_sentence(sparse, lang)
        assert str(len(deciding)) in sentence
        memo = render_text(sparse, lang)
        decision_part = memo.split("\n\n" + {"sv": "VILLKOR", "en": "CONDITIONS"}[lang])[0]
        assert all(q.question.get(lang)[:40] in " ".join(decision_part.split())
                   for q in deciding)


def test_an_incomplete_review_counts_its_provisional_conditions_instead_of_listing_them(
        sparse: Review) -> None:
    provisional = view.provisional_conditions(sparse)
    assert provisional and all(c.status == "unknown" for c in provisional)
    listed = {c.rule_id for _, items in view.condition_groups(sparse) for c in items}
    assert not listed & {c.rule_id for c in provisional}
    assert f"{len(provisional)} villkor gäller om" in render_text(sparse, "sv")


def test_a_decided_review_has_no_provisional_conditions(conditional: Review) -> None:
    assert view.provisional_conditions(conditional) == []
    assert not view.deciding_questions(conditional)
