"""The load stage: a system description from any source, validated and checked against the
loaded rulesets' extension facts, and the :class:`Inputs` a review is computed from.

Only this stage (and rendering) touches files; everything after it is a pure function of an
:class:`Inputs`. Callers get an :class:`Inputs` from :meth:`secreview.Reviewer.load`, never by
building one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secreview.dates import iso_date
from secreview.errors import InputError, Problem, did_you_mean
from secreview.facts import FactSpec, fits_kind, flatten
from secreview.loading import Document, PathKey, load_bytes, load_document, parse_json_text
from secreview.profile import Profile
from secreview.review import Tailored
from secreview.routing import check_consistency
from secreview.rules.loader import Catalog
from secreview.system import SystemDescription
from secreview.validation import validate
from secreview.waivers import WaiverFile

if TYPE_CHECKING:
    from secreview.engine.memo import RuleMemo

Source = str | Path | bytes | Mapping[str, Any] | SystemDescription
"""What a review can be asked for: a file path (``str`` on one line, or :class:`~pathlib.Path`),
YAML or JSON text (a ``str`` with a line break or starting with ``{``, or ``bytes``), a mapping
of plain data, or an already validated :class:`SystemDescription`."""

TEXT_SOURCE = "<text>"
JSON_SOURCE = "<text>.json"
DATA_SOURCE = "<data>"


@dataclass
class Inputs:
    """Everything a review is computed from, loaded and validated."""

    system: SystemDescription
    system_doc: Document
    catalog: Catalog
    profile: Profile
    profile_sha256: str
    waivers: WaiverFile | None = None
    waivers_sha256: str | None = None
    tailoring: list[Tailored] = field(default_factory=list)
    profile_path: Path | None = None
    waivers_path: Path | None = None
    memo: RuleMemo | None = None
    """The loading Reviewer's per-rule results (see :mod:`secreview.engine.memo`)."""

    def source_files(self) -> list[Path]:
        """Every file the review was computed from: outputs must never be written over these."""
        own = [] if self.system_doc.source.startswith("<") else [Path(self.system_doc.source)]
        return own + context_files(self.catalog, self.profile, self.profile_path,
                                   self.waivers_path)


def context_files(catalog: Catalog, profile: Profile, profile_path: Path | None,
                  waivers_path: Path | None) -> list[Path]:
    """The files besides the description a review reads: rulesets, profile, logo, waivers."""
    files = [Path(r.source) for r in catalog.rulesets]
    if profile_path is not None:
        files.append(profile_path)
        if profile.organisation.logo:
            files.append(profile_path.parent / profile.organisation.logo)
    if waivers_path is not None:
        files.append(waivers_path)
    return files


def is_text(source: str) -> bool:
    """Whether a ``str`` source is a document rather than a file path: paths are one line."""
    return "\n" in source or source.lstrip().startswith("{")


def load_source(source: Source) -> tuple[SystemDescription, Document]:
    """A validated system description and its document (for positions and the SHA-256)."""
    if isinstance(source, SystemDescription):
        data = source.model_dump(mode="json", by_alias=True, exclude_none=True)
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        return source, Document(data=data, source=DATA_SOURCE,
                                sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())
    if isinstance(source, bytes | str) and (isinstance(source, bytes) or is_text(source)):
        raw = source.encode("utf-8") if isinstance(source, str) else source
        # JSON is YAML too, but the JSON parser is several times faster and says JSON's errors.
        doc = load_bytes(raw, JSON_SOURCE if raw.lstrip()[:1] == b"{" else TEXT_SOURCE)
    elif isinstance(source, str | Path):
        doc = load_document(source)
    elif isinstance(source, Mapping):
        doc = _data_document(source)
    else:
        raise InputError.single(f"cannot review a {type(source).__name__}",
                                expected="a path, YAML or JSON text, bytes or a mapping")
    return validate(SystemDescription, doc), doc


def _data_document(data: Mapping[str, Any]) -> Document:
    """A mapping checked like a JSON file (size, depth, plain values), so every source meets the
    same limits; its SHA-256 is that of its canonical JSON."""
    try:
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=_date_or_fail)
    except (TypeError, ValueError) as exc:
        raise InputError.single(f"the description is not plain data: {exc}",
                                file=DATA_SOURCE) from None
    doc = parse_json_text(text, DATA_SOURCE)
    doc.positions = {}
    doc.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return doc


