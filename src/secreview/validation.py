"""Validate a loaded document against a pydantic model and explain failures with positions.

Pydantic reports a location as a path of field names, list indices and union tags; this module maps
it back to the YAML line and column, and turns "extra field" errors into "did you mean" hints.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Set as AbstractSet
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from secreview.errors import InputError, Problem, did_you_mean
from secreview.loading import Document, PathKey

M = TypeVar("M", bound=BaseModel)

PATTERN_MEANINGS: dict[str, tuple[str, str | None]] = {}
"""What a constrained text looks like, in words, keyed by its regular expression: problems say
"a fact name uses lower-case letters, digits and _", never the expression itself."""


def described(pattern: str, meaning: str, hint: str | None = None) -> str:
    """Register what ``pattern`` means (and a hint on writing it) for error messages; returns
    ``pattern`` so a model can write ``StringConstraints(pattern=described(...))``."""
    PATTERN_MEANINGS[pattern] = (meaning, hint)
    return pattern


_EXPECTED_WORDS = {
    "bool_type": "true or false", "bool_parsing": "true or false",
    "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number", "float_parsing": "a number",
    "string_type": "text",
    "date_type": "a date (YYYY-MM-DD)", "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "a date (YYYY-MM-DD)", "date_future": "a date (YYYY-MM-DD)",
    "list_type": "a list", "dict_type": "a mapping", "model_type": "a mapping",
    "model_attributes_type": "a mapping", "literal_error": "",
}
"""Error kinds that only say "not this type": when a value may take several types (a union), one
problem lists what each would accept instead of one problem per type."""

_TYPE_HINTS = {
    "bool_type": "write true or false (or leave it empty if unknown)",
    "bool_parsing": "write true or false (or leave it empty if unknown)",
    "int_type": "write a whole number without quotes",
    "float_type": "write a number without quotes",
    "list_type": "write a list, one item per line starting with '- '",
    "model_type": "write a mapping of 'key: value' lines, indented under this key",
    "dict_type": "write a mapping of 'key: value' lines, indented under this key",
    "string_type": "write text; put quotes around it if it looks like a number or a date",
}


_NUMBER_KINDS = ("int_type", "float_type", "int_parsing", "float_parsing")


def _number_hint(kind: str, value: Any) -> str | None:
    """Why a value that looks like a number is not read as one (a boolean, YAML 1.1 notation)."""
    if kind not in _NUMBER_KINDS:
        return None
    if isinstance(value, bool):
        return "true and false are not numbers: write the number"
    if isinstance(value, str) and (":" in value or "_" in value or value[:2].lower() == "0b"):
        return (f"{value} is text, not a number (the YAML 1.1 notations 4:30, 1_000 and 0b101 "
                "are not read as numbers): write it in decimals, such as 4.5 or 1000")
    return None


def data_path(data: Any, loc: tuple[int | str, ...]) -> PathKey:
    """Follow a pydantic error location through the data, skipping union tags it cannot follow."""
    path: list[str | int] = []
    current = data
    for index, element in enumerate(loc):
        following = loc[index + 1] if index + 1 < len(loc) else None
        if isinstance(current, dict) and element in current:
            child = current[element]
            tag_like = (
                following is not None
                and following in current
                and not (isinstance(child, dict) and following in child)
            )
            if tag_like:
                continue
            path.append(element)
            current = child
        elif isinstance(current, list) and isinstance(element, int) and element < len(current):
            path.append(element)
            current = current[element]
    return tuple(path)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """Every pydantic model an annotation can hold (through Optional, list, dict, Annotated)."""
    found: list[type[BaseModel]] = []
    stack = [annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            found.append(item)
            continue
        origin = typing.get_origin(item)
        if origin is typing.Annotated:
            stack.append(typing.get_args(item)[0])
        elif origin in (typing.Union, types.UnionType, list, dict, tuple):
            stack.extend(typing.get_args(item))
    return found


def _field_names(model: type[BaseModel]) -> set[str]:
    names = set()
    for name, info in model.model_fields.items():
        names.add(info.alias or name)
    return names


def _candidate_models(model: type[BaseModel], loc: tuple[int | str, ...]
                      ) -> list[type[BaseModel]]:
    """The models that may hold the mapping at ``loc`` (best effort through unions)."""
    candidates: list[type[BaseModel]] = [model]
    for element in loc:
        if isinstance(element, int):
            continue
        nested: list[type[BaseModel]] = []
        for candidate in candidates:
            for name, info in candidate.model_fields.items():
                if element in (name, info.alias):
                    nested.extend(_models_in(info.annotation))
        if nested:
            candidates = nested
    return candidates


def _fitting(candidates: list[type[BaseModel]], present: AbstractSet[str],
             besides: str | None = None) -> list[type[BaseModel]]:
    """Of several models a union allows, those the written keys (other than ``besides``) point
    to: a mapping with ``fact:`` is a condition on a fact, not an ``all:`` list, so only its
    keys are suggested. ``present`` may be large (a mapping of thousands of unknown keys):
    each model's few field names are looked up in it, never the other way round."""
    sharing = [c for c in candidates
               if any(name in present and name != besides for name in _field_names(c))]
    return sharing or candidates


