"""The workbook a vendor fills in: its questions, drop-downs, protection, metadata and bytes."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from exchange_support import LABELLED, rows_of
from secreview.addressees import addressee_of
from secreview.api import Reviewer
from secreview.exchange import export_workbook
from secreview.exchange.workbook import COLUMN, FORMAT, META_SHEET
from secreview.open_questions import group_questions

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCHOOL = (EXAMPLES / "school-platform.yaml").read_text(encoding="utf-8")
SENT = dt.date(2026, 12, 1)
EXTENDED = LABELLED.parent.parent / "extended" / "extended.yaml"


def _unanswered_vendor_text() -> str:
    """The school platform with the vendor's hosting and contract answers left out."""
    lines = SCHOOL.splitlines(keepends=True)
    keep = [line for line in lines if not line.startswith(
        ("  content:", "  transfer_mechanism",
         "  vendor_own_purposes", "  dpf_certified", "  third_country_law_access"))]
    return "".join(keep)


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _validation(data: bytes, fact: str) -> tuple[list[str] | None, str]:
    """The drop-down entries (None: no list) and the prompt of ``fact``'s answer cell."""
    book = _book(data)
    sheet, lists = book.worksheets[1], book.worksheets[2]
    coordinate = rows_of(data)[fact]["answer"].coordinate
    found = next(dv for dv in sheet.data_validations.dataValidation
                 if coordinate in str(dv.sqref).split())
    if found.type != "list":
        return None, found.prompt
    column = found.formula1.split("!$")[1].split("$")[0]
    return [c.value for c in lists[column] if c.value is not None], found.prompt


@pytest.mark.slow
def test_one_row_per_open_vendor_question_in_ranked_order_grouped_by_area(
        tmp_path: Path) -> None:
    text = _unanswered_vendor_text()
    data = export_workbook(text, source="s.yaml", exported_on=SENT)
    file = tmp_path / "s.yaml"
    file.write_text(text, encoding="utf-8")
    reviewer = Reviewer()
    inputs = reviewer.load(file)
    review = reviewer.review(inputs)
    expected = [q.fact for g in group_questions(review, inputs.catalog, "vendor")
                for q in g.questions]
    rows = rows_of(data)
    assert list(rows) == expected
    assert expected and all(addressee_of(f) == "vendor" for f in expected)
    assert [rows[f]["number"].value for f in expected] == list(range(1, len(expected) + 1))
    sheet = _book(data).worksheets[1]
    headings = [sheet.cell(row=r, column=COLUMN["question"]).value
                for r in range(2, sheet.max_row + 1)
                if sheet.cell(row=r, column=COLUMN["fact"]).value is None]
    assert len(headings) == len({g.area for g in group_questions(review, inputs.catalog,
                                                                  "vendor")})


@pytest.mark.slow
def test_all_adds_the_answered_questions_with_their_answers() -> None:
    rows = rows_of(export_workbook(SCHOOL, include_answered=True, exported_on=SENT))
    assert rows["vendor.dpf_certified"]["answer"].value == "ja"
    assert rows["vendor.dpf_certified"]["current"].value == "ja"
    assert rows["hosting.content.countries"]["answer"].value == "IE; NL"
    assert rows["hosting.deployment"]["answer"].value == "molntjänst (SaaS)"
    assert "personal_data.dpia.prior_consultation_done" not in rows
    assert "classification.confidentiality" not in rows
    english = rows_of(export_workbook(SCHOOL, include_answered=True, lang="en",
                                      exported_on=SENT))
    assert english["vendor.dpf_certified"]["answer"].value == "yes"


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "plans", "media", "chosen"), [
    ("sv", ["Ingen exitplan", "Utkast till exitplan", "Testad exitplan", "okänt"],
     "Öppet API; Filexport; disk", "Filexport; disk"),
    ("en", ["No exit plan", "Draft exit plan", "Tested exit plan", "unknown"],
     "Open API; File export; disk", "File export; disk"),
])
def test_extension_facts_show_the_labels_their_ruleset_gives(lang: str, plans: list[str],
                                                             media: str, chosen: str) -> None:
    """A ruleset's own enumerations read as bundled ones do: drop-down, hint, answers."""
    data = export_workbook(SCHOOL, rules=[LABELLED], lang=lang,  # type: ignore[arg-type]
                           exported_on=SENT)
    rows = rows_of(data)
    assert {"extensions.exit_plan", "extensions.exit_media"} <= set(rows)
    assert _validation(data, "extensions.exit_plan")[0] == plans
    assert media in rows["extensions.exit_media"]["format"].value
    assert _validation(data, "extensions.exit_media") == (None, rows[
        "extensions.exit_media"]["format"].value)
    answered = SCHOOL + "extensions: {exit_plan: draft, exit_media: [files, disk]}\n"
    rows = rows_of(export_workbook(answered, rules=[LABELLED], lang=lang,  # type: ignore[arg-type]
                                   include_answered=True, exported_on=SENT))
    assert rows["extensions.exit_plan"]["answer"].value == plans[1]
    assert rows["extensions.exit_plan"]["current"].value == plans[1]
    assert rows["extensions.exit_media"]["answer"].value == chosen
    assert rows["extensions.exit_media"]["current"].value == chosen.replace(";", ",")


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "asked", "fields"), [
    ("sv", "För varje post: Vilken TLS-version använder integrationen? (i posten som "
     "extensions: {tls_version: …})", "extensions: {tls_version: 1.0\u00a0— TLS 1.0 "
     "(föråldrad); 1.1\u00a0— TLS 1.1 (föråldrad); 1.2; 1.3}."),
    ("en", "For each entry: Which TLS version does the integration use? (in the entry as "
     "extensions: {tls_version: …})", "extensions: {tls_version: 1.0\u00a0— TLS 1.0 "
     "(obsolete); 1.1\u00a0— TLS 1.1 (obsolete); 1.2; 1.3}."),
], ids=["sv", "en"])
def test_a_fact_asked_of_each_item_is_asked_on_its_lists_row(lang: str, asked: str,
                                                             fields: str) -> None:
    """A list of entries is answered whole, in one cell: the fact a ruleset asks of each
    entry is asked there, its values named with their labels."""
    rows = rows_of(export_workbook(SCHOOL, rules=[LABELLED], lang=lang,  # type: ignore[arg-type]
                                   exported_on=SENT))
    assert "integrations.extensions.tls_version" not in rows
    assert rows["integrations"]["question"].value.endswith(asked)
    assert rows["integrations"]["format"].value.endswith(f"encrypted, {fields}")
    # A ruleset that names no addressee asks the system owner, on the same row.
    owners = rows_of(export_workbook(SCHOOL, rules=[EXTENDED], addressee="system_owner",
                                     lang=lang, exported_on=SENT))  # type: ignore[arg-type]
    assert owners["integrations"]["question"].value.endswith(asked)


