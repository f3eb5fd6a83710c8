"""The register's operations on SQLite and PostgreSQL: versions that are never overwritten,
optimistic concurrency, drafts, reviews, sign-off, decisions, waivers, import and export."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from tests.example_files import example_systems

from secreview.errors import InputError
from secreview.store import register as reg
from secreview.store.accounts import add_user
from secreview.store.answers import dump_description, get_answer
from secreview.store.audit import entries
from secreview.store.models import DescriptionVersion, ReviewResult
from secreview.store.reviewing import WaiverInput, review_from_json
from secreview.store.transfer import import_folder

# Every test migrates a fresh register database and reviews the versions it stores in it
# (on SQLite here, on PostgreSQL too in CI): integration tests for CI, not the fast loop.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
START = dump_description({"system": {"name": "Bokning", "owner_board": "Kommunstyrelsen"}})


def _people(sessions: Any) -> None:
    with sessions() as session, session.begin():
        add_user(session, "anna", "project_lead", "correct horse battery")
        add_user(session, "bo", "project_lead", "correct horse battery")
        add_user(session, "siv", "security_officer", "correct horse battery")
        add_user(session, "ledning", "management", "correct horse battery")


def _user(session: Any, name: str) -> Any:
    from secreview.store.accounts import require_user

    return require_user(session, name)


def _new_system(sessions: Any, engine: Any, text_: str = START) -> int:
    with sessions() as session, session.begin():
        system, version = reg.create_system(session, engine, _user(session, "anna"), text_, "web")
        assert version.number == 1
        return system.id


def test_a_saved_version_keeps_its_text_and_its_review(store: Any, review_engine: Any) -> None:
    _, sessions = store
    _people(sessions)
    system_id = _new_system(sessions, review_engine)
    with sessions() as session:
        version = reg.latest_version(session, system_id)
        assert version is not None and version.yaml_text == START
        review = reg.latest_review(session, version.id)
        assert review is not None
        parsed = review_from_json(review.review_json)
        assert parsed.decision.outcome == review.outcome == "incomplete"
        assert {r["id"] for r in review.rulesets} == {r.id for r in parsed.rulesets}
        assert review.profile_id == "se_municipality"
        system = reg.get_system(session, system_id)
        assert system is not None and system.owner_board == "Kommunstyrelsen"


def test_versions_cannot_be_rewritten_even_by_sql(store: Any, review_engine: Any) -> None:
    engine, sessions = store
    _people(sessions)
    _new_system(sessions, review_engine)
    for statement in ("UPDATE description_versions SET yaml_text = 'x'",
                      "DELETE FROM description_versions",
                      "UPDATE review_results SET outcome='approve'"):
        with engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text(statement))
    with sessions() as session:
        assert session.query(DescriptionVersion).one().yaml_text == START
        assert session.query(ReviewResult).one().outcome == "incomplete"


def test_a_stale_save_is_refused_and_both_versions_are_kept(store: Any,
                                                            review_engine: Any) -> None:
    """Two people edit the same system from version 1: the first save wins, the second is
    refused with who saved what, its answers stay in the draft, and merging keeps both."""
    _, sessions = store
    _people(sessions)
    system_id = _new_system(sessions, review_engine)
    with sessions() as session, session.begin():
        system = reg.get_system(session, system_id)
        reg.save_answers(session, review_engine, system, _user(session, "anna"),
                         {"ai.used": False, "hosting.deployment": "on_premises"})
    with sessions() as session, session.begin():
        system = reg.get_system(session, system_id)
        reg.save_answers(session, review_engine, system, _user(session, "siv"),
                         {"vendor.country": "SE", "hosting.deployment": "saas"})
    with sessions() as session, session.begin():
        system = reg.get_system(session, system_id)
        assert reg.commit_draft(session, review_engine, system, _user(session, "anna")).number == 2
    with sessions() as session, session.begin():
        system = reg.get_system(session, system_id)
        with pytest.raises(reg.StaleVersion) as refused:
            reg.commit_draft(session, review_engine, system, _user(session, "siv"))
    assert refused.value.latest.number == 2 and refused.value.author == "anna"
    assert "version 2 was saved by anna since you started from version 1" in str(refused.value)
    with sessions() as session:
        system = reg.get_system(session, system_id)
        assert system is not None and system.latest_version == 2
        mine = reg.draft_state(session, system, _user(session, "siv"))
        assert mine.exists and mine.base == 1
        assert get_answer(mine.data, "vendor.country") == "SE"
        theirs = reg.version_data(reg.version(session, system_id, 2))  # type: ignore[arg-type]
        assert get_answer(theirs, "ai.used") is False
    with sessions() as session, session.begin():
        system = reg.get_system(session, system_id)
        merge = reg.merge_draft(session, review_engine, system, _user(session, "siv"),
                                list(review_engine.facts))
        assert merge.onto == 2
        assert "ai.used" in merge.taken_from_latest
        assert "vendor.country" in merge.kept_mine
        assert merge.conflicts == [("hosting.deployment", "saas", "on_premises")]
    with sessions() as session, session.begin():
        system = reg.get_system(session, system_id)
        saved = reg.commit_draft(session, review_engine, system, _user(session, "siv"))
        data = reg.version_data(saved)
    assert saved.number == 3 and saved.parent_number == 2
    assert get_answer(data, "ai.used") is False and get_answer(data, "vendor.country") == "SE"
    assert get_answer(data, "hosting.deployment") == "saas"


def test_concurrent_answers_to_one_draft_are_all_kept(store: Any, review_engine: Any) -> None:
    """Eight threads answer eight different questions of the same draft at once."""
    _, sessions = store
    _people(sessions)
    system_id = _new_system(sessions, review_engine)
    paths = ["users.staff", "users.citizens", "users.pupils", "users.children", "ai.used",
             "telemetry.collected", "exit.exit_plan", "logging.follow_up"]
    errors: list[BaseException] = []

    def answer(path: str) -> None:
        try:
            for attempt in range(5):
                try:
                    with sessions() as session, session.begin():
                        system = reg.get_system(session, system_id)
                        reg.save_answers(session, review_engine, system,
                                         _user(session, "anna"), {path: True})
                    return
                except DBAPIError:  # two first answers both creating the draft: retry
                    if attempt == 4:
                        raise
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=answer, args=(p,)) for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with sessions() as session:
        system = reg.get_system(session, system_id)
        state = reg.draft_state(session, system, _user(session, "anna"))  # type: ignore[arg-type]
    assert {p for p in paths if get_answer(state.data, p) is True} == set(paths)


def test_a_bad_answer_is_refused_with_the_clis_problem(store: Any, review_engine: Any) -> None:
    _, sessions = store
    _people(sessions)
    system_id = _new_system(sessions, review_engine)
    with sessions() as session, session.begin():
        system = reg.get_system(session, system_id)
        with pytest.raises(InputError) as caught:
            reg.save_answers(session, review_engine, system, _user(session, "anna"),
                             {"users.number_of_users": "many"})
    problem = caught.value.problems[0]
    assert problem.message.startswith("users.number_of_users:")
    assert problem.suggestion == "write a whole number without quotes"
    with sessions() as session:
        system = reg.get_system(session, system_id)
        assert not reg.draft_state(session, system, _user(session, "anna")).exists


def test_sign_off_freezes_the_version_and_management_decides(store: Any,
                                                             review_engine: Any) -> None:
    _, sessions = store
    _people(sessions)
    system_id = _new_system(sessions, review_engine)
    with sessions() as session, session.begin():
        system = reg.get_system(session, system_id)
        version = reg.latest_version(session, system_id)
        with pytest.raises(InputError, match="not signed yet"):
            reg.decide(session, system, version, _user(session, "ledning"), "approve", "")
    with sessions() as session, session.begin():
        system = reg.get_system(session, system_id)
        version = reg.latest_version(session, system_id)
        signed = reg.sign(session, system, version, _user(session, "siv"), "Granskad.")
        assert signed.outcome == "incomplete" and signed.rulesets
        with pytest.raises(reg.Frozen):
            reg.sign(session, system, version, _user(session, "siv"), "again")
        assert reg.rereview(session, review_engine, system, _user(session, "siv")) is None
        reg.decide(session, system, version, _user(session, "ledning"), "reject", "Nej.")
        with pytest.raises(InputError, match="unknown decision"):
            reg.decide(session, system, version, _user(session, "ledning"), "maybe", "")
    with sessions() as session:
        actions = [e.action for e in entries(session, system_id)]
    assert {"system.create", "version.save", "signoff", "decision"} <= set(actions)


def test_a_waiver_is_applied_by_the_next_review(store: Any, review_engine: Any) -> None:
    _, sessions = store
    _people(sessions)
    text_ = (EXAMPLES / "school-platform.yaml").read_text(encoding="utf-8")
    system_id = _new_system(sessions, review_engine, text_)
    with sessions() as session:
        review = review_from_json(reg.latest_review(
            session, reg.latest_version(session, system_id).id).review_json)  # type: ignore[union-attr]
    rule = next(f.rule_id for f in review.findings if f.status == "finding"
                and f.residual and f.residual.level != "critical")
    waiver = WaiverInput(rule, "Accepted for the pilot term only.", ("Siv", "CISO"),
                         dt.date(2026, 1, 1), dt.date(2030, 1, 1))
    with sessions() as session, session.begin():
        system = reg.get_system(session, system_id)
        reg.add_waiver(session, review_engine, system, _user(session, "siv"), waiver)
        with pytest.raises(InputError, match="already has a waiver"):
            reg.add_waiver(session, review_engine, system, _user(session, "siv"), waiver)
        with pytest.raises(InputError, match="unknown rule"):
            reg.add_waiver(session, review_engine, system, _user(session, "siv"),
                           WaiverInput("no.such_rule", "Justified enough text.", ("S", "C"),
                                       dt.date(2026, 1, 1), dt.date(2030, 1, 1)))
    with sessions() as session:
        latest = reg.latest_review(session, reg.latest_version(session, system_id).id)  # type: ignore[union-attr]
        waived = review_from_json(latest.review_json)  # type: ignore[union-attr]
    assert next(f for f in waived.findings if f.rule_id == rule).status == "waived"
    assert waived.waivers_sha256 is not None


def test_import_then_export_gives_back_the_same_bytes(store: Any, review_engine: Any,
                                                      tmp_path: Path) -> None:
    _, sessions = store
    folder = tmp_path / "systems"
    folder.mkdir()
    for example in EXAMPLES.glob("*.yaml"):
        (folder / example.name).write_bytes(example.read_bytes())
    (folder / "broken.yaml").write_text("system:\n  name: [unclosed\n", encoding="utf-8")
    with sessions() as session, session.begin():
        report = import_folder(session, review_engine, folder)
    examples = len(example_systems())
    assert len(report.created) == examples and len(report.problems) == 1
    assert report.problems[0].file and report.problems[0].file.endswith("broken.yaml")
    assert report.problems[0].line is not None
    with sessions() as session, session.begin():
        again = import_folder(session, review_engine, folder)
    assert len(again.unchanged) == examples and not again.created
    with sessions() as session:
        rows = reg.register_rows(session)
        exported = {row.system.name: row.version.yaml_text for row in rows if row.version}
    originals = {}
    for example in example_systems():
        doc = review_engine.parse(example).system_doc
        originals[doc.data["system"]["name"]] = example.read_text(encoding="utf-8")
    assert exported == originals


def test_the_register_flags_overdue_reviews_and_capability_overlaps(store: Any,
                                                                    review_engine: Any) -> None:
    _, sessions = store
    _people(sessions)
    for name, board in (("Lärplattform A", "Utbildningsnämnden"), ("Lärplattform B", "KS")):
        _new_system(sessions, review_engine, dump_description({
            "system": {"name": name, "owner_board": board, "capability": "Lärplattform"},
            "review": {"date": dt.date(2020, 1, 1), "next_review": dt.date(2021, 1, 1)}}))
    _new_system(sessions, review_engine)
    with sessions() as session:
        rows = reg.register_rows(session, today=dt.date(2025, 6, 1))
        overlaps = reg.capability_overlaps(rows)
    assert [r.system.name for r in rows if r.overdue] == ["Lärplattform A", "Lärplattform B"]
    assert list(overlaps) == ["lärplattform"]
    assert len(overlaps["lärplattform"]) == 2
