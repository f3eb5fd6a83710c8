"""The register's operations: systems, versions, drafts, reviews, sign-offs, decisions, waivers.

Every save is a new version; a save that started from an older version than the latest is
refused (:class:`StaleVersion`) and the user's work stays in their draft, so two people editing
one system never lose an answer. The check is a compare-and-set on ``systems.latest_version``
inside the transaction, which holds on SQLite (writes serialised) and PostgreSQL (row lock).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from secreview.errors import InputError
from secreview.review import Review
from secreview.store.answers import dump_description, get_answer, load_draft, set_answer
from secreview.store.audit import record
from secreview.store.models import (
    DecisionRecord,
    DescriptionVersion,
    Draft,
    ReviewResult,
    SignOff,
    System,
    User,
    WaiverRecord,
    utcnow,
)
from secreview.store.reviewing import Engine, WaiverInput

SOURCES = ("web", "import", "api", "workbook")
MANAGEMENT_OUTCOMES = ("approve", "approve_with_conditions", "reject")


class StaleVersion(Exception):
    """A save based on version ``base`` while version ``latest`` (by someone else) exists."""

    def __init__(self, base: int, latest: DescriptionVersion, author: str) -> None:
        self.base, self.latest, self.author = base, latest, author
        super().__init__(f"version {latest.number} was saved by {author} since you started from "
                         f"version {base}")


class Frozen(Exception):
    """The version is signed: it can get no new review and no second sign-off."""


# --- systems and versions -----------------------------------------------------------------------

def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _copy_identity(system: System, data: Mapping[str, Any]) -> None:
    """Keep the register's columns in step with the latest version's description."""
    name = get_answer(data, "system.name")
    system.name = str(name) if name else system.name or "?"
    for column, path in (("owner_board", "system.owner_board"),
                         ("management_object", "system.management_object"),
                         ("capability", "system.capability"),
                         ("system_owner", "system.system_owner")):
        setattr(system, column, get_answer(data, path))


def create_system(session: Session, engine: Engine, user: User, text: str, source: str,
                  name_hint: str = "") -> tuple[System, DescriptionVersion]:
    """A new system with ``text`` (YAML or JSON, validated) as its version 1."""
    data = engine.parse(text).system_doc.data
    system = System(name=str(get_answer(data, "system.name") or name_hint or "?"),
                    created_by=user.id, latest_version=0)
    session.add(system)
    session.flush()
    version = _insert_version(session, engine, system, user, text, source, parent=None)
    record(session, user.name, "system.create", subject=system.name, system_id=system.id,
           version=1, detail={"source": source})
    return system, version


def _insert_version(session: Session, engine: Engine, system: System, user: User, text: str,
                    source: str, parent: int | None,
                    source_name: str | None = None) -> DescriptionVersion:
    """Compare-and-set the latest number, then add the version and its review."""
    expected = parent or 0
    changed = session.execute(
        update(System).where(System.id == system.id, System.latest_version == expected)
        .values(latest_version=expected + 1)).rowcount  # type: ignore[attr-defined]
    if changed != 1:  # nothing was written: the transaction stays usable
        latest = latest_version(session, system.id)
        assert latest is not None
        author = session.get(User, latest.author_id)
        raise StaleVersion(expected, latest, author.name if author else "?")
    inputs = engine.parse(text)
    version = DescriptionVersion(system_id=system.id, number=expected + 1, parent_number=parent,
                                 yaml_text=text, sha256=_sha(text), author_id=user.id,
                                 source=source, source_name=source_name, created_at=utcnow())
    try:
        with session.begin_nested():
            session.add(version)
    except IntegrityError:  # the same number saved concurrently (the compare-and-set prevents it)
        latest = latest_version(session, system.id)
        assert latest is not None
        raise StaleVersion(expected, latest, "?") from None
    session.refresh(system)
    _copy_identity(system, inputs.system_doc.data)
    review = engine.review(inputs, active_waivers(session, system.id))
    _store_review(session, version, review)
    record(session, user.name, "version.save", subject=system.name, system_id=system.id,
           version=version.number, detail={"source": source, "parent": parent,
                                           "sha256": version.sha256,
                                           "outcome": review.decision.outcome,
                                           **({"file": source_name} if source_name else {})})
    return version


def save_version(session: Session, engine: Engine, system: System, user: User, text: str,
                 source: str, parent: int | None,
                 source_name: str | None = None) -> DescriptionVersion:
    """Save ``text`` as the next version; ``parent`` is the version the author started from
    (refused with :class:`StaleVersion` when someone saved another since). ``source_name`` is
    the file it came from (a vendor workbook's name), kept with the version."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source}")
    return _insert_version(session, engine, system, user, text, source, parent,
                           source_name[:255] if source_name else None)


def get_system(session: Session, system_id: int) -> System | None:
    return session.get(System, system_id)


def all_systems(session: Session) -> list[System]:
    return list(session.scalars(select(System).order_by(System.name, System.id)))


def versions(session: Session, system_id: int) -> list[DescriptionVersion]:
    return list(session.scalars(select(DescriptionVersion)
                                .where(DescriptionVersion.system_id == system_id)
                                .order_by(DescriptionVersion.number)))


def version(session: Session, system_id: int, number: int) -> DescriptionVersion | None:
    return session.scalar(select(DescriptionVersion).where(
        DescriptionVersion.system_id == system_id, DescriptionVersion.number == number))


def latest_version(session: Session, system_id: int) -> DescriptionVersion | None:
    return session.scalar(select(DescriptionVersion)
                          .where(DescriptionVersion.system_id == system_id)
                          .order_by(DescriptionVersion.number.desc()).limit(1))


def version_data(version: DescriptionVersion) -> dict[str, Any]:
    """The answers of a stored version (its text is valid: it was validated when saved)."""
    from secreview.loading import parse_text

    source = "version.json" if version.yaml_text.lstrip().startswith("{") else "version.yaml"
    data = parse_text(version.yaml_text, source).data
    return dict(data) if isinstance(data, dict) else {}


# --- reviews ------------------------------------------------------------------------------------

def _store_review(session: Session, version: DescriptionVersion, review: Review) -> ReviewResult:
    result = ReviewResult(
        version_id=version.id, created_at=utcnow(), outcome=review.decision.outcome,
        overall_level=review.summary.overall_level, review_date=review.review_date,
        next_review=review.next_review, profile_id=review.profile.id,
        profile_sha256=review.profile.sha256,
        rulesets=[{"id": r.id, "version": r.version, "sha256": r.sha256}
                  for r in review.rulesets],
        engine_version=review.engine_version, waivers_sha256=review.waivers_sha256,
        review_json=review.model_dump_json())
    session.add(result)
    session.flush()
    return result


def latest_review(session: Session, version_id: int) -> ReviewResult | None:
    return session.scalar(select(ReviewResult).where(ReviewResult.version_id == version_id)
                          .order_by(ReviewResult.id.desc()).limit(1))


def rereview(session: Session, engine: Engine, system: System, actor: User) -> ReviewResult | None:
    """Review the latest version again (after a waiver changed); a signed one stays as signed."""
    current = latest_version(session, system.id)
    if current is None or signoff(session, current.id) is not None:
        return None
    review = engine.review(engine.parse(current.yaml_text), active_waivers(session, system.id))
    result = _store_review(session, current, review)
    record(session, actor.name, "review", subject=system.name, system_id=system.id,
           version=current.number, detail={"outcome": review.decision.outcome})
    return result


# --- drafts (autosave) --------------------------------------------------------------------------

@dataclass
class DraftState:
    """A user's draft as the questionnaire sees it."""

    base: int
    data: dict[str, Any]
    text: str
    revision: int
    exists: bool


def draft_state(session: Session, system: System, user: User) -> DraftState:
    """The user's draft, or the latest version when they have none yet."""
    draft = session.scalar(select(Draft).where(Draft.system_id == system.id,
                                               Draft.user_id == user.id))
    if draft is not None:
        return DraftState(draft.base_number, load_draft(draft.yaml_text), draft.yaml_text,
                          draft.revision, True)
    latest = latest_version(session, system.id)
    assert latest is not None
    return DraftState(latest.number, version_data(latest), latest.yaml_text, 0, False)


def save_answers(session: Session, engine: Engine, system: System, user: User,
                 answers: Mapping[str, Any]) -> tuple[DraftState, Any]:
    """Put answers into the user's draft (created from the latest version on first use).

    The whole description is validated with the CLI's checks before anything is stored; a bad
    answer raises :class:`InputError` and the draft stays as it was. Returns the new draft and
    the validated description.
    """
    draft = session.scalar(select(Draft).where(Draft.system_id == system.id,
                                               Draft.user_id == user.id).with_for_update())
    if draft is None:
        latest = latest_version(session, system.id)
        assert latest is not None
        data = version_data(latest)
        base = latest.number
    else:
        data = load_draft(draft.yaml_text)
        base = draft.base_number
    for path, value in answers.items():
        data = set_answer(data, path, value)
    model = engine.validate_data(data, answers)
    text = dump_description(data)
    if draft is None:
        draft = Draft(system_id=system.id, user_id=user.id, base_number=base, yaml_text=text,
                      revision=1, updated_at=utcnow())
        session.add(draft)
    else:
        draft.yaml_text = text
        draft.revision += 1
        draft.updated_at = utcnow()
    session.flush()
    return DraftState(base, data, text, draft.revision, True), model


def commit_draft(session: Session, engine: Engine, system: System,
                 user: User) -> DescriptionVersion:
    """Save the user's draft as the next version (refused when it is stale; the draft stays)."""
    state = draft_state(session, system, user)
    version = save_version(session, engine, system, user, state.text, "web", state.base)
    discard_draft(session, system, user)
    return version


def discard_draft(session: Session, system: System, user: User) -> None:
    draft = session.scalar(select(Draft).where(Draft.system_id == system.id,
                                               Draft.user_id == user.id))
    if draft is not None:
        session.delete(draft)


@dataclass
class Merge:
    """The result of moving a stale draft onto the latest version."""

    base: int
    onto: int
    taken_from_latest: list[str] = field(default_factory=list)
    kept_mine: list[str] = field(default_factory=list)
    conflicts: list[tuple[str, Any, Any]] = field(default_factory=list)  # path, mine, theirs


def merge_draft(session: Session, engine: Engine, system: System, user: User,
                facts: Sequence[str]) -> Merge:
    """Three-way merge, fact by fact, of the user's stale draft onto the latest version.

    A fact only one side changed takes that side's answer; a fact both changed differently is
    a conflict: the user's answer is kept (they are editing now) and the other answer is
    reported, so nothing either person wrote disappears unseen.
    """
    state = draft_state(session, system, user)
    latest = latest_version(session, system.id)
    assert latest is not None
    base_version = version(session, system.id, state.base)
    base = version_data(base_version) if base_version else {}
    theirs = version_data(latest)
    merged = theirs
    result = Merge(state.base, latest.number)
    paths = sorted(set(facts) | {f"extensions.{k}" for side in (base, state.data, theirs)
                                 for k in (side.get("extensions") or {})})
    for path in paths:
        old, mine, other = (get_answer(base, path), get_answer(state.data, path),
                            get_answer(theirs, path))
        if mine in (old, other):
            if other != old:
                result.taken_from_latest.append(path)
            continue
        if other != old:
            result.conflicts.append((path, mine, other))
        else:
            result.kept_mine.append(path)
        merged = set_answer(merged, path, mine)
    engine.validate_data(merged)
    text = dump_description(merged)
    draft = session.scalar(select(Draft).where(Draft.system_id == system.id,
                                               Draft.user_id == user.id))
    if draft is None:
        draft = Draft(system_id=system.id, user_id=user.id, revision=0)
        session.add(draft)
    draft.base_number = latest.number
    draft.yaml_text = text
    draft.revision = (draft.revision or 0) + 1
    draft.updated_at = utcnow()
    record(session, user.name, "draft.merge", subject=system.name, system_id=system.id,
           version=latest.number, detail={"from": state.base,
                                          "conflicts": [c[0] for c in result.conflicts]})
    return result


# --- sign-off and decisions ---------------------------------------------------------------------

def signoff(session: Session, version_id: int) -> SignOff | None:
    return session.scalar(select(SignOff).where(SignOff.version_id == version_id))


def sign(session: Session, system: System, version: DescriptionVersion, user: User,
         statement: str) -> SignOff:
    """The security officer approves ``version`` under the rulesets of its latest review."""
    if signoff(session, version.id) is not None:
        raise Frozen(f"version {version.number} is already signed")
    review = latest_review(session, version.id)
    if review is None:
        raise InputError.single(f"version {version.number} has no review to sign")
    row = SignOff(version_id=version.id, review_id=review.id, user_id=user.id,
                  outcome=review.outcome, rulesets=review.rulesets, statement=statement[:4000],
                  signed_at=utcnow())
    session.add(row)
    session.flush()
    record(session, user.name, "signoff", subject=system.name, system_id=system.id,
           version=version.number, detail={"outcome": review.outcome,
                                           "rulesets": review.rulesets})
    return row


def decide(session: Session, system: System, version: DescriptionVersion, user: User,
           outcome: str, note: str) -> DecisionRecord:
    """Management records its decision on a signed version."""
    if outcome not in MANAGEMENT_OUTCOMES:
        raise InputError.single(f"unknown decision '{outcome}'",
                                expected=", ".join(MANAGEMENT_OUTCOMES))
    if signoff(session, version.id) is None:
        raise InputError.single(f"version {version.number} is not signed yet",
                                suggestion="the security officer signs the review first")
    row = DecisionRecord(version_id=version.id, user_id=user.id, outcome=outcome,
                         note=note[:4000], decided_at=utcnow())
    session.add(row)
    session.flush()
    record(session, user.name, "decision", subject=system.name, system_id=system.id,
           version=version.number, detail={"outcome": outcome})
    return row


def decisions(session: Session, version_id: int) -> list[DecisionRecord]:
    return list(session.scalars(select(DecisionRecord)
                                .where(DecisionRecord.version_id == version_id)
                                .order_by(DecisionRecord.id)))


# --- waivers ------------------------------------------------------------------------------------

def waivers(session: Session, system_id: int, include_revoked: bool = False) -> list[WaiverRecord]:
    query = select(WaiverRecord).where(WaiverRecord.system_id == system_id)
    if not include_revoked:
        query = query.where(WaiverRecord.revoked_at.is_(None))
    return list(session.scalars(query.order_by(WaiverRecord.rule_id, WaiverRecord.id)))


def active_waivers(session: Session, system_id: int) -> list[WaiverInput]:
    return [WaiverInput(w.rule_id, w.justification, (w.accepted_by_name, w.accepted_by_role),
                        w.accepted_on, w.expires,
                        (w.risk_owner_name, w.risk_owner_role or "")
                        if w.risk_owner_name else None)
            for w in waivers(session, system_id)]


def add_waiver(session: Session, engine: Engine, system: System, user: User,
               waiver: WaiverInput) -> WaiverRecord:
    """Accept a risk for one rule (validated as a waiver file would be), then re-review."""
    if waiver.rule in {w.rule_id for w in waivers(session, system.id)}:
        raise InputError.single(f"rule '{waiver.rule}' already has a waiver",
                                suggestion="revoke the old one first")
    known = {r.id for r in engine.catalog.rules}
    if waiver.rule not in known:
        from secreview.errors import did_you_mean

        raise InputError.single(f"unknown rule '{waiver.rule}'",
                                suggestion=did_you_mean(waiver.rule, known))
    from secreview.store.reviewing import _waiver_file

    _waiver_file([waiver])
    row = WaiverRecord(system_id=system.id, rule_id=waiver.rule,
                       justification=waiver.justification,
                       accepted_by_name=waiver.accepted_by[0],
                       accepted_by_role=waiver.accepted_by[1], accepted_on=waiver.accepted_on,
                       expires=waiver.expires,
                       risk_owner_name=waiver.risk_owner[0] if waiver.risk_owner else None,
                       risk_owner_role=waiver.risk_owner[1] if waiver.risk_owner else None,
                       created_by=user.id, created_at=utcnow())
    session.add(row)
    session.flush()
    record(session, user.name, "waiver.add", subject=system.name, system_id=system.id,
           detail={"rule": waiver.rule, "expires": waiver.expires.isoformat()})
    rereview(session, engine, system, user)
    return row


def revoke_waiver(session: Session, engine: Engine, system: System, user: User,
                  waiver_id: int) -> None:
    row = session.get(WaiverRecord, waiver_id)
    if row is None or row.system_id != system.id or row.revoked_at is not None:
        raise InputError.single("no such active waiver")
    row.revoked_at = utcnow()
    record(session, user.name, "waiver.revoke", subject=system.name, system_id=system.id,
           detail={"rule": row.rule_id})
    rereview(session, engine, system, user)


# --- the register view --------------------------------------------------------------------------

@dataclass
class RegisterRow:
    system: System
    version: DescriptionVersion | None
    review: ReviewResult | None
    signed: SignOff | None
    decision: DecisionRecord | None
    overdue: bool

    @property
    def next_review(self) -> dt.date | None:
        return self.review.next_review if self.review else None


def register_rows(session: Session, today: dt.date | None = None) -> list[RegisterRow]:
    """Every system with its latest version, review, sign-off and management decision."""
    day = today or dt.date.today()
    rows = []
    for system in all_systems(session):
        current = latest_version(session, system.id)
        review = latest_review(session, current.id) if current else None
        signed = signoff(session, current.id) if current else None
        made = decisions(session, current.id) if current else []
        due = review.next_review if review else None
        rows.append(RegisterRow(system, current, review, signed, made[-1] if made else None,
                                overdue=due is not None and due < day))
    return rows


def capability_overlaps(rows: Sequence[RegisterRow]) -> dict[str, list[RegisterRow]]:
    """Capabilities that two or more systems provide (case and spacing ignored)."""
    groups: dict[str, list[RegisterRow]] = {}
    for row in rows:
        if row.system.capability:
            groups.setdefault(" ".join(row.system.capability.casefold().split()), []).append(row)
    return {key: members for key, members in sorted(groups.items()) if len(members) > 1}
