"""The review as JSON: the public contract (see ``secreview schema review``)."""

from __future__ import annotations

from secreview.i18n import Lang
from secreview.review import Review


def render_json(review: Review, lang: Lang) -> str:
    """Language-independent: every text in the JSON carries both languages."""
    del lang
    return review.to_json()
