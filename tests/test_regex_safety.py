"""The ``matches`` operator: RE2 (linear time), Python's meaning of \\w \\d \\s, bounded work.

Patterns that backtracking engines take exponential or polynomial time on are admitted and must be
fast; what RE2 cannot run (backreferences, lookaround) or what would change meaning (``\\b``) is
refused with a located problem; the work of a whole review is bounded.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from secreview.errors import InputError
from secreview.facts import FactSpec
from secreview.rules.compiler import CompileContext, compile_condition
from secreview.rules.model import Condition
from secreview.rules.regex_safety import (
    MATCH_TEXT_LIMIT,
    MAX_PROGRAM_SIZE,
    UnsafePattern,
    compile_safe,
    match_budget,
    to_re2,
)

ADAPTER: TypeAdapter[Any] = TypeAdapter(Condition)


@pytest.mark.parametrize(("pattern", "reason"), [
    (r"(ab)\1", "backreferences"),
    (r"(?P<x>a)(?P=x)", "backreferences (?P=name)"),
    (r"(a)?(?(1)b|c)", "invalid regular expression"),
    (r"a(?=b)", "lookahead (?=...)"),
    (r"a(?!b)", "lookahead (?!...)"),
    (r"(?<=a)b", "lookbehind"),
    (r"(?i)\bcloud\b", "\\b (a word boundary"),
    (r"\Bx", "\\B (a word boundary"),
    (r"[\W_]", "\\W inside [...]"),
    (r"\Qa.b\E", "\\Q...\\E"),
    (r"x\Z", "escapes such as \\Z"),
    (r"\w{1,99}", "regular expression too large"),
    ("([a-z", "invalid regular expression: missing ]"),
])
def test_what_re2_cannot_run_or_would_change_is_refused(pattern: str, reason: str) -> None:
    with pytest.raises(UnsafePattern, match=re.escape(reason)) as caught:
        compile_safe(pattern)
    assert str(caught.value).split(":")[0] in ("unsupported regular expression",
                                               "invalid regular expression",
                                               "regular expression too large")


@pytest.mark.parametrize("pattern", [
    "(?i)microsoft|google|amazon", r"^SE\d{10}$", r"(\d{3}-){2}\d{4}",
    r"[a-z]{1,64}@[a-z]{1,255}\.se", ".*act$", r"^[A-Z]{2}$", "(?i)^(saas|paas)$",
    r"(?:\d{2})+", r"(?i)(?:^|[^\pL\pN_])molntjänst(?:$|[^\pL\pN_])", r"[\s\S]{1,199}z",
    # exponential or polynomial for a backtracking engine, linear for RE2:
    "(a+)+$", "^(a|aa)*$", "(x*y?)*z", r"\s*\s*x", ".*.*x", "[a-z]+@[a-z]+",
    "a{0,500}a{0,500}x", "(?:(?:a*a?a?a?)aab)",
])
def test_ordinary_and_formerly_dangerous_patterns_are_admitted(pattern: str) -> None:
    compiled = compile_safe(pattern)
    assert compiled.pattern == pattern and 0 < compiled.size <= MAX_PROGRAM_SIZE


@pytest.mark.parametrize(("pattern", "text", "found"), [
    (r"^\w+$", "Förvaltningsobjekt", True),      # RE2's own \w would stop at ö
    (r"^\w+$", "möte-2026", False),
    (r"^Microsoft\sIreland$", "Microsoft\u00a0Ireland", True),  # a no-break space is a space
    (r"^\S+$", "Microsoft\u00a0Ireland", False),
    (r"^\d+$", "٣٤", True),                        # Python's \d: any decimal digit
    (r"^[\w-]+$", "Åre-kommun", True),
    (r"^[\s\S]{1,5}$", "a\nb", True),
    (r"(?i)ÖVERVAKNING", "kameraövervakning", True),
    (r"(?i)(?:^|[^\pL\pN_])över", "kameraövervakning", False),
])
def test_classes_mean_what_they_mean_in_python(pattern: str, text: str, found: bool) -> None:
    assert (compile_safe(pattern).search(text) is not None) is found
    assert (re.search(pattern.replace(r"\pL", "a-zA-Zåäöé").replace(r"\pN", "0-9"), text)
            is not None) is found or r"\p" in pattern


def test_escaped_backslashes_and_sets_are_left_alone() -> None:
    assert to_re2(r"\\w") == r"\\w"
    assert to_re2(r"[]\d]") == r"[]\p{Nd}]"
    assert to_re2(r"[[:alpha:]\w]") == r"[[:alpha:]\pL\pN_]"
    assert to_re2(r"\[\w\]") == r"\[[\pL\pN_]\]"


ATOMS = st.sampled_from(["a", "b", ".", r"\s", r"\w", r"\d", "[ab]", "x", r"[\s\S]"])
QUANTIFIERS = st.sampled_from(["", "*", "+", "?", "{0,3}", "{2}", "{1,40}", "{3,}", "{1,199}"])


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
                 "a" * (MATCH_TEXT_LIMIT - 1) + "!", "å" * MATCH_TEXT_LIMIT]


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(patterns())
@example("(?:(?:a*a?a?a?)aab)")  # admitted by the old backtracking cost model, 0.73 s per answer
@example(r"[\s\S]{1,199}[\s\S]{1,199}z")  # 18 ms per answer under Python's re
@example("(a+)+$")
def test_every_admitted_pattern_searches_hostile_text_quickly(pattern: str) -> None:
    try:
        compiled = compile_safe(pattern)
    except UnsafePattern:
        return
    for text in HOSTILE_TEXTS:
        # CPU time of this thread, not wall time: a loaded machine must not fail a linear search.
        started = time.thread_time()
        compiled.search(text)
        assert time.thread_time() - started < 0.5, pattern


def test_a_refused_pattern_in_a_rule_is_a_compile_problem() -> None:
    ctx = CompileContext(facts={"s": FactSpec("s", "string")}, sets={})
    compile_condition(ADAPTER.validate_python({"fact": "s", "matches": r"(?i)\bcloud\b"}), ctx)
    (problem,) = ctx.problems
    assert problem.code == "unsafe-regex" and problem.message.startswith(
        "unsupported regular expression: \\b")
    assert problem.suggestion is not None and "[^\\pL\\pN_]" in problem.suggestion


def test_text_beyond_the_limit_is_unknown_not_searched() -> None:
    ctx = CompileContext(facts={"s": FactSpec("s", "string")}, sets={})
    predicate = compile_condition(ADAPTER.validate_python({"fact": "s", "matches": "x$"}), ctx)
    assert predicate({"s": "a" * (MATCH_TEXT_LIMIT - 1) + "x"}) is True
    assert predicate({"s": "a" * MATCH_TEXT_LIMIT + "x"}) is None


def test_the_work_of_one_review_is_bounded() -> None:
    compiled = compile_safe(r"[\s\S]{1,199}[\s\S]{1,199}z")
    text = "a" * 200
    with match_budget(limit=compiled.size * 200 * 10) as budget:
        for _ in range(10):
            compiled.search(text)
        assert budget.used == budget.limit
        with pytest.raises(InputError, match="would search too much text in this review"):
            compiled.search(text)
    compiled.search(text)  # outside a review, only the per-search bounds apply


@given(st.lists(st.text(max_size=300), max_size=50), st.integers(1, 10**7))
def test_the_budget_counts_characters_times_pattern_size(texts: list[str], limit: int) -> None:
    compiled = compile_safe("(?i)consult")
    with match_budget(limit=limit) as budget:
        try:
            for text in texts:
                compiled.search(text)
        except InputError:
            assert budget.used > limit
        else:
            assert budget.used == sum(len(t) for t in texts) * compiled.size <= limit
