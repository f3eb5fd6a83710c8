"""The catalogue of facts a rule may test, derived from the system model plus ruleset extensions.

Rules name facts by dotted path (``hosting.content.countries``). This module is the one place that
knows which paths exist and what type each has, so the compiler and the linter can reject a
misspelt path or an operator that does not fit, and the questionnaire can list every question.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from annotated_types import Ge, Le
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from secreview.i18n import Text, labels_for
from secreview.system import RegionsAllowed, Section, SystemDescription

FactKind = Literal["bool", "int", "number", "string", "enum", "date", "list", "objects"]


@dataclass(frozen=True)
class FactSpec:
    """What one fact is: its path, kind, allowed values and bounds, and for an extension fact
    how its values read (``labels``, from its ruleset; the bundled facts' are in
    ``data/values.yaml``, by path)."""

    path: str
    kind: FactKind
    description: str = ""
    allowed: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    item_kind: FactKind | None = None  # for lists of scalars
    item_facts: Mapping[str, FactSpec] = field(default_factory=dict)  # for lists of objects
    extension: bool = False
    regions: bool = False  # a list of countries that may name a region (EU, EEA)
    labels: Mapping[str, Text] = field(default_factory=dict)  # value -> how it reads

    def value_labels(self, path: str | None = None) -> Mapping[str, Text]:
        """How each allowed value reads: an extension fact's own labels (its ruleset's), else
        the bundled ones (``data/values.yaml``) for ``path``, by default the spec's own (an
        item's spec is named by its field alone, so a form passes the item's full path)."""
        return labels_for(path or self.path, self.labels)

    @property
    def ordered(self) -> bool:
        return self.kind in ("int", "number", "date")


REVIEW_DATE_FACT = "derived.review_date"
"""The date of the review, set by the engine: what ``review_date`` in a condition reads."""

DERIVED_FACTS: dict[str, FactSpec] = {
    REVIEW_DATE_FACT: FactSpec(REVIEW_DATE_FACT, "date", "The date of the review"),
    "derived.dpia_criteria_met": FactSpec(
        "derived.dpia_criteria_met", "int", "WP248 criteria met for certain", minimum=0, maximum=9
    ),
    "derived.dpia_required": FactSpec(
        "derived.dpia_required", "bool", "Two or more WP248 criteria are met (IMY Art. 35(4) list)"
    ),
    "derived.protection_level": FactSpec(
        "derived.protection_level", "int", "Higher of the confidentiality and integrity levels: "
        "what access control protects; unknown while one is unknown, unless one is 4",
        minimum=0, maximum=4,
    ),
    "derived.classification_max": FactSpec(
        "derived.classification_max", "int", "Highest of the four KLASSA levels (confidentiality, "
        "integrity, availability, traceability); unknown while one is unknown, unless one is 4",
        minimum=0, maximum=4,
    ),
}

CLASSIFICATION_LEVELS = ("classification.confidentiality", "classification.integrity",
                         "classification.availability", "classification.traceability")


def highest_level(facts: Mapping[str, Any], paths: Sequence[str]) -> int | None:
    """The highest of some KLASSA levels, in three-valued logic: a 4 decides it, otherwise every
    level must be known."""
    levels = [facts.get(path) for path in paths]
    known = [level for level in levels if level is not None]
    if 4 in known:
        return 4
    return max(known) if len(known) == len(levels) else None


CLASSIFICATION_DERIVED: dict[str, tuple[str, ...]] = {
    "derived.protection_level": CLASSIFICATION_LEVELS[:2],
    "derived.classification_max": CLASSIFICATION_LEVELS,
}
"""Each derived classification level and the levels it is the highest of: what to ask when it
is unknown."""


def classification_facts(facts: Mapping[str, Any]) -> dict[str, int | None]:
    """The derived levels security controls scale on: access control on confidentiality and
    integrity (what it protects), general controls on the whole classification."""
    return {path: highest_level(facts, levels) for path, levels in CLASSIFICATION_DERIVED.items()}


NOT_FACTS = ("schema_", "extensions", "provenance")
"""Top-level fields that hold no core fact: the editor hint, extension answers (flattened
separately), and who gave the answers."""


def _unwrap_optional(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _strip_annotated(annotation: Any) -> tuple[Any, list[Any]]:
    metadata: list[Any] = []
    while typing.get_origin(annotation) is typing.Annotated:
        args = typing.get_args(annotation)
        annotation = args[0]
        metadata.extend(args[1:])
    return annotation, metadata


def _scalar_spec(path: str, annotation: Any, metadata: list[Any], description: str) -> FactSpec:
    minimum = maximum = None
    for meta in metadata:
        if isinstance(meta, FieldInfo):
            for inner in meta.metadata:
                metadata.append(inner)
        if isinstance(meta, Ge):
            minimum = float(meta.ge)  # type: ignore[arg-type]
        if isinstance(meta, Le):
            maximum = float(meta.le)  # type: ignore[arg-type]
    if typing.get_origin(annotation) is Literal:
        return FactSpec(path, "enum", description, allowed=typing.get_args(annotation))
    kinds: dict[Any, FactKind] = {bool: "bool", int: "int", float: "number", str: "string",
                                  dt.date: "date"}
    kind = kinds.get(annotation)
    if kind is None:
        raise TypeError(f"unsupported fact type at {path}: {annotation!r}")
    return FactSpec(path, kind, description, minimum=minimum, maximum=maximum)


def _field_spec(path: str, info: FieldInfo) -> list[FactSpec]:
    annotation, metadata = _strip_annotated(_unwrap_optional(info.annotation))
    metadata = [*metadata, *info.metadata]
    annotation, more = _strip_annotated(_unwrap_optional(annotation))
    metadata.extend(more)
    description = info.description or ""
    if isinstance(annotation, type) and issubclass(annotation, Section):
        return _model_specs(annotation, path + ".")
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        item, item_meta = _strip_annotated(_unwrap_optional(item))
        if isinstance(item, type) and issubclass(item, BaseModel):
            items = {s.path: s for s in _model_specs(item, "")}
            return [FactSpec(path, "objects", description, item_facts=items)]
        inner = _scalar_spec(path, item, item_meta, description)
        regions = any(isinstance(meta, RegionsAllowed) for meta in item_meta)
        return [FactSpec(path, "list", description, allowed=inner.allowed, item_kind=inner.kind,
                         regions=regions)]
    return [_scalar_spec(path, annotation, metadata, description)]


def _model_specs(model: type[BaseModel], prefix: str) -> list[FactSpec]:
    specs: list[FactSpec] = []
    for name, info in model.model_fields.items():
        if name in NOT_FACTS:
            continue
        specs.extend(_field_spec(prefix + name, info))
    return specs


_CORE: dict[str, FactSpec] = {s.path: s for s in _model_specs(SystemDescription, "")}


def core_facts() -> dict[str, FactSpec]:
    """Every fact of the core system model, plus the facts the engine derives."""
    return {**_CORE, **DERIVED_FACTS}


def fact_at(path: str, facts: Mapping[str, FactSpec]) -> FactSpec | None:
    """The fact a text may quote at ``path``: a fact, or a field of a list's items
    (``integrations.counterpart``, ``integrations.extensions.tls_version``)."""
    spec = facts.get(path)
    if spec is not None:
        return spec
    head = path
    while "." in head:
        head = head.rsplit(".", 1)[0]
        holder = facts.get(head)
        if holder is not None and holder.kind == "objects":
            return holder.item_facts.get(path[len(head) + 1:])
    return None


def fits_kind(kind: FactKind | None, value: Any) -> bool:
    """Does ``value`` have the Python type a fact of ``kind`` holds? (bool is not a number.)"""
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    checks: dict[str, bool] = {
        "bool": isinstance(value, bool),
        "int": is_number and isinstance(value, int),
        "number": is_number,
        "string": isinstance(value, str),
        "enum": isinstance(value, str),
        "date": isinstance(value, dt.date),
        "list": isinstance(value, list),
    }
    return checks.get(kind or "", True)


def extension_spec(name: str, kind: FactKind, values: tuple[Any, ...] | None,
                   description: str = "", minimum: float | None = None,
                   maximum: float | None = None,
                   labels: Mapping[str, Text] | None = None) -> FactSpec:
    """The fact an extension declares: ``extensions.NAME``, at the top level or, named the
    same way inside ``for_any``/``for_all``, on each item of a list. ``labels`` are how its
    allowed values read, as the ruleset declares them: what every reader of the spec (the
    report, the questionnaire, the vendor workbook) shows and accepts for them."""
    if values is not None and kind == "string":
        kind = "enum"
    item_kind: FactKind | None = "enum" if (kind == "list" and values) else (
        "string" if kind == "list" else None)
    path = f"extensions.{name}"
    return FactSpec(path, kind, description, allowed=values, minimum=minimum, maximum=maximum,
                    item_kind=item_kind, extension=True, labels=dict(labels or {}))


def flatten(system: SystemDescription) -> dict[str, Any]:
    """Map every fact path to its value (``None`` for unknown); lists of objects become dicts."""
    facts: dict[str, Any] = {}
    _flatten_into(system, "", facts)
    for name, value in system.extensions.items():
        facts[f"extensions.{name}"] = value
    return facts


def json_value(value: Any) -> Any:
    """A fact value as JSON holds it: dates become ISO text, lists and mappings are converted
    all the way down. Reviews record evidence this way, and the benchmarks hand facts to engines
    that only read JSON."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    return value


def _flatten_into(model: BaseModel, prefix: str, out: dict[str, Any]) -> None:
    for name, value in model.__dict__.items():
        if name in NOT_FACTS:
            continue
        if isinstance(value, Section):
            _flatten_into(value, f"{prefix}{name}.", out)
        elif isinstance(value, list) and value and isinstance(value[0], Section):
            items = []
            for item in value:
                flat: dict[str, Any] = {}
                _flatten_into(item, "", flat)
                for extension, answer in getattr(item, "extensions", {}).items():
                    flat[f"extensions.{extension}"] = answer
                items.append(flat)
            out[prefix + name] = items
        else:
            out[prefix + name] = value
