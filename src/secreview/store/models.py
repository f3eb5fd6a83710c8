"""The register's tables (SQLAlchemy 2 declarative models), the same on SQLite and PostgreSQL.

History is never rewritten: a system description is saved as a new row in ``description_versions``
each time (the exact YAML text kept for a byte-for-byte export), reviews and sign-offs are added,
never changed, and ``audit_log`` is append-only. The migrations add database triggers that refuse
UPDATE and DELETE on those tables, so not even a mistaken query can rewrite them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("project_lead", "security_officer", "management", "admin")
"""Who may do what is decided in :mod:`secreview.web.roles`; these are the stored names."""

APPEND_ONLY = ("audit_log", "description_versions", "review_results", "signoffs", "decisions")
"""Tables whose rows are never updated or deleted (enforced by triggers in the migrations)."""


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Moments in UTC, timezone-aware in Python on every database (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None,
                             dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(2), default="sv")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiToken(Base):
    """An API token, stored as its SHA-256: the token itself is shown once and never kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class WebSession(Base):
    """A browser session. The cookie carries the signed id; only its SHA-256 is stored."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class System(Base):
    """One system in the register. Name, board, management object and capability are copied
    from its latest version so the register can filter and sort without parsing YAML."""

    __tablename__ = "systems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    owner_board: Mapped[str | None] = mapped_column(String(200))
    management_object: Mapped[str | None] = mapped_column(String(200))
    capability: Mapped[str | None] = mapped_column(String(200))
    system_owner: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    latest_version: Mapped[int] = mapped_column(Integer, default=0)


class DescriptionVersion(Base):
    """One saved version of a system description: the exact text, who saved it, from what."""

    __tablename__ = "description_versions"
    __table_args__ = (UniqueConstraint("system_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    parent_number: Mapped[int | None] = mapped_column(Integer)
    yaml_text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(32))
    source_name: Mapped[str | None] = mapped_column(String(255))
    """The file it came from, when it came from one (a vendor workbook's name)."""
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Draft(Base):
    """A user's work in progress on a system: every answer lands here first (autosave), so a
    closed tab loses nothing. Saving turns it into the next version."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("system_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    base_number: Mapped[int] = mapped_column(Integer)
    yaml_text: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReviewResult(Base):
    """The review of one version, as the engine produced it (the JSON contract) with its
    provenance pulled out for queries."""

    __tablename__ = "review_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("description_versions.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    outcome: Mapped[str] = mapped_column(String(32))
    overall_level: Mapped[str | None] = mapped_column(String(32))
    review_date: Mapped[dt.date] = mapped_column(Date)
    next_review: Mapped[dt.date | None] = mapped_column(Date)
    profile_id: Mapped[str] = mapped_column(String(100))
    profile_sha256: Mapped[str] = mapped_column(String(64))
    rulesets: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    engine_version: Mapped[str] = mapped_column(String(32))
    waivers_sha256: Mapped[str | None] = mapped_column(String(64))
    review_json: Mapped[str] = mapped_column(Text)


class SignOff(Base):
    """The security officer's approval of one version under the rulesets of its review.
    A signed version is frozen: it gets no new review and no second sign-off."""

    __tablename__ = "signoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("description_versions.id"), unique=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review_results.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(String(32))
    rulesets: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    statement: Mapped[str] = mapped_column(Text, default="")
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DecisionRecord(Base):
    """Management's recorded decision on a signed version."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("description_versions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WaiverRecord(Base):
    """An accepted risk for one system's rule; revoking sets ``revoked_at`` (the row stays)."""

    __tablename__ = "waivers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id"), index=True)
    rule_id: Mapped[str] = mapped_column(String(200))
    justification: Mapped[str] = mapped_column(Text)
    accepted_by_name: Mapped[str] = mapped_column(String(200))
    accepted_by_role: Mapped[str] = mapped_column(String(200))
    accepted_on: Mapped[dt.date] = mapped_column(Date)
    expires: Mapped[dt.date] = mapped_column(Date)
    risk_owner_name: Mapped[str | None] = mapped_column(String(200))
    risk_owner_role: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class AuditEntry(Base):
    """Who did what, when. The actor is stored by name so the entry outlives the account."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_action_subject_at", "action", "subject", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200), default="")
    system_id: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
