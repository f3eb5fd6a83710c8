"""The vendor workbook round trip in the workspace: download the questions, fill them in as a
vendor would (openpyxl), upload, and find a new version with who gave each answer and the
decision the answers call for; refusals, roles, CSRF and size limits; the same through the API."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from tests.exchange_support import FACTS, fill, rows_of, without_vendor_answers
from tests.web_support import Browser, make_app, plain_client

from secreview.exchange.cells import answer_cell

# Every test here starts the workspace (the FastAPI app on a freshly migrated database) and
# drives it through many requests: integration tests for CI, not for the fast loop.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
HR = (ROOT / "examples" / "hr-service-se.yaml").read_text(encoding="utf-8")
PAYLOAD = "<script>alert(1)</script>"


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    return make_app(tmp_path, monkeypatch)


def _create(browser: Browser, text: str, name: str = "hr.yaml") -> int:
    browser.get("/systems/new")
    response = browser.client.post("/systems/new", data={"csrf_token": browser.csrf},
                                   files={"file": (name, text.encode("utf-8"))},
                                   follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    return int(response.headers["location"].split("/")[2])


def _upload(browser: Browser, system_id: int, workbook: bytes, name: str = "svar.xlsx",
            **fields: str) -> Any:
    browser.get(f"/systems/{system_id}")
    return browser.client.post(f"/systems/{system_id}/workbook",
                               data={"csrf_token": browser.csrf, **fields},
                               files={"file": (name, workbook)}, follow_redirects=False)


def _typed(workbook: bytes, answers: dict[str, Any]) -> dict[str, Any]:
    """The description's answers to the workbook's questions, typed as the vendor would."""
    return {fact: answer_cell(FACTS[fact], answers[fact], "sv") for fact in rows_of(workbook)
            if fact in answers}


def _latest(browser: Browser, system_id: int) -> tuple[int, str, str]:
    """The latest version's number, its text and its outcome (from the system page)."""
    page = browser.get(f"/systems/{system_id}").text
    number = int(re.search(r"/versions/(\d+)/description", page).group(1))  # type: ignore[union-attr]
    outcome = re.search(r'id="latest-outcome">([^<]+)<', page).group(1)  # type: ignore[union-attr]
    text = browser.get(f"/systems/{system_id}/versions/{number}/description").text
    return number, text, outcome


def _text(page: str) -> str:
    """A page's words, as a reader sees them."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_download_fill_upload_gives_a_new_version_with_provenance(
        database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On SQLite and PostgreSQL: the vendor's answers make version 2 (author the uploader,
    source the workbook's name), every answer carries its provenance, the decision follows
    them, and a second workbook that changes an answer makes version 3 with the history."""
    app = make_app(tmp_path, monkeypatch, url=database_url)
    lead = Browser(app)
    lead.login("lead")
    text, answers = without_vendor_answers(HR)
    system_id = _create(lead, text)
    assert _latest(lead, system_id)[2] == "Underlaget är ofullständigt"
    page = lead.get(f"/systems/{system_id}").text
    assert 'id="download-workbook"' in page and 'id="upload-answers"' in page
    download = lead.get(f"/systems/{system_id}/workbook.xlsx?for=vendor")
    assert download.status_code == 200
    assert download.headers["content-disposition"] == \
        f'attachment; filename="system-{system_id}-v1-vendor-sv.xlsx"'
    typed = _typed(download.content, answers)
    assert len(typed) > 20
    filled = fill(download.content, typed, sources=dict.fromkeys(typed, "DPA bilaga 2"),
                  respondent={"name": "Kim Berg", "organisation": "HR-tjänst Norden AB"})

    response = _upload(lead, system_id, filled, name="hr-svar.xlsx")
    assert response.status_code == 303
    result = lead.get(response.headers["location"])
    assert result.status_code == 200
    words = _text(result.text)
    assert f"Nya svar {len(typed)} Ändrade 0 Bekräftade 0" in words
    assert "Avvisade 0" in words and "Sparad som version 2" in words
    assert "Kim Berg, HR-tjänst Norden AB (Leverantör)" in words

    number, saved, outcome = _latest(lead, system_id)
    assert number == 2 and outcome == "Godkänns med villkor"
    assert "provenance:" in saved and "who: 'Kim Berg, HR-tjänst Norden AB'" in saved
    assert "source: DPA bilaga 2" in saved
    history = lead.get(f"/systems/{system_id}").text
    assert "arbetsbok <small class=\"muted\">hr-svar.xlsx</small>" in history
    assert "workbook.import" in history

    # The vendor corrects one answer in a workbook with every question to confirm.
    again = lead.get(f"/systems/{system_id}/workbook.xlsx?for=vendor&all=1").content
    worse = fill(again, {"vendor.third_country_law_access": "ja",
                         "contract.vendor_own_purposes": "ja"},
                 sources={"vendor.third_country_law_access": "Svar 2026-12-10"})
    second = lead.get(_upload(lead, system_id, worse, name="rättelse.xlsx")
                      .headers["location"])
    assert "Ändrade 2" in _text(second.text) and "Sparad som version 3" in _text(second.text)
    number, saved, outcome = _latest(lead, system_id)
    assert number == 3 and outcome == "Avslås"
    assert "history:" in saved and "Svar 2026-12-10" in saved

    client = _api(app, "lead")
    versions = client.get(f"/api/systems/{system_id}").json()["versions"]
    assert [(v["source"], v["source_name"], v["author"]) for v in versions] == [
        ("web", None, "lead"), ("workbook", "hr-svar.xlsx", "lead"),
        ("workbook", "rättelse.xlsx", "lead")]


