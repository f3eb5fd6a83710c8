"""``secreview serve``, ``db`` and ``users``: the workspace's commands.

Thin wrappers over :mod:`secreview.store` and :mod:`secreview.web`. SQLAlchemy, Alembic, uvicorn
and Starlette are imported inside the commands, so the rest of the CLI starts as fast as before.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from secreview.cli.params import OutputFile
from secreview.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

_db_option = click.option(
    "--db", "db", default=None, metavar="URL",
    help="Database URL: sqlite:///FILE or postgresql://USER@HOST/NAME. Default: $SECREVIEW_DB, "
    "else secreview.db in the user data folder.")
ROLE_CHOICE = click.Choice(["project_lead", "security_officer", "management", "admin"])


def _open(db: str | None, migrate: bool = True) -> tuple[Engine, sessionmaker[Session]]:
    from sqlalchemy.exc import OperationalError

    from secreview.store.db import database_url, ensure_schema, make_engine, session_factory

    url = database_url(db)
    engine = make_engine(url)
    if migrate:
        try:
            ensure_schema(engine)
        except OperationalError as exc:
            raise InputError.single(f"cannot open the database: {exc.orig}",
                                    suggestion="check --db / SECREVIEW_DB") from None
    return engine, session_factory(engine)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (use a reverse proxy for anything but loopback).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@_db_option
@click.option("--profile", default=None,
              help="Organisation profile file, or a bundled one (default se-municipality).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 32),
              help="Server processes (each loads the rulesets once).")
@click.option("--proxy-user-header", default=None, metavar="HEADER",
              help="Trust this request header (e.g. X-Remote-User) as the signed-in user name, "
              "from --trusted-proxy addresses only. Off by default.")
@click.option("--trusted-proxy", "trusted_proxies", multiple=True, metavar="ADDRESS",
              help="Address of the reverse proxy whose user header is trusted (repeatable).")
def serve(host: str, port: int, db: str | None, profile: str | None, workers: int,
          proxy_user_header: str | None, trusted_proxies: tuple[str, ...]) -> None:
    """Start the review workspace in the browser (http://127.0.0.1:8000 by default)."""
    import os

    import uvicorn

    from secreview.store.db import database_url
    from secreview.web.settings import Settings

    if proxy_user_header and not trusted_proxies:
        raise InputError.single("--proxy-user-header needs at least one --trusted-proxy",
                                suggestion="--trusted-proxy 127.0.0.1 when the proxy runs on "
                                "this machine")
    engine, sessions = _open(db)
    from secreview.store.models import User

    with sessions() as session:
        users = session.query(User).filter(User.password_hash.is_not(None)).count()
    engine.dispose()
    settings = Settings(database_url=database_url(db), profile=profile,
                        proxy_user_header=proxy_user_header,
                        trusted_proxies=tuple(trusted_proxies))
    os.environ.update(settings.to_environment())
    if users == 0 and not proxy_user_header:
        click.echo("secreview: no users yet. Add the first one in another terminal:\n"
                   "  secreview users add NAME --role admin", err=True)
    click.echo(f"secreview workspace on http://{host}:{port}/  (database: "
               f"{engine.url.render_as_string(hide_password=True)})", err=True)
    uvicorn.run("secreview.web.app:create_app_from_environment", factory=True, host=host,
                port=port, workers=workers, proxy_headers=False, server_header=False,
                log_level="warning")


@click.group()
def db() -> None:
    """The workspace's register: migrate, back up, import and export."""


@db.command("upgrade")
@_db_option
def db_upgrade(db: str | None) -> None:
    """Bring the database schema to this version of secreview (safe to repeat)."""
    from secreview.store.db import upgrade

    engine, _ = _open(db, migrate=False)
    before, after = upgrade(engine)
    click.echo(f"database schema: {before or 'empty'} -> {after}" if before != after
               else f"database schema is current ({after})")


@db.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@_db_option
def db_backup(path: Path, db: str | None) -> None:
    """Write a consistent copy of the register to PATH (SQLite; pg_dump for PostgreSQL)."""
    from secreview.store.db import backup

    engine, _ = _open(db)
    backup(engine, path)
    click.echo(f"backup written to {path}", err=True)


@db.command("import")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@_db_option
@click.option("--user", "user_name", default=None,
              help="Record the versions as saved by this user (default: an 'import' account).")
@click.option("--profile", default=None, help="Organisation profile the reviews use.")
def db_import(folder: Path, db: str | None, user_name: str | None, profile: str | None) -> None:
    """Import every description (NAME.yaml, with NAME.waivers.yaml) in FOLDER into the register.

    A system whose name is already registered gets a new version when its text changed.
    """
    from secreview.store.accounts import require_user
    from secreview.store.reviewing import Engine
    from secreview.store.transfer import import_folder

    reviewer = Engine.load(profile)
    _, sessions = _open(db)
    with sessions() as session, session.begin():
        user = require_user(session, user_name) if user_name else None
        report = import_folder(session, reviewer, folder, user)
    for problem in report.problems:
        click.echo(problem.format(), err=True)
    click.echo(f"imported: {len(report.created)} new, {len(report.updated)} updated, "
               f"{len(report.unchanged)} unchanged, {len(report.problems)} problems", err=True)
    if report.problems:
        sys.exit(2)


@db.command("export")
@_db_option
@click.option("--system", "system_id", type=int, default=None,
              help="System id (see the register); default: every system's latest version.")
@click.option("--version", "number", type=int, default=None,
              help="Version number (default: the latest).")
@click.option("-o", "--output", type=OutputFile(
    refuse="leave out -o to write one version to standard output", dir_okay=True), default=None,
              help="File (one version) or folder (every system). One version without -o is "
              "written to standard output.")
def db_export(db: str | None, system_id: int | None, number: int | None,
              output: Path | None) -> None:
    """Write saved descriptions back out, byte for byte as they were saved."""
    from secreview.output import write_atomic
    from secreview.store.register import all_systems, latest_version, version
    from secreview.store.transfer import export_name

    _, sessions = _open(db)
    with sessions() as session:
        if system_id is None:
            if number is not None:
                raise InputError.single("--version needs --system")
            folder = output or Path("register-export")
            folder.mkdir(parents=True, exist_ok=True)
            count = 0
            for system in all_systems(session):
                current = latest_version(session, system.id)
                if current is not None:
                    write_atomic(folder / export_name(system, current),
                                 current.yaml_text.encode("utf-8"))
                    count += 1
            click.echo(f"exported {count} systems to {folder}", err=True)
            return
        from secreview.store.register import get_system

        if get_system(session, system_id) is None:
            raise InputError.single(f"no system with id {system_id}")
        chosen = (version(session, system_id, number) if number is not None
                  else latest_version(session, system_id))
        if chosen is None:
            raise InputError.single(f"system {system_id} has no version {number}")
        payload = chosen.yaml_text.encode("utf-8")
        if output is None:
            sys.stdout.buffer.write(payload)
            sys.stdout.buffer.flush()
        else:
            write_atomic(output, payload)
            click.echo(f"wrote {output}", err=True)


@click.group()
def users() -> None:
    """Workspace accounts: add users, set passwords, issue API tokens."""


def _read_password(prompt: bool) -> str:
    """A new password: typed twice at a terminal, or one line on standard input."""
    if prompt and sys.stdin.isatty():
        value: Any = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        return str(value)
    line = sys.stdin.readline()
    if not line:
        raise InputError.single("no password on standard input",
                                suggestion="echo 'a long passphrase' | secreview users add ...")
    return line.rstrip("\r\n")


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, type=ROLE_CHOICE,
              help="project_lead, security_officer, management or admin.")
