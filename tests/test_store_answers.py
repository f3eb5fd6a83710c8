"""Answers as data and back to YAML: unknown leaves no trace, the text reads back the same."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from secreview.loading import parse_yaml_text, quoting_numbers
from secreview.store.answers import (
    _ordered,
    dump_description,
    get_answer,
    load_draft,
    set_answer,
)

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"),
                             blacklist_characters="\u2028\u2029\u0085\ufeff"
                             "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"),
               max_size=40)
VALUES = st.one_of(st.booleans(), st.integers(-10**6, 10**6), TEXT,
                   st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)),
                   st.lists(TEXT, max_size=4))
PATHS = st.sampled_from(["system.name", "vendor.country", "users.staff", "ai.used",
                         "personal_data.dpia.status", "hosting.content.countries",
                         "review.date", "extensions.local_fact"])


def test_unknown_removes_the_answer_and_empty_sections() -> None:
    data = set_answer({}, "personal_data.dpia.status", "approved")
    assert data == {"personal_data": {"dpia": {"status": "approved"}}}
    assert set_answer(data, "personal_data.dpia.status", None) == {}
    assert get_answer(data, "personal_data.dpia.status") == "approved"
    assert get_answer(data, "personal_data.processed") is None


def test_yaml_is_written_in_the_questionnaires_order() -> None:
    data: dict[str, Any] = {}
    for path, value in (("ai.used", False), ("system.purpose", "X"), ("system.name", "NO")):
        data = set_answer(data, path, value)
    text = dump_description(data)
    assert text.index("name:") < text.index("purpose:") < text.index("ai:")
    assert parse_yaml_text(text, "t.yaml").data["system"]["name"] == "NO"


@given(st.dictionaries(PATHS, VALUES, max_size=6))
@example({"system.name": "0E0"})  # YAML 1.2 reads it plain as 0.0; YAML 1.1 wrote it plain
@example({"hosting.content.countries": ["1e5", "0o17", ".5", "+1"]})
def test_written_yaml_reads_back_as_the_same_answers(answers: dict[str, Any]) -> None:
    data: dict[str, Any] = {}
    for path, value in answers.items():
        data = set_answer(data, path, value)
    text = dump_description(data)
    assert dump_description(data) == text  # deterministic
    pure = yaml.dump(_ordered(data, ""), Dumper=quoting_numbers(yaml.SafeDumper), sort_keys=False,
                     allow_unicode=True, default_flow_style=False, width=100)
    if all(ord(c) < 0x10000 for c in pure):  # libyaml escapes astral characters, pure does not
        assert text.split("\n", 1)[1] == (pure if data else "{}\n")
    parsed = parse_yaml_text(text, "t.yaml").data
    assert (parsed or {}) == data
    assert load_draft(text) == data  # the autosave's fast reader agrees with the engine's
