"""A ruleset's own facts read in words wherever a person reads them.

An extension fact declares its question, an optional ``phrase`` and its value labels in its
ruleset; the review carries them for the facts it mentions (``Review.extension_facts``), so the
report's evidence, the worst case in words and the review diff name the fact as the ruleset
wrote it, never by its path, and an archived review renders the same without the ruleset.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from secreview.api import Reviewer
from secreview.i18n import LANGUAGES, FactWords, Lang, Text, fact_name, format_fact
from secreview.report.diff import render_diff
from secreview.report.html import render_html
from secreview.report.markdown import render_markdown
from secreview.review import SCHEMA_VERSION, Review
from secreview.review_diff import diff_reviews

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "rules-repository.md"
FILE_BLOCK = re.compile(r"^### `(?P<path>[^`]+)`\n.*?```yaml\n(?P<body>.*?)^```", re.S | re.M)
DATE = dt.date(2026, 11, 30)

# --- the example of docs/rules-repository.md ----------------------------------------------------

KOMMUN_QUESTION = {
    "sv": "Hämtar systemet elev- och personaluppgifter från kommunens skolkatalog?",
    "en": "Does the system fetch pupil and staff data from the municipality's school directory?",
}
NO = {"sv": "nej", "en": "no"}


@pytest.fixture(scope="module")
def kommun(tmp_path_factory: pytest.TempPathFactory) -> Review:
    """The page's own ruleset and fixture, reviewed as the page's reader would."""
    folder = tmp_path_factory.mktemp("kommun")
    blocks = {m.group("path"): m.group("body")
              for m in FILE_BLOCK.finditer(PAGE.read_text(encoding="utf-8"))}
    (folder / "kommun.yaml").write_text(blocks["rulesets/kommun.yaml"], encoding="utf-8")
    (folder / "skol.yaml").write_text(blocks["rulesets/fixtures/skolplattform.yaml"],
                                      encoding="utf-8")
    return Reviewer(rules=[folder / "kommun.yaml"]).review(folder / "skol.yaml", DATE)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_kommun_evidence_reads_the_declared_question_in_markdown(kommun: Review,
                                                                 lang: Lang) -> None:
    text = render_markdown(kommun, lang)
    assert f"| {KOMMUN_QUESTION[lang]} | {NO[lang]} |" in text
    assert "| extensions.school\\_directory\\_integration |" not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_kommun_evidence_reads_the_declared_question_in_html(kommun: Review, lang: Lang) -> None:
    html = render_html(kommun, lang)
    question = KOMMUN_QUESTION[lang].replace("'", "&#39;")
    assert f'<tr><td>{question}</td><td><span class="name">{NO[lang]}</span></td></tr>' in html
    assert "<td>extensions.school_directory_integration</td>" not in html


def test_kommun_review_carries_only_the_facts_it_mentions(kommun: Review) -> None:
    (words,) = kommun.extension_facts.values()
    assert list(kommun.extension_facts) == ["extensions.school_directory_integration"]
    assert words.question.model_dump() == KOMMUN_QUESTION


# --- a worst case that rests on an unanswered extension fact ------------------------------------

RULESET = """\
ruleset:
  id: test.exit
  version: 1.0.0
  title: {sv: Exit, en: Exit}
  owner: secreview tests
  date: 2026-11-26
  aspect: integration
