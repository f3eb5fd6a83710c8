"""The questionnaire as a web form: the questions, help texts, value labels, sections and routing
of ``secreview init`` (taken from :mod:`secreview.questionnaire`, :mod:`secreview.questions` and
the value labels, never copied), and the parsing of submitted fields back into answers.

Every question can stay unknown ("vet ej"): a yes/no question has three choices, a list has the
states unknown / none / these, and an empty field is unknown. Unknown is never shown as no.

Field names: ``f:PATH`` the value, ``s:PATH`` a list's state, ``o:PATH:ROW:FIELD`` a field of one
entry of a list of entries, ``p:PATH`` marks that the question was on the submitted form (so an
unchecked box means "none of these" and a question not on the form is left alone).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from secreview.facts import FactSpec
from secreview.i18n import Lang, has_label, label
from secreview.questionnaire import (
    COUNTRY_SUFFIXES,
    ROUTING,
    SECTIONS,
    allowed_values,
    fact_why,
    section_of,
    section_title,
)
from secreview.questions import question_for
from secreview.routing import hidden_facts, routing_hint
from secreview.rules.loader import Catalog
from secreview.store.answers import get_answer

LIST_STATES = ("unknown", "none", "listed")
TEXT_FIELDS = frozenset({"system.purpose"})
"""Free texts written as a paragraph (a text area) rather than a line."""
MAX_ROWS = 50
MAX_FIELD_CHARS = 4000


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class SubField:
    name: str
    control: str
    meaning: str
    hint: str
    choices: tuple[Choice, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Question:
    path: str
    control: str  # bool enum int number date string text list_enum list_text objects
    section: str
    text: str
    hint: str
    why: str | None
    routing_note: str | None
    choices: tuple[Choice, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    items: tuple[SubField, ...] = ()

    @property
    def dom_id(self) -> str:
        return "q-" + self.path.replace(".", "-")


@dataclass
class Section:
    id: str
    number: int
    title: str
    questions: list[Question] = field(default_factory=list)


def _control(spec: FactSpec, path: str) -> str:
    if spec.kind == "list":
        return "list_enum" if spec.allowed else "list_text"
    if spec.kind == "string":
        return "text" if path in TEXT_FIELDS else "string"
    return spec.kind


def _choices(spec: FactSpec, path: str, lang: Lang) -> tuple[Choice, ...]:
    """The choices of an enumerated fact, each by its label (a ruleset's own for its facts)
    with the value the description holds beside it."""
    labels = spec.value_labels(path)
    return tuple(Choice(str(v), f"{labels[str(v)].get(lang)} ({v})" if str(v) in labels
                        else str(v)) for v in spec.allowed or ())


def _subfield(path: str, name: str, spec: FactSpec, lang: Lang, required: bool) -> SubField:
    key = f"workflow.item.{path}.{name}"
    item_path = f"{path}.{name}"
    return SubField(name=name, control=_control(spec, item_path),
                    meaning=label(key, lang) if has_label(key) else name,
                    hint=allowed_values(spec, name, lang, item_path),
                    choices=_choices(spec, item_path, lang), required=required)


def build_sections(catalog: Catalog, lang: Lang) -> list[Section]:
    """Every answerable fact as a question, grouped by area in the questionnaire's order,
    routing questions first in their section."""
    from secreview.system import SystemDescription

    required_items = _required_item_fields(SystemDescription)
    order = [s for s, _ in SECTIONS] + ["extensions"]
    sections = {s: Section(s, i, section_title(s, lang)) for i, s in enumerate(order, 1)}
    for path, spec in catalog.facts.items():
        if path.startswith("derived."):
            continue
        name = path.rsplit(".", 1)[-1]
        why = fact_why(path, catalog)
        routing = routing_hint(path, lang, "form") if path in ROUTING else None
        items = tuple(_subfield(path, item, item_spec, lang, item in required_items.get(path, ()))
                      for item, item_spec in spec.item_facts.items())
        question = Question(
            path=path, control=_control(spec, path), section=section_of(path),
            text=question_for(path, catalog).get(lang),
            hint=allowed_values(spec, name, lang), why=why.get(lang) if why else None,
            routing_note=routing, choices=_choices(spec, path, lang),
            minimum=spec.minimum, maximum=spec.maximum, items=items)
        sections.setdefault(question.section,
                            Section(question.section, len(sections) + 1,
                                    section_title(question.section, lang)))
        sections[question.section].questions.append(question)
    result = [s for s in sections.values() if s.questions]
    for section in result:
        section.questions.sort(key=lambda q: (ROUTING.index(q.path) if q.path in ROUTING
                                              else len(ROUTING)))
    return result


def _required_item_fields(model: Any) -> dict[str, set[str]]:
    """Fields an entry of a list of entries must have (``name`` of a sub-processor...)."""
    from secreview.facts import core_facts

    result: dict[str, set[str]] = {}
    for path, spec in core_facts().items():
        if spec.kind != "objects":
            continue
        node = model
        for part in path.split("."):
            info = node.model_fields[part]
            node = _list_item_or_model(info.annotation)
        result[path] = {n for n, info in node.model_fields.items() if info.is_required()}
    return result


def _list_item_or_model(annotation: Any) -> Any:
    import typing

    from pydantic import BaseModel

    stack = [annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
        stack.extend(typing.get_args(item))
    raise TypeError(f"no model in {annotation!r}")


def routing_answers(data: Mapping[str, Any]) -> dict[str, Any]:
    return {path: get_answer(data, path) for path in ROUTING}


def hidden_paths(data: Mapping[str, Any], questions: Sequence[Question]) -> set[str]:
    return hidden_facts(routing_answers(data), [q.path for q in questions])


# --- reading the submitted form -----------------------------------------------------------------

class FormValues:
    """The submitted fields: ``get`` one value, ``all`` of a repeated name."""

    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        self.pairs = [(k, v[:MAX_FIELD_CHARS]) for k, v in pairs]
        self.single = dict(self.pairs)

    def get(self, name: str) -> str:
        return self.single.get(name, "").strip()

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.pairs if k == name]

    def present(self) -> list[str]:
        return [k[2:] for k, _ in self.pairs if k.startswith("p:")]


def _scalar(control: str, raw: str, path: str) -> Any:
    """A typed value from one field: empty is unknown; text the validator must judge is passed
    on as written so the problem reads as it would for a YAML file."""
    text = raw.strip()
    if text == "":
        return None
    if control == "bool":
        return {"true": True, "false": False}.get(text, text)
    if control == "int":
        try:
            return int(text)
        except ValueError:
            return text
    if control == "number":
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return text
        return int(number) if number.is_integer() and "." not in text else number
    if control == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    if path.endswith(COUNTRY_SUFFIXES) and len(text) == 2:
        return text.upper()
    return text


def _list_value(question: Question, form: FormValues) -> Any:
    state = form.get(f"s:{question.path}") or "unknown"
    if state == "unknown":
        return None
    if state == "none":
        return []
    if question.control == "list_enum":
        return form.all(f"f:{question.path}")
    lines = form.get(f"f:{question.path}").replace(",", "\n").splitlines()
    return [_scalar("string", line, question.path) for line in lines if line.strip()]


def _objects_value(question: Question, form: FormValues) -> Any:
    state = form.get(f"s:{question.path}") or "unknown"
    if state == "unknown":
        return None
    if state == "none":
        return []
    rows: list[dict[str, Any]] = []
    for index in range(MAX_ROWS):
        entry: dict[str, Any] = {}
        for sub in question.items:
            value = _scalar(sub.control, form.get(f"o:{question.path}:{index}:{sub.name}"),
                            f"{question.path}.{sub.name}")
            if value is not None:
                entry[sub.name] = value
        if entry:
            rows.append(entry)
    return rows


def parse_answers(questions: Mapping[str, Question], form: FormValues) -> dict[str, Any]:
    """The answers of every question marked present on the form (unknown as ``None``)."""
    answers: dict[str, Any] = {}
    for path in form.present():
        question = questions.get(path)
        if question is None:
            continue
        if question.control in ("list_enum", "list_text"):
            answers[path] = _list_value(question, form)
        elif question.control == "objects":
            answers[path] = _objects_value(question, form)
        else:
            answers[path] = _scalar(question.control, form.get(f"f:{path}"), path)
    return answers


def field_value(question: Question, data: Mapping[str, Any]) -> Any:
    return get_answer(data, question.path)


def list_state(value: Any) -> str:
    if value is None:
        return "unknown"
    return "listed" if value else "none"


def display(value: Any) -> str:
    """A stored value as the form shows it in a text field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "\n".join(display(v) for v in value)
    return str(value)
