"""Write outputs atomically and only where they belong: a half-written report must never exist,
and an output must never replace an input, a device, a link's target or a read-only file.

* :func:`write_atomic` writes one file: a temporary file in the target folder, ``fsync``, then
  ``rename``. The target must be a regular file or absent; a symbolic link is refused (a rename
  onto the link's target could replace an input placed behind it), and so is a FIFO or a device
  (as root, ``-o /dev/null`` would otherwise replace ``/dev/null``) and a read-only file. A new
  file gets the permissions the umask allows; a replaced file keeps its own.
* :func:`write_folder_atomic` writes a set of files (the portfolio register) as one folder, built
  beside the target and renamed into place, so a run that is killed leaves either the old set or
  the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from secreview.errors import InputError
from secreview.loading import not_regular_reason, real_path

_DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")
_STDOUT_HINT = "leave out -o to write to standard output, or name a regular file"
_TEMP_MARK = ".secreview-"


def _is_input(target: Path, item: Path) -> bool:
    """Would writing ``target`` replace ``item``, or a document read from the folder ``item``?

    Compares resolved paths (symlinks, ``..``, other spellings) and, for existing files, the
    inode too (hard links). A folder given as input (``--rules DIR``) protects every YAML or
    JSON file in it, since all of them were loaded.
    """
    resolved = real_path(target)
    source = real_path(item)
    if source == resolved:
        return True
    if source.is_dir():
        return (resolved.is_file() and resolved.suffix.lower() in _DOCUMENT_SUFFIXES
                and resolved.is_relative_to(source))
    with contextlib.suppress(OSError):
        return resolved.exists() and os.path.samefile(source, resolved)
    return False


def current_umask() -> int:
    """The process's umask, read without changing it where the platform allows."""
    with contextlib.suppress(OSError, ValueError), \
            Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)  # no /proc: the only portable way is to set it and put it back
    os.umask(mask)
    return mask


def _refuse_target(path: Path, status: os.stat_result) -> None:
    """Refuse an existing target that is not an ordinary, writable regular file."""
    where = str(path)
    if stat.S_ISLNK(status.st_mode):
        raise InputError.single(
            f"the output is a symbolic link (to {os.readlink(path)}); secreview does not write "
            "through links", file=where, suggestion="remove the link or name the real file")
    if stat.S_ISDIR(status.st_mode):
        raise InputError.single("output path is a folder", file=where)
    if not stat.S_ISREG(status.st_mode):
        raise InputError.single(f"the output {not_regular_reason(status.st_mode)}, so "
                                "secreview does not replace it", file=where,
                                suggestion=_STDOUT_HINT)
    if not status.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK):
        raise InputError.single("the output file is read-only; secreview does not replace it",
                                file=where, suggestion="make it writable (chmod u+w) or choose "
                                "another output name")


