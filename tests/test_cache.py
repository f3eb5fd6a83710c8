"""The parse cache of bundled files: reused when intact, ignored when not, never for user files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from secreview import cache
from secreview.bundled import data_dir, rulesets_dir
from secreview.loading import LazyPositions, load_document

BUNDLED = sorted(rulesets_dir().glob("*/*.yaml"))[0]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "cache"
    monkeypatch.setenv("SECREVIEW_CACHE_DIR", str(target))
    return target


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json"))


def test_a_cached_document_equals_a_fresh_parse(folder: Path) -> None:
    fresh = load_document(BUNDLED)
    first = cache.load_document_cached(BUNDLED)
    assert len(_entries(folder)) == 1
    again = cache.load_document_cached(BUNDLED)
    for doc in (first, again):
        assert (doc.data, doc.positions, doc.sha256, doc.source) == (
            fresh.data, fresh.positions, fresh.sha256, fresh.source)


def test_dates_survive_the_cache(folder: Path) -> None:
    fresh = load_document(BUNDLED)
    cache.load_document_cached(BUNDLED)
    cached = cache.load_document_cached(BUNDLED)
    assert type(cached.data["ruleset"]["date"]) is type(fresh.data["ruleset"]["date"])


def test_an_altered_entry_is_ignored_and_replaced(folder: Path) -> None:
    fresh = load_document(BUNDLED)
    cache.load_document_cached(BUNDLED)
    entry = _entries(folder)[0]
    header, payload = entry.read_bytes().split(b"\n", 1)
    entry.write_bytes(header + b"\n" + payload.replace(b'"consequence":', b'"consequence":1,"x":'))
    assert cache.load_document_cached(BUNDLED).data == fresh.data
    entry.write_bytes(b"not json at all")
    assert cache.load_document_cached(BUNDLED).data == fresh.data
    assert cache.load_document_cached(BUNDLED).data == fresh.data  # rewritten whole


def test_an_altered_position_is_ignored_too(folder: Path) -> None:
    fresh = load_document(BUNDLED)
    cache.load_document_cached(BUNDLED)
    entry = _entries(folder)[0]
    header, head, deep = entry.read_bytes().split(b"\n", 2)
    entry.write_bytes(b"\n".join([header, head, deep.replace(b",", b",9", 1)]))
    assert cache.load_document_cached(BUNDLED).positions == fresh.positions


def test_deep_positions_are_decoded_only_when_asked_for(folder: Path) -> None:
    fresh = load_document(BUNDLED)
    cache.load_document_cached(BUNDLED)
    cached = cache.load_document_cached(BUNDLED)
    positions = cached.positions
    assert isinstance(positions, LazyPositions)
    assert positions[("rules", 0)] == fresh.positions[("rules", 0)]  # where a rule starts
    assert positions._compute is not None  # nothing deeper decoded for it
    deep = ("rules", 0, "finding_if")
    assert cached.where(deep) == fresh.where(deep)
    assert positions._compute is None


def test_user_files_are_never_cached(folder: Path, tmp_path: Path) -> None:
    own = tmp_path / "own.yaml"
    own.write_text("a: 1\n", encoding="utf-8")
    assert cache.load_document_cached(own).data == {"a": 1}
    assert _entries(folder) == []


def test_an_empty_setting_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECREVIEW_CACHE_DIR", "")
    assert cache.cache_dir() is None
    assert cache.load_document_cached(data_dir() / "sets.yaml").data


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_folder_others_can_write_is_not_used(folder: Path) -> None:
    folder.mkdir(mode=0o700)
    folder.chmod(0o777)
    assert cache.cache_dir() is None
    cache.load_document_cached(BUNDLED)
    assert _entries(folder) == []