@pytest.mark.slow
def test_drop_downs_protection_frozen_header_and_hidden_metadata() -> None:
    data = export_workbook(SCHOOL, include_answered=True, exported_on=SENT)
    book = _book(data)
    instructions, sheet, lists, meta = book.worksheets
    assert sheet.title == "Frågor" and instructions.title == "Instruktioner"
    assert sheet.freeze_panes == "A2"
    assert lists.sheet_state == "hidden" and meta.sheet_state == "veryHidden"
    assert book.security is not None and book.security.lockStructure
    assert all(s.protection.sheet for s in book.worksheets)
    rows = rows_of(data)
    row = rows["vendor.dpf_certified"]
    for name in ("answer", "comment", "source"):
        assert row[name].protection.locked is False
    for name in ("number", "fact", "question", "why", "current"):
        assert row[name].protection.locked is not False
    validations = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    yes_no = next(dv for ref, dv in validations.items()
                  if row["answer"].coordinate in ref.split())
    assert yes_no.type == "list" and yes_no.formula1.startswith("'Listor'!$")
    column = yes_no.formula1.split("!$")[1].split("$")[0]
    assert [lists[f"{column}{i}"].value for i in (1, 2, 3)] == ["ja", "nej", "okänt"]
    level = rows["access.assurance_level"]["answer"].coordinate
    whole = next(dv for ref, dv in validations.items() if level in ref.split())
    assert (whole.type, whole.formula1, whole.formula2) == ("whole", "1", "4")
    assert sheet.column_dimensions["C"].width > 40


@pytest.mark.slow
def test_metadata_names_the_system_version_language_and_date() -> None:
    book = _book(export_workbook(SCHOOL, lang="en", exported_on=SENT))
    meta = {row[0].value: row[1].value for row in book[META_SHEET].iter_rows(max_col=2)}
    assert meta["format"] == FORMAT
    assert meta["system_name"] == "Lärportalen (Classwise Learn)"
    assert len(meta["system_sha256"]) == 64 and len(meta["questionnaire"]) == 16
    assert (meta["language"], meta["exported_on"], meta["addressee"]) == \
        ("en", "2026-12-01", "vendor")
    assert book.properties.created == dt.datetime(2026, 11, 20)
    assert book.properties.modified == dt.datetime(2026, 11, 20)


@pytest.mark.slow
def test_the_same_inputs_give_the_same_bytes() -> None:
    first = export_workbook(SCHOOL, include_answered=True, exported_on=SENT)
    assert export_workbook(SCHOOL, include_answered=True, exported_on=SENT) == first
    assert export_workbook(SCHOOL, include_answered=True,
                           exported_on=dt.date(2026, 12, 2)) != first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 11, 20, 0, 0, 0)}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\",\"y\")", "+46 8 123", "-1", "@SUM(A1)"])
def test_text_from_the_description_is_never_a_formula(name: str) -> None:
    text = SCHOOL.replace("  name: Classwise Europe Ltd", f"  name: '{name}'").replace(
        "  parent_company: Classwise Inc.", f"  parent_company: '{name}'")
    data = export_workbook(text, include_answered=True, exported_on=SENT)
    book = _book(data)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    row = rows_of(data)["vendor.name"]
    assert row["answer"].value == name and row["answer"].data_type == "s"
    assert row["answer"].quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert all(b"<f>" not in archive.read(n) for n in archive.namelist())
    meta = {r[0].value: r[1].value for r in book[META_SHEET].iter_rows(max_col=2)}
    assert json.loads(meta["vendor.name"])["value"] == name


def test_unknown_addressee_is_refused() -> None:
    from secreview.errors import InputError

    with pytest.raises(InputError, match="unknown addressee"):
        export_workbook(SCHOOL, addressee="vendors")