def allowed_keys(model: type[BaseModel], loc: tuple[int | str, ...],
                 present: set[str] | None = None) -> set[str]:
    """Field names valid at ``loc`` (best effort through unions), for "did you mean" hints."""
    candidates = _fitting(_candidate_models(model, loc), present or set())
    names: set[str] = set()
    for candidate in candidates:
        names |= _field_names(candidate)
    return names


def _key_suggestion(model: type[BaseModel], loc: tuple[int | str, ...], key: str,
                    present: AbstractSet[str]) -> str | None:
    """"Did you mean" for an unknown key: a close spelling, or a synonym a model declares
    (``equals`` for ``eq``), else the keys allowed here. ``present``: the keys written beside
    it (``key`` itself may be among them)."""
    candidates = _fitting(_candidate_models(model, loc), present, besides=key)
    for candidate in candidates:
        synonyms: dict[str, str] = getattr(candidate, "key_synonyms", {})
        if key.lower() in synonyms:
            return f"did you mean '{synonyms[key.lower()]}'?"
    allowed: set[str] = set()
    for candidate in candidates:
        allowed |= _field_names(candidate)
    allowed -= {key}
    return did_you_mean(key, allowed) or (
        f"allowed keys here: {', '.join(sorted(allowed))}" if allowed else None)


MODEL_WORDS: dict[str, str] = {}
"""How a problem names a model a value could have been (``FactRef`` is ``{fact: PATH}``);
models register themselves."""


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


MAX_PROBLEMS = 100
"""A document with thousands of wrong values gets the first hundred, not a flooded terminal."""

Located = tuple[PathKey, dict[str, Any]]


def _expected_word(item: dict[str, Any]) -> str:
    kind = item["type"]
    if kind == "literal_error":
        return "one of " + str(item.get("ctx", {}).get("expected", ""))
    if kind in ("model_type", "model_attributes_type") and item["loc"]:
        return MODEL_WORDS.get(str(item["loc"][-1]), _EXPECTED_WORDS[kind])
    return _EXPECTED_WORDS[kind]


def _one_per_mistake(items: list[Located]) -> list[Located]:
    """A value that fits none of a union's types gives one problem, not one per type.

    When the value is a mapping and one of the union's models got further (an unknown or
    missing key inside it), that model's problem is the one that explains the mistake, and the
    "not a number", "not a date" noise of the other types is dropped.
    """
    type_only = [i for i, (_p, item) in enumerate(items) if item["type"] in _EXPECTED_WORDS]
    by_path: dict[PathKey, list[int]] = {}
    for index in type_only:
        by_path.setdefault(items[index][0], []).append(index)
    # Every path at or above a problem that is more than a type mismatch: one pass, so that
    # thousands of bad values cost thousands of steps, not millions (it was 10 s for 4,000).
    type_only_set = set(type_only)
    explained = {path[:end] for i, (path, _item) in enumerate(items) if i not in type_only_set
                 for end in range(len(path) + 1)}
    drop: set[int] = set()
    merged: dict[int, Located] = {}
    for path, indices in by_path.items():
        if path in explained:
            drop.update(indices)
            continue
        if len(indices) > 1:
            first = items[indices[0]][1]
            words = list(dict.fromkeys(_expected_word(items[i][1]) for i in indices))
            expected = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
            merged[indices[0]] = (path, {**first, "type": "union_type",
                                         "first_type": first["type"],
                                         "msg": f"expected {expected}"})
            drop.update(indices[1:])
    drop |= _misspelt_required(items)
    return [merged.get(i, located) for i, located in enumerate(items) if i not in drop]


