"""One Reviewer per bundled profile for the whole test run.

A Reviewer loads and compiles its profile and rules in its constructor and only reads that
state afterwards (secreview.api), so tests that review with the bundled rules share one instead
of compiling them again for each review (about 40 ms each on the 2-core test machine).
"""

from __future__ import annotations

from functools import cache

from secreview.api import Reviewer


@cache
def bundled_reviewer(profile: str | None = None) -> Reviewer:
    return Reviewer(profile)
