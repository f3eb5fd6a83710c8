"""One error type for everything a user can get wrong, carrying positions and suggestions.

The CLI turns an :class:`InputError` into ``file:line:column: message`` lines and exit code 2;
library callers get the structured :class:`Problem` list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, located as precisely as we know."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    expected: str | None = None
    found: str | None = None
    suggestion: str | None = None
    rule_id: str | None = None
    code: str | None = None  # a stable kind for tools (lint's --format json), set where found
    sheet: str | None = None  # in a spreadsheet: line is the row, column the column number

    def location(self) -> str:
        """``file:line:column`` as far as known, or ``file:Sheet!E12`` in a spreadsheet; empty
        when the problem has no file."""
        if self.file is None:
            return ""
        if self.sheet is not None:
            cell = f"{column_letter(self.column)}{self.line}" if self.line and self.column \
                else f"{self.line}" if self.line else ""
            return f"{self.file}:{self.sheet}" + (f"!{cell}" if cell else "")
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self) -> str:
        where = self.location()
        text = f"{where}: error: " if where else "error: "
        if self.rule_id:
            text += f"[{self.rule_id}] "
        text += self.message
        details = []
        if self.expected is not None:
            details.append(f"expected {self.expected}")
        if self.found is not None:
            details.append(f"found {self.found}")
        if details:
            text += f" ({', '.join(details)})"
        if self.suggestion:
            text += f"\n  hint: {self.suggestion}"
        return text

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def column_letter(column: int) -> str:
    """A spreadsheet column's letters: 1 -> A, 27 -> AA (as Excel and LibreOffice name them)."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass
class InputError(Exception):
    """Bad input: a file that cannot be read, parsed or validated. Exit code 2 in the CLI."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.format())

    @classmethod
    def single(cls, message: str, **where: object) -> InputError:
        return cls([Problem(message, **where)])  # type: ignore[arg-type]

    def format(self) -> str:
        return "\n".join(p.format() for p in self.problems)

    def __str__(self) -> str:
        return self.format()


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """Return a "did you mean" hint for a mistyped name, or None when nothing is close."""
    import difflib  # only for a message: not on every command's start-up

    pool: Sequence[str] = sorted(set(candidates))
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not matches and "." in word:
        # A dotted path: compare the last segment too ("access.mfa_admin" -> "access.mfa_admins").
        tail = word.rsplit(".", 1)[1]
        by_tail = {c.rsplit(".", 1)[-1]: c for c in pool}
        close = difflib.get_close_matches(tail, list(by_tail), n=1, cutoff=0.75)
        matches = [by_tail[close[0]]] if close else []
    return f"did you mean '{matches[0]}'?" if matches else None
