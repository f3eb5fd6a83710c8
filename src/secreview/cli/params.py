"""Where a command's output goes: ``-o FILE``, ``-o -`` for standard output, or a folder.

``-`` is the usual name for standard output. Taken as a plain path it wrote a file named "-"
beside the user's inputs (one such file was even committed to this repository by accident), which
a newcomer can hardly remove (``rm -- -``). Every command's ``-o`` goes through these types, so
``-`` means the same everywhere: standard output where the command can print its result, else a
clear refusal that says what to give instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

STDOUT_NAME = "-"


class OutputFile(click.Path):
    """A file to write, or ``-`` for standard output, passed on as ``None`` (what every command
    already takes as "print it"). ``refuse`` makes ``-`` an error instead, saying what to give,
    for a command that cannot print its result (a workbook read back later, a new description
    written beside its inputs)."""

    def __init__(self, refuse: str | None = None, dir_okay: bool = False,
                 file_okay: bool = True) -> None:
        super().__init__(dir_okay=dir_okay, file_okay=file_okay, path_type=Path)
        self.refuse = refuse

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value == STDOUT_NAME:
            if self.refuse is not None:
                self.fail(f"'-' (standard output) is not possible here: {self.refuse}", param,
                          ctx)
            return None
        return super().convert(value, param, ctx)


def output_folder() -> OutputFile:
    """A folder to write several files into; ``-`` is refused (it would create a folder named
    "-"), since several files cannot go to standard output."""
    return OutputFile(refuse="this command writes several files, give a folder name",
                      dir_okay=True, file_okay=False)
