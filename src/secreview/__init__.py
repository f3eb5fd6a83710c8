"""secreview: declarative security and compliance review of IT systems before procurement.

The public API (docs/api.md) is imported on first use, so ``import secreview`` and
``secreview --help`` stay fast::

    from secreview import Reviewer
    review = Reviewer().review("system.yaml")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["BatchCollection", "InputError", "Problem", "Review", "Reviewer", "__version__",
           "review_file"]

_EXPORTS = {
    "BatchCollection": "secreview.batch",
    "Reviewer": "secreview.api",
    "review_file": "secreview.api",
    "InputError": "secreview.errors",
    "Problem": "secreview.errors",
    "Review": "secreview.review",
}

if TYPE_CHECKING:
    from secreview.api import Reviewer, review_file
    from secreview.batch import BatchCollection
    from secreview.errors import InputError, Problem
    from secreview.review import Review


def __getattr__(name: str) -> Any:
    """Import a public name on first access (PEP 562) and keep it for the next."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'secreview' has no attribute '{name}'")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
