"""Repeated measurements with warm-up, reported as median and spread.

Each sample is timed with ``time.perf_counter_ns`` (wall clock) and, beside it,
``time.process_time_ns`` (this process's CPU time, all threads).

One *sample* is one call of the measured function; a sample may cover many operations (a loop
over 1,000 systems), and :func:`measure` divides by the number of operations so every figure is a
cost per operation. The garbage collector is switched off during micro-measurements, as
``timeit`` does, so a collection triggered by earlier garbage does not land in one sample (each
section collects once before it starts); the portfolio and end-to-end measurements leave it on
because a real run pays for it.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Stats:
    """Median and spread of repeated samples, in nanoseconds per operation."""

    median_ns: float
    q1_ns: float
    q3_ns: float
    min_ns: float
    max_ns: float
    samples: int
    operations: int  # operations per sample
    cpu_median_ns: float | None = None  # this process's CPU time, when measured in process

    @classmethod
    def of(cls, per_operation_ns: Sequence[float], operations: int,
           cpu_ns: Sequence[float] = ()) -> Stats:
        ordered = sorted(per_operation_ns)
        if len(ordered) >= 2:
            q1, _median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
        else:
            q1 = q3 = ordered[0]
        return cls(statistics.median(ordered), q1, q3, ordered[0], ordered[-1], len(ordered),
                   operations, statistics.median(cpu_ns) if cpu_ns else None)

    def scaled(self, factor: float) -> Stats:
        """The same measurement, per a different unit of work (e.g. per rule, not per system)."""
        cpu = self.cpu_median_ns * factor if self.cpu_median_ns is not None else None
        return Stats(self.median_ns * factor, self.q1_ns * factor, self.q3_ns * factor,
                     self.min_ns * factor, self.max_ns * factor, self.samples, self.operations,
                     cpu)

    def as_dict(self) -> dict[str, float | int | None]:
        return {"median_ns": self.median_ns, "q1_ns": self.q1_ns, "q3_ns": self.q3_ns,
                "min_ns": self.min_ns, "max_ns": self.max_ns, "samples": self.samples,
                "operations": self.operations, "cpu_median_ns": self.cpu_median_ns}


def measure(sample: Callable[[], object], *, operations: int, repeat: int, warmup: int = 1,
            disable_gc: bool = True, cpu: bool = True) -> Stats:
    """Run ``sample`` ``warmup`` times untimed, then ``repeat`` times timed.

    ``cpu=False`` when the work happens in other processes, where this process's CPU time
    would mean nothing.
    """
    for _ in range(warmup):
        sample()
    was_enabled = gc.isenabled()
    timings: list[float] = []
    cpu_times: list[float] = []
    try:
        if disable_gc:
            gc.disable()
        for _ in range(repeat):
            start_cpu = time.process_time_ns()
            start = time.perf_counter_ns()
            sample()
            timings.append((time.perf_counter_ns() - start) / operations)
            cpu_times.append((time.process_time_ns() - start_cpu) / operations)
    finally:
        if was_enabled:
            gc.enable()
    return Stats.of(timings, operations, cpu_times if cpu else ())


def format_duration(ns: float) -> str:
    """A duration with a unit that keeps three significant digits readable."""
    if ns < 1_000:
        return f"{ns:.0f} ns"
    if ns < 1_000_000:
        return f"{ns / 1_000:.3g} µs"
    if ns < 1_000_000_000:
        return f"{ns / 1_000_000:.3g} ms"
    return f"{ns / 1_000_000_000:.3g} s"


def format_stats(stats: Stats) -> str:
    """``median [q1–q3]`` (the interquartile range) in one cell, then the CPU-time median.

    Wall-clock time is the measure; CPU time is shown beside it because on a shared machine
    another process's load stretches wall time but not this process's CPU time.
    """
    cell = (f"{format_duration(stats.median_ns)} "
            f"[{format_duration(stats.q1_ns)}–{format_duration(stats.q3_ns)}]")
    if stats.cpu_median_ns is not None:
        cell += f" (CPU {format_duration(stats.cpu_median_ns)})"
    return cell
