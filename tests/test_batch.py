"""Garbage collection in batches (secreview/batch.py): off while reviewing, every few reviews
a collection that frees cycles and freezes what is kept, the caller's setting restored."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import pytest

from secreview import BatchCollection


class _Node:
    def __init__(self) -> None:
        self.other: Any = self


@pytest.fixture(autouse=True)
def _restore_collection() -> Any:
    enabled = gc.isenabled()
    yield
    (gc.enable if enabled else gc.disable)()


@pytest.mark.parametrize("enabled", [True, False])
def test_the_setting_is_restored_after_the_batch(enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    with BatchCollection():
        assert not gc.isenabled()
    assert gc.isenabled() is enabled


def test_the_setting_is_restored_when_the_batch_fails() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), BatchCollection():
        raise RuntimeError("a review failed")
    assert gc.isenabled()


def test_a_cycle_is_collected_at_the_next_batch_boundary_not_before() -> None:
    with BatchCollection(every=3) as batch:
        cycle = _Node()
        alive = weakref.ref(cycle)
        del cycle
        batch.reviewed()
        batch.reviewed()
        assert alive() is not None  # automatic collection is off
        batch.reviewed()
        assert alive() is None
        assert batch.count == 3


def test_what_is_kept_at_a_boundary_is_frozen() -> None:
    kept = [_Node() for _ in range(10)]
    before = gc.get_freeze_count()
    try:
        with BatchCollection(every=1) as batch:
            batch.reviewed()
        assert gc.get_freeze_count() >= before + len(kept)
    finally:
        gc.unfreeze()


def test_every_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        BatchCollection(every=0)
