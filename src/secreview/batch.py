"""Garbage collection while one process reviews many descriptions (a register, a script).

A review leaves almost no cyclic garbage (about one object per review on the generated
portfolio), but a :class:`~secreview.Reviewer` keeps what it computed in its rule memo: thousands
of objects per review that stay. Python's automatic collector walks every one of them again at
each full collection, and in a run of 1,000 reviews 50 full collections found nothing and took a
third of the time (docs/benchmarks.md). In a batch the collector runs every few reviews instead:
it collects what is garbage and freezes what is kept (``gc.freeze``), so each kept object is
walked about once.

Frozen objects are still freed when nothing refers to them any more (reference counting); only a
reference cycle among them would never be collected, which reviews do not build in numbers.
"""

from __future__ import annotations

import gc
from types import TracebackType

COLLECT_EVERY = 50
"""Reviews between two collections. Each collection walks what the reviews since the last one
kept (on the generated portfolio 50,000 to 200,000 objects, 15 to 75 ms on the development
machine), and only once: fewer reviews between collections would cost about the same in all."""


class BatchCollection:
    """Automatic collection off for a batch, a collection every ``every`` reviews::

        with BatchCollection() as batch:
            for path in paths:
                reviews.append(reviewer.review(path))
                batch.reviewed()

    Leaving the block restores the setting the process had (and collects once)."""

    def __init__(self, every: int | None = None) -> None:
        self.every = COLLECT_EVERY if every is None else every
        if self.every < 1:
            raise ValueError("every must be at least 1")
        self.count = 0
        self._was_enabled: bool | None = None

    def __enter__(self) -> BatchCollection:
        self._was_enabled = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._was_enabled:
            gc.enable()
            gc.collect()

    def reviewed(self) -> None:
        """One more review done: every ``every`` reviews, collect and freeze what is kept."""
        self.count += 1
        if self.count % self.every == 0:
            collect_and_freeze()


def collect_and_freeze() -> None:
    """Collect what is garbage now and move what is kept out of the collector's sight."""
    gc.collect()
    gc.freeze()
