"""The shared labels of ``data/labels.yaml`` (decisions, statuses, headings, CLI messages) in
either language, as plain strings.

Kept apart from :mod:`secreview.i18n` (the bilingual ``Text`` model) so the CLI can word its
messages without importing pydantic.
"""

from __future__ import annotations

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
