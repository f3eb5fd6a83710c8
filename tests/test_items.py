"""What a finding's texts say: the items of a list that make a rule fire, extension labels, and
unverified findings worded as something to check, never as a proven problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from secreview.api import review_file
from secreview.review import Finding, Review

EXTENDED = Path(__file__).parent / "fixtures" / "extended"


def review(tmp_path: Path, text: str) -> Review:
    system = tmp_path / "system.yaml"
    system.write_text(text, encoding="utf-8")
    return review_file(system, rules=[EXTENDED], review_date=dt.date(2026, 11, 26))


def finding(result: Review, rule_id: str) -> Finding:
    return next(f for f in result.findings if f.rule_id == rule_id)


def test_a_message_names_the_items_that_fail_with_their_labels(tmp_path: Path) -> None:
    result = review(tmp_path, """\
integrations:
  - {counterpart: Skolverket, extensions: {tls_version: "1.0"}}
  - {counterpart: Lönesystemet, extensions: {tls_version: "1.3"}}
  - {counterpart: Elevregistret, extensions: {tls_version: "1.1"}}
""")
    old = finding(result, "test.old_tls")
    assert old.status == "finding"
    assert old.message.en == ("The integration with Skolverket, Elevregistret uses "
                              "TLS 1.0 (obsolete), TLS 1.1 (obsolete).")
    assert old.message.sv.startswith("Integrationen med Skolverket, Elevregistret använder "
                                     "TLS 1.0 (föråldrad)")


def test_message_unknown_is_used_while_facts_are_missing(tmp_path: Path) -> None:
    result = review(tmp_path, """\
integrations:
  - {counterpart: Skolverket}
  - {counterpart: Lönesystemet, extensions: {tls_version: "1.3"}}
""")
    old = finding(result, "test.old_tls")
    assert old.status == "unknown"
    assert old.message.en == "Which TLS version does the integration with Skolverket use?"


def test_without_message_unknown_the_message_is_put_as_something_to_check(
        tmp_path: Path) -> None:
    result = review(tmp_path, "continuity: {rto_hours: 4}\n")
    rpo = finding(result, "test.rpo_above_rto")
    assert rpo.status == "unknown"
    assert rpo.message.en.startswith("Not yet confirmed, check whether this holds: ")
    assert rpo.message.sv.startswith("Ännu inte bekräftat, kontrollera om detta stämmer: ")


@pytest.mark.parametrize(("valid_until", "status"), [
    ("2027-01-01", "finding"), ("2028-01-01", "pass"), (None, "unknown")])
def test_a_certificate_is_judged_on_the_review_date(tmp_path: Path, valid_until: Any,
                                                    status: str) -> None:
    until = f", valid_until: {valid_until}" if valid_until else ""
    result = review(tmp_path, f"vendor:\n  certifications: [{{standard: iso27001{until}}}]\n")
    judged = finding(result, "test.certificate_expiring")
    assert judged.status == status
    # Evidence is kept for open findings and unknowns (docs/review-format.md), not for passes.
    evidence = {e.fact for e in judged.evidence}
    assert ("derived.review_date" in evidence) == (status != "pass")


def test_a_later_review_date_turns_a_pass_into_a_finding(tmp_path: Path) -> None:
    system = tmp_path / "system.yaml"
    system.write_text("extensions: {last_audit: 2025-06-01}\n", encoding="utf-8")
    early = review_file(system, rules=[EXTENDED], review_date=dt.date(2026, 1, 1))
    late = review_file(system, rules=[EXTENDED], review_date=dt.date(2026, 7, 1))
    assert finding(early, "test.audit_old").status == "pass"
    assert finding(late, "test.audit_old").status == "finding"


def test_an_unknown_item_extension_fact_is_a_question_for_the_vendor(tmp_path: Path) -> None:
    result = review(tmp_path, "integrations:\n  - {counterpart: Skolverket}\n")
    assert finding(result, "test.old_tls").open_questions == [
        "integrations.extensions.tls_version"]
    question = next(q for q in result.questions
                    if q.fact == "integrations.extensions.tls_version")
    assert question.question.en == "Which TLS version does the integration use?"
