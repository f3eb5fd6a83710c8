"""The vendor round trip: export, the vendor fills in the workbook, import, review again."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exchange_support import (
    FACTS,
    LABELLED,
    WHEN,
    consistent,
    fact_in,
    fill,
    rows_of,
    values,
    without_vendor_answers,
)
from secreview.addressees import addressee_of
from secreview.api import Reviewer
from secreview.cli import main
from secreview.errors import InputError
from secreview.exchange import ImportSummary, export_workbook, import_answers
from secreview.exchange.cells import answer_cell
from secreview.report import render
from secreview.system import SystemDescription

# Every test here is a round trip through real .xlsx workbooks (openpyxl writes and reads
# whole files, and each export and import loads the engine): for CI, not the fast loop.
pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
HR = (EXAMPLES / "hr-service-se.yaml").read_text(encoding="utf-8")
SCHOOL = (EXAMPLES / "school-platform.yaml").read_text(encoding="utf-8")
SENT = dt.date(2026, 12, 1)
REVIEWER = Reviewer()


def load(text: str, source: str = "system.yaml"):  # type: ignore[no-untyped-def]
    """The description ``text`` loaded through the public API (``source`` names it here)."""
    del source
    return REVIEWER.load(text.encode("utf-8"))


def review(inputs):  # type: ignore[no-untyped-def]
    return REVIEWER.review(inputs)


def _import(workbook: bytes, text: str, **options: Any):  # type: ignore[no-untyped-def]
    return import_answers(workbook, text, answers_name="q.xlsx", source="system.yaml",
                          today=WHEN, **options)


def _decision(text: str) -> str:
    return review(load(text, "system.yaml")).decision.outcome


def test_the_decision_follows_the_vendors_answers() -> None:
    text, answers = without_vendor_answers(HR)
    assert _decision(text) == "incomplete"
    workbook = export_workbook(text, source="system.yaml", exported_on=SENT)
    asked = [fact for fact in rows_of(workbook) if fact in answers]
    assert len(asked) > 20  # the rest were unknown in the example too, and stay so
    specs = {fact: FACTS[fact] for fact in asked}
    # Typed the way a person would: labels, Excel booleans and numbers, a Swedish decimal comma.
    typed: dict[str, Any] = {f: answer_cell(specs[f], answers[f], "sv") for f in asked}
    for fact in asked:
        if specs[fact].kind == "bool":
            typed[fact] = answers[fact]  # TRUE/FALSE as Excel stores them
        if specs[fact].kind == "number":
            typed[fact] = str(answers[fact]).replace(".", ",")
    good = _import(fill(workbook, typed, sources=dict.fromkeys(asked, "DPA bilaga 2")), text)
    assert not good.problems
    assert good.summary.answered == len(asked)
    assert good.summary.still_unknown == len(rows_of(workbook)) - len(asked)
    outcome = review(load(good.text, "system.yaml"))
    # Every answer now rests on the vendor's word: approved, on condition that the answers that
    # decide high or critical rules are verified in the contract.
    assert outcome.decision.outcome == "approve_with_conditions"
    assert outcome.decision.clause == "verify_vendor_answers"
    bad = dict(typed, **{"vendor.third_country_law_access": "ja",
                         "contract.vendor_own_purposes": "ja"})
    rejected = _import(fill(workbook, bad), text)
    assert _decision(rejected.text) == "reject"


def test_provenance_reaches_the_review_json_and_the_report() -> None:
    workbook = export_workbook(SCHOOL, include_answered=True, exported_on=SENT)
    filled = fill(workbook, {"access.mfa_admins": "nej"},
                  sources={"access.mfa_admins": "DPA bilaga 2"},
                  comments={"access.mfa_admins": "Endast lösenord i dag."})
    result = _import(filled, SCHOOL, when=WHEN)
    assert result.changed == ["access.mfa_admins"]
    data = json.loads(review(load(result.text, "system.yaml")).to_json())
    evidence = [e for f in data["findings"] for e in f["evidence"]
                if e["fact"] == "access.mfa_admins"]
    assert evidence and all(e["provenance"]["source"] == "DPA bilaga 2" for e in evidence)
    assert [h["value"] for h in evidence[0]["provenance"]["history"]] == [True]
    reviewed = review(load(result.text, "system.yaml"))
    assert "enligt leverantören 3 december 2026, DPA bilaga 2" in str(render(reviewed, "md", "sv"))
    assert "according to the vendor 3 December 2026, DPA bilaga 2" in str(
        render(reviewed, "text", "en"))


def test_refused_answers_are_located_and_the_rest_imported() -> None:
    workbook = export_workbook(SCHOOL, include_answered=True, exported_on=SENT)
    rows = rows_of(workbook)
    filled = fill(workbook, {"hosting.deployment": "molnet", "access.assurance_level": "tre",
                             "access.mfa_users": "nej"},
                  formulas={"continuity.rto_hours": "=2*4"})
    result = _import(filled, SCHOOL)
    assert result.summary.refused == 3 and result.changed == ["access.mfa_users"]
    where = {p.message.split(":")[0]: p for p in result.problems}
    deployment = where["hosting.deployment"]
    assert (deployment.file, deployment.sheet, deployment.line, deployment.column) == \
        ("q.xlsx", "Frågor", rows["hosting.deployment"]["answer"].row, 7)
    assert deployment.location() == f"q.xlsx:Frågor!G{rows['hosting.deployment']['answer'].row}"
    assert "did you mean" not in (deployment.suggestion or "") or deployment.suggestion
    formula = next(p for p in result.problems if "formula" in p.message)
    assert formula.line == rows["continuity.rto_hours"]["answer"].row
    assert "rto_hours: 8" in result.text  # the formula's value was never used


def test_extension_facts_answered_by_their_labels_import_as_ids() -> None:
    """A label of a ruleset's own enumeration, in either language, is read back as its id,
    with the vendor's provenance, as a bundled enumeration's is."""
    workbook = export_workbook(SCHOOL, rules=[LABELLED], exported_on=SENT)
    filled = fill(workbook, {"extensions.exit_plan": "Tested exit plan",
                             "extensions.exit_media": "Öppet API; files"},
                  sources={"extensions.exit_plan": "Avtal bilaga 3"})
    result = _import(filled, SCHOOL, rules=[LABELLED])
    assert result.problems == []
    assert sorted(result.answered) == ["extensions.exit_media", "extensions.exit_plan"]
    reviewer = Reviewer(rules=[LABELLED])
    system = reviewer.load(result.text.encode("utf-8")).system
    assert system.extensions == {"exit_plan": "tested", "exit_media": ["api", "files"]}
    entry = system.provenance["extensions.exit_plan"]
    assert (entry.role, entry.who, entry.when, entry.source) == \
        ("vendor", "Classwise Europe Ltd", WHEN, "Avtal bilaga 3")
    outcome = {f.rule_id: f.status for f in reviewer.review(result.text.encode("utf-8")).findings}
    assert outcome["test.no_exit_plan"] == outcome["test.no_open_exit"] == "pass"


def test_a_list_answers_the_fact_asked_of_each_of_its_entries() -> None:
    """The vendor answers a per-item fact inside the list's entries; they are checked against
    the ruleset, and the list as written comes back to be confirmed or corrected."""
    workbook = export_workbook(SCHOOL, rules=[LABELLED], exported_on=SENT)
    sent = rows_of(workbook)["integrations"]["answer"].value
    answered = sent.replace("encrypted: true}",
                            'encrypted: true, extensions: {tls_version: "1.1"}}')
    result = _import(fill(workbook, {"integrations": answered},
                          sources={"integrations": "Teknisk bilaga 2"}), SCHOOL, rules=[LABELLED])
    assert result.problems == [] and result.changed == ["integrations"]
    reviewer = Reviewer(rules=[LABELLED])
    system = reviewer.load(result.text.encode("utf-8")).system
    assert [item.extensions for item in system.integrations] == [{"tls_version": "1.1"}] * 2
    entry = system.provenance["integrations"]
    assert (entry.role, entry.source) == ("vendor", "Teknisk bilaga 2")
    findings = {f.rule_id: f for f in reviewer.review(result.text.encode("utf-8")).findings}
    assert findings["test.old_tls"].status == "finding"
    # Sent again: the entries carry their extensions as the description writes them.
    again = export_workbook(result.text, rules=[LABELLED], addressee="system_owner",
                            include_answered=True, exported_on=SENT)
    cell = rows_of(again)["integrations"]["answer"].value
    assert cell.count('extensions: {tls_version: "1.1"}') == 2 and "extensions." not in cell
    assert _import(again, result.text, rules=[LABELLED]).text == result.text
    corrected = _import(fill(again, {"integrations": cell.replace('"1.1"', '"1.3"', 1)}),
                        result.text, rules=[LABELLED])
    assert corrected.problems == [] and corrected.changed == ["integrations"]
    wrong = _import(fill(again, {"integrations": cell.replace('"1.1"', '"9.9"', 1)}),
                    result.text, rules=[LABELLED])
    (problem,) = wrong.problems
    assert "integrations.0.extensions.tls_version: '9.9' is not one of" in problem.message
    assert (problem.sheet, problem.line) == ("Frågor", rows_of(again)["integrations"][
        "answer"].row)


def test_a_csv_row_for_a_fact_of_each_entry_is_refused_with_where_to_answer_it() -> None:
    tls = "integrations.extensions.tls_version"
    answers = f"fact;answer\n{tls};\nextensions.exit_plan;Testad exitplan\n"
    quiet = import_answers(answers.encode(), SCHOOL, answers_name="a.csv", today=WHEN,
                           rules=[LABELLED])
    assert quiet.problems == [] and quiet.answered == ["extensions.exit_plan"]
    said = import_answers(answers.replace(f"{tls};", f"{tls};1.2").encode(), SCHOOL,
                          answers_name="a.csv", today=WHEN, rules=[LABELLED])
    (problem,) = said.problems
    assert "asked of each entry of 'integrations'" in problem.message
    assert (problem.line, problem.suggestion) == (2, "answer it in the 'integrations' list, in "
                                                     "each entry's extensions: the workbook asks "
                                                     "it on that list's row")
    assert said.answered == ["extensions.exit_plan"]


def test_the_model_checks_each_answer_like_the_command_line() -> None:
    workbook = export_workbook(SCHOOL, include_answered=True, exported_on=SENT)
    filled = fill(workbook, {"access.assurance_level": 7, "vendor.country": "Sverige",
                             "hosting.subprocessors": "[{name: X, contry: SE}]"})
    problems = {p.message.split(":")[0].split(" ")[0].strip("'"): p
                for p in _import(filled, SCHOOL).problems}
    assert "less than or equal to 4" in problems["access.assurance_level"].message
    assert "ISO 3166-1 alpha-2" in problems["vendor.country"].message
    assert problems["vendor.country"].suggestion == "did you mean 'SE' (Sweden)?"
    subprocessor = next(p for p in _import(filled, SCHOOL).problems if "contry" in p.message)
    assert subprocessor.suggestion == "did you mean 'country'?"


def test_an_empty_cell_is_unknown_and_a_change_keeps_the_previous_answer() -> None:
    workbook = export_workbook(SCHOOL, include_answered=True, exported_on=SENT)
    cleared = _import(fill(workbook, {"vendor.dpf_certified": None}), SCHOOL)
    assert cleared.changed == ["vendor.dpf_certified"]
    system = load(cleared.text, "system.yaml").system
    assert system.vendor.dpf_certified is None
    assert system.provenance["vendor.dpf_certified"].history[0].value is True
    # Answered again later by someone else: the history grows, oldest first.
    again = export_workbook(cleared.text, include_answered=True, exported_on=SENT)
    later = _import(fill(again, {"vendor.dpf_certified": "ja"}), cleared.text,
                    who="Anna Andersson", when=dt.date(2027, 1, 10))
    entry = load(later.text, "system.yaml").system.provenance["vendor.dpf_certified"]
    assert (entry.who, entry.when) == ("Anna Andersson", dt.date(2027, 1, 10))
    assert [h.value for h in entry.history] == [True, None]
    assert entry.history[1].who == "Classwise Europe Ltd"


def test_unchanged_answers_are_not_restamped() -> None:
    workbook = export_workbook(SCHOOL, include_answered=True, exported_on=SENT)
    first = _import(fill(workbook, {"vendor.dpf_certified": "nej"},
                         sources={"vendor.dpf_certified": "DPA bilaga 2"}), SCHOOL)
    second_book = export_workbook(first.text, include_answered=True, exported_on=SENT)
    assert rows_of(second_book)["vendor.dpf_certified"]["source"].value == "DPA bilaga 2"
    untouched = _import(second_book, first.text, when=dt.date(2027, 6, 1))
    assert untouched.text == first.text
    assert untouched.summary.answered == untouched.summary.changed == 0
    confirmed = _import(fill(second_book, sources={"vendor.dpf_certified": "Avtal 4.2"}),
                        first.text, when=dt.date(2027, 6, 1))
    assert confirmed.confirmed == ["vendor.dpf_certified"]
    entry = load(confirmed.text, "system.yaml").system.provenance["vendor.dpf_certified"]
    assert (entry.source, entry.when) == ("Avtal 4.2", dt.date(2027, 6, 1))
    assert entry.history[-1].source == "DPA bilaga 2"


def test_dates_typed_as_dates_or_text_and_a_number_refused() -> None:
    text = SCHOOL.replace("    status: in_progress\n", "    status: approved\n")
    workbook = export_workbook(text, addressee="dpo", include_answered=True, exported_on=SENT)
    assert "personal_data.dpia.approved_on" in rows_of(workbook)
    for typed in (dt.datetime(2026, 10, 1), "2026-10-01"):
        result = _import(fill(workbook, {"personal_data.dpia.approved_on": typed}), text)
        system = load(result.text, "system.yaml").system
        assert system.personal_data.dpia is not None
        assert system.personal_data.dpia.approved_on == dt.date(2026, 10, 1)
        assert system.provenance["personal_data.dpia.approved_on"].role == "dpo"
    # A number in the date-formatted cell is the date Excel shows for it; text must be ISO.
    serial = _import(fill(workbook, {"personal_data.dpia.approved_on": 46000}), text)
    assert load(serial.text, "s.yaml").system.personal_data.dpia.approved_on == \
        dt.date(2025, 12, 9)  # type: ignore[union-attr]
    refused = _import(fill(workbook, {"personal_data.dpia.approved_on": "1/10/2026"}), text)
    assert "YYYY-MM-DD" in refused.problems[0].message


def test_the_respondent_form_says_who_answered_and_when() -> None:
    workbook = export_workbook(SCHOOL, include_answered=True, exported_on=SENT)
    filled = fill(workbook, {"vendor.dpf_certified": "nej"},
                  respondent={"name": "Kim Berg", "organisation": "Classwise Europe Ltd",
                              "date": dt.datetime(2026, 12, 2)})
    result = import_answers(filled, SCHOOL, answers_name="q.xlsx", today=WHEN)
    assert (result.statement.who, result.statement.when, result.statement.role) == \
        ("Kim Berg, Classwise Europe Ltd", dt.date(2026, 12, 2), "vendor")
    overridden = import_answers(filled, SCHOOL, who="Procurement desk", role="procurement",
                                when=WHEN)
    assert (overridden.statement.who, overridden.statement.role) == \
        ("Procurement desk", "procurement")


def test_an_import_reads_with_a_reviewer_already_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The workspace passes its Reviewer: the same result, and no profile or rules loaded."""
    from secreview.exchange import engine

    filled = fill(export_workbook(SCHOOL, include_answered=True, exported_on=SENT),
                  {"vendor.dpf_certified": "nej"})
    loaded_afresh = import_answers(filled, SCHOOL, answers_name="q.xlsx", today=WHEN)
    reviewer = Reviewer()

    def no_new_reviewer(*_args: Any, **_kwargs: Any) -> Reviewer:
        raise AssertionError("a Reviewer was loaded although one was given")

    monkeypatch.setattr(engine, "reviewer", no_new_reviewer)
    given = import_answers(filled, SCHOOL, answers_name="q.xlsx", today=WHEN, reviewer=reviewer)
    assert given.text == loaded_afresh.text
    assert given.summary == loaded_afresh.summary


