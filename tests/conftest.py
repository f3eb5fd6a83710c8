"""Shared fixtures; hypothesis runs derandomised in CI so a red build is reproducible, and with
fewer examples in the fast loop (``-m "not slow"``)."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The tests build many short-lived reviews, and with CPython's default thresholds (700, 10, 10)
# the collector walked the whole heap about ninety times a run: 3 s of the fast loop's 29 s.
# Collecting the youngest generation after 50,000 allocations instead of 700 lets those objects
# die first; it changes when garbage is freed, never what a test sees.
gc.set_threshold(50_000, 20, 20)

settings.register_profile("ci", derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

FAST_EXAMPLES = 10
"""Examples per property test in the fast loop, for the tests that do not set their own count
(hypothesis' default is 100): the loop still tries every law, and CI tries each at length."""


def pytest_configure(config: pytest.Config) -> None:
    if "not slow" in (config.option.markexpr or "") and \
            not config.getoption("--hypothesis-profile", default=None):
        settings.register_profile("fast", settings.default, max_examples=FAST_EXAMPLES)
        settings.load_profile("fast")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = ROOT / "examples"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def mini_rules() -> Path:
    return FIXTURES / "rules"


# --- the workspace's databases: every storage test runs on SQLite and on PostgreSQL -------------

POSTGRES_VARIABLE = "SECREVIEW_TEST_POSTGRES_URL"


def _postgres_admin_url() -> str | None:
    url = os.environ.get(POSTGRES_VARIABLE)
    if url:
        return url
    if os.environ.get("CI") == "true":
        pytest.fail(f"{POSTGRES_VARIABLE} is not set: .ci/run starts a PostgreSQL server for "
                    "the storage tests, and in CI a missing one is a failure, not a skip")
    pytest.skip(f"PostgreSQL tests need {POSTGRES_VARIABLE} (start one with: "
                'eval "$(.ci/postgres start)")')
    return None


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> object:
    """A fresh, empty database of each kind for one test (a new PostgreSQL database each time,
    dropped afterwards; those runs are slow: they need the server CI starts)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'register.db'}"
        return
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from secreview.store.db import normalise_url

    admin_url = normalise_url(str(_postgres_admin_url()))
    name = f"secreview_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def review_engine() -> object:
    """The bundled profile and rulesets, loaded once for the whole run."""
    from secreview.store.reviewing import Engine

    return Engine.load()


@pytest.fixture
def store(database_url: str, monkeypatch: pytest.MonkeyPatch) -> object:
    """(engine, sessionmaker) on a migrated database (passwords hashed with test parameters)."""
    from tests.web_support import quick_password_hashing

    from secreview.store.db import make_engine, session_factory, upgrade

    quick_password_hashing(monkeypatch)

    engine = make_engine(database_url)
    upgrade(engine)
    yield engine, session_factory(engine)
    engine.dispose()
