"""One answer in one spreadsheet cell: how a fact's value is written, and read back.

The workbook shows what a person reads (``ja``, ``molntjänst (SaaS)``, ``SE; FI``) and the
description keeps ids (``true``, ``saas``, ``[SE, FI]``); this module is the one translation
between the two, in both directions, for every kind of fact. Writing then reading a value gives
the value back (a property test holds it to that). Reading accepts either language's words, ids
as well as labels, and Excel's own booleans, numbers and dates; anything else is refused with
what was expected, never guessed.

Lists are separated by semicolons (labels may contain commas); a list whose items would not
survive that (an item with a semicolon, for instance) and every list of entries
(``hosting.subprocessors``) are written as YAML flow text, ``[{name: ..., country: SE}]``, which
is read back through secreview's own safe YAML loader.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from secreview.errors import InputError, did_you_mean
from secreview.exchange.yaml_edit import flow
from secreview.facts import FactSpec
from secreview.i18n import LANGUAGES, Lang, label, word
from secreview.loading import _forbidden_character, parse_yaml_text
from secreview.questionnaire import COUNTRY_SUFFIXES, allowed_values

CellValue = str | int | float | dt.date | dt.datetime | bool | None
"""What openpyxl hands back for a cell (formulas are refused before a value gets here)."""

LIST_SEPARATOR = "; "
_SPLIT = re.compile(r"[;\n]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class CellError(Exception):
    """An answer that cannot be read as the fact's kind of value."""

    message: str
    expected: str | None = None
    suggestion: str | None = None


def _words(key: str) -> set[str]:
    text = word(key)
    return {text.sv.casefold(), text.en.casefold()}


_YES = _words("yes") | {"true", "sant"}
_NO = _words("no") | {"false", "falskt"}
_UNKNOWN = _words("unknown") | {"?"}
_NONE = _words("none") | {"[]", "ingen", "inget"}


def unknown_word(lang: Lang) -> str:
    return word("unknown").get(lang)


def _labels(spec: FactSpec) -> dict[str, dict[Lang, str]]:
    """id -> language -> label for an enumerated fact (or list of them); ids where none.

    The one lookup of a value's label here: an extension fact's own (its ruleset's, carried on
    its spec), else the bundled ones for its path (``data/values.yaml``).
    """
    known = spec.value_labels()
    return {str(value): {lang: known[str(value)].get(lang) if str(value) in known else str(value)
                         for lang in LANGUAGES}
            for value in spec.allowed or ()}


def choices(spec: FactSpec, lang: Lang) -> list[str] | None:
    """The drop-down entries for a yes/no or enumerated fact (labels, then "unknown")."""
    if spec.kind == "bool":
        return [word("yes").get(lang), word("no").get(lang), unknown_word(lang)]
    if spec.kind == "enum" and spec.allowed:
        return [names[lang] for names in _labels(spec).values()] + [unknown_word(lang)]
    return None


def format_hint(spec: FactSpec, lang: Lang) -> str:
    """How to write the answer, in a few words, for the workbook's "answer format" column."""
    name = spec.path.rsplit(".", 1)[-1]
    if spec.kind in ("bool", "enum"):
        return label("exchange.format.choose", lang)
    if spec.kind == "list":
        if spec.allowed:
            values = "; ".join(names[lang] for names in _labels(spec).values())
            return label("exchange.format.list_of", lang, values=values)
        if name.endswith(COUNTRY_SUFFIXES):
            return label("exchange.format.countries", lang)
        return label("exchange.format.list", lang)
    if spec.kind == "objects":
        return label("exchange.format.objects", lang, fields=_entry_fields(spec, lang))
    return allowed_values(spec, name, lang)


def _entry_fields(spec: FactSpec, lang: Lang) -> str:
    """The fields of a list's entries as an entry writes them: a ruleset's per-item facts under
    ``extensions: {...}``, each enumerated one with its values (``1.0 — TLS 1.0 (obsolete)``),
    which nothing else in the workbook names."""
    own = [name for name, item in spec.item_facts.items() if not item.extension]
    added = [_choices_text(name.removeprefix("extensions."), item, lang)
             for name, item in spec.item_facts.items() if item.extension]
    return ", ".join([*own, *(["extensions: {" + ", ".join(added) + "}"] if added else [])])


def _choices_text(name: str, spec: FactSpec, lang: Lang) -> str:
    """``name: id — label; id`` as the questionnaire writes choices, labels from :func:`_labels`."""
    if not spec.allowed:
        return name
    values = [value if names[lang] == value else f"{value}\u00a0— {names[lang]}"
              for value, names in _labels(spec).items()]
    return f"{name}: {'; '.join(values)}"


def _list_text(spec: FactSpec, items: list[Any], lang: Lang) -> str:
    if not items:
        return word("none").get(lang)
    labels = _labels(spec)
    shown = [labels[str(item)][lang] if str(item) in labels else str(item) for item in items]
    plain = all(
        text.strip() == text and text and not _SPLIT.search(text) and not text.startswith("[")
        and text.casefold() not in _NONE | _UNKNOWN
        for text in shown)
    return LIST_SEPARATOR.join(shown) if plain else flow(items)


def answer_cell(spec: FactSpec, value: Any, lang: Lang) -> CellValue:
    """What the answer column holds for ``value`` (None: an empty cell, meaning unknown)."""
    if value is None:
        return None
    if spec.kind == "bool":
        return word("yes" if value else "no").get(lang)
    if spec.kind == "enum":
        return _labels(spec).get(str(value), {}).get(lang, str(value))
    if spec.kind == "list":
        return _list_text(spec, list(value), lang)
    if spec.kind == "objects":
        return flow(value)
    if isinstance(value, float) and float(f"{value:.15g}") != value:
        return repr(value)  # more digits than a spreadsheet keeps (15): as text, exactly
    if spec.kind in ("int", "number", "date"):
        return value  # type: ignore[no-any-return]
    return str(value)