def test_a_workbook_for_another_system_or_version_is_refused_unless_forced() -> None:
    workbook = fill(export_workbook(SCHOOL, include_answered=True, exported_on=SENT),
                    {"vendor.dpf_certified": "nej"})
    with pytest.raises(InputError, match="another system"):
        _import(workbook, HR)
    forced = _import(workbook, HR, force=True)
    assert any("--force" in note.en for note in forced.notes)
    book = zipfile.ZipFile(io.BytesIO(workbook))
    assert book.testzip() is None
    changed = SCHOOL.replace("  name: Lärportalen (Classwise Learn)\n",
                             "  name: Lärportalen (Classwise Learn)\n  capability: LMS\n")
    assert any("changed since" in n.en for n in _import(workbook, changed.replace(
        "  capability: Lärplattform\n", "")).notes)


def test_csv_answers_import_too(tmp_path: Path) -> None:
    text, answers = without_vendor_answers(HR)
    file = tmp_path / "system.yaml"
    file.write_text(text, encoding="utf-8")
    runner = CliRunner()
    exported = runner.invoke(main, ["questions", str(file), "--for", "vendor", "--format",
                                    "csv", "--lang", "en"])
    import csv

    rows = list(csv.reader(io.StringIO(exported.output.removeprefix("\ufeff")), delimiter=";"))
    header = rows[0]
    fact, answer, source = header.index("Fact in the system description"), \
        header.index("Answer"), header.index("Source: where it is documented")
    body = [row for row in rows[1:] if row[fact] in answers]
    for row in body:
        row[answer] = str(answer_cell(FACTS[row[fact]], answers[row[fact]], "en"))
        row[source] = "Tender answer 3.1"
    body[0][answer] = "=1+1"
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows([header, *body])
    result = import_answers(("\ufeff" + out.getvalue()).encode(), text, answers_name="a.csv",
                            today=WHEN)
    assert result.summary.refused == 1 and result.problems[0].line == 2
    assert result.summary.answered == len(body) - 1
    assert any("CSV" in note.en for note in result.notes)
    entry = load(result.text, "system.yaml").system.provenance[body[1][fact]]
    assert (entry.role, entry.source) == ("vendor", "Tender answer 3.1")


