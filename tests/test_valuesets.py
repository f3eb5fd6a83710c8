"""Value sets with dated members, and regions that stand for "somewhere in it"."""

from __future__ import annotations

import datetime as dt

import pytest

from secreview.valuesets import Period, ValueSet, build_sets, bundled_sets, element_in, regions

D = dt.date
SETS = bundled_sets()
AREAS = regions()
ADEQUATE = SETS["eea_or_adequate"]


@pytest.mark.parametrize(("country", "day", "inside"), [
    ("GB", D(2019, 6, 1), True),     # in the EU until the end of the transition period
    ("GB", D(2021, 3, 1), True),     # the TCA bridge
    ("GB", D(2024, 6, 1), True),     # adequacy decision (EU) 2021/1772
    ("BR", D(2025, 6, 1), False),    # before Brazil's adequacy decision
    ("BR", D(2026, 1, 26), True),    # from the day of Implementing Decision (EU) 2026/179
    ("KR", D(2021, 12, 16), False),
    ("KR", D(2021, 12, 17), True),
    ("US", D(2026, 6, 1), False),    # only DPF-certified recipients, checked by the rules
    ("CH", D(2019, 6, 1), True),
])
def test_membership_follows_the_review_date(country: str, day: dt.date, inside: bool) -> None:
    assert ADEQUATE.contains(country, day) is inside


def test_without_a_date_only_a_status_that_never_changed_is_certain() -> None:
    assert ADEQUATE.contains("CH", None) is True      # adequate since before the GDPR
    assert ADEQUATE.contains("US", None) is False
    assert ADEQUATE.contains("BR", None) is None      # adequate only from 2026
    assert SETS["eu"].contains("GB", None) is None    # a member until 2020
    assert SETS["eu"].contains("GB", D(2022, 1, 1)) is False


def test_a_region_is_inside_a_set_when_all_of_it_is() -> None:
    assert element_in("EU", SETS["eea"], None, AREAS) is True
    assert element_in("EEA", ADEQUATE, None, AREAS) is True   # the UK's EU years are covered
    assert element_in("EEA", SETS["eu"], D(2026, 1, 1), AREAS) is None  # maybe NO, maybe SE
    assert element_in("EU", ValueSet.plain(["US", "CN"]), None, AREAS) is False
    assert element_in("EU", SETS["nordic"], D(2026, 1, 1), AREAS) is None


def test_sets_are_built_once_from_includes() -> None:
    dated = [{"value": "Y", "from": D(2020, 1, 1)}]
    built = build_sets({"sets": {"a": {"members": ["X"]},
                                 "b": {"include": ["a"], "dated": dated}}})
    assert built["b"].always == {"X"} and built["b"].possible == {"X", "Y"}
    with pytest.raises(ValueError, match="includes itself"):
        build_sets({"sets": {"a": {"include": ["b"]}, "b": {"include": ["a"]}}})


def test_every_adequacy_decision_names_its_basis() -> None:
    for _country, periods in ADEQUATE.dated:
        assert all(p.basis for p in periods)


def test_the_cached_hash_agrees_with_equality() -> None:
    """Membership is cached per (set, day), so the set's hash is computed once and kept."""
    dated = (("GB", (Period(start=dt.date(2021, 6, 28)),)),)
    first, second = ValueSet(frozenset({"SE"}), dated), ValueSet(frozenset({"SE"}), dated)
    assert first == second and hash(first) == hash(second) == hash(first)
    other = ValueSet(frozenset({"SE"}), (("GB", (Period(start=dt.date(2021, 6, 29)),)),))
    assert other != first
    assert len({first, second, other}) == 2
