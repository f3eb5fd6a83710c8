"""Kleene logic laws: the ground the whole engine stands on."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from secreview.tristate import tri_and, tri_at_least, tri_not, tri_or

tri = st.sampled_from([True, False, None])
tris = st.lists(tri, max_size=6)


def test_truth_tables() -> None:
    assert tri_and([True, None]) is None
    assert tri_and([False, None]) is False
    assert tri_or([True, None]) is True
    assert tri_or([False, None]) is None
    assert tri_not(None) is None
    assert tri_and([]) is True
    assert tri_or([]) is False


@given(tri, tri)
def test_de_morgan(a: bool | None, b: bool | None) -> None:
    assert tri_not(tri_and([a, b])) == tri_or([tri_not(a), tri_not(b)])
    assert tri_not(tri_or([a, b])) == tri_and([tri_not(a), tri_not(b)])


@given(tri)
def test_double_negation_and_identities(a: bool | None) -> None:
    assert tri_not(tri_not(a)) == a
    assert tri_and([a, True]) == a
    assert tri_or([a, False]) == a
    assert tri_and([a, False]) is False
    assert tri_or([a, True]) is True


@given(tris)
def test_order_does_not_matter(values: list[bool | None]) -> None:
    assert tri_and(values) == tri_and(list(reversed(values)))
    assert tri_or(values) == tri_or(list(reversed(values)))


@given(tri, tri, tri)
def test_associative_and_absorbing(a: bool | None, b: bool | None, c: bool | None) -> None:
    assert tri_and([tri_and([a, b]), c]) == tri_and([a, tri_and([b, c])])
    assert tri_or([tri_or([a, b]), c]) == tri_or([a, tri_or([b, c])])
    assert tri_and([a, tri_or([a, b])]) == a or a is None
    assert tri_or([a, tri_and([a, b])]) == a or a is None


@given(tris)
def test_at_least_generalises_or_and_and(values: list[bool | None]) -> None:
    if values:
        assert tri_at_least(1, values) == tri_or(values)
        assert tri_at_least(len(values), values) == tri_and(values)


def _completions(values: list[bool | None]) -> list[list[bool]]:
    results: list[list[bool]] = [[]]
    for value in values:
        options = [True, False] if value is None else [value]
        results = [[*r, o] for r in results for o in options]
    return results


@given(tris, st.integers(min_value=1, max_value=6))
def test_known_results_survive_every_completion(values: list[bool | None], n: int) -> None:
    """Soundness: if the answer is known despite unknowns, answering them cannot change it."""
    for function in (tri_and, tri_or, lambda v: tri_at_least(n, v)):
        result = function(values)
        outcomes = {function(c) for c in _completions(values)}
        if result is not None:
            assert outcomes == {result}
        else:
            assert outcomes == {True, False}
