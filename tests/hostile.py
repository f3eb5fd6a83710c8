"""Hostile files that cannot be committed to the corpus: made for real in a temporary folder.

A FIFO, a directory named ``x.yaml``, a symbolic link loop, a dangling link, a link to a device
and a socket (issue 17, class 1). Each is paired with the message secreview gives for it, and
:func:`no_hang` turns a read that would block for ever into a test failure.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

NON_REGULAR: dict[str, str] = {
    "fifo": "is a named pipe (FIFO), not a regular file",
    "directory": "is a directory",
    "symlink_loop": "symbolic link loop",
    "dangling_symlink": "dangling symbolic link",
    "symlink_to_device": "is a character device, not a regular file (a symbolic link to "
                         "/dev/zero)",
    "socket": "is a socket, not a regular file",
}


def make_non_regular(kind: str, path: Path) -> Path:
    """Create ``path`` as a file of ``kind`` (a key of :data:`NON_REGULAR`)."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    elif kind == "symlink_loop":
        path.symlink_to(path.name)
    elif kind == "dangling_symlink":
        path.symlink_to("missing-target.yaml")
    elif kind == "symlink_to_device":
        path.symlink_to("/dev/zero")
    elif kind == "socket":
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
            server.bind(str(path))
    else:
        raise ValueError(kind)
    return path


def profile_with_logo(folder: Path, logo: str | Path) -> Path:
    """The bundled Swedish municipality profile, written into ``folder``, naming ``logo``
    (relative to the profile, or absolute)."""
    from secreview.bundled import profiles_dir

    text = (profiles_dir() / "se-municipality.yaml").read_text(encoding="utf-8")
    profile = folder / "profile.yaml"
    profile.write_text(text.replace("organisation:\n  name: Kommunen\n",
                                    f"organisation:\n  name: Kommunen\n  logo: {logo}\n"),
                       encoding="utf-8")
    return profile


class Hung(Exception):
    """The code under test blocked (reading a FIFO) or looped past the allowed time."""


@contextlib.contextmanager
def no_hang(seconds: int = 20) -> Iterator[None]:
    """Fail instead of hanging: SIGALRM interrupts a blocking ``open`` or ``read``."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
