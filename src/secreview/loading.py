"""Safe loading of YAML and JSON documents, keeping the position of every value.

Untrusted input is the normal case here: a system description comes from a project lead, a ruleset
from a security officer's repository. So:

* only the YAML core types are built (no ``!!python/...``, no ``!!binary`` or ``!!set``);
* duplicate keys are an error (PyYAML silently keeps the last one);
* size, nesting depth and the number of values after alias expansion are bounded, which defuses
  "billion laughs" documents before they allocate anything large;
* NaN and Infinity are refused (they make comparisons meaningless).

Every value's position is kept so that a later validation error can say ``file:line:column``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from secreview.errors import InputError, Problem

PathKey = tuple[Any, ...]


@dataclass(frozen=True)
class Limits:
    """Bounds on what one input document may contain. Overridable per call."""

    max_bytes: int = 2 * 1024 * 1024
    max_depth: int = 40
    max_values: int = 200_000
    max_string: int = 20_000


DEFAULT_LIMITS = Limits()

_SAFE_SCALAR_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:timestamp",
}
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


@dataclass
class Document:
    """Parsed data plus where each value stood in the source."""

    data: Any
    source: str
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    sha256: str = ""

    def where(self, path: PathKey) -> dict[str, Any]:
        """Keyword arguments for :class:`Problem` locating ``path`` (or its nearest parent)."""
        probe = tuple(path)
        while probe:
            if probe in self.positions:
                line, column = self.positions[probe]
                return {"file": self.source, "line": line, "column": column}
            probe = probe[:-1]
        line, column = self.positions.get((), (1, 1))
        return {"file": self.source, "line": line, "column": column}


class _Builder:
    """Turns a composed YAML node graph into plain Python data, enforcing the limits."""

    def __init__(self, source: str, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self.values = 0
        self.positions: dict[PathKey, tuple[int, int]] = {}
        self._scalar_loader = yaml.SafeLoader("")

    def fail(self, node: Node, message: str, **extra: Any) -> InputError:
        mark = node.start_mark
        return InputError(
            [Problem(message, file=self.source, line=mark.line + 1, column=mark.column + 1,
                     **extra)]
        )

    def build(self, node: Node, path: PathKey, depth: int) -> Any:
        self.values += 1
        if self.values > self.limits.max_values:
            raise self.fail(
                node,
                "document expands to too many values (alias expansion or sheer size)",
                expected=f"at most {self.limits.max_values} values",
                suggestion="remove YAML aliases (*name) or split the document",
            )
        if depth > self.limits.max_depth:
            raise self.fail(
                node,
                "document is nested too deeply",
                expected=f"at most {self.limits.max_depth} levels",
            )
        mark = node.start_mark
        self.positions.setdefault(path, (mark.line + 1, mark.column + 1))
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ_TAG:
                raise self._bad_tag(node)
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            if node.tag != _MAP_TAG:
                raise self._bad_tag(node)
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self.fail(key_node, "YAML merge keys (<<) are not supported",
                                    suggestion="write the keys out in full")
                key = self.build(key_node, path, depth + 1) if not isinstance(
                    key_node, ScalarNode) else self._scalar(key_node)
                if not isinstance(key, str | int | bool | float) and key is not None:
                    raise self.fail(key_node, "a mapping key must be a plain value")
                if key in result:
                    first = self.positions.get((*path, key))
                    where = f" (first defined at line {first[0]})" if first else ""
                    raise self.fail(
                        key_node,
                        f"duplicate key '{key}'{where}",
                        suggestion="YAML keeps only one of them; remove or rename the other",
                    )
                km = key_node.start_mark
                self.positions[(*path, key)] = (km.line + 1, km.column + 1)
                result[key] = self.build(value_node, (*path, key), depth + 1)
                # Keep the key's own position: errors about a field point at its name.
                self.positions[(*path, key)] = (km.line + 1, km.column + 1)
            return result
        raise self.fail(node, "unsupported YAML node")  # pragma: no cover - exhaustive above

    def _bad_tag(self, node: Node) -> InputError:
        return self.fail(
            node,
            f"YAML tag '{node.tag}' is not allowed",
            expected="plain YAML values (strings, numbers, booleans, dates, lists, mappings)",
            suggestion="remove the tag; secreview never constructs objects from input",
        )

    def _scalar(self, node: ScalarNode) -> Any:
        if node.tag not in _SAFE_SCALAR_TAGS:
            raise self._bad_tag(node)
        if len(node.value) > self.limits.max_string:
            raise self.fail(
                node,
                "text value is too long",
                expected=f"at most {self.limits.max_string} characters",
                found=f"{len(node.value)} characters",
            )
        if node.tag == "tag:yaml.org,2002:bool" and node.value.lower() not in ("true", "false"):
            # YAML 1.2 semantics: only true/false are booleans. Under YAML 1.1 the country code
            # NO (Norway), and yes/no/on/off, would silently become booleans.
            return node.value
        constructor = yaml.SafeLoader.yaml_constructors[node.tag]
        try:
            value = constructor(self._scalar_loader, node)
        except (ValueError, yaml.YAMLError) as exc:
            raise self.fail(node, f"invalid value {node.value!r}: {exc}") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(node, "NaN and Infinity are not allowed", expected="a finite number")
        return value


def _decode(raw: bytes, source: str) -> str:
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line = raw.count(b"\n", 0, offset) + 1
        raise InputError.single(
            "file contains a NUL byte: it looks binary, not text",
            file=source,
            line=line,
            expected="a UTF-8 text file",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError.single(
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            file=source,
            line=line,
            column=column,
            expected="UTF-8 text",
            suggestion="save the file as UTF-8 (Windows-1252 or Latin-1 åäö are the usual cause)",
        ) from None
    return text.removeprefix("\ufeff")


def parse_yaml_text(text: str, source: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Parse YAML text into a :class:`Document` (one document per file)."""
    if len(text.encode("utf-8")) > limits.max_bytes:
        raise InputError.single(
            "file is too large",
            file=source,
            expected=f"at most {limits.max_bytes} bytes",
        )
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or "invalid YAML"
        suggestion = None
        if "\t" in message or "tab" in message.lower():
            suggestion = "indent with spaces; YAML does not allow tab characters for indentation"
        raise InputError.single(
            f"invalid YAML: {message}" + (f" ({exc.context})" if exc.context else ""),
            file=source,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            suggestion=suggestion,
        ) from None
    except yaml.YAMLError as exc:
        raise InputError.single(f"invalid YAML: {exc}", file=source) from None
    except RecursionError:
        raise InputError.single(
            "document is nested too deeply", file=source,
            expected=f"at most {limits.max_depth} levels",
        ) from None
    if node is None:
        raise InputError.single(
            "file is empty", file=source, expected="a YAML mapping with at least one key"
        )
    builder = _Builder(source, limits)
    try:
        data = builder.build(node, (), 0)
    except RecursionError:
        raise InputError.single(
            "document is nested too deeply", file=source,
            expected=f"at most {limits.max_depth} levels",
        ) from None
    return Document(data=data, source=source, positions=builder.positions)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not allowed; use a finite number")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key '{key}'")
        result[key] = value
    return result


