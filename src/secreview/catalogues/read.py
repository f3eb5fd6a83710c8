"""Read a requirement catalogue: a file (CISO Assistant YAML or OSCAL JSON, told apart by their
content), or a bundled one by name. Through secreview's own safe loader, with limits of their own
(catalogues are larger than rulesets); ``SECREVIEW_MAX_*`` still apply."""

from __future__ import annotations

from pathlib import Path

from secreview.bundled import data_dir
from secreview.catalogues.ciso import read_ciso_library
from secreview.catalogues.model import RequirementCatalogue
from secreview.catalogues.oscal import read_oscal_catalog
from secreview.errors import InputError, did_you_mean
from secreview.loading import Document, Limits, configured_limits, load_document

CATALOGUE_LIMITS = Limits(max_bytes=16 * 1024 * 1024, max_depth=60, max_values=2_000_000,
                          max_string=100_000)
"""A full OSCAL catalog (NIST SP 800-53) is around 10 MB; CISO Assistant libraries are smaller."""


def catalogues_dir() -> Path:
    return data_dir() / "catalogues"


def bundled_catalogues() -> dict[str, Path]:
    """The catalogues shipped with secreview, by name (the file name without extension)."""
    folder = catalogues_dir()
    return {p.stem: p for p in sorted(folder.iterdir())
            if p.suffix in (".json", ".yaml") and not p.stem.endswith(".mapping")}


def catalogue_file(name: str | Path) -> Path:
    """A catalogue's file: the path given, or a bundled catalogue by name."""
    path = Path(name)
    if path.exists():
        return path
    bundled = bundled_catalogues()
    if str(name) in bundled:
        return bundled[str(name)]
    raise InputError.single("no such file or bundled catalogue", file=str(name),
                            suggestion=did_you_mean(str(name), bundled)
                            or f"bundled catalogues: {', '.join(bundled)}")


def load_catalogue(name: str | Path) -> RequirementCatalogue:
    """Read a catalogue and tell its format from its content.

    A JSON catalogue is read without positions first (a full OSCAL catalog is large); only when
    it turns out to be wrong is it read again with them, so the problems say where.
    """
    file = catalogue_file(name)
    limits = configured_limits(CATALOGUE_LIMITS)
    try:
        return _read(load_document(file, limits, locate=False))
    except InputError:
        return _read(load_document(file, limits))


def _read(doc: Document) -> RequirementCatalogue:
    data = doc.data
    if isinstance(data, dict) and "catalog" in data:
        return read_oscal_catalog(doc)
    if isinstance(data, dict) and "objects" in data:
        return read_ciso_library(doc)
    raise InputError.single(
        "not a requirement catalogue", **doc.where(()),
        expected="an OSCAL catalog ('catalog' at the top) or a CISO Assistant library "
                 "('objects.framework.requirement_nodes')")
