"""Regular expressions for the ``matches`` operator: linear-time matching, bounded work per review.

Rule files are semi-trusted: a security officer writes them, but they are shared between
organisations and copied from the internet, and the texts they search come from vendors. Python's
``re`` backtracks, so a pattern can take exponential time, and any cost model that tries to admit
only safe backtracking patterns can be fooled (``(?:(?:a*a?a?a?)aab)`` passed the old one and took
0.73 s on one answer). So patterns run on RE2 (``google-re2``), whose matching time grows linearly
with the text and the compiled pattern, whatever the pattern:

* A pattern is compiled by RE2 or refused with a located lint error: RE2 lacks backreferences
  (``\\1``) and lookaround (``(?=``, ``(?<!``), which is what makes its guarantee possible.
* ``\\w``, ``\\d``, ``\\s`` and their negations mean what they mean in Python, for every alphabet
  (RE2's own classes are ASCII only: ``\\w`` would not see å, ä or ö); ``\\b`` and ``\\B`` have no
  such equivalent in RE2 and are refused with a rewrite to use instead.
* A compiled pattern may have at most :data:`MAX_PROGRAM_SIZE` instructions: one search costs at
  worst the text's length times that size.
* An answer longer than :data:`MATCH_TEXT_LIMIT` characters is not searched at all: the condition
  is unknown (the review asks about it) rather than silently wrong.
* The *total* work of one review (length of every text searched times the size of the pattern,
  summed over all rules and all ``for_any`` items) is bounded by :func:`match_budget`
  (``Limits.max_match_work``, 10^9 by default: at most a few seconds in the worst case measured,
  2.5 ns per unit, usually a hundredth of that); a review that would exceed it stops with an
  exit-2 error instead of running for minutes.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import re2

from secreview.errors import InputError

MATCH_TEXT_LIMIT = 2000  # the longest free-text field of a system description
MAX_PROGRAM_SIZE = 30_000
"""RE2 instructions in one compiled pattern; 2,000 characters against the largest pattern cost
about 0.15 s in the worst case (RE2 without its DFA), typically well under a millisecond."""


class UnsafePattern(ValueError):
    """A pattern that secreview does not run: RE2 cannot compile it, or it is too large."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


# Python's classes spelled in RE2's Unicode properties. Python's \w is a letter, a number or
# "_" in any alphabet; \s is what str.isspace() accepts (RE2's \s lacks \v, NEL and the
# no-break and other Unicode spaces).
_SPACE = "\\s\\x0b\\x1c-\\x1f\\x85\\pZ"
_CLASSES: dict[str, tuple[str, str | None]] = {
    # escape: (outside a [set], inside a [set] or None when it cannot be written there)
    "w": ("[\\pL\\pN_]", "\\pL\\pN_"),
    "W": ("[^\\pL\\pN_]", None),
    "d": ("\\p{Nd}", "\\p{Nd}"),
    "D": ("\\P{Nd}", "\\P{Nd}"),
    "s": (f"[{_SPACE}]", _SPACE),
    "S": (f"[^{_SPACE}]", None),
}
_WORD_BOUNDARY_HINT = ("write the boundary out: (?:^|[^\\pL\\pN_])word(?:$|[^\\pL\\pN_]), "
                       "or leave it out")


def to_re2(pattern: str) -> str:
    """``pattern`` with Python's ``\\w \\d \\s`` (and negations) as RE2 Unicode classes.

    Raises :class:`UnsafePattern` for ``\\b``/``\\B`` (RE2's are ASCII only and cannot be
    rewritten), for a negated class inside a set (``[\\W]``) and for ``\\Q...\\E`` (not Python).
    """
    out: list[str] = []
    in_set = False
    set_escapes: set[str] = set()
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escape = pattern[i + 1]
            i += 2
            if escape in "bB" and not in_set:
                raise UnsafePattern(f"unsupported regular expression: \\{escape} (a word "
                                    "boundary in RE2 sees only ASCII letters, so it would miss "
                                    "words with å, ä or ö)", _WORD_BOUNDARY_HINT)
            if escape == "Q":
                raise UnsafePattern("unsupported regular expression: \\Q...\\E",
                                    "escape each character instead")
            if escape in _CLASSES:
                outside, inside = _CLASSES[escape]
                if in_set and inside is None:
                    if escape.lower() not in set_escapes:
                        raise UnsafePattern(f"unsupported regular expression: \\{escape} "
                                            "inside [...]", f"write the negated set out: "
                                            f"{outside}")
                    inside = "\\" + escape  # [\s\S], [\w\W]: everything, in either meaning
                out.append(inside if in_set and inside is not None else outside)
            else:
                out.append("\\" + escape)
            continue
        if in_set:
            if char == "[" and pattern.startswith("[:", i):
                end = pattern.find(":]", i + 2)
                if end != -1:  # a POSIX class such as [:alpha:]
                    out.append(pattern[i:end + 2])
                    i = end + 2
                    continue
            if char == "]" and not _set_start(pattern, i):
                in_set = False
        elif char == "[":
            in_set = True
            set_escapes = _set_escapes(pattern, i)
        out.append(char)
        i += 1
    return "".join(out)