def parse_json_text(text: str, source: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Parse JSON with the same guarantees as YAML (no duplicate keys, no NaN, bounded)."""
    if len(text.encode("utf-8")) > limits.max_bytes:
        raise InputError.single(
            "file is too large", file=source, expected=f"at most {limits.max_bytes} bytes"
        )
    if not text.strip():
        raise InputError.single("file is empty", file=source, expected="a JSON object")
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InputError.single(
            f"invalid JSON: {exc.msg}", file=source, line=exc.lineno, column=exc.colno
        ) from None
    except ValueError as exc:
        raise InputError.single(f"invalid JSON: {exc}", file=source) from None
    except RecursionError:
        raise InputError.single("document is nested too deeply", file=source) from None
    _check_json_shape(data, source, limits)
    return Document(data=data, source=source, positions={(): (1, 1)})


def _check_json_shape(data: Any, source: str, limits: Limits) -> None:
    stack: list[tuple[Any, int]] = [(data, 0)]
    count = 0
    while stack:
        value, depth = stack.pop()
        count += 1
        if depth > limits.max_depth:
            raise InputError.single(
                "document is nested too deeply", file=source,
                expected=f"at most {limits.max_depth} levels",
            )
        if count > limits.max_values:
            raise InputError.single(
                "document has too many values", file=source,
                expected=f"at most {limits.max_values} values",
            )
        if isinstance(value, str) and len(value) > limits.max_string:
            raise InputError.single(
                "text value is too long", file=source,
                expected=f"at most {limits.max_string} characters",
            )
        if isinstance(value, Mapping):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def parse_text(text: str, source: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Parse by file name: ``.json`` as JSON, everything else as YAML."""
    if source.lower().endswith(".json"):
        doc = parse_json_text(text, source, limits)
    else:
        doc = parse_yaml_text(text, source, limits)
    doc.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return doc


def load_document(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read and parse one file, refusing oversized or binary input before parsing."""
    file = Path(path)
    source = str(path)
    try:
        if file.is_dir():
            raise InputError.single("is a directory, expected a file", file=source)
        size = file.stat().st_size
        if size > limits.max_bytes:
            raise InputError.single(
                "file is too large",
                file=source,
                expected=f"at most {limits.max_bytes} bytes",
                found=f"{size} bytes",
            )
        with file.open("rb") as handle:
            raw = handle.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise InputError.single("file not found", file=source) from None
    except PermissionError:
        raise InputError.single("permission denied", file=source) from None
    except IsADirectoryError:
        raise InputError.single("is a directory, expected a file", file=source) from None
    except OSError as exc:
        raise InputError.single(f"cannot read file: {exc.strerror}", file=source) from None
    return parse_text(_decode(raw, source), source, limits)


def load_bytes(raw: bytes, source: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Parse bytes that came from somewhere other than a file (stdin, tests, fuzzers)."""
    if len(raw) > limits.max_bytes:
        raise InputError.single(
            "input is too large", file=source, expected=f"at most {limits.max_bytes} bytes"
        )
    return parse_text(_decode(raw, source), source, limits)
