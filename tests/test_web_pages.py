"""The workspace's pages through a real ASGI client: sign-in, the questionnaire with autosave,
routing and the live decision, saving versions, the register, history, reports, sign-off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.web_support import Browser, make_app

# Every test here starts the workspace (the FastAPI app on a freshly migrated database) and
# drives it through many requests: integration tests for CI, not for the fast loop.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    return make_app(tmp_path, monkeypatch)


def test_pages_need_a_signed_in_user(app: Any) -> None:
    browser = Browser(app)
    response = browser.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert browser.get("/login").status_code == 200
    assert browser.get("/healthz").text == "ok"


def test_sign_in_and_wrong_password(app: Any) -> None:
    browser = Browser(app)
    wrong = browser.login("lead", "not the password")
    assert wrong.status_code == 401 and "Fel användarnamn eller lösenord" in wrong.text
    assert browser.login("lead").status_code == 303
    assert "Register över system" in browser.get("/").text


def test_questionnaire_autosaves_hides_routed_questions_and_re_evaluates(app: Any) -> None:
    browser = Browser(app)
    browser.login("lead")
    system_id = browser.create_system("Bokning", owner_board="KS")
    page = browser.get(f"/systems/{system_id}/questionnaire")
    assert page.status_code == 200
    assert 'id="q-ai-automated_decisions" data-path="ai.automated_decisions">' in page.text
    assert "Vet ej" in page.text
    response = browser.answer(system_id, "ai.used", "false")
    body = response.json()
    assert response.status_code == 200 and body["ok"]
    assert "ai.automated_decisions" in body["hidden"] and "ai.used" not in body["hidden"]
    assert "Beslut just nu" in body["decision_html"]
    reloaded = browser.get(f"/systems/{system_id}/questionnaire")
    assert 'id="q-ai-automated_decisions" data-path="ai.automated_decisions" hidden>' in \
        reloaded.text
    assert 'name="f:ai.used" value="false" checked' in reloaded.text
    # Unknown is never shown as no: an unanswered yes/no question has "vet ej" checked.
    assert 'name="f:users.staff" value="" checked' in reloaded.text


def test_a_bad_answer_gets_the_clis_problem_and_is_not_stored(app: Any) -> None:
    browser = Browser(app)
    browser.login("lead")
    system_id = browser.create_system()
    response = browser.answer(system_id, "users.number_of_users", "many")
    assert response.status_code == 422
    problems = response.json()["problems"]["users.number_of_users"]
    assert "write a whole number without quotes" in problems[0]
    country = browser.answer(system_id, "vendor.country", "Sweden")
    assert "vendor.country" in country.json()["problems"]
    # The engine's input checks hold for answers as for files: no bidi overrides, no NaN/inf.
    assert browser.answer(system_id, "vendor.name", "Acme\u202eAB").status_code == 422
    assert browser.answer(system_id, "continuity.rto_hours", "9" * 400).status_code == 422
    page = browser.post(f"/systems/{system_id}/questionnaire",
                        {"p:users.number_of_users": "1", "f:users.number_of_users": "x1",
                         "action": "save"})
    assert page.status_code == 400 and "write a whole number" in page.text


def test_the_form_works_without_javascript(app: Any) -> None:
    """A plain form post saves every answer on the page, then the draft becomes version 2."""
    browser = Browser(app)
    browser.login("lead")
    system_id = browser.create_system()
    browser.get(f"/systems/{system_id}/questionnaire")
    data = {"p:personal_data.processed": "1", "f:personal_data.processed": "false",
            "p:access.staff_eid": "1", "s:access.staff_eid": "listed",
            "f:access.staff_eid": ["siths", "bankid"],
            "p:hosting.content.countries": "1", "s:hosting.content.countries": "listed",
            "f:hosting.content.countries": "se\nFI",
            "p:hosting.subprocessors": "1", "s:hosting.subprocessors": "listed",
            "o:hosting.subprocessors:0:name": "Drift AB",
            "o:hosting.subprocessors:0:country": "SE",
            "o:hosting.subprocessors:1:name": "",
            "p:continuity.availability_target": "1", "f:continuity.availability_target": "99,5",
            "action": "save"}
    saved = browser.post(f"/systems/{system_id}/questionnaire", data)
    assert saved.status_code == 303, saved.text
    text = browser.get(f"/systems/{system_id}/versions/2/description").text
    assert "processed: false" in text and "- siths" in text and "- SE" in text
    assert "name: Drift AB" in text and "availability_target: 99.5" in text
    page = browser.get(f"/systems/{system_id}/questionnaire")
    assert 'data-path="dpia_screening.large_scale" hidden>' in page.text


def _two_sessions_on_one_system(app: Any) -> tuple[Browser, Browser, int]:
    """A project lead and an officer, both with the questionnaire of one new system open."""
    lead, officer = Browser(app), Browser(app)
    lead.login("lead")
    officer.login("officer")
    system_id = lead.create_system()
    lead.get(f"/systems/{system_id}/questionnaire")
    officer.get(f"/systems/{system_id}/questionnaire")
    return lead, officer, system_id


def test_two_sessions_editing_one_system(app: Any) -> None:
    """Both start from version 1; the second save is refused with a clear message, both
    versions are kept, and merging applies the second person's answers on top."""
    lead, officer, system_id = _two_sessions_on_one_system(app)
    assert lead.answer(system_id, "ai.used", "false").json()["ok"]
    assert officer.answer(system_id, "vendor.country", "SE").json()["ok"]
    assert lead.post(f"/systems/{system_id}/questionnaire", {"action": "save"}
                     ).status_code == 303
    refused = officer.post(f"/systems/{system_id}/questionnaire", {"action": "save"})
    assert refused.status_code == 409
    assert "Version 2 sparades av lead efter version 1" in refused.text
    assert 'name="f:vendor.country" value="SE"' in refused.text
    merged = officer.post(f"/systems/{system_id}/questionnaire", {"action": "merge"})
    assert merged.status_code == 200 and "införda i version 2" in merged.text
    assert officer.post(f"/systems/{system_id}/questionnaire",
                        {"action": "save"}).status_code == 303
    final = officer.get(f"/systems/{system_id}/versions/3/description").text
    assert "used: false" in final and "country: SE" in final
    assert "used: false" in lead.get(f"/systems/{system_id}/versions/2/description").text


