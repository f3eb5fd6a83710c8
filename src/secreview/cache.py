"""A content-addressed cache of the bundled YAML files (rulesets, profiles, data), parsed.

Parsing YAML with positions was nine tenths of a review's start-up (docs/benchmarks.md), and the
bundled files only change with the package. So the parsed data and positions of a bundled file
are kept as JSON in the user's cache directory, under the SHA-256 of the engine version and the
file's bytes. What comes back is checked, never trusted:

* only JSON (never pickle or marshal), and validated by the same pydantic models as a fresh parse;
* the entry's first line must name the key it is stored under and the SHA-256 of the payload
  after it, so a torn write, a stale or an edited entry is ignored and the file parsed again;
* the payload is two lines: the data with the positions of its first two levels (where each
  rule starts), then the deeper positions, more than half the entry, decoded only when an error
  message asks for one;
* the directory must belong to the user and be writable by no one else, else the cache is off.

``SECREVIEW_CACHE_DIR`` moves the cache; set it to an empty string to turn the cache off. Files
outside the bundled folders are always parsed afresh.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from secreview.loading import Document, LazyPositions, Limits, PathKey, load_document, real_path

FORMAT = 2
"""Bumped when the entry layout changes, so old entries are simply missed."""
SHALLOW = 2
"""Positions of paths this short are read with the entry; deeper ones when first asked for."""

_checked: dict[str | None, Path | None] = {}
""":func:`cache_dir`'s answer per setting: a review asks once per bundled file."""


def cache_dir() -> Path | None:
    """Where entries live, or None when the cache is off or the folder is not safe to use.
    Checked once per process and setting of ``SECREVIEW_CACHE_DIR``."""
    configured = os.environ.get("SECREVIEW_CACHE_DIR")
    if configured not in _checked:
        _checked[configured] = _usable_dir(configured)
    return _checked[configured]


def _usable_dir(configured: str | None) -> Path | None:
    if configured == "":
        return None
    if configured is not None:
        folder = Path(configured)
    else:
        try:
            import platformdirs
        except ImportError:  # pragma: no cover - a declared dependency; the cache is optional
            return None
        folder = Path(platformdirs.user_cache_dir("secreview", appauthor=False)) / "documents"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError:
        return None
    if hasattr(os, "getuid") and (info.st_uid != os.getuid()
                                  or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
        return None
    return folder


@functools.cache
def _bundled_roots() -> tuple[Path, ...]:
    from secreview.bundled import data_dir, rulesets_dir

    return (rulesets_dir().resolve(), data_dir().resolve())


def is_bundled(path: Path) -> bool:
    resolved = real_path(path)  # Path.resolve raises on a link loop (Python 3.11)
    return any(resolved.is_relative_to(root) for root in _bundled_roots())


def load_document_cached(path: str | Path, limits: Limits | None = None) -> Document:
    """:func:`secreview.loading.load_document`, from the cache for a bundled file."""
    file = Path(path)
    folder = cache_dir() if is_bundled(file) else None
    if folder is None:
        return load_document(file, limits)
    try:
        raw = file.read_bytes()
    except OSError:
        return load_document(file, limits)  # says what is wrong, with the file's name
    key = _key(raw, limits)
    entry = folder / f"{key}.json"
    doc = _read(entry, key, str(path))
    if doc is None:
        doc = load_document(file, limits)
        _write(folder, entry, key, doc)
    return doc


def _key(raw: bytes, limits: Limits | None) -> str:
    from secreview import __version__

    digest = hashlib.sha256(f"{FORMAT}\0{__version__}\0{limits!r}\0".encode())
    digest.update(raw)
    return digest.hexdigest()


class _NotCacheable(Exception):
    """A value JSON cannot carry faithfully (a date as a mapping key): parse it every time."""


def _plain(value: Any, path: list[Any], fixups: list[list[Any]]) -> Any:
    """``value`` as JSON data; what JSON would change (dates, mappings with non-text keys) is
    noted in ``fixups`` as ``[path, kind]`` to be restored after reading."""
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: _plain(v, [*path, k], fixups) for k, v in value.items()}
        if any(isinstance(k, dt.date) for k in value):
            raise _NotCacheable
        fixups.append([path, "pairs"])
        return [[k, _plain(v, [*path, k], fixups)] for k, v in value.items()]
    if isinstance(value, list):
        return [_plain(v, [*path, i], fixups) for i, v in enumerate(value)]
    if isinstance(value, dt.date):
        fixups.append([path, "datetime" if isinstance(value, dt.datetime) else "date"])
        return value.isoformat()
    return value


def _pairs(pairs: list[list[Any]]) -> dict[Any, Any]:
    return {key: value for key, value in pairs}


_RESTORE: dict[str, Callable[[Any], Any]] = {
    "pairs": _pairs,
    "date": dt.date.fromisoformat,
    "datetime": dt.datetime.fromisoformat,
}


def _restore(data: Any, fixups: list[list[Any]]) -> Any:
    """Undo :func:`_plain`: mappings first, outermost first, so later paths find their keys."""
    for path, kind in sorted(fixups, key=lambda f: (f[1] != "pairs", len(f[0]))):
        restore = _RESTORE[kind]
        if not path:
            data = restore(data)
            continue
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = restore(parent[path[-1]])
    return data


def _payload(doc: Document) -> bytes:
    """Two lines of JSON (which escapes every line break inside a string): the data with the
    shallow positions, then the deep ones."""
    fixups: list[list[Any]] = []
    data = _plain(doc.data, [], fixups)
    shallow: list[list[Any]] = []
    deep: list[list[Any]] = []
    for path, (line, column) in doc.positions.items():
        (shallow if len(path) <= SHALLOW else deep).append([list(path), line, column])
    head = json.dumps({"data": data, "fixups": fixups, "positions": shallow,
                       "sha256": doc.sha256}, ensure_ascii=False, separators=(",", ":"))
    return (head + "\n" + json.dumps(deep, ensure_ascii=False, separators=(",", ":"))
            ).encode("utf-8")


def _positions(entries: list[list[Any]]) -> dict[PathKey, tuple[int, int]]:
    return {tuple(path): (line, column) for path, line, column in entries}


def _read(entry: Path, key: str, source: str) -> Document | None:
    """The entry's document, or None when it is missing, torn, stale or altered."""
    try:
        with entry.open("rb") as handle:
            header = json.loads(handle.readline())
            payload = handle.read()
        if header.get("key") != key or header.get("check") != hashlib.sha256(payload).hexdigest():
            return None
        head, deep = payload.split(b"\n", 1)
        content = json.loads(head)
        data = _restore(content["data"], content["fixups"])
        shallow = _positions(content["positions"])
        positions = LazyPositions(lambda: {**shallow, **_positions(json.loads(deep))},
                                  known=shallow)
        return Document(data=data, source=source, positions=positions,
                        sha256=content["sha256"])
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None


def _write(folder: Path, entry: Path, key: str, doc: Document) -> None:
    """Store atomically (a reader sees no entry or a whole one); a failure is ignored, since the
    cache only saves time. The first line names the key and the payload's SHA-256."""
    try:
        payload = _payload(doc)
    except _NotCacheable:
        return
    header = json.dumps({"format": FORMAT, "key": key,
                         "check": hashlib.sha256(payload).hexdigest()}).encode("ascii")
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".entry-", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(header + b"\n" + payload)
        os.replace(temporary, entry)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
