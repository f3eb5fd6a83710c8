"""The register's database on SQLite and PostgreSQL: migrations, pragmas, append-only history,
backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from secreview.errors import InputError
from secreview.store.db import (
    backup,
    current_revision,
    head_revision,
    make_engine,
    normalise_url,
    table_names,
    upgrade,
)
from secreview.store.models import APPEND_ONLY, AuditEntry


@pytest.mark.slow
def test_migrations_create_every_table_and_repeat_safely(store: Any) -> None:
    engine, _ = store
    assert current_revision(engine) == head_revision()
    assert {"users", "systems", "description_versions", "drafts", "review_results", "signoffs",
            "decisions", "waivers", "audit_log", "api_tokens", "web_sessions"} <= set(
                table_names(engine))
    assert upgrade(engine) == (head_revision(), head_revision())


@pytest.mark.slow
@pytest.mark.parametrize("table", APPEND_ONLY)
def test_history_tables_carry_append_only_triggers(store: Any, table: str) -> None:
    engine, _ = store
    with engine.connect() as connection:
        assert _trigger_names(connection, table), f"no append-only trigger on {table}"


@pytest.mark.slow
def test_the_audit_log_refuses_update_and_delete_in_the_database(store: Any) -> None:
    engine, sessions = store
    with sessions() as session, session.begin():
        session.add(AuditEntry(actor="t", action="probe", subject="x", detail={}))
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text(statement))
    if engine.dialect.name == "postgresql":  # TRUNCATE exists on PostgreSQL only
        with engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text("TRUNCATE audit_log"))
    with sessions() as session:
        assert session.query(AuditEntry).one().actor == "t"


def _trigger_names(connection: Any, table: str) -> list[str]:
    if connection.dialect.name == "sqlite":
        rows = connection.execute(text("SELECT name FROM sqlite_master WHERE type='trigger' "
                                       "AND tbl_name=:t"), {"t": table})
    else:
        rows = connection.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                                       "AND tgrelid = CAST(:t AS regclass)"), {"t": table})
    return [r[0] for r in rows]


@pytest.mark.slow
def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.slow
def test_sqlite_backup_is_a_consistent_readable_copy(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    upgrade(engine)
    target = backup(engine, tmp_path / "copy.db")
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
    with pytest.raises(InputError, match="refusing to overwrite"):
        backup(engine, target)


def test_postgresql_backup_points_at_pg_dump() -> None:
    engine = make_engine("postgresql+psycopg://u@127.0.0.1:1/x")
    with pytest.raises(InputError) as caught:
        backup(engine, Path("/tmp/never-written.dump"))
    assert "pg_dump" in (caught.value.problems[0].suggestion or "")


def test_urls_are_normalised_and_checked() -> None:
    assert normalise_url("postgresql://a@h/db").startswith("postgresql+psycopg://")
    with pytest.raises(InputError, match="unsupported database"):
        normalise_url("mysql://a@h/db")
    with pytest.raises(InputError, match="not a database URL"):
        normalise_url("::nonsense")
