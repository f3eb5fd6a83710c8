"""Fuzz targets under hypothesis: brief in the normal suite, long with SECREVIEW_FUZZ_EXAMPLES."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import targets
from .strategies import bases, conditions, mutations, serialise

pytestmark = pytest.mark.slow  # fuzzing: CI runs it, the fast loop does not

EXAMPLES = int(os.environ.get("SECREVIEW_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
BASES = bases()
KINDS = sorted(BASES)


@FUZZ
@given(st.binary(max_size=2000))
def test_fuzz_bytes(raw: bytes) -> None:
    targets.load(raw)
    targets.load(raw, "fuzz.json")


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(data=st.data(), as_json=st.booleans())
def test_fuzz_mutated_documents(kind: str, data: st.DataObject, as_json: bool) -> None:
    mutated: Any = data.draw(mutations(BASES[kind]))
    targets.document(kind, serialise(mutated, as_json), as_json)


@FUZZ
@given(conditions())
def test_fuzz_condition_compiler(condition: Any) -> None:
    targets.condition(condition)
