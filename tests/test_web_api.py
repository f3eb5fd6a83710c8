"""The JSON API: bearer tokens, reviews of posted descriptions, the register, versions with
optimistic concurrency, the PDF, and the OpenAPI document kept in docs/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.web_support import Browser, make_app, plain_client

# Every test here starts the workspace (the FastAPI app on a freshly migrated database) and
# drives it through many requests: integration tests for CI, not for the fast loop.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
OPENAPI = ROOT / "docs" / "openapi.json"
SCHOOL = (ROOT / "examples" / "school-platform.yaml").read_bytes()


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    return make_app(tmp_path, monkeypatch)


def _token(app: Any, name: str) -> str:
    from secreview.store.accounts import new_token, require_user

    with app.state.workspace.sessions() as session, session.begin():
        return new_token(session, require_user(session, name))


def _client(app: Any, name: str = "lead") -> Any:
    client = plain_client(app)
    client.headers["Authorization"] = f"Bearer {_token(app, name)}"
    return client


def test_the_api_needs_a_token(app: Any) -> None:
    anonymous = plain_client(app)
    response = anonymous.get("/api/systems")
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    wrong = anonymous.get("/api/systems", headers={"Authorization": "Bearer srv_nonsense"})
    assert wrong.status_code == 401
    browser = Browser(app)
    browser.login("lead")
    assert browser.client.get("/api/systems").status_code == 401  # cookies are not enough


def test_tokens_are_stored_hashed(app: Any) -> None:
    from secreview.store.models import ApiToken

    token = _token(app, "lead")
    with app.state.workspace.sessions() as session:
        stored = [row.token_hash for row in session.query(ApiToken)]
    assert token not in stored and len(stored[0]) == 64


def test_post_a_yaml_or_json_description_for_a_review(app: Any) -> None:
    client = _client(app)
    response = client.post("/api/reviews", content=SCHOOL,
                           headers={"content-type": "application/yaml"})
    assert response.status_code == 200
    review = response.json()
    assert review["decision"]["outcome"] == "reject"
    as_json = client.post("/api/reviews?lang=en",
                          json={"system": {"name": "Tiny"}, "ai": {"used": False}})
    assert as_json.status_code == 200 and as_json.json()["language"] == "en"
    assert as_json.json()["decision"]["outcome"] == "incomplete"


def test_bad_input_gives_located_problems(app: Any) -> None:
    client = _client(app)
    response = client.post("/api/reviews", content=b"system:\n  nmae: X\n",
                           headers={"content-type": "application/yaml"})
    assert response.status_code == 400
    problem = response.json()["problems"][0]
    assert problem["line"] == 2 and problem["column"] == 3
    assert problem["suggestion"] == "did you mean 'name'?"
    assert client.post("/api/reviews", content=b"\xff\xfe",
                       headers={"content-type": "application/yaml"}).status_code == 400


def test_systems_detail_and_a_new_version_with_optimistic_concurrency(app: Any) -> None:
    browser = Browser(app)
    browser.login("lead")
    system_id = browser.create_system("Bokning", owner_board="KS")
    client = _client(app)
    listing = client.get("/api/systems").json()
    assert listing[0]["name"] == "Bokning" and listing[0]["outcome"] == "incomplete"
    saved = client.post(f"/api/systems/{system_id}/versions?base=1", content=SCHOOL,
                        headers={"content-type": "application/yaml"})
    assert saved.status_code == 201 and saved.json()["number"] == 2
    stale = client.post(f"/api/systems/{system_id}/versions?base=1", content=SCHOOL,
                        headers={"content-type": "application/yaml"})
    assert stale.status_code == 409 and "Nothing was overwritten" in stale.json()["error"]
    detail = client.get(f"/api/systems/{system_id}").json()
    assert [v["number"] for v in detail["versions"]] == [1, 2]
    assert detail["versions"][1]["outcome"] == "reject" and detail["versions"][1]["rulesets"]
    other = _client(app, "lead2")
    assert other.post(f"/api/systems/{system_id}/versions?base=2", content=SCHOOL,
                      headers={"content-type": "application/yaml"}).status_code == 403
    assert client.get("/api/systems/999").status_code == 404


def test_the_pdf_report(app: Any) -> None:
    browser = Browser(app)
    browser.login("lead")
    system_id = browser.create_system()
    client = _client(app, "board")
    pdf = client.get(f"/api/systems/{system_id}/versions/1/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert client.get(f"/api/systems/{system_id}/versions/7/report.pdf").status_code == 404


def test_the_openapi_document_is_served_and_checked_in(app: Any) -> None:
    served = plain_client(app).get("/api/openapi.json").json()
    assert set(served["paths"]) == {"/api/reviews", "/api/systems", "/api/systems/{system_id}",
                                    "/api/systems/{system_id}/versions",
                                    "/api/systems/{system_id}/versions/{number}/report.pdf",
                                    "/api/systems/{system_id}/workbook.xlsx",
                                    "/api/systems/{system_id}/answers"}
    assert "SystemDescription" in served["components"]["schemas"]
    text = json.dumps(served, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    assert OPENAPI.read_text(encoding="utf-8") == text, (
        "docs/openapi.json is out of date: python -m secreview.web.openapi > docs/openapi.json")
