"""Bilingual text: every sentence a person reads exists in Swedish and English."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, StringConstraints

Lang = Literal["sv", "en"]
LANGUAGES: tuple[Lang, ...] = ("sv", "en")

_Line = Annotated[str, StringConstraints(min_length=1, max_length=4000)]


class Text(BaseModel):
    """A text in both languages. Both are required: a rule is not done until both are written."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    sv: _Line
    en: _Line

    def get(self, lang: Lang) -> str:
        return self.sv if lang == "sv" else self.en


_WORDS: dict[str, Text] = {}


def word(key: str) -> Text:
    """Small bilingual vocabulary shared by the renderers (yes/no/unknown and the like)."""
    if not _WORDS:
        _WORDS.update({
            "yes": Text(sv="ja", en="yes"),
            "no": Text(sv="nej", en="no"),
            "unknown": Text(sv="okänt", en="unknown"),
            "none": Text(sv="inga", en="none"),
        })
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


PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*)\}")


def fill_placeholders(template: str, facts: Mapping[str, object], lang: Lang) -> str:
    """Replace ``{fact.path}`` with the fact's value; unknown paths are left as written."""

    def replace(match: re.Match[str]) -> str:
        path = match.group(1)
        if path not in facts:
            return match.group(0)
        return format_value(facts[path], lang)

    return PLACEHOLDER.sub(replace, template)


def fill_text(text: Text, facts: Mapping[str, object]) -> Text:
    return Text(sv=fill_placeholders(text.sv, facts, "sv"),
                en=fill_placeholders(text.en, facts, "en"))


@cache
def _labels() -> dict[str, Text]:
    from secreview.bundled import data_dir

    raw = yaml.safe_load((data_dir() / "labels.yaml").read_text(encoding="utf-8"))
    return {key: Text(**value) for key, value in raw.items()}


def label(key: str, lang: Lang, **values: object) -> str:
    """A shared label (``decision.reject``, ``heading.findings``, ...) in ``lang``."""
    text = _labels()[key].get(lang)
    return text.format(**values) if values else text


def has_label(key: str) -> bool:
    return key in _labels()
