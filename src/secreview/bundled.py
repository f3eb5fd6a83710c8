"""Where the bundled rulesets, profiles and report templates live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    installed = _PACKAGE / "_bundled" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parent.parent / name  # src/secreview -> repository root
    return checkout


def rulesets_dir() -> Path:
    return _bundled("rulesets")


def profiles_dir() -> Path:
    return _bundled("rulesets") / "profiles"


def templates_dir() -> Path:
    return _bundled("report_templates")


def data_dir() -> Path:
    return _PACKAGE / "data"


def load_data(name: str) -> Any:
    """One of the package's own data files (``labels.yaml``, ``sets.yaml``, ...), parsed.

    Through secreview's own YAML loader rather than ``yaml.safe_load``: YAML 1.1 would read the
    country code NO as false and yes/no as booleans. Callers cache what they build from it.
    """
    from secreview.cache import load_document_cached
    from secreview.loading import DEFAULT_LIMITS

    return load_document_cached(data_dir() / name, DEFAULT_LIMITS).data


def bundled_ruleset_files() -> list[Path]:
    """Every bundled ruleset file, sorted so evaluation order is stable."""
    root = rulesets_dir()
    return sorted(p for p in root.glob("*/*.yaml") if p.parent.name != "profiles")
