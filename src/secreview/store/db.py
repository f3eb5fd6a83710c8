"""Where the register lives and how to open it: SQLite in the user data folder by default,
PostgreSQL (psycopg 3) when shared. Migrations (Alembic) ship inside the package.

SQLite is opened in WAL mode (readers never wait for the writer) with foreign keys enforced and a
busy timeout, so the web server's threads and a ``db backup`` can work at the same time.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from secreview.errors import InputError

DB_VARIABLE = "SECREVIEW_DB"
DATA_DIR_VARIABLE = "SECREVIEW_DATA_DIR"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_MS = 30_000


def data_dir() -> Path:
    """The workspace's folder (database, session key): ``SECREVIEW_DATA_DIR`` or the user data
    folder of the platform (``~/.local/share/secreview`` on Linux)."""
    configured = os.environ.get(DATA_DIR_VARIABLE)
    if configured:
        return Path(configured)
    from platformdirs import user_data_dir

    return Path(user_data_dir("secreview", appauthor=False))


def database_url(explicit: str | None = None) -> str:
    """``--db`` wins, then ``SECREVIEW_DB``, then SQLite in :func:`data_dir`."""
    url = explicit or os.environ.get(DB_VARIABLE)
    if url:
        return normalise_url(url)
    return f"sqlite:///{data_dir() / 'secreview.db'}"


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` (what pg tools print) and use psycopg 3 for it."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError.single(f"not a database URL: {url!r}",
                                suggestion="sqlite:///path/to/secreview.db or "
                                "postgresql://user@host/dbname") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise InputError.single(f"unsupported database '{parsed.get_backend_name()}'",
                                suggestion="use sqlite:///FILE or postgresql://...")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # transactions begin in _sqlite_begin
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    """Take the write lock at the start of every transaction: in WAL mode a transaction that
    read first and writes later fails at once (instead of waiting) when another writer committed
    in between; beginning IMMEDIATE makes it wait its turn for up to the busy timeout."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for SQLite the folder is created and the pragmas set per
    connection."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False,
                                                  "timeout": SQLITE_BUSY_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema to the newest migration; returns (before, after)."""
    from alembic import command

    before = current_revision(engine)
    head = head_revision()
    if before != head:
        command.upgrade(_alembic_config(engine), "head")
    return before, head


def ensure_schema(engine: Engine) -> None:
    """Run the migrations when the schema is behind (``secreview serve`` does this at start)."""
    if current_revision(engine) != head_revision():
        upgrade(engine)


def reachable(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        return True
    except OperationalError:
        return False


def table_names(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())


def backup(engine: Engine, target: Path) -> Path:
    """A consistent copy of a SQLite register (the online backup API: safe while the server
    runs). PostgreSQL is backed up with its own tool, ``pg_dump``."""
    url = engine.url
    if url.get_backend_name() != "sqlite":
        raise InputError.single(
            "db backup copies SQLite registers only",
            suggestion=f"for PostgreSQL use pg_dump: pg_dump --format=custom "
            f"--file={target} {url.set(drivername='postgresql').render_as_string()}")
    if target.exists():
        raise InputError.single("backup target exists; refusing to overwrite it",
                                file=str(target), suggestion="choose a new file name")
    if not target.parent.is_dir():
        raise InputError.single("backup folder does not exist", file=str(target),
                                suggestion=f"create it first: mkdir -p {target.parent}")
    temporary = target.with_name(f".{target.name}.tmp")
    source = sqlite3.connect(str(url.database))
    try:
        copy = sqlite3.connect(str(temporary))
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        source.close()
    os.replace(temporary, target)
    return target
