"""The Jinja2 environment for the HTML and PDF reports: escaped, strict and bounded.

Every text in a review may come from an untrusted system description or ruleset, so the
environment escapes everything (``autoescape=True``), fails on a misspelt variable instead of
printing nothing (``StrictUndefined``), loads templates only from the bundled folder, and caps the
length of every string it prints. The PDF variant also replaces characters the bundled font cannot
draw, so the PDF never falls back silently to a system font.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from secreview.addressees import attribution
from secreview.bundled import templates_dir
from secreview.i18n import Lang, Text, format_fact, format_value, has_label, label
from secreview.report.common import cap, level_colour, level_label, tint
from secreview.system import Provenance


def format_date(value: dt.date | str | None, lang: Lang) -> str:
    """ISO dates everywhere (Swedish practice, and unambiguous in English)."""
    if value is None:
        return format_value(None, lang)
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def format_percent(value: float, lang: Lang) -> str:
    """``79,1 %`` in Swedish, ``79.1 %`` in English."""
    text = f"{value:g}"
    return (text.replace(".", ",") if lang == "sv" else text) + "\u00a0%"


def _lang(context: Context) -> Lang:
    lang: Lang = context["lang"]
    return lang


@pass_context
def _text(context: Context, value: Text | None) -> str:
    return "" if value is None else value.get(_lang(context))


@pass_context
def _label(context: Context, key: str, **values: object) -> str:
    return label(key, _lang(context), **values)


@pass_context
def _label_or(context: Context, key: str, fallback: str) -> str:
    """A label when one exists (roles, due points), else the raw value: never a crash."""
    return label(key, _lang(context)) if has_label(key) else fallback


@pass_context
def _level(context: Context, level: str | None) -> str:
    return level_label(context["review"], level, _lang(context))


@pass_context
def _colour(context: Context, level: str | None) -> str:
    return level_colour(context["review"], level)


@pass_context
def _date(context: Context, value: dt.date | str | None) -> str:
    return format_date(value, _lang(context))


@pass_context
def _percent(context: Context, value: float) -> str:
    return format_percent(value, _lang(context))


@pass_context
def _value(context: Context, value: object) -> str:
    return cap(format_value(value, _lang(context)))


@pass_context
def _fact(context: Context, value: object, path: str) -> str:
    """A fact's value with enumerated ids labelled: ``{{ e.value|fact(e.fact) }}``."""
    return cap(format_fact(path, value, _lang(context)))


@pass_context
def _attribution(context: Context, provenance: Provenance) -> str:
    """Who gave an answer: ``{{ e.provenance|attribution }}`` reads "enligt leverantören
    2026-12-03, DPA bilaga 2"."""
    return cap(attribution(provenance, _lang(context)))


def _finalize_with(clean: Callable[[str], str]) -> Callable[[Any], Any]:
    def finalize(value: Any) -> Any:
        if isinstance(value, Markup):  # already escaped, built by our own code (charts)
            return value
        if isinstance(value, str):
            return clean(cap(value))
        return value

    return finalize


@cache
def environment(pdf: bool = False) -> Environment:
    """The report environment; ``pdf=True`` also drops characters the bundled font lacks."""
    clean: Callable[[str], str] = drawable if pdf else _identity
    env = Environment(
        loader=FileSystemLoader(str(templates_dir()), followlinks=False),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_finalize_with(clean),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update({
        "t": _text, "label": _label, "label_or": _label_or, "level": _level,
        "colour": _colour, "date": _date, "percent": _percent, "value": _value, "fact": _fact,
        "cap": cap, "tint": tint, "attribution": _attribution,
    })
    return env


def _identity(text: str) -> str:
    return text


@cache
def _font_codepoints() -> frozenset[int]:
    """Code points every bundled font can draw (the intersection of regular and bold)."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    covered: frozenset[int] | None = None
    for font_file in sorted((templates_dir() / "fonts").glob("*.ttf")):
        with TTFont(str(font_file), lazy=True) as font:
            cmap = frozenset(font.getBestCmap())
        covered = cmap if covered is None else covered & cmap
    return covered or frozenset()


REPLACEMENT = "?"
_KEEP = frozenset({0x0A, 0x09})


def drawable(text: str) -> str:
    """Replace what the bundled fonts cannot draw, so no fallback font enters the PDF."""
    covered = _font_codepoints()
    if all(ord(char) in covered or ord(char) in _KEEP for char in text):
        return text
    return "".join(char if ord(char) in covered or ord(char) in _KEEP else REPLACEMENT
                   for char in text)
