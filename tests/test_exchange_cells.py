"""One answer in one cell: what the workbook writes reads back as the same value, in both
languages, and what a person types instead is read or refused, never guessed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exchange_support import FACTS, LABELLED, values
from secreview.exchange.cells import CellError, answer_cell, choices, format_hint, parse_answer
from secreview.facts import fact_at
from secreview.i18n import Text, value_labels
from secreview.rules.loader import load_catalog

CATALOG = load_catalog([LABELLED])
EXTENDED = CATALOG.facts


@pytest.mark.parametrize("lang", ["sv", "en"])
@settings(max_examples=40)
@given(data=st.data())
def test_what_the_workbook_writes_reads_back_as_the_same_value(lang: str, data: Any) -> None:
    path = data.draw(st.sampled_from(sorted(FACTS)))
    spec = FACTS[path]
    value = data.draw(values(spec))
    cell = answer_cell(spec, value, lang)  # type: ignore[arg-type]
    assert parse_answer(spec, cell) == value


@pytest.mark.parametrize("lang", ["sv", "en"])
@settings(max_examples=20)
@given(data=st.data())
def test_extension_facts_read_back_as_written_too(lang: str, data: Any) -> None:
    spec = EXTENDED[data.draw(st.sampled_from(["extensions.exit_plan", "extensions.exit_media"]))]
    value = data.draw(values(spec))
    assert parse_answer(spec, answer_cell(spec, value, lang)) == value  # type: ignore[arg-type]


def test_labels_are_shown_and_ids_stored_in_either_language() -> None:
    spec = FACTS["hosting.deployment"]
    labels = value_labels()["hosting.deployment"]
    assert answer_cell(spec, "saas", "sv") == labels["saas"].sv
    for text in (labels["saas"].sv, labels["saas"].en, "saas", f"  {labels['saas'].en.upper()} "):
        assert parse_answer(spec, text) == "saas"
    assert choices(spec, "en") == [*(labels[v].en for v in spec.allowed or ()), "unknown"]
    bools = FACTS["vendor.dpf_certified"]
    assert choices(bools, "sv") == ["ja", "nej", "okänt"]
    for text, value in (("ja", True), ("No", False), (True, True), ("okänt", None),
                        ("unknown", None), ("", None), (None, None)):
        assert parse_answer(bools, text) is value


def test_extension_facts_show_and_read_their_rulesets_labels() -> None:
    """An extension fact's values read as its ruleset labels them, as bundled ones do."""
    plan = EXTENDED["extensions.exit_plan"]
    assert choices(plan, "sv") == ["Ingen exitplan", "Utkast till exitplan", "Testad exitplan",
                                   "okänt"]
    assert choices(plan, "en") == ["No exit plan", "Draft exit plan", "Tested exit plan",
                                   "unknown"]
    assert (answer_cell(plan, "tested", "sv"), answer_cell(plan, "tested", "en")) == \
        ("Testad exitplan", "Tested exit plan")
    for text in ("Testad exitplan", "Tested exit plan", "tested", " TESTAD EXITPLAN "):
        assert parse_answer(plan, text) == "tested"
    with pytest.raises(CellError) as caught:
        parse_answer(plan, "Testad plan")
    assert caught.value.expected == "one of: No exit plan; Draft exit plan; Tested exit plan"
    media = EXTENDED["extensions.exit_media"]  # "disk" has no label: its id stands for it
    assert "Öppet API; Filexport; disk" in format_hint(media, "sv")
    assert "Open API; File export; disk" in format_hint(media, "en")
    assert answer_cell(media, ["api", "disk"], "sv") == "Öppet API; disk"
    assert parse_answer(media, "File export; Öppet API; disk") == ["files", "api", "disk"]


def test_the_workbook_and_the_report_read_one_set_of_labels() -> None:
    """The labels travel on the fact's spec, top level and per item; the catalogue's words
    (what the report and the questionnaire read) are that spec's."""
    tls = "integrations.extensions.tls_version"
    spec = fact_at(tls, EXTENDED)
    assert spec is not None and spec.labels["1.0"] == Text(sv="TLS 1.0 (föråldrad)",
                                                           en="TLS 1.0 (obsolete)")
    for path in ("extensions.exit_plan", "extensions.exit_media", tls):
        own = fact_at(path, EXTENDED)
        assert own is not None and CATALOG.value_labels()[path] == dict(own.labels)


@pytest.mark.parametrize(("path", "cell", "message"), [
    ("vendor.dpf_certified", "kanske", "is not yes, no or unknown"),
    ("hosting.deployment", "molnet", "is not one of the choices"),
    ("access.assurance_level", "tre", "is not a number"),
    ("access.assurance_level", 2.5, "is not a whole number"),
    ("personal_data.dpia.approved_on", 46000, "is not a date written as YYYY-MM-DD"),
    ("personal_data.dpia.approved_on", "2026-02-30", "is not a valid date"),
    ("hosting.subprocessors", "[{name: X", "cannot read the list"),
    ("hosting.subprocessors", "just a name", "expected a list of entries"),
    ("users.number_of_users", True, "a yes/no value"),
    ("vendor.name", "bad\x1bescape", "control character"),
])
def test_what_cannot_be_read_is_refused_with_what_was_expected(path: str, cell: Any,
                                                               message: str) -> None:
    with pytest.raises(CellError) as caught:
        parse_answer(FACTS[path], cell)
    assert message in caught.value.message


def test_typed_answers_are_read_as_spreadsheets_hold_them() -> None:
    assert parse_answer(FACTS["continuity.availability_target"], "99,9") == 99.9
    assert parse_answer(FACTS["logging.retention_days"], "1 000") == 1000
    assert parse_answer(FACTS["logging.retention_days"], 365.0) == 365
    assert parse_answer(FACTS["personal_data.dpia.approved_on"],
                        dt.datetime(2026, 12, 3)) == dt.date(2026, 12, 3)
    assert parse_answer(FACTS["personal_data.dpia.approved_on"], "2026-12-03") == \
        dt.date(2026, 12, 3)
    assert parse_answer(FACTS["hosting.content.countries"], "se; fi\nNO") == ["SE", "FI", "NO"]
    assert parse_answer(FACTS["hosting.content.countries"], "inga") == []
    events = value_labels()["logging.security_events"]
    assert parse_answer(FACTS["logging.security_events"],
                        f"{events['unauthorised_access'].en}; rights_changes") == \
        ["unauthorised_access", "rights_changes"]
    assert parse_answer(FACTS["vendor.name"], "okänt") == "okänt"  # free text as written


def test_every_fact_has_an_answer_format() -> None:
    for spec in FACTS.values():
        for lang in ("sv", "en"):
            assert format_hint(spec, lang)  # type: ignore[arg-type]