def _set_escapes(pattern: str, start: int) -> set[str]:
    """The letters of the escapes (``\\s`` gives ``s``) in the set that opens at ``start``."""
    found: set[str] = set()
    i = start + 1
    if pattern.startswith("^", i):
        i += 1
    if pattern.startswith("]", i):
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        if pattern[i] == "\\" and i + 1 < len(pattern):
            found.add(pattern[i + 1])
            i += 2
            continue
        if pattern.startswith("[:", i) and (end := pattern.find(":]", i + 2)) != -1:
            i = end + 2
            continue
        i += 1
    return found


def _set_start(pattern: str, index: int) -> bool:
    """Is the ``]`` at ``index`` the first character of its set (then it is a literal)?"""
    before = pattern[:index]
    return (before.endswith("[") and not before.endswith("\\[")) or before.endswith("[^")


# RE2's messages for what Python users most often write, in the user's terms.
_RE2_REFUSALS = (
    ("invalid escape sequence: \\", "backreferences (\\1) and escapes such as \\Z",
     "RE2 has no backreferences; \\z is the end of the text"),
    ("invalid perl operator: (?=", "lookahead (?=...)", None),
    ("invalid perl operator: (?!", "lookahead (?!...)", None),
    ("invalid perl operator: (?<", "lookbehind (?<=...) and (?<!...)", None),
    ("invalid perl operator: (?P", "backreferences (?P=name)", "RE2 has no backreferences"),
    ("invalid named capture group", "this named group", "write (?P<name>...)"),
)


@dataclass(frozen=True)
class SafePattern:
    """A pattern compiled by RE2; each search counts against the running review's budget."""

    pattern: str
    compiled: Any  # re2._Regexp, untyped
    size: int

    def search(self, text: str) -> Any:
        _charge(len(text) * self.size, self.pattern)
        return self.compiled.search(text)


def compile_safe(pattern: str) -> SafePattern:
    """Compile ``pattern`` for RE2, or raise :class:`UnsafePattern` saying why not."""
    options = re2.Options()
    options.log_errors = False  # RE2 would print its own message to standard error
    try:
        compiled = re2.compile(to_re2(pattern), options)
    except re2.error as exc:
        message = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(
            exc.args[0], bytes) else str(exc)
        for prefix, what, hint in _RE2_REFUSALS:
            if message.startswith(prefix):
                raise UnsafePattern(f"unsupported regular expression: {what}", hint or
                                    "RE2 matches in linear time because it has no lookaround: "
                                    "write a second condition (all, none, not) instead") from None
        raise UnsafePattern(f"invalid regular expression: {message}") from None
    size = compiled.programsize
    if size > MAX_PROGRAM_SIZE:
        raise UnsafePattern(
            f"regular expression too large: it compiles to {size} RE2 instructions (at most "
            f"{MAX_PROGRAM_SIZE})",
            "bound the repetitions more tightly ({1,20} rather than {1,200}), or repeat "
            "a smaller class (Unicode classes such as \\w are large)")
    return SafePattern(pattern=pattern, compiled=compiled, size=max(size, 1))


# --- the work budget of one review --------------------------------------------------------------

@dataclass
class MatchBudget:
    """Matching work (characters searched times pattern size) one review may still spend."""

    limit: int
    used: int = 0


_BUDGET: contextvars.ContextVar[MatchBudget | None] = contextvars.ContextVar(
    "secreview_match_budget", default=None)


@contextlib.contextmanager
def match_budget(limit: int | None = None) -> Iterator[MatchBudget]:
    """Bound the total matching work of everything evaluated inside (one review)."""
    if limit is None:
        from secreview.loading import configured_limits

        limit = configured_limits().max_match_work
    budget = MatchBudget(limit)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def _charge(work: int, pattern: str) -> None:
    budget = _BUDGET.get()
    if budget is None:
        return
    budget.used += work
    if budget.used > budget.limit:
        raise InputError.single(
            "the rules' regular expressions would search too much text in this review",
            expected=f"at most {budget.limit} units of work (characters searched times "
            "pattern size)", found=f"more, at the pattern {pattern[:60]!r}",
            suggestion="the description has very many or very long answers that rules search "
            "with 'matches': shorten them, or raise SECREVIEW_MAX_MATCH_WORK")
