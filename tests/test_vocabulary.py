"""The vocabulary: each word list declared once, its Literal and tuple agreeing, and every word
named in both languages."""

from __future__ import annotations

from typing import get_args

import pytest

from secreview import vocabulary as v
from secreview.i18n import LANGUAGES, has_label, label

PAIRS = [
    (v.FindingStatus, v.FINDING_STATUSES, "status"),
    (v.OpenStatus, v.OPEN_STATUSES, "status"),
    (v.DecisionOutcome, v.OUTCOMES, "decision"),
    (v.Remedy, v.REMEDIES, "remedy"),
    (v.OwnerRole, v.OWNER_ROLES, "role"),
    (v.DueKind, v.DUE_KINDS, "due"),
    (v.StepKind, v.STEP_KINDS, "report.step"),
    (v.TailoringChange, v.TAILORING_CHANGES, None),
    (v.Basis, v.BASES, "basis"),
    (v.AssumptionEffect, v.ASSUMPTION_EFFECTS, None),
    (v.Comparison, v.COMPARISONS, None),
    (v.Addressee, v.ADDRESSEES, None),  # named in data/addressees.yaml (test_addressees)
]


@pytest.mark.parametrize(("literal", "words", "prefix"), PAIRS)
def test_literal_and_tuple_agree_and_every_word_is_named(literal: object, words: tuple[str, ...],
                                                         prefix: str | None) -> None:
    assert set(get_args(literal)) == set(words)
    assert len(set(words)) == len(words)
    for word in words if prefix else ():
        assert has_label(f"{prefix}.{word}"), f"{prefix}.{word} has no label"
        assert all(label(f"{prefix}.{word}", lang, likelihood=1, consequence=1, axis="", before=1,
                         after=1, reason="", fact="", value="", ref="", level="", confirmed="")
                   for lang in LANGUAGES)


def test_rule_statuses_are_the_finding_statuses_but_waived() -> None:
    assert set(get_args(v.RuleStatus)) == set(v.FINDING_STATUSES) - {"waived"}
    assert set(get_args(v.OnUnknown)) <= set(get_args(v.RuleStatus))


def test_severity_follows_the_outcome_order_and_every_outcome_has_a_colour() -> None:
    assert sorted(v.OUTCOMES, key=v.OUTCOME_SEVERITY.__getitem__) == list(v.OUTCOMES)
    assert set(v.DECISION_COLOURS) == set(v.OUTCOMES)


def test_every_shared_label_has_both_languages() -> None:
    from secreview.bundled import load_data

    for key, text in load_data("labels.yaml").items():
        assert set(text) == set(LANGUAGES), key
        assert all(isinstance(text[lang], str) and text[lang].strip() for lang in LANGUAGES), key
