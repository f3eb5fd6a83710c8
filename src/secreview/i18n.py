"""Bilingual text: every sentence a person reads exists in Swedish and English."""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from secreview.labels import LANGUAGES, Lang, format_date, has_label, label, plural, plurals

__all__ = ["LANGUAGES", "FactWords", "Lang", "Text", "Words", "bilingual", "fact_name",
           "format_date", "format_fact", "format_value", "has_label", "label", "labels_for",
           "plural", "plurals", "value_choices", "value_labels", "word"]


MAX_LINE = 4000
"""Longest text in one language (a rule's message, a label)."""
_Line = Annotated[str, StringConstraints(min_length=1, max_length=MAX_LINE)]


class Text(BaseModel):
    """A text in both languages. Both are required: a rule is not done until both are written."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    sv: _Line
    en: _Line

    def get(self, lang: Lang) -> str:
        return self.sv if lang == "sv" else self.en


_WORDS: dict[str, Text] = {
    "yes": Text(sv="ja", en="yes"),
    "no": Text(sv="nej", en="no"),
    "unknown": Text(sv="okänt", en="unknown"),
    "none": Text(sv="inga", en="none"),
}


def word(key: str) -> Text:
    """Small bilingual vocabulary shared by the renderers (yes/no/unknown and the like)."""
    return _WORDS[key]


def format_value(value: object, lang: Lang) -> str:
    """A fact value as a person reads it: ja/nej, lists joined, unknown spelled out."""
    if value is None:
        return word("unknown").get(lang)
    if isinstance(value, bool):
        return word("yes" if value else "no").get(lang)
    if isinstance(value, list):
        if not value:
            return word("none").get(lang)
        parts = [
            str(item.get("name") or item.get("counterpart") or item) if isinstance(item, dict)
            else format_value(item, lang)
            for item in value
        ]
        return ", ".join(parts)
    return str(value)


@cache
def value_labels() -> dict[str, dict[str, Text]]:
    """The labels of enumerated fact values (``data/values.yaml``): fact path → value → Text."""
    from secreview.bundled import load_data

    raw = load_data("values.yaml")
    return {path: {str(value): Text(**text) for value, text in values.items()}
            for path, values in raw.items()}


def _item_name_field(path: str) -> str | None:
    """The field that names an entry of a list-of-entries fact: the model's first (required) one."""
    from secreview.facts import core_facts

    spec = core_facts().get(path)
    return next(iter(spec.item_facts), None) if spec is not None else None


Labels = Mapping[str, Mapping[str, Text]]
"""Value labels by fact path and value: the bundled ones, or a catalogue's extension labels."""


class FactWords(BaseModel):
    """How a fact a ruleset adds (an extension fact) reads to a person: the bundled facts have
    their words in ``data/``, an extension fact only in its ruleset, so a review carries them
    for the facts it mentions and renders without the ruleset."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    question: Text = Field(description="The question, as the questionnaire asks it")
    phrase: Text | None = Field(
        None, description="How the fact reads mid-sentence ('leverantörens exitplan' / 'the "
        "vendor's exit plan'); null: it is named by its path there")
    labels: dict[str, Text] = Field(
        default_factory=dict, description="How each allowed value reads, by value")


Words = Mapping[str, FactWords]
"""What the review or the catalogue knows of extension facts, by fact path."""


def labels_for(path: str, own: Mapping[str, Text] | None = None) -> Mapping[str, Text]:
    """How the values of the fact at ``path`` read: its ``own`` labels (an extension fact's,
    from its ruleset) when it has any, else the bundled ones (``data/values.yaml``)."""
    return own or value_labels().get(path, {})


def _own_labels(path: str, labels: Labels | Words | None) -> Mapping[str, Text]:
    """:func:`labels_for` with the labels given by path (a catalogue's or a review's extension
    facts)."""
    own = labels.get(path) if labels is not None else None
    return labels_for(path, own.labels if isinstance(own, FactWords) else own)


def _format_item(path: str, item: Mapping[str, object], lang: Lang,
                 labels: Labels | Words | None = None) -> str:
    """One entry of a list of entries: its name, then its labelled enumerated fields.

    ``Betygssättning: public task (Art. 6(1)(e))``; an entry without its naming field is shown
    as ``field: value`` pairs so nothing is hidden.
    """
    name_field = _item_name_field(path)
    if name_field is None or item.get(name_field) is None:
        return ", ".join(f"{key}: {format_fact(f'{path}.{key}', value, lang, labels)}"
                         for key, value in item.items())
    name = format_fact(f"{path}.{name_field}", item[name_field], lang, labels)
    known = value_labels()
    enums = [format_fact(f"{path}.{key}", value, lang, labels) for key, value in item.items()
             if key != name_field and value is not None and f"{path}.{key}" in known]
    return f"{name}: {', '.join(enums)}" if enums else name


def fact_name(path: str, lang: Lang, words: Words | None = None) -> str:
    """A fact as a phrase mid-sentence ("konfidentialitetsnivån (KLASSA)"), from its ``fact.*``
    label, or an extension fact's ``phrase`` in ``words`` (its ruleset's, as a catalogue or a
    review carries them); a fact without either by its path, which its question shows too."""
    if has_label(f"fact.{path}"):
        return label(f"fact.{path}", lang)
    own = words.get(path) if words is not None else None
    return own.phrase.get(lang) if own is not None and own.phrase is not None else path


def format_fact(path: str, value: object, lang: Lang,
                labels: Labels | Words | None = None) -> str:
    """The value of the fact at ``path`` as a person reads it: enumerated ids get their label.

    ``hosting.deployment = saas`` reads "cloud service (SaaS)"; yes/no, unknown, lists and dates
    read as in :func:`format_value`. Only the fact's own ids are relabelled, so free text equal to
    an id stays as written. Extension facts read by the ``labels`` their rulesets declare, when
    the caller passes them (or the :class:`FactWords` a catalogue or a review carries).
    """
    if isinstance(value, str):
        text = _own_labels(path, labels).get(value)
        return text.get(lang) if text is not None else value
    if isinstance(value, Mapping):
        return _format_item(path, value, lang, labels)
    if isinstance(value, list) and value:
        return _separator(value).join(format_fact(path, item, lang, labels) for item in value)
    return format_value(value, lang)


def _separator(items: list[object]) -> str:
    """Entries (mappings) are separated by semicolons: their own text holds commas."""
    return "; " if any(isinstance(item, Mapping) for item in items) else ", "


def value_choices(path: str, values: Iterable[object], lang: Lang,
                  labels: Labels | Words | None = None) -> str:
    """The ids a fact accepts with what each means, for a form: ``saas — cloud service (SaaS)``.

    Joined with semicolons because some labels contain commas; a no-break space keeps each id
    on the same line as its dash when a comment is wrapped.
    """
    known = _own_labels(path, labels)
    return "; ".join(f"{value}\u00a0— {known[str(value)].get(lang)}" if str(value) in known
                     else str(value) for value in values)


PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*)\}")
MAX_FILLED_VALUE = 300
"""Longest value put into a rule's text: the message explains, the evidence lists everything."""
_CUT = "…"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + _CUT