def _existing(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError.single(f"cannot use the output path: {exc.strerror}",
                                file=str(path)) from None


def _write_file(folder: Path, name: str, payload: bytes, mode: int, where: str) -> str:
    """Write ``payload`` to a new temporary file in ``folder`` with ``mode``; its path."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError.single(f"cannot write to the output folder: {exc.strerror}",
                                file=where) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), mode)
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise InputError.single(f"cannot write output: {exc.strerror}", file=where) from None
    return temporary


def _mode_for(status: os.stat_result | None) -> int:
    """A replaced file keeps its permissions; a new one gets what the umask allows."""
    return stat.S_IMODE(status.st_mode) if status is not None else 0o666 & ~current_umask()


def _check_folder(path: Path) -> Path:
    folder = Path(os.path.abspath(path)).parent
    if folder.exists() and not folder.is_dir():
        raise InputError.single(f"cannot write here: '{path.parent}' is a file, not a folder",
                                file=str(path), suggestion="choose another output path")
    if not folder.is_dir():
        raise InputError.single("output folder does not exist", file=str(path),
                                suggestion=f"create it first: mkdir -p {path.parent}")
    return folder


def write_atomic(target: str | Path, data: bytes | str,
                 protected: Iterable[str | Path] = ()) -> Path:
    """Write ``data`` to ``target`` through a temporary file in the same folder, then rename.

    ``protected`` lists the inputs of the run; writing over one of them is refused, and so is a
    target that is a link, a device, a FIFO, a folder or read-only.
    """
    path = Path(target)
    if any(_is_input(path, Path(item)) for item in protected):
        raise InputError.single(
            "refusing to write the output over an input file", file=str(path),
            suggestion="choose another output name with -o",
        )
    folder = _check_folder(path)
    status = _existing(path)
    if status is not None:
        _refuse_target(path, status)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    temporary = _write_file(folder, path.name, payload, _mode_for(status), str(path))
    try:
        # rename replaces the directory entry itself: were it turned into a link since the
        # check, the link would be replaced, never the file it points to.
        os.replace(temporary, folder / path.name)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise InputError.single(f"cannot write output: {exc.strerror}", file=str(path)) from None
    return path


# --- a set of files as one folder --------------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2``); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                       _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale(parent: Path, name: str) -> None:
    """Remove folders an earlier, killed run left beside the target (its pid no longer runs)."""
    prefix = f".{name}{_TEMP_MARK}"
    with contextlib.suppress(OSError):
        for entry in parent.iterdir():
            if not entry.name.startswith(prefix) or entry.is_symlink() or not entry.is_dir():
                continue
            pid = entry.name[len(prefix):].split("-", 1)[0]
            if pid.isdigit() and not _pid_alive(int(pid)):
                shutil.rmtree(entry, ignore_errors=True)


def _check_set_folder(target: Path, names: Iterable[str],
                      protected: Iterable[str | Path]) -> os.stat_result | None:
    """The existing target folder's status, after checking it may be replaced as a whole."""
    where = str(target)
    if any(_is_input(target, Path(item)) or real_path(item).is_relative_to(real_path(target))
           for item in protected):
        raise InputError.single("refusing to write the output over an input", file=where,
                                suggestion="choose another output folder with -o")
    status = _existing(target)
    if status is None:
        return None
    if stat.S_ISLNK(status.st_mode):
        raise InputError.single(
            f"the output folder is a symbolic link (to {os.readlink(target)}); secreview "
            "replaces the folder as a whole and does not write through links", file=where,
            suggestion="name the real folder")
    if not stat.S_ISDIR(status.st_mode):
        raise InputError.single("the output path exists and is not a folder", file=where,
                                suggestion="choose another output folder with -o")
    allowed = set(names)
    try:
        entries = sorted(target.iterdir())
    except OSError as exc:
        raise InputError.single(f"cannot read the output folder: {exc.strerror}",
                                file=where) from None
    others = [e.name for e in entries if e.name not in allowed]
    if others:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5
                                         else "")
        raise InputError.single(
            f"the output folder holds other files ({shown}); it is replaced as a whole, so it "
            f"may hold only {', '.join(sorted(allowed))}", file=where,
            suggestion="choose an empty or new output folder with -o")
    for entry in entries:
        _refuse_target(entry, os.lstat(entry))
    return status


def write_folder_atomic(target: str | Path, files: Mapping[str, bytes | str],
                        protected: Iterable[str | Path] = ()) -> list[Path]:
    """Write ``files`` (name → content) as the folder ``target``, replacing it in one step.

    The new set is built in a hidden folder beside the target and exchanged with it atomically
    (``renameat2``; elsewhere two renames), then the old set is removed. A run killed before the
    exchange leaves the old set untouched, and its hidden folder is removed by the next run.
    The target may hold only these files (nothing else of the user's is ever deleted), none of
    them a link, a device or read-only.
    """
    path = Path(os.path.abspath(target))
    where = str(target)
    protected = list(protected)
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError.single(f"cannot create output folder: {exc.strerror}",
                                file=where) from None
    status = _check_set_folder(path, files, protected)
    _remove_stale(parent, path.name)
    building = parent / f".{path.name}{_TEMP_MARK}{os.getpid()}-{os.urandom(4).hex()}"
    try:
        building.mkdir()
        if status is not None:
            building.chmod(stat.S_IMODE(status.st_mode))
        for name, data in files.items():
            payload = data.encode("utf-8") if isinstance(data, str) else data
            old = _existing(path / name) if status is not None else None
            temporary = _write_file(building, name, payload, _mode_for(old), where)
            os.replace(temporary, building / name)
        _fsync_folder(building)
        if status is None:
            os.rename(building, path)
        elif _exchange(building, path):
            shutil.rmtree(building)  # now the old set
        else:
            retired = parent / f".{path.name}{_TEMP_MARK}{os.getpid()}-old"
            os.rename(path, retired)
            os.rename(building, path)
            shutil.rmtree(retired)
        _fsync_folder(parent)
    except OSError as exc:
        raise InputError.single(f"cannot write the output folder: {exc.strerror}",
                                file=where) from None
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)
    return [Path(target) / name for name in files]


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable: fsync the folder that holds the entry."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