def test_hostile_files_are_refused_before_parsing(tmp_path: Path) -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))
    assert len(bomb.getvalue()) < 100_000
    with pytest.raises(InputError, match="unpacks to too much"):
        _import(bomb.getvalue(), SCHOOL)
    with pytest.raises(InputError, match=r"not a readable \.xlsx"):
        _import(b"PK\x03\x04 broken", SCHOOL)
    # An entity in the XML (billion laughs, external entities): defusedxml refuses it.
    workbook = export_workbook(SCHOOL, exported_on=SENT)
    source = zipfile.ZipFile(io.BytesIO(workbook))
    hostile = io.BytesIO()
    with zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/workbook.xml":
                assert not data.startswith(b"<?xml")
                data = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + data
            archive.writestr(info.filename, data)
    with pytest.raises(InputError, match=r"EntitiesForbidden|DTDForbidden"):
        _import(hostile.getvalue(), SCHOOL)
    with pytest.raises(InputError, match="no fact and answer columns"):
        _import(b"just,some\ntext,here\n", SCHOOL)


def test_cli_round_trip_and_exit_codes(tmp_path: Path) -> None:
    system = tmp_path / "school.yaml"
    system.write_text(SCHOOL, encoding="utf-8")
    workbook = tmp_path / "q.xlsx"
    runner = CliRunner()
    made = runner.invoke(main, ["questions", str(system), "--for", "vendor", "--format", "xlsx",
                                "-o", str(workbook), "--all"])
    assert made.exit_code == 0, made.output
    workbook.write_bytes(fill(workbook.read_bytes(), {"vendor.dpf_certified": "nej"},
                              sources={"vendor.dpf_certified": "DPA bilaga 2"}))
    new = tmp_path / "new.yaml"
    done = runner.invoke(main, ["answers", "import", str(workbook), "--into", str(system),
                                "-o", str(new), "--lang", "en", "--date", "2026-12-03"])
    assert done.exit_code == 0, done.output
    # visitor_consent is the one vendor question left: no visitor tracking, nothing to consent to
    assert "0 answered, 1 changed, 0 confirmed, 1 still unknown, 0 refused." in done.output
    assert system.read_text(encoding="utf-8") == SCHOOL
    assert "  dpf_certified: false\n" in new.read_text(encoding="utf-8")
    reviewed = runner.invoke(main, ["review", str(new), "--format", "md"])
    assert "enligt leverantören 3 december 2026, DPA bilaga 2" in reviewed.output
    workbook.write_bytes(fill(workbook.read_bytes(), {"hosting.deployment": "molnet"}))
    partly = runner.invoke(main, ["answers", "import", str(workbook), "--into", str(system),
                                  "-o", str(tmp_path / "partly.yaml")])
    assert partly.exit_code == 1
    assert f"{workbook}:Frågor!G" in partly.output and "1 avvisat." in partly.output
    over = runner.invoke(main, ["answers", "import", str(workbook), "--into", str(system),
                                "-o", str(system)])
    assert over.exit_code == 2 and "over an input" in over.output
    other = runner.invoke(main, ["answers", "import", str(workbook), "--into",
                                 str(EXAMPLES / "hr-service-se.yaml"), "-o",
                                 str(tmp_path / "x.yaml")])
    assert other.exit_code == 2 and "another system" in other.output
    no_output = runner.invoke(main, ["questions", str(system), "--format", "xlsx"])
    assert no_output.exit_code == 2 and "-o" in no_output.output