def test_register_filters_csv_history_diff_and_reports(app: Any) -> None:
    browser = Browser(app)
    browser.login("lead")
    first = browser.create_system("Lärplattform A", owner_board="UN", capability="Lärplattform")
    browser.create_system("Lärplattform B", owner_board="KS", capability="lärplattform")
    browser.get(f"/systems/{first}/questionnaire")
    browser.answer(first, "ai.used", "false")
    browser.post(f"/systems/{first}/questionnaire", {"action": "save"})
    register = browser.get("/").text
    assert "Samma förmåga i flera system" in register and "överlapp" in register
    filtered = browser.get("/?board=KS").text
    rows = filtered.split("<tbody>")[1].split("</tbody>")[0]
    assert "Lärplattform B" in rows and "Lärplattform A" not in rows
    csv_text = browser.get("/register.csv?board=UN").content.decode("utf-8-sig")
    assert "Lärplattform A" in csv_text and "Lärplattform B" not in csv_text
    history = browser.get(f"/systems/{first}").text
    assert "v2" in history and "v1" in history
    diff = browser.get(f"/systems/{first}/diff?a=1&b=2")
    assert diff.status_code == 200 and "Förändringar från version 1 till version 2" in diff.text
    # An answered question by its name, with its path beside it for the officer.
    assert "<li>användning av AI eller maskininlärning <code>ai.used</code></li>" in diff.text
    assert browser.get(f"/systems/{first}/diff?a=1&b=x").status_code == 400
    report = browser.get(f"/systems/{first}/versions/2/report.html")
    assert report.status_code == 200 and "Lärplattform A" in report.text
    assert "'unsafe-inline'" in report.headers["content-security-policy"]
    assert "script-src 'self'" in report.headers["content-security-policy"]
    assert browser.get(f"/systems/{first}/versions/9").status_code == 404


def test_language_follows_the_user(app: Any) -> None:
    browser = Browser(app)
    browser.login("lead")
    browser.get("/")
    browser.post("/me/language", {"lang": "en", "back": "/"})
    assert "Register of systems" in browser.get("/").text