facts:
  - name: exit_plan_state
    type: string
    values: [tested, untested, missing]
    labels:
      tested: {sv: provad, en: tried out}
      untested: {sv: otestad, en: untested}
      missing: {sv: saknas, en: missing}
    phrase: {sv: leverantörens exitplan, en: the vendor's exit plan}
    question: {sv: Hur ser leverantörens exitplan ut?, en: What is the vendor's exit plan like?}
  - name: exit_rehearsed
    type: bool
    question: {sv: Har exiten övats?, en: Has the exit been rehearsed?}
  - name: unused_fact
    type: bool
    question: {sv: Används inte?, en: Not used?}
rules:
  - id: test.exit_plan
    title: {sv: Ingen provad exitplan, en: No tested exit plan}
    message: {sv: Exitplanen är inte provad., en: The exit plan is not tested.}
    remediation: {sv: Kräv en provad exitplan., en: Require a tested exit plan.}
    references: [{source: Test, clause: "1", kind: decision}]
    consequence: 4
    likelihood: 4
    finding_if: {fact: extensions.exit_plan_state, in: [untested, missing]}
    remedy: none
    owner_role: system_owner
    examples:
      - {name: missing, expect: finding, facts: {extensions: {exit_plan_state: missing}}}
      - {name: tested, expect: pass, facts: {extensions: {exit_plan_state: tested}}}
  - id: test.exit_rehearsed
    title: {sv: Exiten har inte övats, en: The exit has not been rehearsed}
    message: {sv: Exiten har inte övats., en: The exit has not been rehearsed.}
    remediation: {sv: Öva exiten., en: Rehearse the exit.}
    references: [{source: Test, clause: "2", kind: decision}]
    consequence: 4
    likelihood: 4
    finding_if: {fact: extensions.exit_rehearsed, eq: false}
    remedy: none
    owner_role: system_owner
    examples:
      - {name: not rehearsed, expect: finding, facts: {extensions: {exit_rehearsed: false}}}
      - {name: rehearsed, expect: pass, facts: {extensions: {exit_rehearsed: true}}}
"""
SYSTEM = {"system": {"name": "Exit"}, "extensions": {"exit_rehearsed": True}}
IN_WORDS = {"sv": "Om leverantörens exitplan är otestad eller saknas blir risken",
            "en": "If the vendor's exit plan is untested or missing, the risk"}


@pytest.fixture(scope="module")
def reviewer(tmp_path_factory: pytest.TempPathFactory) -> Reviewer:
    folder = tmp_path_factory.mktemp("exit")
    (folder / "exit.yaml").write_text(RULESET, encoding="utf-8")
    return Reviewer(rules=[folder / "exit.yaml"])


@pytest.fixture(scope="module")
def unknown(reviewer: Reviewer) -> Review:
    return reviewer.review(SYSTEM, DATE)


@pytest.fixture(scope="module")
def answered(reviewer: Reviewer) -> Review:
    """The same system once the exit plan is known to be tested."""
    return reviewer.review({**SYSTEM, "extensions": {"exit_rehearsed": True,
                                                     "exit_plan_state": "tested"}}, DATE)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_worst_case_names_the_fact_and_its_value_in_words(unknown: Review,
                                                              lang: Lang) -> None:
    worst = unknown.decision.worst_case
    assert unknown.decision.outcome == "incomplete"
    assert worst is not None and worst.outcome == "reject"
    assert worst.statement.get(lang).startswith(IN_WORDS[lang])
    assert "extensions." not in worst.statement.get(lang)
    # ... and the report beside the decision says it so.
    assert IN_WORDS[lang] in render_markdown(unknown, lang)


def test_the_review_carries_question_phrase_and_labels_of_what_it_mentions(
        unknown: Review) -> None:
    """The unknown exit plan (assumption, question) and the answered rehearsal (the
    description's annex shows its answer); never the unused fact."""
    assert list(unknown.extension_facts) == ["extensions.exit_plan_state",
                                             "extensions.exit_rehearsed"]
    words = unknown.extension_facts["extensions.exit_plan_state"]
    assert words.phrase == Text(sv="leverantörens exitplan", en="the vendor's exit plan")
    assert words.labels["missing"] == Text(sv="saknas", en="missing")
    assert words.question.en == "What is the vendor's exit plan like?"


def test_the_review_json_round_trips_with_the_new_field(unknown: Review) -> None:
    data = json.loads(unknown.to_json())
    assert data["schema_version"] == SCHEMA_VERSION == "1.4"
    assert data["extension_facts"]["extensions.exit_plan_state"]["phrase"]["en"] == \
        "the vendor's exit plan"
    again = Review.model_validate_json(unknown.to_json())
    assert again == unknown and again.to_json() == unknown.to_json()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_review_written_before_the_field_still_renders(kommun: Review, unknown: Review,
                                                         lang: Lang) -> None:
    """A 1.3 review has no extension_facts: its report shows what the review itself says (an
    open question's text, the worst case as written then) and names a fact only in evidence by
    its path, as before."""
    old = {}
    for name, review in (("kommun", kommun), ("unknown", unknown)):
        data = json.loads(review.to_json())
        del data["extension_facts"]
        data["schema_version"] = "1.3"
        old[name] = Review.model_validate(data)
        assert old[name].extension_facts == {}
    assert f"| extensions.school\\_directory\\_integration | {NO[lang]} |" in \
        render_markdown(old["kommun"], lang)
    text = render_markdown(old["unknown"], lang)
    assert IN_WORDS[lang] in text
    assert {"sv": "| Hur ser leverantörens exitplan ut? | **okänt",
            "en": "| What is the vendor's exit plan like? | **unknown"}[lang] in text
    assert "<td>extensions.school_directory_integration</td>" in render_html(old["kommun"], lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_review_diff_names_an_answered_extension_fact_in_words(
        unknown: Review, answered: Review, lang: Lang) -> None:
    d = diff_reviews(unknown, answered)
    assert d.answered == ["extensions.exit_plan_state"]
    phrase = {"sv": "leverantörens exitplan", "en": "the vendor's exit plan"}[lang]
    assert f"  {phrase}\n" in render_diff(d, "text", lang)
    assert f"- {phrase}\n" in render_diff(d, "md", lang)
    assert '"questions_answered": [\n    "extensions.exit_plan_state"' in \
        render_diff(d, "json", lang)  # the JSON keeps the paths


# --- the one lookup -----------------------------------------------------------------------------

WORDS = {"extensions.tier": FactWords(question=Text(sv="Vilken nivå?", en="Which tier?"),
                                      phrase=Text(sv="driftnivån", en="the hosting tier"),
                                      labels={"gold": Text(sv="guld", en="gold tier")}),
         "extensions.plain": FactWords(question=Text(sv="Fråga?", en="Question?"))}


def test_fact_name_prefers_the_bundled_label_then_the_phrase_then_the_path() -> None:
    assert fact_name("ai.used", "en", WORDS) == fact_name("ai.used", "en")
    assert fact_name("extensions.tier", "sv", WORDS) == "driftnivån"
    assert fact_name("extensions.tier", "sv") == "extensions.tier"
    assert fact_name("extensions.plain", "en", WORDS) == "extensions.plain"


def test_format_fact_reads_labels_from_words_or_plain_labels() -> None:
    assert format_fact("extensions.tier", "gold", "en", WORDS) == "gold tier"
    assert format_fact("extensions.tier", "gold", "en",
                       {"extensions.tier": WORDS["extensions.tier"].labels}) == "gold tier"
    assert format_fact("extensions.tier", "silver", "en", WORDS) == "silver"
    assert format_fact("extensions.plain", "x", "en", WORDS) == "x"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_workspace_diff_page_names_an_answered_extension_fact_in_words(
        unknown: Review, answered: Review, lang: Lang) -> None:
    from types import SimpleNamespace

    from secreview.web.pages_support import environment, translator

    page = environment().get_template("diff.html.j2").render(
        t=translator(lang), lang=lang, user=None, path="/systems/1/diff", a=1, b=2, levels={},
        system=SimpleNamespace(id=1, name="Exit"), diff=diff_reviews(unknown, answered))
    phrase = {"sv": "leverantörens exitplan", "en": "the vendor&#39;s exit plan"}[lang]
    assert f"<li>{phrase} <code>extensions.exit_plan_state</code></li>" in page


@pytest.mark.parametrize(("lang", "expected"), [("sv", "provad"), ("en", "tried out")])
def test_the_description_annex_reads_an_answer_no_finding_mentions_by_its_label(
        answered: Review, lang: Lang, expected: str) -> None:
    """The tested exit plan passes its rule, so no evidence, question or assumption mentions
    it; the description's annex still reads it by its ruleset's label, from the review alone."""
    from secreview.report.view import description_rows

    assert all(f.status == "pass" for f in answered.findings if f.rule_id == "test.exit_plan")
    archived = Review.model_validate_json(answered.to_json())
    assert "extensions.exit_plan_state" in archived.extension_facts
    rows = {row.path: row.text for row in description_rows(archived, lang)}
    assert rows["extensions.exit_plan_state"] == expected
