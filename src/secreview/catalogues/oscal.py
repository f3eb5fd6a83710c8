"""An OSCAL catalog (JSON, or the same structure in YAML): ``catalog.groups[].controls[]``.

Groups (and groups within groups) are headings; controls and their enhancements (controls within
controls) are the requirements. A control is cited by its label property (``AC-2(1)``) or, when
it has none, its id; its description is the prose of its ``statement`` part, with parameters
shown as ``[Assignment: label]``. Withdrawn controls are headings, not requirements. The catalog
is identified by its ``uuid`` and the identifiers in ``metadata.document-ids``.
"""

from __future__ import annotations

import re
from typing import Any

from secreview.catalogues.model import Requirement, RequirementCatalogue
from secreview.errors import InputError
from secreview.loading import Document, PathKey

_INSERT = re.compile(r"\{\{\s*insert:\s*param,\s*([^}\s]+)\s*\}\}")
MAX_DESCRIPTION = 2000
"""Longest description kept: coverage quotes requirements, it does not reprint the standard."""


def _label(control: dict[str, Any]) -> str | None:
    for prop in control.get("props") or ():
        if isinstance(prop, dict) and prop.get("name") == "label" and "class" not in prop:
            value = prop.get("value")
            return value if isinstance(value, str) and value else None
    return None


def _withdrawn(control: dict[str, Any]) -> bool:
    return any(isinstance(p, dict) and p.get("name") == "status" and p.get("value") == "withdrawn"
               for p in control.get("props") or ())


def _params(control: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for param in control.get("params") or ():
        if not isinstance(param, dict) or not isinstance(param.get("id"), str):
            continue
        choices = (param.get("select") or {}).get("choice") if isinstance(
            param.get("select"), dict) else None
        if isinstance(choices, list) and choices:
            found[param["id"]] = "[Selection: " + "; ".join(str(c) for c in choices) + "]"
        elif isinstance(param.get("label"), str):
            found[param["id"]] = f"[Assignment: {param['label']}]"
    return found


def _prose(part: dict[str, Any], params: dict[str, str]) -> list[str]:
    lines: list[str] = []
    label = _label(part)
    prose = part.get("prose")
    if isinstance(prose, str) and prose.strip():
        text = _INSERT.sub(lambda m: params.get(m.group(1), "[Assignment]"), prose.strip())
        lines.append(f"{label} {text}" if label else text)
    for inner in part.get("parts") or ():
        if isinstance(inner, dict):
            lines += _prose(inner, params)
    return lines


def _statement(control: dict[str, Any]) -> str | None:
    params = _params(control)
    for part in control.get("parts") or ():
        if isinstance(part, dict) and part.get("name") == "statement":
            text = " ".join(_prose(part, params))
            return text[:MAX_DESCRIPTION] or None
    return None


class _Reader:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.nodes: list[Requirement] = []
        self.seen: set[str] = set()

    def add(self, item: Any, where: PathKey, parent: str | None, depth: int,
            control: bool) -> None:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise InputError.single(f"an OSCAL {'control' if control else 'group'} needs an "
                                    "'id'", **self.doc.where(where))
        ident = item["id"]
        ref = _label(item) or ident
        if ref in self.seen:
            raise InputError.single(f"'{ref}' appears twice in the catalog",
                                    **self.doc.where((*where, "id")))
        self.seen.add(ref)
        title = item.get("title") if isinstance(item.get("title"), str) else None
        self.nodes.append(Requirement(
            ref_id=ref, id=ident, name=title,
            description=_statement(item) if control else None,
            assessable=control and not _withdrawn(item), parent=parent, depth=depth))
        for key, nested_control in (("groups", False), ("controls", True)):
            children = item.get(key)
            if isinstance(children, list):
                for index, child in enumerate(children):
                    self.add(child, (*where, key, index), ident, depth + 1, nested_control)


def read_oscal_catalog(doc: Document) -> RequirementCatalogue:
    catalog = doc.data.get("catalog") if isinstance(doc.data, dict) else None
    if not isinstance(catalog, dict):
        raise InputError.single("an OSCAL catalog needs 'catalog' at the top level",
                                **doc.where(()))
    reader = _Reader(doc)
    for key, control in (("groups", False), ("controls", True)):
        children = catalog.get(key)
        if isinstance(children, list):
            for index, child in enumerate(children):
                reader.add(child, ("catalog", key, index), None, 1, control)
    if not any(node.assessable for node in reader.nodes):
        raise InputError.single("the OSCAL catalog holds no controls", **doc.where(("catalog",)))
    found = catalog.get("metadata")
    metadata: dict[str, Any] = found if isinstance(found, dict) else {}
    ids = [catalog["uuid"]] if isinstance(catalog.get("uuid"), str) else []
    ids += [d["identifier"] for d in metadata.get("document-ids") or ()
            if isinstance(d, dict) and isinstance(d.get("identifier"), str)]
    title = metadata.get("title") if isinstance(metadata.get("title"), str) else None
    return RequirementCatalogue(ids=tuple(dict.fromkeys(ids)), title=title or doc.source,
                                format="oscal", source=doc.source, sha256=doc.sha256,
                                requirements=reader.nodes)
