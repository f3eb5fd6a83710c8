"""Refuse regular expressions that could make a review hang (ReDoS).

Rule files are semi-trusted: a security officer writes them, but they are shared between
organisations and copied from the internet. Python's ``re`` backtracks, so ``(a+)+$`` takes
exponential time and ``\\s*\\s*x`` cubic time on a long answer. Instead of a timeout (``re`` cannot
be interrupted) the ``matches`` operator accepts only patterns whose worst case is bounded:

* no variable quantifier around a group that itself varies (nested quantifiers, quantified
  alternation such as ``(a|ab)*``): these are the exponential cases;
* no backreferences (``\\1``, ``(?P=name)``): they make matching NP-hard;
* an estimate of the backtracking work on the longest text a rule may search
  (:data:`MATCH_TEXT_LIMIT` characters) stays under :data:`WORK_BUDGET`: each variable
  quantifier multiplies the work by the number of repetitions it can try, so two open-ended
  quantifiers that could overlap are refused while ``{1,64}`` bounds are fine.

Answers longer than :data:`MATCH_TEXT_LIMIT` characters are not searched at all: the condition is
unknown (the review asks about it) rather than silently wrong.
"""

from __future__ import annotations

import re
import re._constants as sre_constants  # type: ignore[import-not-found, import-untyped, unused-ignore]
import re._parser as sre_parser  # type: ignore[import-not-found, import-untyped, unused-ignore]
from typing import Any

MATCH_TEXT_LIMIT = 2000  # the longest free-text field of a system description
WORK_BUDGET = 100_000_000  # roughly a tenth of a second for the worst pattern admitted

_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
_REPEATS |= {getattr(sre_constants, "POSSESSIVE_REPEAT", sre_constants.MAX_REPEAT)}
_GROUPREFS = {sre_constants.GROUPREF, sre_constants.GROUPREF_EXISTS}


class UnsafePattern(ValueError):
    """A pattern that compiles but could take too long to match."""


def _cost(items: Any) -> int:
    """Worst-case backtracking factor of a parsed (sub)pattern at one start position."""
    total = 1
    for op, arg in items:
        if op in _GROUPREFS:
            raise UnsafePattern("backreferences (\\1, (?P=name)) are not allowed")
        if op in _REPEATS:
            low, high, body = arg
            inner = _cost(body)
            if low == high:
                total *= inner ** min(low, 64)
            else:
                if inner > 1:
                    raise UnsafePattern(
                        "a quantifier applies to a group that itself contains a quantifier or "
                        "alternatives (e.g. (a+)+ or (a|ab)*): matching can take exponential time"
                    )
                high = MATCH_TEXT_LIMIT if high == sre_constants.MAXREPEAT else high
                total *= min(high, MATCH_TEXT_LIMIT) - low + 1
        elif op == sre_constants.BRANCH:
            total *= sum(_cost(branch) for branch in arg[1])
        elif op == sre_constants.SUBPATTERN:
            total *= _cost(arg[-1])
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            total *= _cost(arg[1])
        elif op == getattr(sre_constants, "ATOMIC_GROUP", None):
            total *= _cost(arg)
        if total > WORK_BUDGET:
            return total
    return total


def compile_safe(pattern: str) -> re.Pattern[str]:
    """Compile ``pattern`` or raise ``re.error`` / :class:`UnsafePattern` saying why not."""
    compiled = re.compile(pattern)
    work = MATCH_TEXT_LIMIT * _cost(sre_parser.parse(pattern))
    if work > WORK_BUDGET:
        raise UnsafePattern(
            "the pattern has too many open-ended quantifiers (*, +, {n,}) that could overlap: "
            "matching a long answer could take minutes"
        )
    return compiled
