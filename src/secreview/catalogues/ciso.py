"""A CISO Assistant framework library (YAML): ``objects.framework.requirement_nodes``.

Each node has a ``urn``, optionally a ``ref_id``, ``name`` and ``description``, ``assessable``
and ``parent_urn``; the library and the framework each have a ``urn`` and a ``ref_id``, all of
which identify the catalogue. Everything else a library holds (questions, implementation groups,
reference controls, translations) is not needed for coverage and is not read.
"""

from __future__ import annotations

from typing import Any

from secreview.catalogues.model import Requirement, RequirementCatalogue
from secreview.errors import InputError, Problem
from secreview.loading import Document, PathKey


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def read_ciso_library(doc: Document) -> RequirementCatalogue:
    data = doc.data
    objects = data.get("objects") if isinstance(data, dict) else None
    framework = objects.get("framework") if isinstance(objects, dict) else None
    base: PathKey = ("objects", "framework")
    if framework is None and isinstance(objects, dict) and isinstance(
            objects.get("frameworks"), list) and len(objects["frameworks"]) == 1:
        framework, base = objects["frameworks"][0], ("objects", "frameworks", 0)
    if not isinstance(framework, dict):
        raise InputError.single(
            "a CISO Assistant library needs one framework under 'objects.framework'",
            **doc.where(("objects",)), suggestion="use a framework library (with "
            "requirement_nodes), not a library of threats or reference controls")
    nodes = framework.get("requirement_nodes")
    if not isinstance(nodes, list) or not nodes:
        raise InputError.single("the framework has no 'requirement_nodes'",
                                **doc.where(base))
    ids = tuple(dict.fromkeys(str(v) for v in (
        framework.get("urn"), framework.get("ref_id"), data.get("urn"), data.get("ref_id"))
        if isinstance(v, str) and v))
    problems: list[Problem] = []
    requirements: list[Requirement] = []
    seen: dict[str, int] = {}
    for index, node in enumerate(nodes):
        where = (*base, "requirement_nodes", index)
        urn = node.get("urn") if isinstance(node, dict) else None
        if not isinstance(urn, str) or not urn:
            problems.append(Problem("a requirement node needs a 'urn'", **doc.where(where)))
            continue
        ref = _text(node.get("ref_id")) or urn.rsplit(":", 1)[-1]
        if ref in seen:
            problems.append(Problem(f"ref_id '{ref}' is used by two requirement nodes",
                                    **doc.where((*where, "ref_id")),
                                    suggestion=f"the first is node {seen[ref] + 1}"))
            continue
        seen[ref] = index
        depth = node.get("depth")
        requirements.append(Requirement(
            ref_id=ref, id=urn, name=_text(node.get("name")),
            description=_text(node.get("description")),
            assessable=node.get("assessable") is True, parent=_text(node.get("parent_urn")),
            depth=depth if isinstance(depth, int) and not isinstance(depth, bool) else 1))
    if problems:
        raise InputError(problems)
    title = _text(framework.get("name")) or _text(data.get("name")) or (ids[0] if ids else "")
    return RequirementCatalogue(ids=ids, title=title, format="ciso-assistant",
                                source=doc.source, sha256=doc.sha256, requirements=requirements)