def test_another_systems_workbook_is_refused_unless_forced(app: Any) -> None:
    lead = Browser(app)
    lead.login("lead")
    first = lead.create_system("Bokning")
    second = lead.create_system("Lönesystem")
    workbook = lead.get(f"/systems/{first}/workbook.xlsx").content
    answer = next(iter(rows_of(workbook)))
    filled = fill(workbook, {answer: "okänt"}, sources={answer: "Offert 2026"})
    refused = lead.get(_upload(lead, second, filled).headers["location"])
    words = _text(refused.text)
    assert "Arbetsboken lästes inte in" in words
    assert "Arbetsboken gjordes för systemet 'Bokning', inte för 'Lönesystem'." in words
    assert "Ingenting har ändrats" in words and "läs in ändå" in words
    assert "--force" not in words  # the command line's hint is not the page's
    assert _latest(lead, second)[0] == 1  # nothing is lost or added
    assert "workbook.refused" in lead.get(f"/systems/{second}").text

    forced = lead.get(_upload(lead, second, filled, force="1").headers["location"])
    words = _text(forced.text)
    assert "Arbetsboken lästes inte in" not in words
    assert "”Läs in ändå” var ikryssat" in words and "--force" not in words
    assert _latest(lead, second)[0] == 2


def test_a_formula_is_refused_and_located_in_both_languages(app: Any) -> None:
    lead = Browser(app)
    lead.login("lead")
    system_id = lead.create_system("Bokning")
    workbook = lead.get(f"/systems/{system_id}/workbook.xlsx").content
    rows = rows_of(workbook)
    row = rows["hosting.deployment"]["answer"].row
    filled = fill(workbook, {"hosting.encryption_in_transit": "ja"},
                  formulas={"hosting.deployment": "=A1"})
    location = _upload(lead, system_id, filled).headers["location"]
    words = _text(lead.get(location).text)
    assert "Avvisade svar (1)" in words
    assert f"Frågor {row} 7 G{row} a formula is not an answer" in words
    assert "Sparad som version 2" in words  # the other answer was imported
    lead.post("/me/language", {"lang": "en", "back": "/"})
    english = _text(lead.get(location).text)
    assert "Refused answers (1)" in english and "Sheet Row Column Cell Problem" in english
    assert "Saved as version 2" in english


def test_an_unchanged_workbook_saves_no_version(app: Any) -> None:
    lead = Browser(app)
    lead.login("lead")
    system_id = lead.create_system("Bokning")
    workbook = lead.get(f"/systems/{system_id}/workbook.xlsx").content
    words = _text(lead.get(_upload(lead, system_id, workbook).headers["location"]).text)
    assert "ingen ny version sparades (version 1 gäller)" in words
    assert _latest(lead, system_id)[0] == 1


@pytest.mark.parametrize("who", ["lead2", "board", "admin"])
def test_only_the_systems_lead_and_the_officer_may_upload(app: Any, who: str) -> None:
    owner = Browser(app)
    owner.login("lead")
    system_id = owner.create_system()
    workbook = fill(owner.get(f"/systems/{system_id}/workbook.xlsx").content,
                    {"hosting.encryption_in_transit": "ja"})
    other = Browser(app)
    other.login(who)
    assert _upload(other, system_id, workbook).status_code == 403
    assert 'id="upload-answers"' not in other.get(f"/systems/{system_id}").text
    officer = Browser(app)
    officer.login("officer")
    assert _upload(officer, system_id, workbook).status_code == 303
    assert _latest(owner, system_id)[0] == 2


def test_an_upload_without_the_csrf_token_is_refused(app: Any) -> None:
    lead = Browser(app)
    lead.login("lead")
    system_id = lead.create_system()
    workbook = fill(lead.get(f"/systems/{system_id}/workbook.xlsx").content,
                    {"hosting.encryption_in_transit": "ja"})
    for token in ({}, {"csrf_token": "forged"}):
        response = lead.client.post(f"/systems/{system_id}/workbook", data=token,
                                    files={"file": ("svar.xlsx", workbook)},
                                    follow_redirects=False)
        assert response.status_code == 403
    assert _latest(lead, system_id)[0] == 1


