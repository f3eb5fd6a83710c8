"""The open questions of a review, worded and grouped so they can be sent to the vendor as they are.

The ranking itself is the review's (:attr:`Review.questions`, built in
:mod:`secreview.engine.questions`): highest inherent level hidden first, then the summed weight of
the rules left unverified. Here the questions are numbered, grouped by area (the questionnaire's
sections, areas ordered by their most important question), given their "why", and rendered as
Markdown, CSV or plain text. Every text from an input is escaped for the target format.
"""

from __future__ import annotations

from dataclasses import dataclass

from secreview.addressees import addressee_name
from secreview.i18n import Lang, Text, label
from secreview.questionnaire import fact_why, section_of, section_title
from secreview.report.common import level_label
from secreview.report.csvout import csv_document
from secreview.report.markdown_text import md
from secreview.review import Question, Review
from secreview.rules.loader import Catalog

FORMATS = ("text", "md", "csv")
DECIDING = "deciding"
"""The area of the questions whose answers decide the outcome (listed first)."""


@dataclass(frozen=True)
class VendorQuestion:
    """One question as sent: its number, area, wording, reason and the risk it may hide."""

    number: int
    fact: str
    area: str
    question: Text
    why: Text | None
    rule_ids: tuple[str, ...]
    highest_level: str | None
    addressee: str | None = None


@dataclass(frozen=True)
class QuestionGroup:
    area: str
    questions: tuple[VendorQuestion, ...]


def for_addressee(review: Review, addressee: str | None) -> list[Question]:
    """The review's ranked questions that ``addressee`` answers (all of them for None).

    A question from a review made before questions named their addressee is nobody's in
    particular, so it is never sent to anyone by name.
    """
    if addressee is None:
        return list(review.questions)
    return [q for q in review.questions if q.addressee == addressee]


def group_questions(review: Review, catalog: Catalog | None = None,
                    addressee: str | None = None) -> list[QuestionGroup]:
    """Group the review's ranked questions by area and number them in reading order.

    The deciding facts come first, as a group of their own (their answers settle the
    decision); then areas in the order of their most important question; within an area the
    review's ranking is kept. ``catalog`` supplies the "why" of extension facts (core facts
    have theirs in the question catalogue). ``addressee`` keeps only the questions that role
    answers.
    """
    selected = for_addressee(review, addressee)
    areas: dict[str, list[tuple[int, str]]] = {}
    for rank, question in enumerate(selected):
        area = DECIDING if question.deciding else section_of(question.fact, catalog)
        areas.setdefault(area, []).append((rank, question.fact))
    by_fact = {q.fact: q for q in selected}
    groups: list[QuestionGroup] = []
    number = 0
    for area, members in areas.items():
        items = []
        for _rank, fact in members:
            number += 1
            source = by_fact[fact]
            why = fact_why(fact, catalog) if catalog is not None else _core_why(fact)
            items.append(VendorQuestion(number, fact, area, source.question, why,
                                        tuple(source.rule_ids), source.highest_level,
                                        source.addressee))
        groups.append(QuestionGroup(area, tuple(items)))
    return groups


def _core_why(fact: str) -> Text | None:
    from secreview.questions import core_questions

    entry = core_questions().get(fact)
    return entry["why"] if entry else None


def _answered_by(question: VendorQuestion, lang: Lang) -> str:
    """" · answered by: Vendor", or nothing for a question from an older review."""
    if question.addressee is None:
        return ""
    return f" · {label('workflow.questions.answered_by', lang)}: " \
        f"{addressee_name(question.addressee, lang)}"


def _system_name(review: Review, lang: Lang) -> str:
    return review.system.name or label("workflow.questions.unnamed", lang)


def _title(review: Review, lang: Lang, addressee: str | None) -> str:
    """"Open questions for the vendor: NAME"; for another addressee, named by role."""
    if addressee is None or addressee == "vendor":
        return label("workflow.questions.title", lang, system=_system_name(review, lang))
    return label("workflow.questions.title_for", lang, system=_system_name(review, lang),
                 addressee=addressee_name(addressee, lang))


def _none(lang: Lang, addressee: str | None) -> str:
    """Nothing to ask: of anyone, or of this addressee (others may still have questions)."""
    if addressee is None:
        return label("workflow.questions.none", lang)
    return label("workflow.questions.none_for", lang, addressee=addressee_name(addressee, lang))


def render_markdown(review: Review, groups: list[QuestionGroup], lang: Lang,
                    addressee: str | None = None) -> str:
    title = _title(review, lang, addressee)
    out = [f"# {md(title)}", ""]
    if not groups:
        return "\n".join([*out, md(_none(lang, addressee)), ""])
    out += [md(label("workflow.questions.intro", lang)), ""]
    for group in groups:
        out += [f"## {md(section_title(group.area, lang))}", ""]
        for q in group.questions:
            out.append(f"{q.number}\\. **{md(q.question.get(lang))}**")
            out.append("")
            if q.why is not None:
                out.append(f"   *{md(label('workflow.questions.why', lang))}:* "
                           f"{md(q.why.get(lang))}")
                out.append("")
            out.append(f"   *{md(label('workflow.questions.level', lang))}:* "
                       f"{md(level_label(review, q.highest_level, lang))} · "
                       f"{md(label('workflow.questions.rules', lang, n=len(q.rule_ids)))}"
                       f"{md(_answered_by(q, lang))} · `{q.fact}`")
            out.append("")
            out.append(f"   {md(label('workflow.questions.answer', lang))}: ")
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def render_csv(review: Review, groups: list[QuestionGroup], lang: Lang,
               addressee: str | None = None) -> str:
    del addressee  # every row names its addressee
    header = [label(f"workflow.questions.col.{c}", lang)
              for c in ("number", "area", "question", "why", "level", "rules", "fact", "answer",
                        "addressee")]
    header += [label("exchange.col.comment", lang), label("exchange.col.source", lang)]
    rows = [
        [q.number, section_title(q.area, lang), q.question.get(lang),
         q.why.get(lang) if q.why else "", level_label(review, q.highest_level, lang),
         " ".join(q.rule_ids), q.fact, "",
         addressee_name(q.addressee, lang) if q.addressee else "", "", ""]
        for group in groups for q in group.questions
    ]
    return csv_document(header, rows)


def render_text(review: Review, groups: list[QuestionGroup], lang: Lang,
                addressee: str | None = None) -> str:
    out = [_title(review, lang, addressee), ""]
    if not groups:
        return "\n".join([*out, _none(lang, addressee), ""])
    out += [label("workflow.questions.intro", lang), ""]
    for group in groups:
        out.append(section_title(group.area, lang).upper())
        for q in group.questions:
            out.append(f"  {q.number}. {q.question.get(lang)}")
            if q.why is not None:
                out.append(f"     {label('workflow.questions.why', lang)}: {q.why.get(lang)}")
            out.append(f"     {label('workflow.questions.level', lang)}: "
                       f"{level_label(review, q.highest_level, lang)} · "
                       f"{label('workflow.questions.rules', lang, n=len(q.rule_ids))}"
                       f"{_answered_by(q, lang)} · {q.fact}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


RENDERERS = {"md": render_markdown, "csv": render_csv, "text": render_text}


def render_questions(review: Review, fmt: str, lang: Lang, catalog: Catalog | None = None,
                     addressee: str | None = None) -> str:
    """The question list of ``review`` in ``fmt`` (text, md or csv), for one ``addressee``
    (``vendor``, ``dpo``, ...) or for everyone."""
    return RENDERERS[fmt](review, group_questions(review, catalog, addressee), lang, addressee)