def _misspelt_required(items: list[Located]) -> set[int]:
    """A required key written with a typo is one mistake: the unknown key (with its "did you
    mean") stands for it, and "'fact' is required" beside it is dropped."""
    unknown: dict[PathKey, list[str]] = {}
    for path, item in items:
        if item["type"] == "extra_forbidden" and path:
            unknown.setdefault(path[:-1], []).append(str(item["loc"][-1]))
    drop: set[int] = set()
    for index, (path, item) in enumerate(items):
        if item["type"] == "missing" and item["loc"]:
            required = str(item["loc"][-1])
            if any(did_you_mean(key, [required]) for key in unknown.get(path, [])):
                drop.add(index)
    return drop


def _problem(item: dict[str, Any], path: PathKey, model: type[BaseModel],
             doc: Document, suggest: bool = True) -> Problem:
    """One problem; without ``suggest``, the message alone (for counting the problems not
    shown: their "did you mean" is never read)."""
    loc = tuple(item["loc"])
    kind = item["type"]
    where = doc.where(path)
    dotted = ".".join(str(p) for p in path) or "(top level)"
    if kind == "extra_forbidden":
        key = str(loc[-1])
        parent = value_at(doc.data, path[:-1])
        present = parent.keys() if isinstance(parent, dict) else set()
        return Problem(
            f"unknown key '{key}'" + (f" in '{'.'.join(map(str, path[:-1]))}'"
                                      if path[:-1] else ""),
            suggestion=_key_suggestion(model, loc[:-1], key, present) if suggest else None,
            **where,
        )
    if kind == "missing":
        return Problem(f"'{loc[-1]}' is required in '{dotted}'", **where)
    if kind == "string_pattern_mismatch":
        meaning, hint = PATTERN_MEANINGS.get(str(item.get("ctx", {}).get("pattern")),
                                             ("does not have the expected form", None))
        return Problem(f"{dotted}: {meaning}", found=_short(item.get("input")), suggestion=hint,
                       **where)
    message = item["msg"]
    # A validator that knows better (a country code's "did you mean") says so in ctx.
    suggestion = item.get("ctx", {}).get("suggestion") \
        or _number_hint(item.get("first_type", kind), item.get("input")) \
        or _TYPE_HINTS.get(kind)
    if kind == "literal_error" and isinstance(item.get("input"), str):
        expected = item.get("ctx", {}).get("expected", "")
        options = [o.strip().strip("'") for o in expected.replace(" or ", ",").split(",")]
        suggestion = did_you_mean(item["input"], [o for o in options if o]) or suggestion
    return Problem(
        f"{dotted}: {message}",
        # A whole-model check (grid size, clause order) names the problem itself;
        # repeating the entire section as "found" only buries the message.
        found=None if kind == "value_error" and isinstance(item.get("input"), dict)
        else _short(item.get("input")),
        suggestion=suggestion,
        **where,
    )


def value_at(data: Any, path: PathKey) -> Any:
    """The value at ``path`` in parsed data, or ``None`` when the path leads nowhere."""
    for key in path:
        in_dict = isinstance(data, dict) and key in data
        in_list = isinstance(data, list) and isinstance(key, int) and key < len(data)
        if not (in_dict or in_list):
            return None
        data = data[key]
    return data


def problems_from(error: ValidationError, model: type[BaseModel], doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[PathKey, str]] = set()
    located = [(data_path(doc.data, tuple(item["loc"])), dict(item))
               for item in error.errors(include_url=False)]
    for path, item in _one_per_mistake(located):
        problem = _problem(item, path, model, doc, suggest=len(problems) < MAX_PROBLEMS)
        signature = (path, problem.message)
        if signature not in seen:
            seen.add(signature)
            problems.append(problem)
    if len(problems) > MAX_PROBLEMS:
        hidden = len(problems) - MAX_PROBLEMS
        problems = [*problems[:MAX_PROBLEMS], Problem(
            f"{hidden} more problems are not shown", file=doc.source,
            suggestion="fix the ones above first; they often cause the rest",
        )]
    return problems


def validate(model: type[M], doc: Document) -> M:
    """Build ``model`` from a parsed document, or raise :class:`InputError` with positions."""
    if not isinstance(doc.data, dict):
        raise InputError.single(
            f"expected a mapping of keys at the top level, found {type(doc.data).__name__}",
            **doc.where(()),
        )
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, model, doc)) from None