VENDOR_FACTS = sorted(f for f in FACTS if addressee_of(f) == "vendor")


@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.data())
def test_import_of_an_untouched_export_returns_the_same_description(data: Any) -> None:
    """Property: whatever a description holds (and whoever said it), sending it out and reading
    back the workbook unchanged gives back the very same text."""
    facts = data.draw(st.lists(st.sampled_from(VENDOR_FACTS), max_size=12, unique=True))
    description: dict[str, Any] = {"system": {"name": data.draw(st.text(
        alphabet="abcdefghij åäö-", min_size=1, max_size=20))}}
    for fact in facts:
        *parents, leaf = fact.split(".")
        node = description
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = data.draw(values(FACTS[fact]))
    consistent(description)
    facts = [fact for fact in facts if fact_in(description, fact)]
    attributed = data.draw(st.lists(st.sampled_from(facts), unique=True)) if facts else []
    description["provenance"] = {
        fact: {"role": "vendor", "when": WHEN,
               "source": data.draw(st.sampled_from([None, "DPA  bilaga 2", "=x", " a "])),
               "comment": data.draw(st.sampled_from([None, "rad ett\nrad två", "  "]))}
        for fact in attributed}
    for entry in description["provenance"].values():
        for key in ("source", "comment"):
            if entry[key] is None:
                del entry[key]
    text = yaml.safe_dump(description, allow_unicode=True, sort_keys=False)
    SystemDescription.model_validate(load(text, "x.yaml").system_doc.data)
    lang = data.draw(st.sampled_from(["sv", "en"]))
    workbook = export_workbook(text, source="x.yaml", include_answered=True, lang=lang,
                               exported_on=SENT)
    result = import_answers(workbook, text, answers_name="q.xlsx", source="x.yaml", today=WHEN)
    assert result.problems == []
    assert result.text == text