def _text(raw: CellValue) -> str:
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _enum(spec: FactSpec, text: str) -> str:
    names = {name.casefold(): value for value, by_lang in _labels(spec).items()
             for name in (value, *by_lang.values())}
    found = names.get(text.strip().casefold())
    if found is None:
        shown = [by_lang for by_lang in _labels(spec).values()]
        raise CellError(f"'{text}' is not one of the choices",
                        expected="one of: " + "; ".join(v["en"] for v in shown),
                        suggestion=did_you_mean(text, [n for v in shown for n in v.values()]))
    return found


def _number(text: str, whole: bool) -> int | float:
    cleaned = text.replace("\u00a0", "").replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # Swedish decimal comma: 99,9
    try:
        number = float(cleaned)
    except ValueError:
        raise CellError(f"'{text}' is not a number",
                        expected="a whole number" if whole else "a number") from None
    if not math.isfinite(number):
        raise CellError(f"'{text}' is not a finite number", expected="a number")
    if whole:
        if not number.is_integer():
            raise CellError(f"{text} is not a whole number", expected="a whole number")
        return int(number)
    return int(number) if cleaned.lstrip("-").isdigit() else number


def parse_date(raw: CellValue) -> dt.date:
    """A date cell, or ISO text; a bare number is refused (it could be any date)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    if isinstance(raw, int | float) or not _ISO_DATE.match(text):
        raise CellError(f"'{_text(raw)}' is not a date written as YYYY-MM-DD",
                        expected="a date YYYY-MM-DD",
                        suggestion="write the date as text, for example 2026-12-03")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CellError(f"'{text}' is not a valid date: {exc}",
                        expected="a date YYYY-MM-DD") from None


def _list(spec: FactSpec, raw: CellValue) -> list[Any]:
    text = _text(raw).strip()
    if text.startswith("["):
        parsed = _yaml_cell(text)
        if not isinstance(parsed, list) or any(isinstance(i, dict | list) for i in parsed):
            raise CellError("expected a list of values", expected="[first, second]")
        items = [_text(item) for item in parsed]
    elif text.casefold() in _NONE:
        return []
    else:
        items = [part.strip() for part in _SPLIT.split(text) if part.strip()]
    if spec.allowed:
        return [_enum(spec, item) for item in items]
    if spec.path.endswith(COUNTRY_SUFFIXES):
        return [item.upper() if len(item) == 2 else item for item in items]
    return items


def _yaml_cell(text: str) -> Any:
    """A cell written as YAML flow text, read by secreview's safe loader (bounded, no tags)."""
    try:
        return parse_yaml_text(f"value: {text}\n", "cell").data["value"]
    except InputError as exc:
        problem = exc.problems[0]
        raise CellError(f"cannot read the list: {problem.message}",
                        expected="YAML flow text, for example [{name: Example AB, country: SE}]",
                        suggestion=problem.suggestion) from None


def _objects(raw: CellValue) -> list[Any]:
    text = _text(raw).strip()
    if text.casefold() in _NONE:
        return []
    parsed = _yaml_cell(text)
    if isinstance(parsed, dict):
        parsed = [parsed]
    if not isinstance(parsed, list) or not all(isinstance(item, dict) for item in parsed):
        raise CellError("expected a list of entries",
                        expected="[{field: value, ...}, ...]")
    return parsed


def check_text(text: str) -> None:
    """Refuse the characters the YAML loader refuses, so a description written from the
    answers always loads again."""
    forbidden = _forbidden_character(text)
    if forbidden is not None:
        raise CellError(f"text contains {forbidden.description}",
                        expected="printable text", suggestion=forbidden.suggestion)


def is_empty(raw: CellValue) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_answer(spec: FactSpec, raw: CellValue) -> Any:
    """The fact value an answer cell holds: None for an empty cell, or "unknown" (okänt) where
    the answer is not free text.

    Raises :class:`CellError` for an answer that is not of the fact's kind; the model's own
    checks (ranges, lengths, country codes) come after, in :mod:`secreview.exchange.answers`.
    """
    kind = spec.kind
    if raw is None or raw == "" or (kind != "string" and is_empty(raw)):
        return None
    if isinstance(raw, str):
        check_text(raw)
        if kind != "string" and raw.strip().casefold() in _UNKNOWN:
            return None  # free text is taken as written: only an empty cell is unknown there
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = _text(raw).strip().casefold()
        if text in _YES or text in _NO:
            return text in _YES
        raise CellError(f"'{_text(raw)}' is not yes, no or unknown",
                        expected="ja/yes, nej/no or okänt/unknown",
                        suggestion="choose from the drop-down list")
    if isinstance(raw, bool):
        raise CellError(f"{raw} (a yes/no value) does not answer this question",
                        expected=f"{kind} answer")
    if kind == "enum":
        return _enum(spec, _text(raw))
    if kind in ("int", "number"):
        if isinstance(raw, int | float) and not isinstance(raw, dt.date):
            return _number(repr(raw), kind == "int") if isinstance(raw, float) else raw
        return _number(_text(raw).strip(), kind == "int")
    if kind == "date":
        return parse_date(raw)
    if kind == "list":
        return _list(spec, raw)
    if kind == "objects":
        return _objects(raw)
    text = _text(raw)
    if spec.path.endswith(COUNTRY_SUFFIXES) and len(text.strip()) == 2:
        return text.strip().upper()
    return text  # as written: free text round-trips exactly, spaces and all
