"""Validate a loaded document against a pydantic model and explain failures with positions.

Pydantic reports a location as a path of field names, list indices and union tags; this module maps
it back to the YAML line and column, and turns "extra field" errors into "did you mean" hints.
"""

from __future__ import annotations

import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from secreview.errors import InputError, Problem, did_you_mean
from secreview.loading import Document, PathKey

M = TypeVar("M", bound=BaseModel)

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


def allowed_keys(model: type[BaseModel], loc: tuple[int | str, ...]) -> set[str]:
    """Field names valid at ``loc`` (best effort through unions), for "did you mean" hints."""
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
    names: set[str] = set()
    for candidate in candidates:
        names |= _field_names(candidate)
    return names


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


MAX_PROBLEMS = 100
"""A document with thousands of wrong values gets the first hundred, not a flooded terminal."""


def problems_from(error: ValidationError, model: type[BaseModel], doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[PathKey, str]] = set()
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        path = data_path(doc.data, loc)
        kind = item["type"]
        where = doc.where(path)
        dotted = ".".join(str(p) for p in path) or "(top level)"
        if kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = allowed_keys(model, loc[:-1]) - {key}
            problem = Problem(
                f"unknown key '{key}'" + (f" in '{'.'.join(map(str, path[:-1]))}'"
                                          if path[:-1] else ""),
                suggestion=did_you_mean(key, allowed)
                or (f"allowed keys here: {', '.join(sorted(allowed))}" if allowed else None),
                **where,
            )
        elif kind == "missing":
            problem = Problem(f"'{loc[-1]}' is required in '{dotted}'", **where)
        else:
            message = item["msg"]
            # A validator that knows better (a country code's "did you mean") says so in ctx.
            suggestion = (item.get("ctx", {}).get("suggestion")
                          or _number_hint(kind, item.get("input")) or _TYPE_HINTS.get(kind))
            if kind == "literal_error" and isinstance(item.get("input"), str):
                expected = item.get("ctx", {}).get("expected", "")
                options = [o.strip().strip("'") for o in expected.replace(" or ", ",").split(",")]
                suggestion = did_you_mean(item["input"], [o for o in options if o]) or suggestion
            problem = Problem(
                f"{dotted}: {message}",
                # A whole-model check (grid size, clause order) names the problem itself;
                # repeating the entire section as "found" only buries the message.
                found=None if kind == "value_error" and isinstance(item.get("input"), dict)
                else _short(item.get("input")),
                suggestion=suggestion,
                **where,
            )
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
