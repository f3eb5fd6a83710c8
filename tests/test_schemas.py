"""JSON Schemas: generated from the models, committed for editors, and never stale."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fast_yaml import safe_load
from secreview.cli import main
from secreview.schemas import SCHEMAS, schema_file_name, schema_for, schema_text, write_schemas

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "docs" / "schemas"
SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)\s*$")
REGENERATE = "regenerate with: python -m secreview.schemas docs/schemas"


@pytest.mark.parametrize("kind", SCHEMAS)
def test_committed_schema_is_current(kind: str) -> None:
    committed = (COMMITTED / schema_file_name(kind)).read_text(encoding="utf-8")
    assert committed == schema_text(kind), f"docs/schemas/{kind}.schema.json is stale; {REGENERATE}"


@pytest.mark.parametrize("kind", SCHEMAS)
def test_schema_command_prints_the_committed_schema(kind: str) -> None:
    result = CliRunner().invoke(main, ["schema", kind])
    assert result.exit_code == 0
    assert result.output == (COMMITTED / schema_file_name(kind)).read_text(encoding="utf-8")


def test_schemas_have_titles_and_are_json_schema() -> None:
    for kind in SCHEMAS:
        schema = schema_for(kind)
        assert schema["title"].startswith("secreview")
        assert schema["type"] in ("object", "array")


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown schema kind"):
        schema_for("nonsense")


@pytest.mark.slow
def test_write_schemas_writes_every_kind(tmp_path: Path) -> None:
    written = write_schemas(tmp_path / "schemas")
    assert sorted(p.name for p in written) == sorted(schema_file_name(k) for k in SCHEMAS)
    assert all(p.read_text(encoding="utf-8") == schema_text(p.name.split(".")[0])
               for p in written)


def _schema_lines() -> list[tuple[Path, str]]:
    found = []
    for folder in ("rulesets", "examples", "tests/fixtures", "templates"):
        for file in sorted((ROOT / folder).rglob("*.yaml")) if (ROOT / folder).is_dir() else []:
            with file.open(encoding="utf-8") as handle:
                match = SCHEMA_LINE.match(handle.readline())
            if match:
                found.append((file, match.group(1)))
    return found


def _expected_kind(file: Path, data: Any) -> str | None:
    if isinstance(data, dict):
        for key, kind in (("ruleset", "ruleset"), ("profile", "profile"),
                          ("waivers", "waivers")):
            if key in data:
                return kind
        return "system"
    return None


def test_schema_lines_point_at_the_right_committed_schema() -> None:
    lines = _schema_lines()
    assert lines, "no YAML file declares its schema"
    for file, target in lines:
        resolved = (file.parent / target).resolve()
        assert resolved.is_file(), f"{file}: $schema={target} does not exist"
        assert resolved.parent == COMMITTED.resolve(), f"{file}: {target} is not in docs/schemas"
        data = safe_load(file.read_text(encoding="utf-8"))
        kind = _expected_kind(file, data)
        assert resolved.name == schema_file_name(kind or ""), f"{file}: expected {kind} schema"


@pytest.mark.slow
def test_bundled_files_validate_against_the_committed_schemas() -> None:
    """What an editor shows while typing must agree with what secreview accepts."""
    jsonschema = pytest.importorskip("jsonschema")
    for file, target in _schema_lines():
        schema = json.loads((file.parent / target).resolve().read_text(encoding="utf-8"))
        data = json.loads(json.dumps(safe_load(file.read_text(encoding="utf-8")),
                                     default=str))
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
        assert not errors, f"{file}: {errors[0].message}"


def test_editor_schema_flags_a_misspelt_key() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((COMMITTED / "ruleset.schema.json").read_text(encoding="utf-8"))
    ruleset = {"ruleset": {"id": "x", "version": "1.0.0", "title": {"sv": "a", "en": "a"},
                           "owner": "o", "date": "2026-01-01", "aspect": "gdpr"},
               "rules": [{"id": "x.y", "titel": {"sv": "a", "en": "a"}}]}
    messages = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(ruleset)]
    assert any("titel" in m for m in messages)


def test_every_property_of_the_review_schema_is_described() -> None:
    schema = schema_for("review")
    definitions = {"Review": schema, **schema["$defs"]}
    bare = [f"{model}.{name}" for model, definition in definitions.items()
            for name, prop in definition.get("properties", {}).items()
            if not prop.get("description")]
    assert not bare, f"describe these in secreview/review_fields.py: {bare}"


def test_an_output_that_strays_from_its_schema_is_a_bug() -> None:
    from pydantic import ValidationError

    from secreview.documents import dump

    good = [{"code": "unknown-fact", "severity": "error", "message": "m"}]
    assert '"unknown-fact"' in dump("lint", good)
    with pytest.raises(ValidationError):
        dump("lint", [{**good[0], "colour": "red"}])
