"""The question behind each fact, in Swedish and English, for questionnaires and vendor lists."""

from __future__ import annotations

from functools import cache

from secreview.bundled import load_data
from secreview.i18n import Text
from secreview.rules.loader import Catalog


@cache
def core_questions() -> dict[str, dict[str, Text]]:
    """``path -> {"question": Text, "why": Text}`` from ``data/questions.yaml``."""
    raw = load_data("questions.yaml")
    return {path: {key: Text(**text) for key, text in entry.items()} for path, entry in raw.items()}


def question_for(path: str, catalog: Catalog) -> Text:
    """The question to ask for ``path``; extension facts carry their own."""
    fact = catalog.extension(path)
    if fact is not None:
        return fact.question
    entry = core_questions().get(path)
    if entry is not None:
        return entry["question"]
    spec = catalog.facts.get(path)
    description = spec.description if spec and spec.description else path
    return Text(sv=f"Besvara uppgiften: {description} ({path})",
                en=f"Please answer: {description} ({path})")
