"""ReDoS defence for the ``matches`` operator: refused patterns, admitted patterns, bounded time."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from secreview.facts import FactSpec
from secreview.rules.compiler import CompileContext, compile_condition
from secreview.rules.model import Condition
from secreview.rules.regex_safety import MATCH_TEXT_LIMIT, UnsafePattern, compile_safe

ADAPTER: TypeAdapter[Any] = TypeAdapter(Condition)


@pytest.mark.parametrize(("pattern", "reason"), [
    ("(a+)+$", "contains a quantifier or alternatives"),
    ("^(a|aa)*$", "contains a quantifier or alternatives"),
    ("(x*y?)*z", "contains a quantifier or alternatives"),
    ("((ab)+c)+", "contains a quantifier or alternatives"),
    (r"(?:(?=a+)b)+", "contains a quantifier or alternatives"),
    (r"\s*\s*x", "too many open-ended quantifiers"),
    (".*.*x", "too many open-ended quantifiers"),
    ("[a-z]+@[a-z]+", "too many open-ended quantifiers"),
    ("a{0,500}a{0,500}x", "too many open-ended quantifiers"),
    (r"(ab)\1", "backreferences"),
    (r"(?P<x>a)(?P=x)", "backreferences"),
    (r"(a)?(?(1)b|c)", "backreferences"),
])
def test_dangerous_patterns_are_refused(pattern: str, reason: str) -> None:
    with pytest.raises(UnsafePattern, match=re.escape(reason)):
        compile_safe(pattern)


@pytest.mark.parametrize("pattern", [
    "(?i)microsoft|google|amazon", r"^SE\d{10}$", r"(?i)\bcloud\b", r"(\d{3}-){2}\d{4}",
    r"[a-z]{1,64}@[a-z]{1,255}\.se", ".*act$", r"^[A-Z]{2}$", "(?i)^(saas|paas)$",
    r"(?:\d{2})+",
])
def test_ordinary_rule_patterns_are_admitted(pattern: str) -> None:
    assert compile_safe(pattern).pattern == pattern


def test_invalid_pattern_is_still_a_re_error() -> None:
    with pytest.raises(re.error):
        compile_safe("([a-z")


ATOMS = st.sampled_from(["a", "b", ".", r"\s", r"\w", "[ab]", "x"])
QUANTIFIERS = st.sampled_from(["", "*", "+", "?", "{0,3}", "{2}", "{1,40}", "{3,}"])


@st.composite
def patterns(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 2 and draw(st.booleans()):
            inner = draw(patterns(depth + 1))
            if draw(st.booleans()):
                inner += "|" + draw(patterns(depth + 1))
            atom = f"(?:{inner})"
        else:
            atom = draw(ATOMS)
        parts.append(atom + draw(QUANTIFIERS))
    return "".join(parts)


HOSTILE_TEXTS = ["a" * MATCH_TEXT_LIMIT, " " * MATCH_TEXT_LIMIT, "ab" * (MATCH_TEXT_LIMIT // 2),
                 "a" * (MATCH_TEXT_LIMIT - 1) + "!"]


@settings(max_examples=60, deadline=None)
@given(patterns())
def test_every_admitted_pattern_matches_hostile_text_quickly(pattern: str) -> None:
    try:
        compiled = compile_safe(pattern)
    except UnsafePattern:
        return
    for text in HOSTILE_TEXTS:
        started = time.perf_counter()
        compiled.search(text)
        assert time.perf_counter() - started < 0.5, pattern


def test_unsafe_pattern_in_a_rule_is_a_compile_problem() -> None:
    ctx = CompileContext(facts={"s": FactSpec("s", "string")}, sets={})
    compile_condition(ADAPTER.validate_python({"fact": "s", "matches": "(a+)+$"}), ctx)
    assert [p.message for p in ctx.problems] == [
        "unsafe regular expression: a quantifier applies to a group that itself contains a "
        "quantifier or alternatives (e.g. (a+)+ or (a|ab)*): matching can take exponential time"
    ]


def test_text_beyond_the_limit_is_unknown_not_searched() -> None:
    ctx = CompileContext(facts={"s": FactSpec("s", "string")}, sets={})
    predicate = compile_condition(ADAPTER.validate_python({"fact": "s", "matches": "x$"}), ctx)
    assert predicate({"s": "a" * (MATCH_TEXT_LIMIT - 1) + "x"}) is True
    assert predicate({"s": "a" * MATCH_TEXT_LIMIT + "x"}) is None
