"""The organisation's logo from its profile: a small SVG or PNG, read once, checked, never fetched.

The logo is the one file outside the bundled templates a report shows. It is read here, before
rendering, and handed to the renderers as bytes, so the PDF's URL fetcher never needs to reach
outside the bundled folder.
"""

from __future__ import annotations

import base64
import struct
from dataclasses import dataclass
from pathlib import Path

from secreview.errors import InputError
from secreview.loading import read_regular_file
from secreview.profile import Profile
from secreview.report.svg import sanitise_svg

MAX_LOGO_BYTES = 256 * 1024
MAX_PIXELS = 4096 * 4096
"""A 256 KiB PNG can declare 30,000 × 30,000 pixels: gigabytes once decoded."""
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MIME = {".png": "image/png", ".svg": "image/svg+xml"}


@dataclass(frozen=True)
class Logo:
    mime: str
    data: bytes

    def data_uri(self) -> str:
        """For the self-contained HTML report."""
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


def load_logo(path: Path, profile_file: Path | None = None) -> Logo:
    """Read and check a logo; ``path`` is relative to the profile file that names it.

    The file must be a regular file (a FIFO or a link to /dev/zero is refused unread), at most
    :data:`MAX_LOGO_BYTES`. A PNG must have PNG's signature and at most :data:`MAX_PIXELS`
    pixels (a small file can declare an enormous image); an SVG is sanitised
    (:func:`secreview.report.svg.sanitise_svg`) and the renderers get the sanitised copy. Every
    refusal is an exit-2 error: a logo is never dropped in silence.
    """
    where = str(profile_file) if profile_file else str(path)
    if profile_file is not None and not path.is_absolute():
        path = profile_file.parent / path
    suffix = path.suffix.lower()
    if suffix not in MIME:
        raise InputError.single(f"the logo must be an SVG or PNG file, not '{path.name}'",
                                file=where, suggestion="convert the logo to .svg or .png")
    try:
        data = read_regular_file(path, MAX_LOGO_BYTES, "the logo")
    except InputError as exc:
        problem = exc.problems[0]
        raise InputError.single(f"cannot use the logo '{path}': {problem.message}", file=where,
                                expected=problem.expected, found=problem.found,
                                suggestion=problem.suggestion or "export a smaller logo (a few "
                                "hundred pixels wide is enough)") from None
    if suffix == ".png":
        _check_png(data, path)
        return Logo(mime=MIME[suffix], data=data)
    if b"<svg" not in data[:4096]:
        raise InputError.single(f"'{path.name}' is not an SVG image", file=str(path))
    return Logo(mime=MIME[suffix], data=sanitise_svg(data, str(path)))


def _check_png(data: bytes, path: Path) -> None:
    """PNG signature, and a declared size (IHDR, always the first chunk) within bounds."""
    if not data.startswith(PNG_MAGIC) or data[12:16] != b"IHDR" or len(data) < 24:
        raise InputError.single(f"'{path.name}' is not a PNG image", file=str(path))
    width, height = struct.unpack(">II", data[16:24])
    if not 0 < width * height <= MAX_PIXELS:
        raise InputError.single(
            f"the logo declares {width} × {height} pixels", file=str(path),
            expected=f"at most {MAX_PIXELS} pixels",
            suggestion="export a smaller logo (a few hundred pixels wide is enough)")


def profile_logo(profile: Profile, profile_file: Path | None) -> Logo | None:
    """The logo a loaded profile names, or None; bundled profiles have none."""
    if profile.organisation.logo is None:
        return None
    return load_logo(Path(profile.organisation.logo), profile_file)