def test_procurement_verifies_a_vendor_answer_and_its_condition_goes() -> None:
    def verify_facts(text: str) -> set[str | None]:
        decision = review(load(text, "system.yaml")).decision
        return {c.verify_fact for c in decision.conditions if c.verify_fact}

    workbook = export_workbook(HR, include_answered=True, exported_on=SENT)
    vendor = _import(fill(workbook, sources={"access.mfa_admins": "DPA bilaga 2"}), HR)
    assert vendor.confirmed == ["access.mfa_admins"]
    assert verify_facts(vendor.text) == {"access.mfa_admins"}
    again = export_workbook(vendor.text, include_answered=True, exported_on=SENT)
    verified = _import(fill(again, sources={"access.mfa_admins": "Avtal bilaga 3, 4.2"}),
                       vendor.text, role="procurement", who="Upphandlingsenheten")
    entry = load(verified.text, "system.yaml").system.provenance["access.mfa_admins"]
    assert (entry.role, entry.source, entry.history[-1].role) == \
        ("procurement", "Avtal bilaga 3, 4.2", "vendor")
    assert verify_facts(verified.text) == set()
    assert _decision(verified.text) == "approve"


@pytest.mark.parametrize(("n", "sv", "en"), [
    (1, "1 nytt svar, 1 ändrat, 1 bekräftat, 1 fortfarande okänt, 1 avvisat.",
     "1 answered, 1 changed, 1 confirmed, 1 still unknown, 1 refused."),
    (2, "2 nya svar, 2 ändrade, 2 bekräftade, 2 fortfarande okända, 2 avvisade.",
     "2 answered, 2 changed, 2 confirmed, 2 still unknown, 2 refused."),
])
def test_the_import_summary_agrees_with_each_count(n: int, sv: str, en: str) -> None:
    """The line ``secreview exchange import`` prints: "1 nytt svar", never "1 nya svar"."""
    summary = ImportSummary(answered=n, changed=n, confirmed=n, still_unknown=n, refused=n)
    assert (summary.text("sv"), summary.text("en")) == (sv, en)
