"""The question catalogue covers every core fact, in both languages, and nothing else.

A new fact in ``system.py`` without a question fails here, so the questionnaire and the vendor
question list can never silently fall back to a field name.
"""

from __future__ import annotations

from fast_yaml import safe_load
from secreview.bundled import data_dir
from secreview.facts import core_facts
from secreview.questions import core_questions, question_for
from secreview.rules.loader import load_catalog

ANSWERABLE = sorted(p for p in core_facts() if not p.startswith("derived."))


def _raw() -> dict[str, dict[str, dict[str, str]]]:
    raw = safe_load((data_dir() / "questions.yaml").read_text(encoding="utf-8"))
    assert isinstance(raw, dict)
    return raw


def test_every_core_fact_has_a_question_and_a_why_in_both_languages() -> None:
    raw = _raw()
    missing = [p for p in ANSWERABLE if p not in raw]
    assert missing == []
    for path in ANSWERABLE:
        entry = raw[path]
        assert set(entry) == {"question", "why"}, path
        for key in ("question", "why"):
            assert set(entry[key]) == {"sv", "en"}, (path, key)
            for lang in ("sv", "en"):
                text = entry[key][lang]
                assert isinstance(text, str) and len(text) >= 15, (path, key, lang)


def test_no_question_for_a_fact_that_does_not_exist() -> None:
    unknown = sorted(set(_raw()) - set(ANSWERABLE))
    assert unknown == []


def test_questions_are_questions_not_field_names() -> None:
    for path, entry in core_questions().items():
        for lang in ("sv", "en"):
            text = entry["question"].get(lang)
            assert path not in text
            assert text.rstrip().endswith(("?", ".")), (path, lang)
        assert entry["question"].sv != entry["question"].en, path


def test_swedish_and_english_whys_differ() -> None:
    for path, entry in core_questions().items():
        assert entry["why"].sv != entry["why"].en, path


def test_question_for_uses_the_catalogue(mini_rules) -> None:  # type: ignore[no-untyped-def]
    catalog = load_catalog([mini_rules])
    assert question_for("hosting.content.countries", catalog) == \
        core_questions()["hosting.content.countries"]["question"]
    assert question_for("extensions.cloud_exit_tested", catalog).en == "Has exit been tested?"
