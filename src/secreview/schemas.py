"""JSON Schemas of every document secreview reads or writes, generated from the models.

Editors validate and complete YAML while a person types when the file starts with
``# yaml-language-server: $schema=...``; the committed copies in ``docs/schemas/`` are what that
line points to. They are generated here, never edited by hand, and a test keeps them current:
regenerate with ``python -m secreview.schemas docs/schemas``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

SCHEMAS = ("system", "ruleset", "profile", "waivers", "review", "mapping", "coverage", "lint",
           "rules-test", "rules-diff", "review-diff", "register")
"""Documents secreview reads (system, ruleset, profile, waivers, mapping) and writes (the rest)."""


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema of one document kind (one of :data:`SCHEMAS`)."""
    if kind == "system":
        from secreview.system import system_json_schema
        return system_json_schema()
    if kind == "ruleset":
        from secreview.rules.model import ruleset_json_schema
        return ruleset_json_schema()
    if kind == "profile":
        from secreview.profile import profile_json_schema
        return profile_json_schema()
    if kind == "waivers":
        from secreview.waivers import waivers_json_schema
        return waivers_json_schema()
    if kind == "review":
        from secreview.review import review_json_schema
        return review_json_schema()
    if kind == "mapping":
        from secreview.catalogues.mapping import mapping_json_schema
        return mapping_json_schema()
    if kind == "coverage":
        from secreview.catalogues.coverage import coverage_json_schema
        return coverage_json_schema()
    if kind in SCHEMAS:
        from secreview.documents import document_json_schema
        return document_json_schema(kind)
    raise ValueError(f"unknown schema kind {kind!r}; expected one of {', '.join(SCHEMAS)}")


def schema_text(kind: str) -> str:
    """The schema as stable JSON text (sorted keys, two-space indent, final newline)."""
    import json  # the command line imports this module for its list of kinds only

    return json.dumps(schema_for(kind), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def schema_file_name(kind: str) -> str:
    return f"{kind}.schema.json"


def write_schemas(folder: str | Path) -> list[Path]:
    """Write every schema into ``folder`` atomically; returns the files written."""
    from secreview.output import write_atomic

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    return [write_atomic(target / schema_file_name(kind), schema_text(kind)) for kind in SCHEMAS]


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    for written in write_schemas(sys.argv[1] if len(sys.argv) > 1 else "docs/schemas"):
        print(written)
