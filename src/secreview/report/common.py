"""What every renderer shares: text caps and risk levels as the profile names and colours them.

Kept apart from the Jinja environment so the terminal, Markdown and CSV renderers need no Jinja.
"""

from __future__ import annotations

import re

from secreview.i18n import Lang, label
from secreview.review import Finding, Review
from secreview.vocabulary import NO_LEVEL_COLOUR

MAX_TEXT = 2000
"""Longest free text printed anywhere; longer text is cut with an ellipsis."""
MAX_SHORT = 300
"""Longest title, name or label."""
ELLIPSIS = "…"


def cap(text: str, limit: int = MAX_TEXT) -> str:
    """Cut ``text`` to ``limit`` characters, marking the cut, so no field can flood a page."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def level_label(review: Review, level: str | None, lang: Lang) -> str:
    """A risk level as the profile names it (``Hög``), or "no risk" when there is none."""
    if level is None or level == "":
        return label("label.no_level", lang)
    for info in review.matrix.levels:
        if info.id == level:
            return info.label.get(lang)
    return level


_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def level_colour(review: Review, level: str | None) -> str:
    """The profile's colour for a level; grey when there is none or it is not ``#rrggbb``.

    The colour goes into ``style`` attributes and SVG, so only the strict form is let through
    (a Review built by hand, not from a validated profile, could carry anything).
    """
    for info in review.matrix.levels:
        if info.id == level and _COLOUR.fullmatch(info.colour):
            return info.colour
    return NO_LEVEL_COLOUR


def tint(colour: str, share: float) -> str:
    """Mix a ``#rrggbb`` colour with white: ``share`` 1.0 is the colour, 0.0 is white."""
    channels = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(255 - (255 - c) * share) for c in channels]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance of a ``#rrggbb`` colour (WCAG 2.x)."""
    red, green, blue = (_linear(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours, 1.0 to 21.0 (AA text needs 4.5)."""
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


BLACK, WHITE = "#000000", "#ffffff"


def text_on(background: str) -> str:
    """Black or white, whichever reads better on ``background``.

    One of the two always reaches 4.58:1 or more against any colour, so a badge in a profile's
    level colour is readable whatever colour the profile chose (white on the default amber
    *Måttlig* badge was 1.97:1).
    """
    return BLACK if contrast(BLACK, background) >= contrast(WHITE, background) else WHITE


def dpia_verdict(review: Review, lang: Lang) -> str:
    """The DPIA screening conclusion in a sentence: required, not required, undecided, or not
    done (no screening rule was part of the review)."""
    dpia = review.dpia
    if not dpia.screened:
        return label("dpia.not_done", lang)
    if dpia.required is None and not dpia.criteria_unknown and dpia.criteria_not_screened:
        return label("dpia.required.unscreened", lang)
    if dpia.required is False and dpia.status == "not_required" and (
            dpia.criteria_unknown or dpia.criteria_not_screened):
        return label("dpia.required.documented", lang)  # settled by the documented assessment
    key = {True: "true", False: "false"}.get(review.dpia.required, "none")  # type: ignore[arg-type]
    return label("dpia.required." + key, lang)


def criteria_text(criteria: list[str], lang: Lang) -> str:
    """WP248 criteria by their names, joined for a line of text."""
    return "; ".join(label("criterion." + c, lang) for c in criteria)


def overall_levels(review: Review, lang: Lang) -> str:
    """The overall level in the worst case, and beside it the level the known facts alone
    establish when that is lower: "Critical (worst case); confirmed: Moderate"."""
    summary = review.summary
    worst = level_label(review, summary.overall_level, lang)
    if summary.confirmed_level == summary.overall_level:
        return worst
    return label("report.overall_levels", lang, worst=worst,
                 confirmed=level_label(review, summary.confirmed_level, lang).lower())


def assumed_level_note(review: Review, finding: Finding, lang: Lang) -> str:
    """How an assumed level is marked: "assumed; confirmed: moderate" (or "not confirmed")."""
    if finding.confirmed is None:
        return label("report.level_assumed_unconfirmed", lang)
    return label("report.level_assumed", lang,
                 confirmed=level_label(review, finding.confirmed.level, lang).lower())
