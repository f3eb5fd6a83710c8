"""The render time limit (report/pdf_write.time_limit) holds even when an alarm is swallowed."""

from __future__ import annotations

import signal
import time

import pytest

from secreview.report.pdf_write import RenderTimeout, time_limit

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX timers")


def _busy_swallowing_everything(seconds: float) -> int:
    """Work like code that catches every exception (a gc callback, a ``__del__``, a library)."""
    swallowed = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            sum(range(2000))
        except BaseException:  # the point: the alarm is dropped here
            swallowed += 1
    return swallowed


@pytest.mark.slow
def test_a_run_over_the_limit_is_reported_even_if_every_alarm_was_swallowed() -> None:
    with pytest.raises(RenderTimeout), time_limit(0.01):
        swallowed = _busy_swallowing_everything(0.3)
        assert swallowed >= 2  # the alarm repeats while the work goes on


def test_the_alarm_stops_work_that_does_not_swallow_it() -> None:
    started = time.monotonic()
    with pytest.raises(RenderTimeout), time_limit(0.01):
        while time.monotonic() - started < 5:
            sum(range(2000))
    assert time.monotonic() - started < 1


def test_work_within_the_limit_is_left_alone_and_the_handler_restored() -> None:
    before = signal.getsignal(signal.SIGALRM)
    with time_limit(5):
        sum(range(2000))
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
