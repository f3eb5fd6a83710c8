"""The shared labels of ``data/labels.yaml`` (decisions, statuses, headings, CLI messages) in
either language, as plain strings.

Kept apart from :mod:`secreview.i18n` (the bilingual ``Text`` model) so the CLI can word its
messages without importing pydantic.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Literal

Lang = Literal["sv", "en"]
LANGUAGES: tuple[Lang, ...] = ("sv", "en")


LABEL_FILES = ("labels.yaml", "workspace_labels.yaml")
"""The shared labels, then the workspace's pages (kept apart so the two grow without colliding)."""


@cache
def _labels() -> dict[str, dict[str, str]]:
    from secreview.bundled import load_data

    labels: dict[str, dict[str, str]] = {}
    for name in LABEL_FILES:
        for key, value in load_data(name).items():
            if key in labels:
                raise ValueError(f"label '{key}' is defined twice ({name})")
            labels[key] = {lang: value[lang] for lang in LANGUAGES}
    return labels


def label(key: str, lang: Lang, **values: object) -> str:
    """A shared label (``decision.reject``, ``heading.findings``, ...) in ``lang``."""
    text = _labels()[key][lang]
    return text.format(**values) if values else text


def has_label(key: str) -> bool:
    return key in _labels()


def plural_form(n: int, lang: Lang) -> str:
    """The CLDR plural category of ``n``: Swedish and English both say "one" for 1, else "other".

    Two languages with the same two-form rule need no plural library (babel would add its
    locale data to every start-up for this one comparison); a third language would branch here.
    """
    del lang
    return "one" if n == 1 else "other"


def plural(key: str, n: int, lang: Lang, **values: object) -> str:
    """A counted phrase from the labels ``KEY.one`` / ``KEY.other``: "1 regel", "2 regler".

    The one place that chooses a plural form, so no text reads "1 öppna risker"; ``{n}`` in the
    label is the count.
    """
    return label(f"{key}.{plural_form(n, lang)}", lang, n=n, **values)


def plurals(prefix: str, lang: Lang, **counts: int) -> dict[str, str]:
    """The counted parts of one sentence, each in its own form (``PREFIX.NAME.one/other``), to
    fill the sentence's label: ``label("rules.lint.summary", lang, **plurals("rules.lint.count",
    lang, files=1, rules=3, ...))`` reads "1 fil, 3 regler: …".

    A sentence with several counts has a pair per count, so no part reads "1 filer".
    """
    return {name: plural(f"{prefix}.{name}", n, lang) for name, n in counts.items()}


def format_date(value: dt.date | None, lang: Lang) -> str:
    """A date as a person writes it: "29 november 2026" in Swedish, "29 November 2026" in English.

    Machine-read outputs (JSON, CSV) keep ISO 8601; this is for what a board member reads.
    """
    if value is None:
        return label("date.unknown", lang)
    return f"{value.day} {label(f'date.month.{value.month}', lang)} {value.year}"
