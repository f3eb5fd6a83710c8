"""Values that lie: laws that hold for every field of the shared types (issue 17, class 4).

A number field never takes a boolean or a YAML 1.1 notation (``4:30``, ``1_000``, ``0b101``);
leading zeros are decimal; a one-line field refuses every line and paragraph separator; a name
refuses invisible characters and words that mix look-alike scripts. The fields are taken from
the model, so a field added later with the shared types is covered without touching this file.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import AfterValidator, BaseModel

from secreview.errors import InputError
from secreview.facts import core_facts
from secreview.loading import load_bytes, parse_yaml_text
from secreview.system import SystemDescription, plain_name
from secreview.validation import validate

NUMBER_FACTS = sorted(p for p, s in core_facts().items()
                      if s.kind in ("int", "number") and not p.startswith("derived."))
INT_FACTS = sorted(p for p in NUMBER_FACTS if core_facts()[p].kind == "int")
LINE_BREAKS = ["\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u2061",
             "\u034f", "\u3164", "\U000e0041"]
# Latin letter -> a Cyrillic or Greek letter that looks the same.
LOOKALIKES = {"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "i": "і",
              "v": "ν", "k": "κ"}


def _name_fields(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Paths of every field (outside lists) whose type validates with ``plain_name``."""
    for name, info in model.model_fields.items():
        path = prefix + (info.alias or name)
        if any(isinstance(m, AfterValidator) and m.func is plain_name for m in info.metadata):
            yield path
        stack = [info.annotation]
        while stack:
            item = stack.pop()
            if isinstance(item, type) and issubclass(item, BaseModel):
                yield from _name_fields(item, path + ".")
            elif typing.get_origin(item) is typing.Annotated:
                args = typing.get_args(item)
                if any(isinstance(m, AfterValidator) and m.func is plain_name for m in args[1:]):
                    yield path
                stack.append(args[0])
            elif typing.get_origin(item) in (typing.Union, types.UnionType):
                stack.extend(typing.get_args(item))


NAME_FIELDS = sorted(set(_name_fields(SystemDescription)))


def _nested(path: str, value: Any) -> dict[str, Any]:
    head, _, rest = path.partition(".")
    return {head: _nested(rest, value) if rest else value}


def _review_json(path: str, value: Any) -> None:
    """Validate a description holding only ``value`` at ``path``, read from JSON bytes."""
    raw = json.dumps(_nested(path, value)).encode("utf-8")
    validate(SystemDescription, load_bytes(raw, "x.json"))


def test_the_model_has_name_and_number_fields() -> None:
    assert {"system.name", "vendor.name", "vendor.parent_company"} <= set(NAME_FIELDS)
    assert {"continuity.rto_hours", "users.number_of_users"} <= set(NUMBER_FACTS)


@given(st.sampled_from(NUMBER_FACTS), st.booleans())
def test_no_number_field_takes_a_boolean(path: str, value: bool) -> None:
    with pytest.raises(InputError, match=r"valid (number|integer)"):
        _review_json(path, value)


@given(st.sampled_from(NUMBER_FACTS), st.integers(0, 9999).map(str))
def test_no_number_field_takes_text(path: str, digits: str) -> None:
    with pytest.raises(InputError, match=r"valid (number|integer)"):
        _review_json(path, digits)


@given(st.sampled_from(NUMBER_FACTS), st.integers(0, 999), st.integers(0, 59),
       st.sampled_from(["{h}:{m:02d}", "{h}:{m}", "1_{h:03d}", "0b1{m:b}", "{h}:{m:02d}:30"]))
@example("continuity.rto_hours", 4, 30, "{h}:{m:02d}")
def test_yaml_11_number_notations_are_never_numbers(path: str, h: int, m: int,
                                                    notation: str) -> None:
    """Under YAML 1.1, ``4:30`` is 270 and ``1_000`` is 1000; here they stay text, refused."""
    text = notation.format(h=h, m=m)
    doc = parse_yaml_text(_yaml(path, text), "x.yaml")
    with pytest.raises(InputError, match=r"valid (number|integer)"):
        validate(SystemDescription, doc)


@given(st.sampled_from(INT_FACTS), st.integers(0, 99), st.integers(1, 3))
def test_leading_zeros_are_decimal(path: str, number: int, zeros: int) -> None:
    doc = parse_yaml_text(_yaml(path, "0" * zeros + str(number)), "x.yaml")
    value: Any = doc.data
    for part in path.split("."):
        value = value[part]
    assert value == number and not isinstance(value, bool)


def _yaml(path: str, scalar: str) -> str:
    lines, indent = [], ""
    parts = path.split(".")
    for part in parts[:-1]:
        lines.append(f"{indent}{part}:")
        indent += "  "
    lines.append(f"{indent}{parts[-1]}: {scalar}")
    return "\n".join(lines) + "\n"


WORDS = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzåäö"), min_size=1, max_size=12)


@given(st.sampled_from(NAME_FIELDS), WORDS, st.sampled_from(LINE_BREAKS), WORDS)
@example("system.name", "Elevportalen", "\u2028", "Beslut")
def test_one_line_fields_refuse_every_line_break(path: str, before: str, separator: str,
                                                 after: str) -> None:
    with pytest.raises(InputError):
        _review_json(path, f"{before}{separator}{after}")


@given(st.sampled_from(NAME_FIELDS), WORDS, st.sampled_from(INVISIBLE), WORDS)
def test_names_refuse_invisible_characters(path: str, before: str, invisible: str,
                                           after: str) -> None:
    with pytest.raises(InputError):
        _review_json(path, f"{before}{invisible}{after}")


@given(st.sampled_from(NAME_FIELDS),
       st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=2, max_size=16)
       .filter(lambda w: any(c in LOOKALIKES for c in w)), st.data())
@example("vendor.name", "microsoft", None)
def test_a_word_mixing_lookalike_scripts_is_refused(path: str, word: str, data: Any) -> None:
    positions = [i for i, c in enumerate(word) if c in LOOKALIKES]
    index = data.draw(st.sampled_from(positions)) if data is not None else word.index("o")
    spoofed = word[:index] + LOOKALIKES[word[index]] + word[index + 1:]
    _review_json(path, f"{word.title()} AB")  # the honest name is fine
    with pytest.raises(InputError, match="mixes"):  # one letter swapped, one Latin one left
        _review_json(path, f"{spoofed.title()} AB")


@pytest.mark.parametrize("name", ["Tjänst Москва", "Ελληνικά Skolan", "東京オフィス", "Åre kommun",
                                  "O'Brien & Söner AB", "Skola 24/7 – elevwebb", "Café"])
def test_honest_names_in_any_script_are_accepted(name: str) -> None:
    assert plain_name(name) == name
    _review_json("system.name", name)
