"""The organisation's logo from its profile: a small SVG or PNG, read once, checked, never fetched.

The logo is the one file outside the bundled templates a report shows. It is read here, before
rendering, and handed to the renderers as bytes, so the PDF's URL fetcher never needs to reach
outside the bundled folder.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from secreview.errors import InputError
from secreview.profile import Profile

MAX_LOGO_BYTES = 256 * 1024
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
    """Read and check a logo; ``path`` is relative to the profile file that names it."""
    where = str(profile_file) if profile_file else str(path)
    if profile_file is not None and not path.is_absolute():
        path = profile_file.parent / path
    suffix = path.suffix.lower()
    if suffix not in MIME:
        raise InputError.single(f"the logo must be an SVG or PNG file, not '{path.name}'",
                                file=where, suggestion="convert the logo to .svg or .png")
    try:
        size = path.stat().st_size
        if size > MAX_LOGO_BYTES:
            raise InputError.single(
                f"the logo is {size // 1024} KiB; at most {MAX_LOGO_BYTES // 1024} KiB is allowed",
                file=where,
                suggestion="export a smaller logo (a few hundred pixels wide is enough)",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError.single(f"cannot read the logo '{path}': {exc.strerror}",
                                file=where) from None
    if suffix == ".png" and not data.startswith(PNG_MAGIC):
        raise InputError.single(f"'{path.name}' is not a PNG image", file=where)
    if suffix == ".svg" and b"<svg" not in data[:4096]:
        raise InputError.single(f"'{path.name}' is not an SVG image", file=where)
    return Logo(mime=MIME[suffix], data=data)


def profile_logo(profile: Profile, profile_file: Path | None) -> Logo | None:
    """The logo a loaded profile names, or None; bundled profiles have none."""
    if profile.organisation.logo is None:
        return None
    return load_logo(Path(profile.organisation.logo), profile_file)