def test_sign_off_decision_and_pdf(app: Any) -> None:
    from pypdf import PdfReader

    lead, officer, board = Browser(app), Browser(app), Browser(app)
    lead.login("lead")
    officer.login("officer")
    board.login("board")
    system_id = lead.create_system()
    officer.get(f"/systems/{system_id}")
    assert officer.post(f"/systems/{system_id}/versions/1/sign",
                        {"statement": "Granskad."}).status_code == 303
    page = officer.get(f"/systems/{system_id}").text
    assert "Signerad av Officer" in page
    assert officer.post(f"/systems/{system_id}/versions/1/sign").status_code == 409
    board.get(f"/systems/{system_id}")
    assert board.post(f"/systems/{system_id}/versions/1/decision",
                      {"outcome": "reject", "note": "Nej"}).status_code == 303
    pdf = lead.get(f"/systems/{system_id}/versions/1/report.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(
        __import__("io").BytesIO(pdf.content)).pages[:2])
    assert "Underlaget är ofullständigt" in text


def test_an_uploaded_description_is_the_next_version_with_its_file_name(app: Any) -> None:
    browser = Browser(app)
    browser.login("lead")
    system_id = browser.create_system()
    browser.get(f"/systems/{system_id}")
    text = (ROOT / "examples" / "school-platform.yaml").read_bytes()
    saved = browser.client.post(f"/systems/{system_id}/upload",
                                data={"csrf_token": browser.csrf, "base": "1"},
                                files={"file": ("skolplattform.yaml", text)},
                                follow_redirects=False)
    assert saved.status_code == 303
    assert browser.get(f"/systems/{system_id}/versions/2/description").content == text
    assert 'formulär <small class="muted">skolplattform.yaml</small>' in \
        browser.get(f"/systems/{system_id}").text
    stale = browser.client.post(f"/systems/{system_id}/upload",
                                data={"csrf_token": browser.csrf, "base": "1"},
                                files={"file": ("skolplattform.yaml", text)})
    assert stale.status_code == 409


def test_a_merge_conflict_names_the_question_and_the_answers_in_words(app: Any) -> None:
    """Two people answered one question differently: the page says which question in words
    (its path beside it for the officer) and each answer by its label, not its YAML value."""
    lead, officer, system_id = _two_sessions_on_one_system(app)
    assert lead.answer(system_id, "hosting.deployment", "saas").json()["ok"]
    assert officer.answer(system_id, "hosting.deployment", "on_premises").json()["ok"]
    assert lead.post(f"/systems/{system_id}/questionnaire", {"action": "save"}
                     ).status_code == 303
    merged = officer.post(f"/systems/{system_id}/questionnaire", {"action": "merge"})
    assert merged.status_code == 200
    assert ("leveransformen <code>hosting.deployment</code>: ditt svar egen drift "
            "(on-premises), deras svar molntjänst (SaaS)") in merged.text


@pytest.mark.parametrize(("n", "en"), [
    (1, "1 answer came from the new version, 1 of your changes was kept, "
        "0 answers were changed by you both"),
    (2, "2 answers came from the new version, 2 of your changes were kept, "
        "0 answers were changed by you both"),
])
def test_the_merge_summary_agrees_with_each_count(app: Any, n: int, en: str) -> None:
    lead, officer, system_id = _two_sessions_on_one_system(app)
    officer.post("/me/language", {"lang": "en", "back": "/"})
    for path, value in [("ai.used", "false"), ("vendor.name", "Acme")][:n]:
        assert lead.answer(system_id, path, value).json()["ok"]
    for path, value in [("vendor.country", "SE"), ("hosting.deployment", "saas")][:n]:
        assert officer.answer(system_id, path, value).json()["ok"]
    assert lead.post(f"/systems/{system_id}/questionnaire", {"action": "save"}
                     ).status_code == 303
    merged = officer.post(f"/systems/{system_id}/questionnaire", {"action": "merge"})
    assert merged.status_code == 200 and en in merged.text


def test_the_register_counts_its_systems(app: Any) -> None:
    browser = Browser(app)
    browser.login("lead")
    browser.create_system("A")
    assert "<p class=\"muted\">1 system. Senaste granskning" in browser.get("/").text
    browser.post("/me/language", {"lang": "en", "back": "/"})
    assert "<p class=\"muted\">1 system. The latest review" in browser.get("/").text
    browser.create_system("B")
    assert "<p class=\"muted\">2 systems. The latest review" in browser.get("/").text
    browser.post("/me/language", {"lang": "sv", "back": "/"})
    assert "<p class=\"muted\">2 system. Senaste granskning" in browser.get("/").text
