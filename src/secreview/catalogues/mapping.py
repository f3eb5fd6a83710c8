"""Mapping files: which rules satisfy which requirements of one catalogue, without editing the
rules, and which requirements are out of scope for a system review (organisational measures).

A rule may also declare ``satisfies:`` itself; both kinds of link count. secreview ships
mappings for its bundled catalogues (``data/catalogues/NAME.mapping.yaml``); they apply whenever a
catalogue answers to the identifier they name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from secreview.catalogues.model import Requirement, RequirementCatalogue
from secreview.catalogues.read import catalogues_dir
from secreview.errors import InputError, Problem, did_you_mean
from secreview.i18n import Text
from secreview.loading import Document, load_document
from secreview.rules.loader import Catalog
from secreview.rules.model import Extent, RuleId
from secreview.validation import validate

Ref = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class MappedRequirement(_Strict):
    ref: Ref
    extent: Extent = Field("full", description="'partial' when the rule checks only part of it")


class OutOfScope(_Strict):
    """A requirement a review of the system cannot check, and why (usually an organisational
    measure: policies, training, physical premises)."""

    ref: Ref
    reason: Text


class CatalogueMapping(_Strict):
    """A mapping file."""

    schema_: str | None = Field(None, alias="$schema")
    catalogue: Annotated[str, StringConstraints(min_length=1, max_length=500)] = Field(
        description="The catalogue mapped, by one of its identifiers (CISO Assistant framework "
        "or library urn or ref_id, OSCAL uuid or document id)")
    source: Annotated[str, StringConstraints(max_length=2000)] | None = Field(
        None, description="Where the catalogue comes from and under which licence")
    rules: dict[RuleId, list[MappedRequirement]] = Field(
        default_factory=dict, description="Rule id → the requirements it satisfies")
    out_of_scope: list[OutOfScope] = Field(default_factory=list)


def mapping_json_schema() -> dict[str, Any]:
    schema = CatalogueMapping.model_json_schema(by_alias=True)
    schema["title"] = "secreview catalogue mapping"
    return schema


@dataclass(frozen=True)
class LoadedMapping:
    model: CatalogueMapping
    document: Document


def load_mapping(path: str | Path) -> LoadedMapping:
    doc = load_document(path)
    return LoadedMapping(validate(CatalogueMapping, doc), doc)


def bundled_mappings() -> list[LoadedMapping]:
    return [load_mapping(p) for p in sorted(catalogues_dir().glob("*.mapping.yaml"))]


@dataclass(frozen=True)
class Link:
    """One rule satisfying one requirement, and where that is said (a ruleset or a mapping)."""

    ref_id: str
    rule_id: str
    extent: Extent
    source: str


@dataclass
class Links:
    """Every link between a catalogue's requirements and the loaded rules, the requirements out
    of scope, and what could not be linked (as warnings)."""

    links: list[Link]
    out_of_scope: dict[str, Text]
    problems: list[Problem]
    mappings: list[str]


def shown(source: str) -> str:
    """A file as reports name it: a bundled one by its name (``bundled:NAME``), so the same
    inputs give the same output wherever secreview is installed; others as given."""
    from secreview.cache import is_bundled

    return f"bundled:{Path(source).name}" if is_bundled(Path(source)) else source


def _resolve(catalogue: RequirementCatalogue, ref: str, where: dict[str, Any],
             problems: list[Problem], rule_id: str | None = None) -> Requirement | None:
    node = catalogue.find(ref)
    if node is None:
        problems.append(Problem(
            f"'{ref}' is not a requirement of '{catalogue.title}'", rule_id=rule_id,
            code="coverage", suggestion=did_you_mean(ref, [r.ref_id for r in
                                                          catalogue.requirements]), **where))
        return None
    if not node.assessable:
        problems.append(Problem(
            f"'{node.ref_id}' is a heading of '{catalogue.title}', not a requirement to assess",
            rule_id=rule_id, code="coverage",
            suggestion="name the requirements under it instead", **where))
        return None
    return node


def links(catalogue: RequirementCatalogue, catalog: Catalog,
          mappings: list[LoadedMapping]) -> Links:
    """What the rules say they satisfy, and what the mapping files for this catalogue say."""
    problems: list[Problem] = []
    found: list[Link] = []
    for compiled in catalog.rules:
        loaded = next(r for r in catalog.rulesets if r.source == compiled.source)
        index = next(i for i, r in enumerate(loaded.model.rules) if r is compiled.rule)
        for k, entry in enumerate(compiled.rule.satisfies):
            if not catalogue.answers_to(entry.catalogue):
                continue
            where = loaded.document.where(("rules", index, "satisfies", k, "ref"))
            node = _resolve(catalogue, entry.ref, where, problems, compiled.id)
            if node is not None:
                found.append(Link(node.ref_id, compiled.id, entry.extent,
                                  f"ruleset {compiled.ruleset_id}"))
    loaded_ids = {r.id for r in catalog.rules}
    out: dict[str, Text] = {}
    used: list[str] = []
    for mapping in mappings:
        if not catalogue.answers_to(mapping.model.catalogue):
            continue
        used.append(shown(mapping.document.source))
        found += _mapped(catalogue, mapping, loaded_ids, problems)
        for index, excluded in enumerate(mapping.model.out_of_scope):
            where = mapping.document.where(("out_of_scope", index, "ref"))
            node = _resolve(catalogue, excluded.ref, where, problems)
            if node is not None:
                out[node.ref_id] = excluded.reason
    return Links(found, out, problems, used)


def _mapped(catalogue: RequirementCatalogue, mapping: LoadedMapping, loaded: set[str],
            problems: list[Problem]) -> list[Link]:
    found: list[Link] = []
    where = mapping.document.where
    for rule_id, entries in mapping.model.rules.items():
        if rule_id not in loaded:
            problems.append(Problem(
                f"the mapping names rule '{rule_id}', which is not loaded (disabled by the "
                "profile, or not among the selected rulesets)", code="coverage",
                suggestion=did_you_mean(rule_id, loaded), **where(("rules", rule_id))))
            continue
        for index, entry in enumerate(entries):
            node = _resolve(catalogue, entry.ref, where(("rules", rule_id, index, "ref")),
                            problems, rule_id)
            if node is not None:
                found.append(Link(node.ref_id, rule_id, entry.extent,
                                  shown(mapping.document.source)))
    return found


def require_mapping_for(catalogue: RequirementCatalogue, mapping: LoadedMapping) -> None:
    """A mapping given explicitly must be for this catalogue: a wrong file would silently map
    nothing."""
    if not catalogue.answers_to(mapping.model.catalogue):
        raise InputError.single(
            f"the mapping is for catalogue '{mapping.model.catalogue}', not for "
            f"'{catalogue.title}'", **mapping.document.where(("catalogue",)),
            suggestion=did_you_mean(mapping.model.catalogue, catalogue.ids)
            or f"this catalogue's identifiers: {', '.join(catalogue.ids)}")