@click.option("--display-name", default=None, help="Full name shown in the workspace.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@click.option("--no-password", is_flag=True,
              help="No local password: the user signs in through the trusted proxy header.")
@_db_option
def users_add(name: str, role: str, display_name: str | None, lang: str, no_password: bool,
              db: str | None) -> None:
    """Add a user; the password is read from a prompt (or one line of standard input)."""
    from secreview.store.accounts import add_user

    password = None if no_password else _read_password(prompt=True)
    _, sessions = _open(db)
    with sessions() as session, session.begin():
        add_user(session, name, role, password, display_name, lang)
    click.echo(f"added user {name} ({role})", err=True)


@users.command("passwd")
@click.argument("name")
@_db_option
def users_passwd(name: str, db: str | None) -> None:
    """Set a new password for NAME (prompt or one line of standard input)."""
    from secreview.store.accounts import require_user, set_password

    password = _read_password(prompt=True)
    _, sessions = _open(db)
    with sessions() as session, session.begin():
        set_password(session, require_user(session, name), password, "cli")
    click.echo(f"password changed for {name}", err=True)


@users.command("token")
@click.argument("name")
@_db_option
def users_token(name: str, db: str | None) -> None:
    """Issue an API token for NAME (printed once; send it as 'Authorization: Bearer TOKEN')."""
    from secreview.store.accounts import new_token, require_user

    _, sessions = _open(db)
    with sessions() as session, session.begin():
        token = new_token(session, require_user(session, name))
    click.echo(token)


@users.command("list")
@_db_option
def users_list(db: str | None) -> None:
    """List the accounts with their roles."""
    from sqlalchemy import select

    from secreview.store.models import User

    _, sessions = _open(db)
    with sessions() as session:
        for user in session.scalars(select(User).order_by(User.name)):
            state = "" if user.active else "  (cannot sign in)"
            click.echo(f"{user.name}\t{user.role}\t{user.display_name}{state}")


def register(group: click.Group) -> None:
    group.add_command(serve)
    group.add_command(db)
    group.add_command(users)
