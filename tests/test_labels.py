"""The shared labels: counted phrases come in pairs, and each count of a sentence is chosen
on its own."""

from __future__ import annotations

import string

import pytest

from secreview.labels import LANGUAGES, Lang, _labels, label, plural, plurals


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_counted_label_has_both_forms_with_the_same_values() -> None:
    """``KEY.one`` without ``KEY.other`` (or the reverse) would fail only for that count. An
    ``.other`` that shows no ``{n}`` is a plain word ("questions.other": "Other questions")."""
    labels = _labels()
    for key, texts in labels.items():
        stem, _, form = key.rpartition(".")
        if form == "one" or (form == "other" and "n" in _fields(texts["en"])):
            twin = f"{stem}.{'other' if form == 'one' else 'one'}"
            assert twin in labels, f"{key} has no {twin}"
            for lang in LANGUAGES:  # ".one" may leave the number out ("Risken {ids} ...")
                assert _fields(texts[lang]) - {"n"} == _fields(labels[twin][lang]) - {"n"}, key


@pytest.mark.parametrize(("lang", "expected"), [("sv", "1 fil, 2 regler: 1 fel, 0 varningar"),
                                                ("en", "1 file, 2 rules: 1 error, 0 warnings")])
def test_plurals_puts_each_count_in_its_own_form(lang: Lang, expected: str) -> None:
    assert label("rules.lint.summary", lang, **plurals(
        "rules.lint.count", lang, files=1, rules=2, errors=1, warnings=0)) == expected
    assert plural("rules.lint.count.files", 1, lang) == expected.split(",")[0]
