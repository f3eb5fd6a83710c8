"""The PDF renderer in a process of its own, started before the review loads.

``secreview review SYSTEM -o report.pdf`` pays for two imports before any page is laid out:
secreview's (pydantic, the models, the rulesets) and WeasyPrint's (Pango, HarfBuzz, cffi,
fontTools), each a few tenths of a second of interpreter work. A thread cannot overlap them (both
hold the interpreter lock), a second process can: the worker forks at once, imports WeasyPrint on
the second core while this process loads and reviews, then takes the finished HTML over a pipe and
sends the PDF back. What the user waits for is then about what WeasyPrint alone needs for the same
HTML (docs/benchmarks.md measures the two side by side).

The worker holds no state of its own and sees only the :class:`~.pdf_write.PdfJob` (HTML, the
review JSON, the logo's bytes); it renders with the same bundled-only fetcher and time limit, and
its errors come back as the same :class:`~secreview.errors.InputError`. Where ``fork`` is not
available the PDF is rendered in this process, with WeasyPrint's import started in a thread.
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.connection import Connection
from typing import Any

from secreview.report import weasy

JOIN_SECONDS = 5.0


def _serve(connection: Connection) -> None:
    """The worker: import WeasyPrint, wait for one job, answer with the PDF or the error."""
    try:
        weasy.load()
        from secreview.report.pdf_write import write_pdf

        job = connection.recv()
        try:
            connection.send(("ok", (write_pdf(job), weasy.harfbuzz_subset_missing())))
        except BaseException as exc:  # every failure goes back to the parent, which raises it
            connection.send(("error", exc))
    except EOFError:  # the parent stopped before it needed a PDF
        pass
    finally:
        connection.close()


class PdfWorker:
    """One forked renderer for one PDF; :meth:`render` sends the job and waits for the bytes."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), daemon=True,
                                        name="secreview-pdf")
        self._process.start()
        child.close()

    def render(self, job: Any) -> tuple[bytes, bool]:
        """The PDF for ``job`` (a :class:`~.pdf_write.PdfJob`) and whether the worker's WeasyPrint
        lacks ``libharfbuzz-subset0``; or the worker's error, raised here."""
        try:
            self._connection.send(job)
            status, payload = self._connection.recv()
        except (EOFError, OSError) as exc:
            raise RuntimeError(f"the PDF worker stopped: {exc}") from None
        finally:
            self.close()
        if status == "ok":
            data: bytes = payload[0]
            return data, bool(payload[1])
        raise payload

    def close(self) -> None:
        self._connection.close()
        self._process.join(JOIN_SECONDS)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()


def start() -> PdfWorker | None:
    """A worker that is already importing WeasyPrint, or None where processes cannot fork
    (then :func:`secreview.report.weasy.start` overlaps what a thread can)."""
    if os.name != "posix" or "fork" not in multiprocessing.get_all_start_methods():
        weasy.start()
        return None
    return PdfWorker()
