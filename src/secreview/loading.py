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

import errno
import hashlib
import json
import math
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from secreview.errors import InputError, Problem

PathKey = tuple[Any, ...]


@dataclass(frozen=True)
class Limits:
    """Bounds on what one input document may contain. Overridable per call and by environment.

    ``max_rules`` bounds the rules of one review (all rulesets together) and ``max_match_work``
    the regular-expression work of one review, not one document; they live here so that every
    limit is configured in one place (:func:`configured_limits`).
    """

    max_bytes: int = 2 * 1024 * 1024
    max_depth: int = 40
    max_values: int = 200_000
    max_string: int = 20_000
    max_rules: int = 5000
    max_match_work: int = 1_000_000_000  # regular-expression work of one review (regex_safety)


DEFAULT_LIMITS = Limits()

# Environment variable -> Limits field. The only place where the environment is read for limits.
LIMIT_VARIABLES: dict[str, str] = {
    "SECREVIEW_MAX_INPUT_BYTES": "max_bytes",
    "SECREVIEW_MAX_DEPTH": "max_depth",
    "SECREVIEW_MAX_VALUES": "max_values",
    "SECREVIEW_MAX_STRING_LENGTH": "max_string",
    "SECREVIEW_MAX_RULES": "max_rules",
    "SECREVIEW_MAX_MATCH_WORK": "max_match_work",
}

# The largest value each limit may be set to. Above these a limit no longer protects anything,
# and a number too large for the platform (99999999999999999999) would fail deep inside a read.
LIMIT_MAXIMUMS: dict[str, int] = {
    "max_bytes": 1024 * 1024 * 1024,
    "max_depth": 10_000,
    "max_values": 100_000_000,
    "max_string": 1024 * 1024 * 1024,
    "max_rules": 1_000_000,
    "max_match_work": 10**12,
}


def configured_limits(base: Limits = DEFAULT_LIMITS,
                      environ: Mapping[str, str] | None = None) -> Limits:
    """``base`` with the ``SECREVIEW_MAX_*`` environment overrides applied.

    An override replaces the built-in default for every kind of document, so an administrator
    can raise (or lower) a bound for a large ruleset collection without touching code.
    """
    env = os.environ if environ is None else environ
    changes: dict[str, int] = {}
    for variable, name in LIMIT_VARIABLES.items():
        raw = env.get(variable)
        if raw is None or not raw.strip():
            continue
        text = raw.strip()
        value = int(text) if text.isascii() and text.isdigit() and len(text) < 20 else 0
        if not 1 <= value <= LIMIT_MAXIMUMS[name]:
            raise InputError.single(
                f"environment variable {variable} must be a positive whole number",
                expected=f"1 to {LIMIT_MAXIMUMS[name]}", found=repr(raw[:40]),
                suggestion=f"for example {variable}={getattr(base, name)}",
            )
        changes[name] = value
    return replace(base, **changes) if changes else base

_SAFE_SCALAR_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:timestamp",
}
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
# Numbers as YAML 1.2's core schema reads them. PyYAML implements YAML 1.1, where 4:30 is the
# sexagesimal 270, 1_000 is 1000, 0b101 is 5 and 012 is the octal 10: values nobody meant.
_YAML12_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_YAML12_FLOAT = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                           r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")


def reads_as_number(text: str) -> bool:
    """Would this plain scalar be read as a number (YAML 1.2 core schema, as the loader reads
    it)? A writer quotes such text: ``0E0`` written plain comes back as 0.0."""
    return bool(_YAML12_INT.match(text) or _YAML12_FLOAT.match(text))


