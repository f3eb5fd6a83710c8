"""Change answers in a YAML description in place, keeping its comments, order and layout.

A person wrote the description and will read the new one, so imported answers are written where
the old ones stood: a value is replaced in its own span of text, a missing key is added after the
last key of its section at the same indentation (or into a flow mapping ``{...}``), and a missing
section is added at the end. New values are written as YAML flow text (``[SE, FI]``,
``{name: X, country: SE}``), which is valid in either context.

The ``provenance:`` section is machine-written: it is removed wherever it stood and written again,
in full and sorted by fact path, at the end of the file; comments inside it are not kept.

Every edit is checked: the new text is loaded again with secreview's own loader and must give
exactly the intended description. Where it would not (anchors and aliases shared by several
values, for instance), :func:`edit` returns None and the caller writes the description normalised.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from secreview.errors import InputError
from secreview.facts import json_value
from secreview.loading import parse_yaml_text, quoting_numbers, reads_as_number
from secreview.system import SystemDescription
from secreview.validation import validate

PROVENANCE_HEADING = ("# Who gave the answers above, when, and where they are documented "
                      "(written by 'secreview answers import').")


_BREAKS = "\n\r\x85\u2028\u2029"
"""Characters YAML reads as line breaks."""


def flow(value: Any) -> str:
    """``value`` as YAML flow text that reads the same in block and in flow context.

    Text with line breaks, with other than plain spaces at either end, or that the loader would
    read as a number (``0E0``, which PyYAML's writer leaves plain), is written as a JSON
    string (a valid YAML double-quoted scalar with ``\\n`` escapes), which stays on one line
    whatever the indentation around it.
    """
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{flow(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    if isinstance(value, str) and (any(c in value for c in _BREAKS)
                                   or value.strip() != value.strip(" ")
                                   or reads_as_number(value)):
        text = json.dumps(value, ensure_ascii=False)
        for char in _BREAKS[2:]:  # JSON leaves these as they are; YAML would break the line
            text = text.replace(char, f"\\u{ord(char):04x}")
        return text
    text = yaml.safe_dump([value], default_flow_style=True, allow_unicode=True,
                          width=math.inf).rstrip("\n")
    text = text.removesuffix("\n...")
    return text[1:-1]


def _content_end(node: Node, text: str) -> int:
    """Where a value's own text ends: before the comments and blank lines that follow a block
    collection, and before the line break that ends a block scalar."""
    if isinstance(node, MappingNode) and not node.flow_style and node.value:
        return _content_end(node.value[-1][1], text)
    if isinstance(node, SequenceNode) and not node.flow_style and node.value:
        return _content_end(node.value[-1], text)
    end = node.end_mark.index
    while end > node.start_mark.index and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def _find(root: Node, path: tuple[str, ...]) -> tuple[Node | None, tuple[str, ...]]:
    """The node at ``path``, or the deepest mapping on the way and the keys still missing."""
    node = root
    for depth, key in enumerate(path):
        if not isinstance(node, MappingNode):
            return node, path[depth:]
        child = next((v for k, v in node.value
                      if isinstance(k, ScalarNode) and k.value == key), None)
        if child is None:
            return node, path[depth:]
        node = child
    return node, ()


def _nested_flow(keys: tuple[str, ...], value: Any) -> str:
    text = flow(value)
    for key in reversed(keys[1:]):
        text = f"{{{flow(key)}: {text}}}"
    return text


def _line_end(text: str, index: int) -> int:
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline


def _set(text: str, root: Node, path: tuple[str, ...], value: Any) -> str:
    """``text`` with the value at ``path`` set to ``value``."""
    node, missing = _find(root, path)
    assert node is not None
    if not missing:
        start, end = node.start_mark.index, _content_end(node, text)
        new = "" if value is None and not _in_flow(root, path) else flow(value)
        colon = start
        while colon > 0 and text[colon - 1] in " \t\r\n":
            colon -= 1
        if colon > 0 and text[colon - 1] == ":":
            # Only spaces and line breaks between the key and its value: the new value goes
            # right after the colon ("d: [a, b]" rather than a flow list on the next line).
            start = colon
            new = " " + new if new else ""
        return text[:start] + new + text[end:]
    entry = f"{flow(missing[0])}: {_nested_flow(missing, value)}"
    if isinstance(node, ScalarNode) and node.tag.endswith(":null"):
        start, end = node.start_mark.index, _content_end(node, text)
        return text[:start] + (" " if start == end else "") + "{" + entry + "}" + text[end:]
    if not isinstance(node, MappingNode):
        raise ValueError(f"cannot add '{missing[0]}': its parent is not a mapping")
    if node.flow_style:
        close = node.end_mark.index - 1
        separator = ", " if node.value else ""
        return text[:close] + separator + entry + text[close:]
    if not node.value:
        raise ValueError("empty block mapping")  # never composed by YAML; kept for safety
    indent = " " * int(node.value[0][0].start_mark.column)
    at = _line_end(text, _content_end(node.value[-1][1], text))
    return text[:at] + "\n" + indent + entry + text[at:]


def _in_flow(root: Node, path: tuple[str, ...]) -> bool:
    parent, missing = _find(root, path[:-1])
    return not missing and isinstance(parent, MappingNode) and bool(parent.flow_style)


def _compose(text: str) -> Node:
    node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(node, MappingNode):
        raise ValueError("the description is not a mapping")
    return node


def _without_provenance(text: str) -> str:
    root = _compose(text)
    for key, value in root.value:
        if isinstance(key, ScalarNode) and key.value == "provenance":
            start = text.rfind("\n", 0, key.start_mark.index) + 1
            heading = text.rfind("\n", 0, max(start - 1, 0)) + 1
            if text[heading:start].rstrip("\n") == PROVENANCE_HEADING:
                start = heading
            end = _line_end(text, _content_end(value, text))
            return text[:start] + text[end + 1:]
    return text


def provenance_block(provenance: Mapping[str, Mapping[str, Any]]) -> str:
    """The ``provenance:`` section, sorted by fact path: one field a line, each earlier answer
    on one line of its own (``- {value: true, who: ..., when: 2026-11-02}``)."""
    lines = [PROVENANCE_HEADING, "provenance:"]
    for path in sorted(provenance):
        lines.append(f"  {flow(path)}:")
        for key, value in provenance[path].items():
            if key == "history":
                lines.append("    history:")
                lines.extend(f"      - {flow(entry)}" for entry in value)
            else:
                lines.append(f"    {key}: {flow(value)}")
    return "\n".join(lines) + "\n"


def edit(text: str, source: str, changes: Mapping[tuple[str, ...], Any],
         provenance: Mapping[str, Any], expected: SystemDescription) -> str | None:
    """``text`` with ``changes`` (data path -> new value) made in place and the provenance
    section written anew; None when the edited text would not load as ``expected``."""
    try:
        edited = text
        for path, value in changes.items():
            edited = _set(edited, _compose(edited), path, value)
        edited = _without_provenance(edited).rstrip("\n") + "\n"
        if provenance:
            edited += "\n" + provenance_block(provenance)
        reloaded = validate(SystemDescription, parse_yaml_text(edited, source))
    except (yaml.YAMLError, ValueError, InputError, AssertionError):
        return None
    return edited if _same_description(reloaded, expected) else None


def _same_description(a: SystemDescription, b: SystemDescription) -> bool:
    def dump(system: SystemDescription) -> Any:
        return json_value(system.model_dump(mode="python", exclude_none=True, by_alias=True,
                                            exclude={"schema_"}))
    return bool(dump(a) == dump(b))


class _NoAliases(yaml.SafeDumper):
    """Writes a value shared by several keys out each time, never as an anchor and alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_PLAIN_DUMPER = quoting_numbers(_NoAliases)
"""Text that YAML 1.2 reads as a number (``0E0``) in quotes, as in :func:`flow`."""


def normalised(data: Mapping[str, Any]) -> str:
    """The description written out plainly (key order kept), when it cannot be edited in place."""
    body = {key: value for key, value in data.items() if key != "provenance"}
    text = yaml.dump(body, Dumper=_PLAIN_DUMPER, default_flow_style=False, allow_unicode=True,
                     sort_keys=False, width=100)
    provenance = data.get("provenance")
    return text + ("\n" + provenance_block(provenance) if provenance else "")
