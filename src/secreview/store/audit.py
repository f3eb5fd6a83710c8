"""The append-only audit log: who did what, when. Entries are only ever added; the database
refuses UPDATE and DELETE on the table (triggers in the migrations)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from secreview.store.models import AuditEntry, utcnow


def record(session: Session, actor: str, action: str, *, subject: str = "",
           system_id: int | None = None, version: int | None = None,
           detail: dict[str, Any] | None = None) -> AuditEntry:
    entry = AuditEntry(at=utcnow(), actor=actor[:64], action=action, subject=subject[:200],
                       system_id=system_id, version=version, detail=detail or {})
    session.add(entry)
    return entry


def entries(session: Session, system_id: int | None = None, limit: int = 200) -> list[AuditEntry]:
    """The newest entries first, for one system or for all."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if system_id is not None:
        query = query.where(AuditEntry.system_id == system_id)
    return list(session.scalars(query))
