"""Write outputs atomically and never over an input: a half-written report must never exist."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from secreview.errors import InputError

_DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")


def _is_input(resolved: Path, item: Path) -> bool:
    """Would writing ``resolved`` replace ``item``, or a document read from the folder ``item``?

    Compares resolved paths (symlinks, ``..``, other spellings) and, for existing files, the
    inode too (hard links). A folder given as input (``--rules DIR``) protects every YAML or
    JSON file in it, since all of them were loaded.
    """
    source = item.resolve()
    if source == resolved:
        return True
    if source.is_dir():
        return (resolved.is_file() and resolved.suffix.lower() in _DOCUMENT_SUFFIXES
                and resolved.is_relative_to(source))
    with contextlib.suppress(OSError):
        return resolved.exists() and os.path.samefile(source, resolved)
    return False


def write_atomic(target: str | Path, data: bytes | str,
                 protected: Iterable[str | Path] = ()) -> Path:
    """Write ``data`` to ``target`` through a temporary file in the same folder, then rename.

    ``protected`` lists the inputs of the run; writing over one of them is refused.
    """
    path = Path(target)
    resolved = path.resolve()
    if any(_is_input(resolved, Path(item)) for item in protected):
        raise InputError.single(
            "refusing to write the output over an input file", file=str(path),
            suggestion="choose another output name with -o",
        )
    folder = resolved.parent
    if folder.exists() and not folder.is_dir():
        raise InputError.single(f"cannot write here: '{path.parent}' is a file, not a folder",
                                file=str(path), suggestion="choose another output path")
    if not folder.is_dir():
        raise InputError.single("output folder does not exist", file=str(path),
                                suggestion=f"create it first: mkdir -p {path.parent}")
    if resolved.is_dir():
        raise InputError.single("output path is a folder", file=str(path))
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError.single(f"cannot write to the output folder: {exc.strerror}",
                                file=str(path)) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, resolved)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise InputError.single(f"cannot write output: {exc.strerror}", file=str(path)) from None
    return path
