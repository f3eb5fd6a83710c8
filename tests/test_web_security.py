"""The workspace's security rules, tried as an attacker would: forged forms, other roles,
planted sessions, password guessing, stored script in every text field, oversized uploads,
garbage in every question, and the reverse-proxy header."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tests.web_support import PASSWORD, Browser, make_app

# Every test here starts the workspace (the FastAPI app on a freshly migrated database) and
# drives it through many requests: integration tests for CI, not for the fast loop.
pytestmark = pytest.mark.slow

PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"


def cookie(browser: Browser) -> str | None:
    """The session cookie the server set last (a planted one may sit beside it)."""
    values = [c.value for c in browser.client.cookies.jar if c.name == "secreview_session"]
    return values[-1] if values else None


def plant(browser: Browser, value: str | None) -> None:
    browser.client.cookies.clear()
    if value is not None:
        browser.client.cookies.set("secreview_session", value)


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    return make_app(tmp_path, monkeypatch)


def test_a_form_without_the_csrf_token_is_refused(app: Any) -> None:
    browser = Browser(app)
    browser.login("lead")
    system_id = browser.create_system()
    forged = browser.post(f"/systems/{system_id}/answers",
                          {"p:ai.used": "1", "f:ai.used": "false"}, csrf=False)
    assert forged.status_code == 403
    wrong = browser.post("/systems/new", {"name": "X", "csrf_token": "forged"})
    assert wrong.status_code == 403
    login = Browser(app)
    login.get("/login")
    assert login.post("/login", {"name": "lead", "password": PASSWORD},
                      csrf=False).status_code == 403
    page = browser.get(f"/systems/{system_id}/questionnaire").text
    assert 'name="f:ai.used" value="" checked' in page  # the forged answer was not stored


@pytest.mark.parametrize(("who", "method", "url", "data"), [
    ("lead2", "get", "/systems/{id}/questionnaire", None),
    ("lead2", "post", "/systems/{id}/answers", {"p:ai.used": "1", "f:ai.used": "true"}),
    ("board", "post", "/systems/{id}/questionnaire", {"action": "save"}),
    ("lead", "post", "/systems/{id}/versions/1/sign", {}),
    ("board", "post", "/systems/{id}/versions/1/sign", {}),
    ("officer", "post", "/systems/{id}/versions/1/decision", {"outcome": "approve"}),
    ("lead", "post", "/systems/{id}/waivers", {"rule": "x", "expires": "2030-01-01"}),
    ("admin", "get", "/systems/new", None),
    ("lead", "get", "/users", None),
    ("officer", "post", "/users", {"name": "eve", "role": "admin", "password": "x" * 12}),
])
def test_another_roles_action_is_forbidden(app: Any, who: str, method: str, url: str,
                                           data: dict[str, str] | None) -> None:
    owner = Browser(app)
    owner.login("lead")
    system_id = owner.create_system()
    browser = Browser(app)
    browser.login(who)
    browser.get("/")
    target = url.format(id=system_id)
    response = browser.get(target) if method == "get" else browser.post(target, data)
    assert response.status_code == 403, response.text[:300]


def test_the_security_officer_may_edit_any_system(app: Any) -> None:
    owner, officer = Browser(app), Browser(app)
    owner.login("lead")
    officer.login("officer")
    system_id = owner.create_system()
    officer.get(f"/systems/{system_id}/questionnaire")
    assert officer.answer(system_id, "ai.used", "false").status_code == 200


def test_signing_in_gives_a_new_session_id(app: Any) -> None:
    """Session fixation: a session id planted before sign-in is worth nothing after it."""
    attacker = Browser(app)
    attacker.get("/login")
    planted = cookie(attacker)
    assert planted
    victim = Browser(app)
    plant(victim, planted)
    victim.get("/login")
    signed_in = victim.post("/login", {"name": "lead", "password": PASSWORD})
    assert signed_in.status_code == 303
    fresh = signed_in.cookies.get("secreview_session")
    assert fresh and fresh != planted
    headers = signed_in.headers.get_list("set-cookie")
    assert headers and all("httponly" in h.lower() and "samesite=strict" in h.lower()
                           for h in headers)
    plant(victim, fresh)
    assert victim.get("/", follow_redirects=False).status_code == 200
    plant(attacker, planted)
    assert attacker.get("/", follow_redirects=False).status_code == 303  # still signed out


def test_a_tampered_cookie_is_ignored(app: Any) -> None:
    browser = Browser(app)
    browser.login("lead")
    value = cookie(browser)
    assert value
    plant(browser, value[:-2] + "xx")
    assert browser.get("/", follow_redirects=False).status_code == 303


def test_logout_ends_the_session(app: Any) -> None:
    browser = Browser(app)
    browser.login("lead")
    value = cookie(browser)
    browser.get("/")
    assert browser.post("/logout").status_code == 303
    plant(browser, value)
    assert browser.get("/", follow_redirects=False).status_code == 303


def test_login_is_rate_limited(app: Any) -> None:
    browser = Browser(app)
    for _ in range(5):
        assert browser.login("lead", "guess guess guess").status_code == 401
    throttled = browser.login("lead")  # even the right password, for the next minutes
    assert throttled.status_code == 429 and "För många misslyckade inloggningar" in throttled.text
    assert Browser(app).login("officer").status_code == 303  # other accounts are not locked


def test_security_headers_on_every_page(app: Any) -> None:
    browser = Browser(app)
    browser.login("lead")
    for url in ("/login", "/", "/static/workspace.js", "/nowhere"):
        headers = browser.get(url).headers
        csp = headers["content-security-policy"]
        script = re.search(r"script-src ([^;]*)", csp)
        assert script and "unsafe-inline" not in script.group(1)
        assert "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_no_page_has_inline_script_or_inline_style(app: Any) -> None:
    browser = Browser(app)
    browser.login("lead")
    system_id = browser.create_system()
    for url in ("/", f"/systems/{system_id}", f"/systems/{system_id}/questionnaire",
                "/systems/new", f"/systems/{system_id}/versions/1"):
        html = browser.get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert " style=" not in html and "<style" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url


def test_oversized_uploads_are_refused(app: Any) -> None:
    browser = Browser(app)
    browser.login("lead")
    browser.get("/systems/new")
    big = b"system:\n  name: x\n" + b"#" * (3 * 1024 * 1024)
    response = browser.client.post("/systems/new", data={"csrf_token": browser.csrf},
                                   files={"file": ("big.yaml", big)})
    assert response.status_code == 413


def test_garbage_in_any_question_is_a_clear_problem_never_a_500(app: Any) -> None:
    from secreview.store.reviewing import Engine
    from secreview.web.form import build_sections

    browser = Browser(app)
    browser.login("lead")
    system_id = browser.create_system()
    browser.get(f"/systems/{system_id}/questionnaire")
    questions = [q for s in build_sections(Engine.load().catalog, "sv") for q in s.questions]
    for question in questions:
        for garbage in ("\x00\u202e<x>", "9" * 400, "-1"):
            data = {f"p:{question.path}": "1", f"f:{question.path}": garbage,
                    f"s:{question.path}": "listed",
                    f"o:{question.path}:0:{question.items[0].name if question.items else 'x'}":
                        garbage}
            response = browser.post(f"/systems/{system_id}/answers", data)
            assert response.status_code in (200, 422), (question.path, response.text[:300])
            if response.status_code == 422:
                assert response.json()["problems"], question.path


def test_stored_script_is_inert_on_every_page(app: Any) -> None:
    lead, officer, board, admin = Browser(app), Browser(app), Browser(app), Browser(app)
    lead.login("lead")
    officer.login("officer")
    board.login("board")
    admin.login("admin")
    system_id = lead.create_system(PAYLOAD, owner_board=PAYLOAD, management_object=PAYLOAD,
                                   capability=PAYLOAD, system_owner=PAYLOAD)
    lead.get(f"/systems/{system_id}/questionnaire")
    for path in ("system.purpose", "vendor.name", "vendor.parent_company",
                 "personal_data.categories", "classification.osl_provisions"):
        state = "listed" if path.endswith(("categories", "provisions")) else None
        assert lead.answer(system_id, path, PAYLOAD, state).status_code == 200, path
    lead.post(f"/systems/{system_id}/questionnaire", {
        "p:integrations": "1", "s:integrations": "listed",
        "o:integrations:0:counterpart": PAYLOAD, "o:integrations:0:protocol": PAYLOAD,
        "action": "save"})
    officer.get(f"/systems/{system_id}")
    officer.post(f"/systems/{system_id}/versions/2/sign", {"statement": PAYLOAD})
    board.get(f"/systems/{system_id}")
    board.post(f"/systems/{system_id}/versions/2/decision", {"outcome": "reject", "note": PAYLOAD})
    admin.get("/users")
    admin.post("/users", {"name": "eve", "display_name": PAYLOAD, "role": "project_lead",
                          "password": PASSWORD, "language": "sv"})
    pages = [(lead, "/"), (lead, f"/systems/{system_id}"),
             (lead, f"/systems/{system_id}/questionnaire"),
             (lead, f"/systems/{system_id}/versions/1"), (lead, f"/systems/{system_id}/versions/2"),
             (lead, f"/systems/{system_id}/diff?a=1&b=2"),
             (lead, f"/systems/{system_id}/versions/2/report.html"), (admin, "/users")]
    for browser, url in pages:
        html = browser.get(url).text
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;alert(1)" in html or "&lt;script&gt;" in html, url
    assert officer.get(f"/systems/{system_id}").text.count("&lt;script&gt;alert(1)") >= 3


def test_the_proxy_header_is_ignored_unless_configured(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    plain = Browser(make_app(tmp_path / "a", monkeypatch))
    response = plain.client.get("/", headers={"X-Remote-User": "lead"}, follow_redirects=False)
    assert response.status_code == 303


def test_the_proxy_header_signs_in_known_users_from_the_proxy_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from secreview.web.app import create_app

    base = make_app(tmp_path, monkeypatch)
    settings = replace(base.state.workspace.settings, proxy_user_header="X-Remote-User",
                       trusted_proxies=("testclient",))
    browser = Browser(create_app(settings))
    signed_in = browser.client.get("/", headers={"X-Remote-User": "officer"})
    assert signed_in.status_code == 200 and "Officer" in signed_in.text
    unknown = Browser(create_app(settings)).client.get("/", headers={"X-Remote-User": "nobody"})
    assert unknown.status_code == 403
    elsewhere = replace(settings, trusted_proxies=("10.9.9.9",))
    ignored = Browser(create_app(elsewhere)).client.get(
        "/", headers={"X-Remote-User": "officer"}, follow_redirects=False)
    assert ignored.status_code == 303


@pytest.mark.parametrize(("seconds", "sv", "en"), [
    (1, "Försök igen om 1 sekund.", "Try again in 1 second."),
    (2, "Försök igen om 2 sekunder.", "Try again in 2 seconds."),
])
def test_the_wait_after_too_many_sign_ins_agrees_with_its_count(
        app: Any, monkeypatch: pytest.MonkeyPatch, seconds: int, sv: str, en: str) -> None:
    from secreview.store import accounts

    monkeypatch.setattr(accounts, "login_throttle",
                        lambda *_args: accounts.Throttle(False, seconds))
    throttled = Browser(app).login("lead")
    assert throttled.status_code == 429 and sv in throttled.text
    english = Browser(app)
    english.get("/login")
    refused = english.post("/login?lang=en", {"name": "lead", "password": PASSWORD, "next": "/"})
    assert refused.status_code == 429 and en in refused.text
