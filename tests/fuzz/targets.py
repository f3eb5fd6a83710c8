"""Fuzz targets: each either succeeds or raises InputError; anything else is a bug.

Shared by the hypothesis tests, ``python -m tests.fuzz`` and the optional atheris entry point.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

from secreview.api import Reviewer
from secreview.engine.assemble import build_review
from secreview.errors import InputError
from secreview.loading import Document, Limits, load_bytes
from secreview.profile import Profile
from secreview.rules.compiler import CompileContext, compile_condition
from secreview.rules.loader import LoadedRuleset, build_catalog, builtin_sets
from secreview.rules.model import Condition, Ruleset
from secreview.system import SystemDescription
from secreview.validation import validate
from secreview.waivers import WaiverFile

RULES = Path(__file__).resolve().parent.parent / "fixtures" / "rules"
MODELS: dict[str, type[BaseModel]] = {
    "system": SystemDescription, "ruleset": Ruleset, "profile": Profile, "waivers": WaiverFile,
}
# Small limits keep each example fast; the limits themselves are tested in test_bad_inputs.
FUZZ_LIMITS = Limits(max_bytes=64 * 1024, max_depth=40, max_values=5000, max_string=5000)
CONDITION: TypeAdapter[Any] = TypeAdapter(Condition)


@cache
def _reviewer() -> Reviewer:
    return Reviewer(rules=[RULES])


def load(raw: bytes, source: str = "fuzz.yaml") -> Document | None:
    """Parse bytes; ``None`` when they are (correctly) refused."""
    try:
        return load_bytes(raw, source, FUZZ_LIMITS)
    except InputError:
        return None


def document(kind: str, raw: bytes, as_json: bool = False) -> Any:
    """Load and validate ``raw`` as a document of ``kind``, going as deep as it gets.

    A valid ruleset is compiled; a valid system description is reviewed against the test
    rules, rendered to JSON, and the review must be the same when computed twice.
    """
    doc = load(raw, "fuzz.json" if as_json else "fuzz.yaml")
    if doc is None:
        return None
    try:
        model = validate(MODELS[kind], doc)
        if isinstance(model, Ruleset):
            loaded = LoadedRuleset(model=model, source=doc.source, sha256=doc.sha256, document=doc)
            build_catalog([loaded], strict=False)
        if isinstance(model, SystemDescription):
            return review_twice(model, doc)
    except InputError:
        return None
    return model


def review_twice(system: SystemDescription, doc: Document) -> str:
    """Review a valid description; the JSON must round-trip and be the same the second time."""
    from secreview.review import Review

    inputs = _reviewer().load(system)
    first = build_review(inputs, dt.date(2026, 11, 26))
    text = first.to_json()
    assert build_review(inputs, dt.date(2026, 11, 26)).to_json() == text
    again = Review.model_validate_json(text)
    assert again == first
    assert again.to_json() == text
    return text


def condition(data: Any) -> Any:
    """Validate and compile a condition against the real fact catalogue, then evaluate it."""
    try:
        parsed = CONDITION.validate_python(data)
    except ValueError:  # pydantic's ValidationError; the loader turns it into InputError
        return None
    catalog = _reviewer().catalog
    ctx = CompileContext(facts=catalog.facts, sets=builtin_sets())
    predicate = compile_condition(parsed, ctx)
    results = [predicate({}), predicate(_sample_facts())]
    assert all(result in (True, False, None) for result in results)
    return results


@cache
def _sample_facts() -> dict[str, Any]:
    """The facts of the test system description, a realistic mix of known and unknown."""
    from secreview.engine.evaluate import evaluate
    from secreview.loading import load_document

    system = validate(SystemDescription, load_document(RULES.parent / "system_min.yaml"))
    return dict(evaluate(system, _reviewer().catalog).facts)