def _date_or_fail(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a YAML or JSON value")


def load_system(source: Source, catalog: Catalog) -> tuple[SystemDescription, Document]:
    """A validated system description whose ``extensions:`` fit the loaded rulesets' facts."""
    system, doc = load_source(source)
    system = check_extensions(system, doc, catalog)
    check_consistency(flatten(system), doc)
    return system, doc


ExtensionIssue = tuple[PathKey, str, Any, str | None]
"""An answer to an extension fact that does not fit: where in the description, what is wrong,
the answer, and a hint."""


def check_extensions(system: SystemDescription, doc: Document,
                     catalog: Catalog) -> SystemDescription:
    """Validate ``extensions:`` answers (top level and per list item) against the facts the
    loaded rulesets declare; returns the description with dates written as text read as dates."""
    typed, issues = typed_extensions(system, catalog)
    if issues:
        raise InputError([Problem(message, found=None if found is None else repr(found),
                                  suggestion=hint, **doc.where(path))
                          for path, message, found, hint in issues])
    return typed


def typed_extensions(system: SystemDescription, catalog: Catalog
                     ) -> tuple[SystemDescription, list[ExtensionIssue]]:
    """Every extension answer checked against its declaration (known name, type, allowed values,
    bounds), and provenance naming an extension fact. ``check``, reviews and rule examples all
    check answers here, so an answer one of them accepts none of them refuses."""
    issues: list[ExtensionIssue] = []
    top = {name: catalog.facts[f"extensions.{name}"] for name in catalog.extension_facts}
    answers = _typed_answers(system.extensions, top, ("extensions",), issues)
    update: dict[str, Any] = {"extensions": answers} if answers != system.extensions else {}
    for path in system.provenance:
        name = path.removeprefix("extensions.")
        if path.startswith("extensions.") and name not in top:
            issues.append((("provenance", path), f"provenance for unknown extension fact "
                           f"'{name}'", None, did_you_mean(name, top) or "remove the entry"))
    for list_path, spec in catalog.facts.items():
        if spec.kind != "objects":
            continue
        items = _at(system, list_path)
        if not items:
            continue
        declared = {key.removeprefix("extensions."): item_spec
                    for key, item_spec in spec.item_facts.items() if item_spec.extension}
        typed_items = []
        for index, item in enumerate(items):
            typed = _typed_answers(item.extensions, declared,
                                   (*list_path.split("."), index, "extensions"), issues)
            typed_items.append(item if typed == item.extensions
                               else item.model_copy(update={"extensions": typed}))
        if typed_items != list(items):
            update = _set_at(system, update, list_path, typed_items)
    return (system.model_copy(update=update) if update else system), issues


def _at(system: SystemDescription, path: str) -> Any:
    value: Any = system
    for part in path.split("."):
        value = getattr(value, part, None)
    return value


def _set_at(system: SystemDescription, update: dict[str, Any], path: str,
            value: Any) -> dict[str, Any]:
    """``update`` for :meth:`model_copy` with the list at ``path`` replaced (one section deep)."""
    head, _, tail = path.partition(".")
    if not tail:
        return {**update, head: value}
    section = getattr(system, head)
    return {**update, head: section.model_copy(update={tail: value})}


def _typed_answers(answers: Mapping[str, Any], declared: Mapping[str, FactSpec],
                   base: PathKey, issues: list[ExtensionIssue]) -> dict[str, Any]:
    typed: dict[str, Any] = {}
    for name, value in answers.items():
        spec = declared.get(name)
        path = (*base, name)
        if spec is None:
            hint = did_you_mean(name, declared) or (
                "no loaded ruleset declares extension facts here" if not declared
                else f"declared facts: {', '.join(sorted(declared))}")
            issues.append((path, f"unknown extension fact '{name}'", None, hint))
            continue
        if spec.kind == "date" and isinstance(value, str) and iso_date(value) is not None:
            value = iso_date(value)  # a date in a JSON description is text
        error = _extension_type_error(spec, value)
        if error:
            issues.append((path, f"{'.'.join(map(str, path))}: {error}", value, None))
        typed[name] = value
    return typed


_KIND_WORDS: dict[str, str] = {
    "bool": "a bool value: true or false", "int": "a whole number", "number": "a number",
    "string": "text", "enum": "text", "date": "a date (YYYY-MM-DD)", "list": "a list",
}


def _extension_type_error(spec: FactSpec, value: Any) -> str | None:
    if value is None:
        return None
    if not fits_kind(spec.kind, value):
        return f"expected {_KIND_WORDS.get(spec.kind, spec.kind)}"
    allowed = spec.allowed
    if allowed is not None:
        values = value if isinstance(value, list) else [value]
        bad = [v for v in values if v not in allowed]
        if bad:
            return f"{bad[0]!r} is not one of {', '.join(map(str, allowed))}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        low = -float("inf") if spec.minimum is None else spec.minimum
        high = float("inf") if spec.maximum is None else spec.maximum
        if not low <= value <= high:
            bounds = " and ".join(b for b in (
                f"at least {spec.minimum:g}" if spec.minimum is not None else "",
                f"at most {spec.maximum:g}" if spec.maximum is not None else "") if b)
            return f"{value:g} is outside the allowed range ({bounds})"
    return None