def filled_value(path: str, value: object, lang: Lang, labels: Labels | None = None) -> str:
    """A fact's value as it goes into a rule's text, at most :data:`MAX_FILLED_VALUE` long.

    A list keeps its first items and says how many more there are (``CSV, XML, … (+37)``), so
    a description with many long answers still gives a readable message within the length a
    text may have; the review's evidence keeps every value.
    """
    if not (isinstance(value, list) and value):
        return _cut(format_fact(path, value, lang, labels), MAX_FILLED_VALUE)
    separator = _separator(value)
    shown: list[str] = []
    length = 0
    for item in value:
        text = _cut(format_fact(path, item, lang, labels), MAX_FILLED_VALUE)
        added = len(text) + (len(separator) if shown else 0)
        if shown and length + added > MAX_FILLED_VALUE:
            break
        shown.append(text)
        length += added
    rest = len(value) - len(shown)
    return separator.join(shown) + (f" {_CUT} (+{rest})" if rest else "")


def unknown_placeholder(lang: Lang) -> str:
    """How an unanswered fact reads inside a sentence: "(okänt)" / "(unknown)", set apart so it
    never reads as part of a word or a value ("classified C(unknown)" was such a sentence)."""
    return f"({word('unknown').get(lang)})"


def fill_placeholders(template: str, facts: Mapping[str, object], lang: Lang,
                      labels: Labels | None = None) -> str:
    """Replace ``{fact.path}`` with the fact's value, an unanswered fact with "(unknown)";
    a placeholder that names no fact at all is left as written (the linter reports it).

    The result is at most :data:`MAX_LINE` characters, however many placeholders the template
    has and however long the answers are.
    """
    from secreview.facts import core_facts

    known_paths = core_facts()

    def replace(match: re.Match[str]) -> str:
        path = match.group(1)
        if path not in facts and path not in known_paths and not path.startswith("extensions."):
            return match.group(0)
        value = facts.get(path)
        if value is None:
            # Already in parentheses in the template: "(okänt)", never "((okänt))".
            bracketed = (template[match.start() - 1:match.start()] == "("
                         and template[match.end():match.end() + 1] == ")")
            return word("unknown").get(lang) if bracketed else unknown_placeholder(lang)
        return filled_value(path, value, lang, labels)

    return _cut(PLACEHOLDER.sub(replace, template), MAX_LINE)


def fill_text(text: Text, facts: Mapping[str, object], labels: Labels | None = None) -> Text:
    """``text`` with its ``{fact.path}`` placeholders filled in both languages (the same object
    when it has none: most rule texts, filled for every rule of every review)."""
    if "{" not in text.sv and "{" not in text.en:
        return text
    return Text(sv=fill_placeholders(text.sv, facts, "sv", labels),
                en=fill_placeholders(text.en, facts, "en", labels))


def bilingual(key: str, **values: object) -> Text:
    """A shared label filled in both languages, for texts a Review carries (warnings).

    A date among the values is written as each language writes dates.
    """
    def filled(lang: Lang) -> str:
        return label(key, lang, **{name: format_date(value, lang)
                                   if isinstance(value, dt.date) else value
                                   for name, value in values.items()})

    return Text(sv=filled("sv"), en=filled("en"))