def quoting_numbers(base: type[yaml.SafeDumper]) -> type[yaml.SafeDumper]:
    """``base`` writing text that YAML 1.2 would read as a number (``0E0``, ``1e5``, ``0o17``)
    in quotes. PyYAML decides what to quote by YAML 1.1, where those are text, but secreview
    reads YAML 1.2 (:func:`reads_as_number`): an answer "0E0" came back as
    the number 0.0."""
    dumper = cast(type[yaml.SafeDumper], type(f"Quoting{base.__name__}", (base,), {}))

    def represent_str(representer: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        if reads_as_number(value):
            return representer.represent_scalar("tag:yaml.org,2002:str", value, style="'")
        return representer.represent_str(value)

    dumper.add_representer(str, represent_str)
    return dumper


def _core_schema_numbers(loader: type[Any]) -> None:
    """Make ``loader`` resolve plain scalars to numbers as YAML 1.2 does (everything else that
    YAML 1.1 read as a number stays text, which a number field then refuses)."""
    resolvers = {first: [(tag, regexp) for tag, regexp in entries if tag not in _NUMBER_TAGS]
                 for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    for tag, regexp, firsts in (("tag:yaml.org,2002:int", _YAML12_INT, "-+0123456789"),
                                ("tag:yaml.org,2002:float", _YAML12_FLOAT, "-+0123456789.")):
        for first in firsts:
            resolvers.setdefault(first, []).append((tag, regexp))
    loader.yaml_implicit_resolvers = resolvers


def _yaml12_int(text: str) -> int:
    """A YAML 1.2 integer: decimal (leading zeros too), 0o octal or 0x hexadecimal."""
    lowered = text.lower()
    if lowered.startswith("0x"):
        return int(lowered[2:], 16)
    if lowered.startswith("0o"):
        return int(lowered[2:], 8)
    return int(text, 10)


_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"

# C0 and C1 control characters other than tab, newline and carriage return, and a carriage
# return that does not end a line (it moves a terminal's cursor back over what was written).
# YAML escapes ("\e", "\x07", "\r") and JSON escapes ("\u001b") can smuggle them past the YAML
# reader; in a report they would reach terminals (ANSI escape sequences) and documents.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]|\r(?!\n)")
# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they make text
# display in another order than it is stored ("Trojan Source"), so a vendor or rule name in a
# report could read as something else. Input text never needs them.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class _Forbidden:
    """A character that input text may not contain, and how to tell the author."""

    description: str  # "the control character U+001B"
    suggestion: str


def _forbidden_character(text: str) -> _Forbidden | None:
    """The first control or bidirectional formatting character in ``text``, or None."""
    found = _CONTROL.search(text)
    if found is not None:
        return _Forbidden(f"the control character U+{ord(found.group()[0]):04X}",
                          "remove it; escape sequences such as \\e or \\x07 are not allowed")
    found = _BIDI.search(text)
    if found is not None:
        return _Forbidden(f"the bidirectional formatting character U+{ord(found.group()):04X}",
                          "remove it: it makes text display in another order than it is written")
    return None


class _TooDeep(Exception):
    def __init__(self, mark: Any) -> None:
        super().__init__("too deep")
        self.mark = mark


class _CoreLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's safe loader, resolving numbers as YAML 1.2 does."""


_core_schema_numbers(_CoreLoader)


class _BoundedLoader(yaml.SafeLoader):
    """Composes the node graph with a depth bound, so deep nesting fails with a position.

    PyYAML's composer recurses once per level; without this bound a few thousand ``[`` hit
    Python's recursion limit and the error could not say where.
    """

    def __init__(self, stream: str, max_depth: int) -> None:
        super().__init__(stream)
        self._depth = 0
        self._max_depth = max_depth

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        try:
            if self._depth > self._max_depth + 1:
                raise _TooDeep(self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_core_schema_numbers(_BoundedLoader)


class LazyPositions(Mapping[PathKey, tuple[int, int]]):
    """Positions worked out on first use: for JSON they take a second (YAML) reading of the text,
    which cost more than the review itself, and only an error message ever needs them.

    ``known`` positions are answered without computing the rest (the parse cache keeps where
    each rule starts at hand, and decodes the deeper positions only for an error).
    ``compute`` returns all of them, ``known`` included."""

    def __init__(self, compute: Callable[[], dict[PathKey, tuple[int, int]]],
                 known: Mapping[PathKey, tuple[int, int]] | None = None) -> None:
        self._compute: Callable[[], dict[PathKey, tuple[int, int]]] | None = compute
        self._found: dict[PathKey, tuple[int, int]] = dict(known or {})

    def _positions(self) -> dict[PathKey, tuple[int, int]]:
        if self._compute is not None:
            self._found, self._compute = self._compute(), None
        return self._found

    def __getitem__(self, key: PathKey) -> tuple[int, int]:
        found = self._found.get(key)
        return found if found is not None else self._positions()[key]

    def __iter__(self) -> Iterator[PathKey]:
        return iter(self._positions())

    def __len__(self) -> int:
        return len(self._positions())


@dataclass
class Document:
    """Parsed data plus where each value stood in the source."""

    data: Any
    source: str
    positions: Mapping[PathKey, tuple[int, int]] = field(default_factory=dict)
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
        self._open: set[int] = set()  # collections being built: an alias back to one is a cycle

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
        if id(node) in self._open:
            raise self.fail(node, "recursive alias: this value contains itself",
                            suggestion="remove the alias (*name) that refers to its own anchor")
        self._open.add(id(node))
        try:
            return self._collection(node, path, depth)
        finally:
            self._open.discard(id(node))

    def _collection(self, node: Node, path: PathKey, depth: int) -> Any:
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
                        suggestion="remove or rename one of them: only one value would be kept",
                    )
                # The key's own position, so errors about a field point at its name; build()
                # only sets a position where none is yet.
                km = key_node.start_mark
                self.positions[(*path, key)] = (km.line + 1, km.column + 1)
                result[key] = self.build(value_node, (*path, key), depth + 1)
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
        if node.tag == "tag:yaml.org,2002:int":
            try:
                return _yaml12_int(node.value)
            except ValueError:  # an explicit !!int on something else
                raise self.fail(node, f"invalid value {node.value!r}: not a whole number",
                                expected="a whole number in decimals") from None
        forbidden = _forbidden_character(node.value)
        if forbidden is not None:
            raise self.fail(node, f"text contains {forbidden.description}",
                            expected="printable text", suggestion=forbidden.suggestion)
        constructor = yaml.SafeLoader.yaml_constructors[node.tag]
        try:
            value = constructor(self._scalar_loader, node)
        except (ValueError, yaml.YAMLError) as exc:
            raise self.fail(node, f"invalid value {node.value!r}: {exc}") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(node, "NaN and Infinity are not allowed", expected="a finite number")
        return value


_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"),
)


def _decode(raw: bytes, source: str) -> str:
    for bom, encoding in _WIDE_BOMS:
        if raw.startswith(bom):
            raise InputError.single(
                f"file is encoded as {encoding}, not UTF-8",
                file=source, line=1, column=1, expected="UTF-8 text",
                suggestion="save the file as UTF-8 (in Notepad: Save as, Encoding: UTF-8)",
            )
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line = raw.count(b"\n", 0, offset) + 1
        column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
        raise InputError.single(
            "file contains a NUL byte: it looks binary, not text",
            file=source,
            line=line,
            column=column,
            expected="a UTF-8 text file",
            suggestion="if it is text saved as UTF-16 ('Unicode'), save it as UTF-8",
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
    node = _compose_located(text, source, limits)
    if node is None:
        raise InputError.single(
            "file is empty", file=source, expected="a YAML mapping with at least one key"
        )
    builder = _Builder(source, limits)
    try:
        data = builder.build(node, (), 0)
    except RecursionError:
        raise _too_deep(source, limits) from None
    return Document(data=data, source=source, positions=builder.positions)


def _too_deep(source: str, limits: Limits, mark: Any = None) -> InputError:
    """The one error for nesting beyond ``limits.max_depth``, wherever it was noticed."""
    return InputError.single(
        "document is nested too deeply", file=source,
        line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None,
        expected=f"at most {limits.max_depth} levels",
    )


def _compose_located(text: str, source: str, limits: Limits) -> Node | None:
    """:func:`_compose`, with every error PyYAML or libyaml raises turned into a located
    :class:`InputError` in our words."""
    try:
        return _compose(text, limits.max_depth)
    except _TooDeep as exc:
        raise _too_deep(source, limits, exc.mark) from None
    except yaml.reader.ReaderError as exc:
        # libyaml counts the position in bytes, PyYAML in characters: find the character again.
        found = yaml.reader.Reader.NON_PRINTABLE.search(text)
        line, column = _line_column(text, found.start() if found else exc.position)
        raise InputError.single(
            f"file contains the control character U+{exc.character:04X}"
            if isinstance(exc.character, int) else f"invalid YAML: {exc.reason}",
            file=source, line=line, column=column, expected="printable text",
            suggestion="remove it; only tab, newline and printable characters are allowed",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or "invalid YAML"
        if "nesting depth" in message:  # PyYAML >= 6.0.4 bounds nesting in its parser too
            raise _too_deep(source, limits, mark) from None
        suggestion = None
        if "\t" in message or "\\t" in message or "tab" in message.lower() or _tab_at(text, mark):
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
        raise _too_deep(source, limits) from None


def _compose(text: str, max_depth: int) -> Node | None:
    """The YAML node graph of ``text``, refusing nesting deeper than ``max_depth`` with a mark.

    libyaml (``CSafeLoader``) composes ten times faster than pure Python, which makes loading the
    bundled rulesets quick and a large hostile file cheap. Its composer recurses in C without
    Python's recursion guard, so the depth is checked first on the event stream, which libyaml
    produces iteratively. Without libyaml the pure-Python loader bounds the depth itself.
    """
    fast: type[Any] | None = getattr(yaml, "CSafeLoader", None)
    if fast is None:  # PyYAML built without libyaml
        slow = _BoundedLoader(text, max_depth)
        try:
            return slow.get_single_node()
        finally:
            slow.dispose()
    depth = 0
    for event in yaml.parse(text, Loader=fast):
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            depth += 1
            if depth > max_depth + 1:
                raise _TooDeep(event.start_mark)
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            depth -= 1
    loader = _CoreLoader(text)
    try:
        return loader.get_single_node()  # type: ignore[no-any-return]
    finally:
        loader.dispose()


def _tab_at(text: str, mark: Any) -> bool:
    """Is there a tab where the error was found, or in that line's indentation?"""
    if mark is None:
        return False
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    return "\t" in line[: mark.column + 1] or line[: len(line) - len(line.lstrip())].count("\t") > 0


def _line_column(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of a character offset into ``text``."""
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not allowed; use a finite number")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key '{key}'")
        result[key] = value
    return result


def parse_json_text(text: str, source: str, limits: Limits = DEFAULT_LIMITS, *,
                    locate: bool = True) -> Document:
    """Parse JSON with the same guarantees as YAML (no duplicate keys, no NaN, bounded).

    Finding every value's position costs four times the parse; ``locate=False`` skips it for a
    large document whose reader can ask again, with positions, once it finds a problem.
    """
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
    except ValueError as exc:  # a duplicate key or NaN, refused by the hooks above
        raise _located(InputError.single(f"invalid JSON: {exc}", file=source),
                       text, source, limits) from None
    except RecursionError:
        raise _too_deep(source, limits) from None
    try:
        _check_json_shape(data, source, limits)
    except InputError as exc:
        raise _located(exc, text, source, limits) from None
    # Positions only when asked for, and then only when first used: an error message needs
    # them, a valid document never does.
    positions: Mapping[PathKey, tuple[int, int]] = (
        LazyPositions(lambda: _json_positions(text, source, limits)) if locate else {(): (1, 1)})
    return Document(data=data, source=source, positions=positions)


def _located(error: InputError, text: str, source: str, limits: Limits) -> InputError:
    """``error``, which the JSON parser found without a position, with its line and column.

    JSON is YAML flow syntax, so the YAML reader finds a duplicate key or a forbidden character
    again, this time with its position. When it finds nothing, or another problem, the JSON
    parser's error stands as it is.
    """
    unlocated = error.problems[0].message.removeprefix("invalid JSON: ")
    try:
        _read_as_yaml(text, source, limits)
    except InputError as found:
        problem = found.problems[0] if found.problems else None
        if problem is not None and unlocated in problem.message:
            # The JSON hint ("remove the \\u escape") fits a JSON file better than YAML's.
            hint = error.problems[0].suggestion or problem.suggestion
            return InputError([replace(problem, suggestion=hint)])
    except (yaml.YAMLError, _TooDeep, RecursionError):
        pass
    return error


def _json_positions(text: str, source: str, limits: Limits) -> dict[PathKey, tuple[int, int]]:
    """Line and column of every value of a JSON document, so validation errors can point at them.

    JSON is YAML flow syntax, so the YAML composer finds the positions; the values themselves
    come from the JSON parser. Where the two disagree, errors fall back to the whole file.
    """
    try:
        return _read_as_yaml(text, source, limits)
    except (yaml.YAMLError, InputError, _TooDeep, RecursionError):
        return {(): (1, 1)}


def _read_as_yaml(text: str, source: str, limits: Limits) -> dict[PathKey, tuple[int, int]]:
    """The positions of every value of JSON ``text`` read as YAML; raises what that reading
    finds wrong (an :class:`InputError` for what the YAML path refuses)."""
    node = _compose(text, limits.max_depth)
    if node is None:
        return {(): (1, 1)}
    builder = _Builder(source, limits)
    builder.build(node, (), 0)
    return builder.positions


def _check_json_shape(data: Any, source: str, limits: Limits) -> None:
    stack: list[tuple[Any, int]] = [(data, 0)]
    count = 0
    while stack:
        value, depth = stack.pop()
        count += 1
        if depth > limits.max_depth:
            raise _too_deep(source, limits)
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
        for text in [value] if isinstance(value, str) else value if isinstance(
                value, Mapping) else ():
            forbidden = _forbidden_character(text)
            if forbidden is not None:
                raise InputError.single(
                    f"text contains {forbidden.description}", file=source,
                    expected="printable text", suggestion="remove the \\u escape",
                )
        if isinstance(value, Mapping):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def parse_text(text: str, source: str, limits: Limits = DEFAULT_LIMITS, *,
               locate: bool = True) -> Document:
    """Parse by file name: ``.json`` as JSON, everything else as YAML."""
    if source.lower().endswith(".json"):
        doc = parse_json_text(text, source, limits, locate=locate)
    else:
        doc = parse_yaml_text(text, source, limits)
    doc.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return doc


def load_document(path: str | Path, limits: Limits | None = None, *,
                  locate: bool = True) -> Document:
    """Read and parse one file, refusing oversized, binary or non-regular input before parsing.

    Without ``limits`` the defaults apply, with the environment's overrides. ``locate=False``:
    see :func:`parse_json_text`.
    """
    limits = configured_limits() if limits is None else limits
    source = str(path)
    raw = read_regular_file(path, limits.max_bytes)
    return parse_text(_decode(raw, source), source, limits, locate=locate)


_READ_CHUNK = 1024 * 1024
_NOT_REGULAR = (
    (stat.S_ISDIR, "is a directory, expected a file"),
    (stat.S_ISFIFO, "is a named pipe (FIFO), not a regular file"),
    (stat.S_ISCHR, "is a character device, not a regular file"),
    (stat.S_ISBLK, "is a block device, not a regular file"),
    (stat.S_ISSOCK, "is a socket, not a regular file"),
)


def not_regular_reason(mode: int) -> str | None:
    """Why a file of this ``st_mode`` cannot be read as a document, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((reason for test, reason in _NOT_REGULAR if test(mode)),
                "is not a regular file")


def _link_note(file: Path) -> str:
    """' (a symbolic link to TARGET)' when ``file`` is a link, so the user sees where it leads."""
    try:
        return f" (a symbolic link to {os.readlink(file)})" if file.is_symlink() else ""
    except OSError:
        return ""


def real_path(path: str | Path) -> Path:
    """``path`` with links, ``.`` and ``..`` resolved, as :meth:`Path.resolve` would; a link loop
    stays as written instead of raising RuntimeError (Python 3.11's ``resolve`` does)."""
    return Path(os.path.realpath(path))


def check_regular_file(path: str | Path) -> os.stat_result:
    """The status of ``path`` when it is (or links to) a regular file; otherwise a clear
    :class:`InputError`: a FIFO would block the read for ever and a device (``/dev/zero``)
    never ends, so neither is ever opened."""
    file = Path(path)
    source = str(path)
    try:
        status = os.stat(file)
    except FileNotFoundError:
        if file.is_symlink():
            raise InputError.single(
                f"dangling symbolic link: its target {os.readlink(file)!r} does not exist",
                file=source) from None
        raise InputError.single("file not found", file=source) from None
    except PermissionError:
        raise InputError.single("permission denied", file=source) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError.single("symbolic link loop: the link leads back to itself",
                                    file=source) from None
        raise InputError.single(f"cannot read file: {exc.strerror}", file=source) from None
    reason = not_regular_reason(status.st_mode)
    if reason is not None:
        raise InputError.single(reason + _link_note(file), file=source,
                                expected="a regular file")
    return status


def read_regular_file(path: str | Path, max_bytes: int, what: str = "file") -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes``: how every input is read.

    Descriptions, rulesets (also inside ``--rules DIR``), profiles, waivers, reviews given to
    ``diff`` and the logo all come through here, so no input can hang a run (a FIFO), exhaust
    memory (a link to ``/dev/zero``) or be swapped for another file between the check and the
    read: the file is opened without blocking and checked again on the open descriptor.
    """
    source = str(path)
    status = check_regular_file(path)
    if status.st_size > max_bytes:
        raise InputError.single(f"{what} is too large", file=source,
                                expected=f"at most {max_bytes} bytes",
                                found=f"{status.st_size} bytes")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
        | getattr(os, "O_CLOEXEC", 0)
    try:
        handle = os.open(path, flags)
    except PermissionError:
        raise InputError.single("permission denied", file=source) from None
    except OSError as exc:
        raise InputError.single(f"cannot read file: {exc.strerror}", file=source) from None
    try:
        opened = os.fstat(handle)
        if (opened.st_dev, opened.st_ino) != (status.st_dev, status.st_ino) \
                or not stat.S_ISREG(opened.st_mode):
            raise InputError.single("file was replaced while it was being opened",
                                    file=source, suggestion="run again")
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(handle, min(_READ_CHUNK, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InputError.single(f"cannot read file: {exc.strerror}", file=source) from None
    finally:
        os.close(handle)
    if size > max_bytes:  # it grew after the size check
        raise InputError.single(f"{what} is too large", file=source,
                                expected=f"at most {max_bytes} bytes")
    return b"".join(chunks)


def load_bytes(raw: bytes, source: str, limits: Limits | None = None) -> Document:
    """Parse bytes that came from somewhere other than a file (stdin, tests, fuzzers)."""
    limits = configured_limits() if limits is None else limits
    if len(raw) > limits.max_bytes:
        raise InputError.single(
            "input is too large", file=source, expected=f"at most {limits.max_bytes} bytes"
        )
    return parse_text(_decode(raw, source), source, limits)
