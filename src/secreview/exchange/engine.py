"""The vendor exchange's only calls into the review engine, through the public Reviewer API.

Kept in one module so the exchange depends on the engine in one place: a Reviewer for the
profile and rules, a description loaded from text (an upload, a file the caller read), a review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from secreview.api import Reviewer
from secreview.errors import InputError
from secreview.inputs import JSON_SOURCE, TEXT_SOURCE, Inputs
from secreview.labels import Lang
from secreview.review import Review


def reviewer(profile: str | Path | None = None, rules: Sequence[str | Path] = (),
             waivers: str | Path | None = None, lang: Lang | None = None) -> Reviewer:
    return Reviewer(profile, rules, waivers, lang)


def load(engine: Reviewer, description: str | bytes, source: str) -> Inputs:
    """The description given as text, validated; its problems name ``source``, not "<text>"."""
    raw = description.encode("utf-8") if isinstance(description, str) else description
    try:
        return engine.load(raw)
    except InputError as exc:
        raise InputError([replace(p, file=source) if p.file in (TEXT_SOURCE, JSON_SOURCE)
                          else p for p in exc.problems]) from None


def review(engine: Reviewer, inputs: Inputs) -> Review:
    return engine.review(inputs)


def is_json(inputs: Inputs, source: str) -> bool:
    """Was the description JSON (so the new one is written as JSON too)?"""
    return inputs.system_doc.source == JSON_SOURCE or source.lower().endswith(".json")
