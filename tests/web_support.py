"""Helpers shared by the workspace's page and API tests: an app on a fresh SQLite register with
one user per role, and a browser-like client that signs in and carries the CSRF token."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

PASSWORD = "correct horse battery"
USERS = {"lead": "project_lead", "lead2": "project_lead", "officer": "security_officer",
         "board": "management", "admin": "admin"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with argon2-cffi's CHEAPEST parameters ("only useful for testing") for one test.

    The real parameters cost about a quarter of a second per hash and per sign-in on purpose,
    which made the workspace's tests spend most of their time hashing the same password. What
    these tests prove (a password is stored as an Argon2id hash, a wrong one is refused) holds
    with any parameters; tests/test_store_accounts.py checks the real ones, and
    tests/test_cli_workspace.py adds a user with them in a real process.
    """
    import argon2
    from argon2.profiles import CHEAPEST

    class QuickHasher(argon2.PasswordHasher):
        def __init__(self) -> None:
            super().__init__(time_cost=CHEAPEST.time_cost, memory_cost=CHEAPEST.memory_cost,
                             parallelism=CHEAPEST.parallelism, hash_len=CHEAPEST.hash_len,
                             salt_len=CHEAPEST.salt_len, type=CHEAPEST.type)

    monkeypatch.setattr(argon2, "PasswordHasher", QuickHasher)


def make_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str | None = None) -> Any:
    from secreview.store.accounts import add_user
    from secreview.store.db import make_engine, session_factory, upgrade
    from secreview.web.app import create_app
    from secreview.web.settings import Settings

    quick_password_hashing(monkeypatch)
    monkeypatch.setenv("SECREVIEW_DATA_DIR", str(tmp_path / "data"))
    database = url or f"sqlite:///{tmp_path / 'register.db'}"
    engine = make_engine(database)
    upgrade(engine)
    with session_factory(engine)() as session, session.begin():
        for name, role in USERS.items():
            add_user(session, name, role, PASSWORD, display_name=name.title())
    engine.dispose()
    return create_app(Settings(database_url=database))


def plain_client(app: Any) -> Any:
    """A TestClient without a signed-in user (FastAPI's test client is imported only when a
    test runs, so collecting the fast loop does not import the web stack)."""
    from fastapi.testclient import TestClient

    return TestClient(app)


class Browser:
    """A TestClient that behaves like one person's browser tab."""

    def __init__(self, app: Any) -> None:
        self.client = plain_client(app)
        self.csrf = ""

    def get(self, url: str, **kwargs: Any) -> Any:
        response = self.client.get(url, **kwargs)
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, url: str, data: dict[str, Any] | None = None, csrf: bool = True,
             **kwargs: Any) -> Any:
        payload = dict(data or {})
        if csrf:
            payload.setdefault("csrf_token", self.csrf)
        kwargs.setdefault("follow_redirects", False)
        return self.client.post(url, data=payload, **kwargs)

    def login(self, name: str, password: str = PASSWORD) -> Any:
        self.get("/login")
        return self.post("/login", {"name": name, "password": password, "next": "/"})

    def create_system(self, name: str = "Bokning", **fields: str) -> int:
        self.get("/systems/new")
        response = self.post("/systems/new", {"name": name, **fields})
        assert response.status_code == 303, response.text
        return int(response.headers["location"].split("/")[2])

    def answer(self, system_id: int, path: str, value: str | list[str],
               state: str | None = None) -> Any:
        data: dict[str, Any] = {f"p:{path}": "1", f"f:{path}": value}
        if state is not None:
            data[f"s:{path}"] = state
        return self.post(f"/systems/{system_id}/answers", data,
                         headers={"x-csrf-token": self.csrf})
