"""Where the bundled rulesets, profiles and report templates live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

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


def bundled_ruleset_files() -> list[Path]:
    """Every bundled ruleset file, sorted so evaluation order is stable."""
    root = rulesets_dir()
    return sorted(p for p in root.glob("*/*.yaml") if p.parent.name != "profiles")
