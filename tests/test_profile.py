"""Organisation profiles: bundled ones load; broken matrices and policies are clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from secreview.errors import InputError
from secreview.profile import load_profile

PROFILES = ["se-municipality", "generic", "iso27005-5x5"]


@pytest.mark.parametrize("name", PROFILES)
def test_bundled_profiles_load(name: str) -> None:
    profile, sha, path = load_profile(name)
    assert len(sha) == 64 and path.exists()
    assert len(profile.matrix.grid) == len(profile.matrix.likelihood)


def test_default_is_swedish_municipality() -> None:
    profile, _, _ = load_profile()
    assert profile.language == "sv"
    assert [lv.id for lv in profile.matrix.levels] == ["low", "moderate", "high", "critical"]


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    source = load_profile()[2].read_text(encoding="utf-8")
    assert old in source
    target = tmp_path / "p.yaml"
    target.write_text(source.replace(old, new, 1), encoding="utf-8")
    return target


def test_grid_of_wrong_size(tmp_path: Path) -> None:
    path = _broken(tmp_path, "    - [low, low, moderate, high]\n", "    - [low, low, moderate]\n")
    with pytest.raises(InputError, match="grid row 1 has 3 cells"):
        load_profile(path)


def test_undeclared_level(tmp_path: Path) -> None:
    path = _broken(tmp_path, "    - [low, low, moderate, high]\n",
                   "    - [low, low, medium, high]\n")
    with pytest.raises(InputError, match="'medium' is not a declared level"):
        load_profile(path)


def test_grid_must_not_fall_as_risk_rises(tmp_path: Path) -> None:
    path = _broken(tmp_path, "    - [low, moderate, high, high]\n",
                   "    - [low, moderate, low, high]\n")
    with pytest.raises(InputError, match="lowers the level"):
        load_profile(path)


def test_decision_refers_to_unknown_level(tmp_path: Path) -> None:
    path = _broken(tmp_path, "when: {status: [finding], residual_at_least: critical}",
                   "when: {status: [finding], residual_at_least: severe}")
    with pytest.raises(InputError, match="'severe'"):
        load_profile(path)
