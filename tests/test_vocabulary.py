"""The vocabulary: each word list declared once, its Literal and tuple agreeing, and every word
named in both languages."""

from __future__ import annotations

import re
from typing import get_args

import pytest

from reviewers import bundled_reviewer
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


def _read_facts() -> set[str]:
    """Every fact a bundled rule reads: the facts a worst-case statement can name."""
    return {path for rule in bundled_reviewer().catalog.rules for path in rule.facts_used}


def test_every_fact_a_bundled_rule_reads_has_a_name_in_both_languages() -> None:
    """The worst case is read by management in the report: it names a fact in words, never by
    its path, so every fact a rule can rest on needs a name."""
    from secreview.bundled import load_data

    labels = load_data("labels.yaml")
    facts = _read_facts()
    assert len(facts) > 150
    missing = sorted(path for path in facts if f"fact.{path}" not in labels)
    assert not missing, missing
    for path in facts:
        text = labels[f"fact.{path}"]
        assert set(text) == set(LANGUAGES), path
        assert all(text[lang].strip() for lang in LANGUAGES), path


def test_a_fact_name_is_a_lower_case_phrase_without_a_path() -> None:
    """A name stands mid-sentence ("Om {fact} är 3 eller högre"), so it starts in lower case
    (an abbreviation such as "AI" apart) and shows no dotted path or identifier."""
    from secreview.bundled import load_data

    path_like = re.compile(r"[a-z_]+\.[a-z_]+")
    names = {key: text for key, text in load_data("labels.yaml").items()
             if key.startswith("fact.")}
    assert {f"fact.{path}" for path in _read_facts()} <= set(names)
    for key, text in names.items():
        for lang in LANGUAGES:
            assert not path_like.search(text[lang]), (key, lang, text[lang])
            assert "_" not in text[lang] and "TODO" not in text[lang], (key, lang)
            first = text[lang].split()[0]
            assert first[0].islower() or first.isupper() or first[:3].isupper(), (key, lang)
