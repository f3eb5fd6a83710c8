"""Laws of the loaders: only InputError ever escapes, whatever the bytes; values are not altered.

The fuzz harness (``tests/fuzz``) mutates valid documents to reach deeper code; these properties
state the contract on arbitrary input: bytes, text, YAML-like token soup, and random structures
fed to the validation of every document kind.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fuzz.strategies import documents, serialise, structures
from fuzz.targets import FUZZ_LIMITS, MODELS
from secreview.errors import InputError
from secreview.loading import load_bytes, parse_text
from secreview.validation import validate

YAML_TOKENS = [
    "key: ", "system:", "\n", "\n  ", "\n    ", "- ", "[", "]", "{", "}", ", ", "&a ", "*a",
    "&b ", "*b", "!!python/object/apply:os.system ", "!!python/name:os.system", "!tag ",
    "!!binary ", "!!set ", "<<: ", "? ", ": ", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! x\n",
    "|\n", ">-\n", "# c\n", "'", '"', "\\", "\\e", "\\x07", "\t", "\x07", "\x85", "\ufeff",
    ".nan", ".inf", "-.Inf", "0x1F", "0o17", "1_000", "2026-13-45", "2026-11-26", "yes", "NO",
    "~", "null", "true", "1e309", "9" * 30, "å", "\U0001f600", "\u202e",
]


def _only_input_errors(text: str, source: str) -> None:
    try:
        parse_text(text, source, FUZZ_LIMITS)
    except InputError as error:
        assert error.problems and all(p.message for p in error.problems)


@pytest.mark.slow
@settings(max_examples=150)
@given(st.binary(max_size=3000), st.sampled_from(["x.yaml", "x.json"]))
def test_arbitrary_bytes_give_a_document_or_an_input_error(raw: bytes, source: str) -> None:
    try:
        load_bytes(raw, source, FUZZ_LIMITS)
    except InputError as error:
        assert error.problems[0].file == source


@pytest.mark.slow
@settings(max_examples=150)
@given(st.text(max_size=2000), st.sampled_from(["x.yaml", "x.json"]))
def test_arbitrary_text_gives_a_document_or_an_input_error(text: str, source: str) -> None:
    _only_input_errors(text, source)


@pytest.mark.slow
@settings(max_examples=300)
@given(st.lists(st.sampled_from(YAML_TOKENS), max_size=60).map("".join))
def test_yaml_token_soup_gives_a_document_or_an_input_error(text: str) -> None:
    _only_input_errors(text, "soup.yaml")


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(MODELS))
@settings(max_examples=60)
@given(doc=documents(), as_json=st.booleans())
def test_random_documents_validate_or_give_input_errors(kind: str, doc: dict[str, Any],
                                                        as_json: bool) -> None:
    raw = serialise(doc, as_json)
    try:
        validate(MODELS[kind], load_bytes(raw, "doc.json" if as_json else "doc.yaml",
                                          FUZZ_LIMITS))
    except InputError as error:
        for problem in error.problems:
            assert problem.file in ("doc.json", "doc.yaml")
            assert "Traceback" not in problem.format()


@pytest.mark.slow
@settings(max_examples=150)
@given(structures())
@example({"0E0": None})  # a key YAML 1.1 writes plain and YAML 1.2 reads as 0.0
@example(["0E0", "1e3"])
def test_loading_keeps_values_as_written(data: Any) -> None:
    """Whatever loads comes back exactly as it was dumped (YAML), or as JSON reads it."""
    for as_json in (False, True):
        raw = serialise({"data": data}, as_json)
        try:
            loaded = load_bytes(raw, "v.json" if as_json else "v.yaml", FUZZ_LIMITS).data
        except InputError:
            continue
        expected = json.loads(raw) if as_json else yaml.safe_load(raw)
        assert loaded == expected