def test_oversized_and_empty_uploads_are_refused(app: Any) -> None:
    lead = Browser(app)
    lead.login("lead")
    system_id = lead.create_system()
    big = b"PK\x03\x04" + b"\0" * (3 * 1024 * 1024)
    assert _upload(lead, system_id, big).status_code == 413
    assert _upload(lead, system_id, b"").status_code == 400
    not_a_workbook = lead.get(_upload(lead, system_id, b"PK\x03\x04junk").headers["location"])
    assert "Arbetsboken lästes inte in" in _text(not_a_workbook.text)
    assert _latest(lead, system_id)[0] == 1


def test_download_for_another_addressee_and_in_english(app: Any) -> None:
    import io

    import openpyxl

    lead = Browser(app)
    lead.login("lead")
    system_id = lead.create_system()
    dpo = lead.get(f"/systems/{system_id}/workbook.xlsx?for=dpo")
    assert dpo.status_code == 200 and "-dpo-sv.xlsx" in dpo.headers["content-disposition"]
    assert set(rows_of(dpo.content)).isdisjoint(rows_of(
        lead.get(f"/systems/{system_id}/workbook.xlsx").content))
    assert lead.get(f"/systems/{system_id}/workbook.xlsx?for=vendr").status_code == 400
    lead.post("/me/language", {"lang": "en", "back": "/"})
    english = lead.get(f"/systems/{system_id}/workbook.xlsx")
    assert "Questions" in openpyxl.load_workbook(io.BytesIO(english.content)).sheetnames


def test_hostile_names_and_answers_are_inert_on_the_result_page(app: Any) -> None:
    lead = Browser(app)
    lead.login("lead")
    system_id = lead.create_system()
    workbook = lead.get(f"/systems/{system_id}/workbook.xlsx").content
    filled = fill(workbook, {"hosting.deployment": PAYLOAD},
                  sources={"hosting.encryption_in_transit": PAYLOAD}, respondent={"name": PAYLOAD})
    response = _upload(lead, system_id, filled, name=f"../../{PAYLOAD}\u202e.xlsx")
    page = lead.get(response.headers["location"])
    html = page.text
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "\u202e" not in html and "../" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and " style=" not in html


# --- the JSON API -------------------------------------------------------------------------------

def _api(app: Any, name: str) -> Any:
    from secreview.store.accounts import new_token, require_user

    with app.state.workspace.sessions() as session, session.begin():
        token = new_token(session, require_user(session, name))
    client = plain_client(app)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_api_downloads_and_imports_a_workbook(app: Any) -> None:
    lead = Browser(app)
    lead.login("lead")
    system_id = lead.create_system("Bokning")
    client = _api(app, "lead")
    download = client.get(f"/api/systems/{system_id}/workbook.xlsx?for=vendor&lang=en")
    assert download.status_code == 200 and download.headers["content-type"] == XLSX
    filled = fill(download.content,
                  {"hosting.encryption_in_transit": "ja", "hosting.deployment": "molnet"},
                  sources={"hosting.encryption_in_transit": "Avtal 4.2"})
    response = client.post(f"/api/systems/{system_id}/answers?name=svar.xlsx",
                           content=filled, headers={"content-type": XLSX})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["imported"] and body["version"]["number"] == 2
    assert body["version"]["source"] == "workbook" and body["version"]["source_name"] == "svar.xlsx"
    assert body["summary"] == {"answered": 1, "changed": 0, "confirmed": 0,
                               "still_unknown": body["summary"]["still_unknown"], "refused": 1}
    problem = body["problems"][0]
    assert (problem["file"], problem["sheet"], problem["column"]) == ("svar.xlsx", "Questions", 7)
    assert problem["line"] == rows_of(filled)["hosting.deployment"]["answer"].row
    assert body["answered"] == ["hosting.encryption_in_transit"]
    assert body["answered_by"]["role"] == "vendor"
    assert "Avtal 4.2" in lead.get(f"/systems/{system_id}/versions/2/description").text
    assert lead.get(f"/systems/{system_id}/imports/{body['log_entry']}").status_code == 200

    again = client.post(f"/api/systems/{system_id}/answers", content=download.content)
    assert again.status_code == 200 and not again.json()["imported"]
    other = lead.create_system("Lönesystem")
    refused = client.post(f"/api/systems/{other}/answers", content=filled)
    assert refused.status_code == 400
    assert refused.json()["problems"][0]["code"] == "exchange.other_system"
    forced = client.post(f"/api/systems/{other}/answers?force=true", content=filled)
    assert forced.status_code == 201 and forced.json()["forced"]
    assert _api(app, "lead2").post(f"/api/systems/{system_id}/answers",
                                   content=filled).status_code == 403
    assert client.get(f"/api/systems/{system_id}/workbook.xlsx?for=x").status_code == 400
