"""Filling facts into rule texts: values shown as people read them, within a text's length."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from secreview.i18n import MAX_FILLED_VALUE, MAX_LINE, Lang, fill_placeholders, filled_value

LONG_ITEMS = st.lists(st.text(st.sampled_from("abcåäö XYZ-"), min_size=1, max_size=400),
                      min_size=1, max_size=80)


@given(LONG_ITEMS, st.integers(1, 40))
def test_a_filled_text_never_exceeds_the_limit(items: list[str], placeholders: int) -> None:
    template = " ".join(["{exit.export_formats}"] * placeholders)
    for lang in ("sv", "en"):
        assert len(fill_placeholders(template, {"exit.export_formats": items}, lang)) <= MAX_LINE


@given(LONG_ITEMS)
def test_a_filled_list_keeps_its_first_items_and_counts_the_rest(items: list[str]) -> None:
    text = filled_value("exit.export_formats", items, "en")
    assert len(text) <= MAX_FILLED_VALUE + len(f" … (+{len(items)})")
    assert text.startswith(items[0][:MAX_FILLED_VALUE - 1].rstrip())
    if len(", ".join(items)) <= MAX_FILLED_VALUE:
        assert text == ", ".join(items)
    else:
        assert (text.endswith(")") and "… (+" in text) or len(items) == 1


def test_short_values_are_filled_as_before() -> None:
    facts = {"exit.export_formats": ["CSV", "XML"], "hosting.deployment": "saas"}
    assert fill_placeholders("({exit.export_formats}) {hosting.deployment} {x.y}", facts,
                             "en") == "(CSV, XML) cloud service (SaaS) {x.y}"


@pytest.mark.parametrize(("lang", "word"), [("sv", "okänt"), ("en", "unknown")])
def test_an_unanswered_fact_is_set_apart_once(lang: Lang, word: str) -> None:
    """"(okänt)" inside a sentence, but never "((okänt))" where the template has brackets."""
    assert fill_placeholders("barn ({users.children}) och {users.children}", {}, lang) \
        == f"barn ({word}) och ({word})"
