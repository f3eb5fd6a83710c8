"""Date arithmetic the rules and the review share: whole months, and offsets such as ``+90d``.

A rule may compare a date with the review date moved by an offset (``review_date+90d``,
``review_date-1y``); the review's next date is the review date plus whole months. Both land on
the last day of a month that lacks the day (31 January plus one month is 28 or 29 February).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

REVIEW_DATE = "review_date"
"""The word a condition uses for the date of the review."""

_RELATIVE = re.compile(r"^\s*review_date\s*(?:([+-])\s*(\d{1,4})\s*([dwmy]))?\s*$")


def add_months(date: dt.date, months: int) -> dt.date:
    """``date`` plus whole months (negative to go back); a day the target month lacks becomes
    its last. Raises ``ValueError`` past the years 1 to 9999."""
    month_index = date.month - 1 + months
    year, month = date.year + month_index // 12, month_index % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise ValueError(f"year {year} is out of range")
    for day in (date.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class Offset:
    """A signed offset in days, weeks, months or years."""

    amount: int
    unit: str

    def apply(self, date: dt.date) -> dt.date | None:
        """``date`` moved by the offset; ``None`` (unknown) past the years 1 to 9999."""
        try:
            if self.unit in ("d", "w"):
                days = self.amount * (7 if self.unit == "w" else 1)
                return date + dt.timedelta(days=days)
            return add_months(date, self.amount * (12 if self.unit == "y" else 1))
        except (OverflowError, ValueError):
            return None


def relative_date(text: str) -> Offset | None:
    """``review_date``, ``review_date+90d``, ``review_date - 1y`` → the offset from the review
    date (zero days for ``review_date`` itself); ``None`` when ``text`` is not one."""
    match = _RELATIVE.match(text)
    if match is None:
        return None
    sign, amount, unit = match.groups()
    if amount is None:
        return Offset(0, "d")
    return Offset(-int(amount) if sign == "-" else int(amount), unit)


def iso_date(text: str) -> dt.date | None:
    """``2026-11-26`` as a date (rulesets written in JSON have no date type); else ``None``."""
    try:
        return dt.date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        return None
