"""WeasyPrint, imported once: in the background while the review loads, and quietly.

Importing WeasyPrint takes about half a second (Pango, HarfBuzz, cffi, fontTools); the review
before it needs about as long to load and evaluate. ``start()`` begins the import in a daemon
thread so the two overlap (most of the import waits on files and shared libraries, not on the
interpreter), and :func:`load` waits for it where the PDF is written.

WeasyPrint warns at import when ``libharfbuzz-subset0`` is missing. secreview's PDFs do not depend
on it (the bundled fonts are subset in advance, :mod:`secreview.report.fonts`), so that warning is
silenced here and :func:`harfbuzz_subset_missing` lets the command line say once, in the user's
language, what the library is for.
"""

from __future__ import annotations

import threading
import warnings
from types import ModuleType
from typing import Any

_lock = threading.Lock()
_thread: threading.Thread | None = None
_failure: list[BaseException] = []


def _import() -> None:
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*HarfBuzz-Subset.*")
            import weasyprint
            import weasyprint.text.fonts  # noqa: F401
    except BaseException as exc:  # re-raised in the thread that needs WeasyPrint
        _failure.append(exc)


def start() -> None:
    """Begin importing WeasyPrint in the background (once; later calls do nothing)."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_import, name="import-weasyprint", daemon=True)
            _thread.start()


def load() -> ModuleType:
    """The ``weasyprint`` module, imported now or by :func:`start`."""
    start()
    assert _thread is not None  # set by start()
    _thread.join()
    if _failure:
        raise _failure[0]
    import sys

    module: ModuleType = sys.modules["weasyprint"]
    return module


def harfbuzz_subset_missing() -> bool:
    """Whether WeasyPrint runs without ``libharfbuzz-subset0``."""
    load()
    from weasyprint.text import ffi

    subset: Any = getattr(ffi, "harfbuzz_subset", None)
    return subset is None
