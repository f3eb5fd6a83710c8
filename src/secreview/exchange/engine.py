"""The vendor exchange's only calls into the review engine.

Kept in one module so that moving to the public ``secreview.Reviewer`` API, once it is on main,
changes this file and nothing else in the exchange.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from secreview.engine.assemble import build_review
from secreview.engine.evaluate import check_extensions
from secreview.i18n import Lang
from secreview.inputs import Inputs
from secreview.loading import load_bytes
from secreview.profile import load_profile
from secreview.review import Review
from secreview.rules.selection import tailored_catalog
from secreview.system import SystemDescription
from secreview.validation import validate
from secreview.waivers import load_waivers


def load(description: str | bytes, source: str, profile: str | Path | None = None,
         rules: Sequence[str | Path] = (), waivers: str | Path | None = None) -> Inputs:
    """Every input of a review, with the description given as text (an upload, a file read by
    the caller) rather than a path; errors name ``source``."""
    loaded, profile_sha, resolved = load_profile(profile)
    catalog, tailoring = tailored_catalog(loaded, resolved, rules)
    raw = description.encode("utf-8") if isinstance(description, str) else description
    doc = load_bytes(raw, source)
    system = validate(SystemDescription, doc)
    check_extensions(system, doc, catalog)
    waiver_file, waivers_sha = load_waivers(waivers) if waivers else (None, None)
    return Inputs(system, doc, catalog, loaded, profile_sha, waiver_file, waivers_sha, tailoring,
                  profile_path=resolved, waivers_path=Path(waivers) if waivers else None)


def review(inputs: Inputs, language: Lang | None = None) -> Review:
    return build_review(inputs, language=language)
