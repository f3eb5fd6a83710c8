"""Users, API tokens and browser sessions.

Passwords are hashed with Argon2id (argon2-cffi: a maintained binding of the reference
implementation, which beats any hashing we could write). API tokens and session ids are random
256-bit values that are shown or sent once; only their SHA-256 is stored, so a copy of the
database gives no way in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from secreview.errors import InputError, did_you_mean
from secreview.store.audit import record
from secreview.store.models import ROLES, ApiToken, AuditEntry, User, WebSession, utcnow

NAME_PATTERN = "letters, digits, '.', '-', '_' and '@' (2 to 64 characters)"
MIN_PASSWORD = 10
SESSION_LIFETIME = dt.timedelta(hours=12)
LOGIN_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_ADDRESS = 20


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_name(name: str) -> str:
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_@")
    if not 2 <= len(name) <= 64 or set(name) - allowed:
        raise InputError.single(f"invalid user name {name!r}", expected=NAME_PATTERN)
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError.single(f"unknown role '{role}'", expected=", ".join(ROLES),
                                suggestion=did_you_mean(role, ROLES))
    return role


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InputError.single("password is too short",
                                expected=f"at least {MIN_PASSWORD} characters")
    if len(password) > 1024:
        raise InputError.single("password is too long", expected="at most 1024 characters")
    return password


def hash_password(password: str) -> str:
    from argon2 import PasswordHasher

    return PasswordHasher().hash(check_password(password))


def add_user(session: Session, name: str, role: str, password: str | None,
             display_name: str | None = None, language: str = "sv",
             actor: str = "cli") -> User:
    """A new account. ``password`` may be ``None`` for users who only sign in through the
    trusted reverse-proxy header."""
    check_name(name)
    check_role(role)
    if session.scalar(select(User).where(User.name == name)) is not None:
        raise InputError.single(f"user '{name}' already exists",
                                suggestion="pick another name, or use 'secreview users "
                                "passwd' to set a new password")
    user = User(name=name, role=role, display_name=display_name or name, language=language,
                password_hash=hash_password(password) if password is not None else None,
                active=True)
    session.add(user)
    session.flush()
    record(session, actor, "user.add", subject=name, detail={"role": role})
    return user


def set_password(session: Session, user: User, password: str, actor: str) -> None:
    user.password_hash = hash_password(password)
    record(session, actor, "user.password", subject=user.name)


def user_by_name(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))


def require_user(session: Session, name: str) -> User:
    user = user_by_name(session, name)
    if user is None:
        names = session.scalars(select(User.name)).all()
        raise InputError.single(f"no user named '{name}'", suggestion=did_you_mean(name, names)
                                or "add one with: secreview users add NAME --role ROLE")
    return user


def check_password_hash(stored: str | None, password: str) -> tuple[bool, str | None]:
    """Does ``password`` match ``stored``? Also returns a fresh hash when the stored one was
    made with older parameters. Touches no database, so a caller can hash outside any
    transaction (Argon2 takes tens of milliseconds and megabytes on purpose)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    if stored is None:
        burn_time(password)
        return False, None
    hasher = PasswordHasher()
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False, None
    return True, hasher.hash(password) if hasher.check_needs_rehash(stored) else None


def verify_password(session: Session, user: User, password: str) -> bool:
    """Check a password; a hash made with older parameters is upgraded on success."""
    if not user.active:
        return False
    ok, rehashed = check_password_hash(user.password_hash, password)
    if ok and rehashed is not None:
        user.password_hash = rehashed
    return ok


_DUMMY_HASH: list[str] = []


def burn_time(password: str) -> None:
    """Spend the time of one verification for an unknown user name, so response times do not
    tell which names exist."""
    from argon2 import PasswordHasher
    from argon2.exceptions import VerificationError

    hasher = PasswordHasher()
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hasher.hash(secrets.token_urlsafe(16)))
    with contextlib.suppress(VerificationError):
        hasher.verify(_DUMMY_HASH[0], password)


@dataclass(frozen=True)
class Throttle:
    """Whether a login may be tried now, and if not, for how long it is refused."""

    allowed: bool
    retry_after: int = 0


def login_throttle(session: Session, name: str, address: str,
                   now: dt.datetime | None = None) -> Throttle:
    """Failed logins are counted from the audit log (so every server process sees the same
    count): at most 5 per user name and 20 per client address in 15 minutes."""
    moment = now or utcnow()
    since = moment - LOGIN_WINDOW

    def failures(action: str, subject: str) -> tuple[int, dt.datetime | None]:
        row = session.execute(
            select(func.count(AuditEntry.id), func.min(AuditEntry.at))
            .where(AuditEntry.action == action, AuditEntry.subject == subject,
                   AuditEntry.at >= since)).one()
        return int(row[0]), row[1]

    for action, subject, limit in (("login.failed", name, MAX_FAILURES_PER_NAME),
                                   ("login.failed_address", address, MAX_FAILURES_PER_ADDRESS)):
        count, oldest = failures(action, subject)
        if count >= limit and oldest is not None:
            if oldest.tzinfo is None:  # an aggregate bypasses the column type on SQLite
                oldest = oldest.replace(tzinfo=dt.UTC)
            wait = int((oldest + LOGIN_WINDOW - moment).total_seconds()) + 1
            return Throttle(False, max(wait, 1))
    return Throttle(True)


def record_failed_login(session: Session, name: str, address: str) -> None:
    record(session, name[:64] or "?", "login.failed", subject=name[:200],
           detail={"address": address})
    record(session, name[:64] or "?", "login.failed_address", subject=address[:200])


# --- API tokens ---------------------------------------------------------------------------------

def new_token(session: Session, user: User, actor: str = "cli") -> str:
    """A new API token for ``user``; returned once, stored only as its SHA-256."""
    token = "srv_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=digest(token)))
    record(session, actor, "user.token", subject=user.name)
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token)))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    row.last_used_at = utcnow()
    return user


# --- browser sessions ---------------------------------------------------------------------------

def new_session(session: Session, user: User | None) -> tuple[str, WebSession]:
    """A fresh session id (returned once, for the cookie) with its own CSRF token."""
    sid = secrets.token_urlsafe(32)
    now = utcnow()
    row = WebSession(id_hash=digest(sid), user_id=user.id if user else None,
                     csrf_token=secrets.token_urlsafe(32), created_at=now,
                     expires_at=now + SESSION_LIFETIME)
    session.add(row)
    return sid, row


def find_session(session: Session, sid: str) -> WebSession | None:
    row = session.get(WebSession, digest(sid))
    if row is None:
        return None
    if row.expires_at < utcnow():
        session.delete(row)
        return None
    return row


def end_session(session: Session, sid: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id_hash == digest(sid)))


def purge_sessions(session: Session) -> None:
    session.execute(delete(WebSession).where(WebSession.expires_at < utcnow())
                    .execution_options(synchronize_session=False))
