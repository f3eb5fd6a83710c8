"""The vendor workbook in the register, on SQLite and PostgreSQL: an import becomes the next
version with the file's name and an audit record the result page is rendered from; a refused
file changes nothing and is recorded too."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.exchange_support import fill

from secreview.store import register as reg
from secreview.store import workbooks
from secreview.store.accounts import add_user, require_user
from secreview.store.answers import dump_description
from secreview.store.audit import entries

TODAY = dt.date(2026, 12, 3)


def _anna(sessions: Any) -> None:
    with sessions() as session, session.begin():
        add_user(session, "anna", "project_lead", "correct horse battery")


def _system(sessions: Any, engine: Any, name: str) -> int:
    with sessions() as session, session.begin():
        text = dump_description({"system": {"name": name}})
        system, _ = reg.create_system(session, engine, require_user(session, "anna"), text, "web")
        return system.id


def _workbook(sessions: Any, engine: Any, system_id: int, **options: Any) -> bytes:
    with sessions() as session:
        made = workbooks.workbook(session, engine, reg.get_system(session, system_id), "vendor",
                                  "sv", today=TODAY, **options)
        assert made.version == 1 and made.filename == f"system-{system_id}-v1-vendor-sv.xlsx"
        return made.data


def _import(sessions: Any, engine: Any, system_id: int, data: bytes, name: str = "svar.xlsx",
            force: bool = False) -> workbooks.Upload:
    """An upload as the workspace makes it: the basis, the file read, the result stored."""
    with sessions() as session, session.begin():
        start = workbooks.basis(session, reg.get_system(session, system_id))
    reading = workbooks.read(engine, start, data, name, force, TODAY)
    with sessions() as session, session.begin():
        return workbooks.store(session, engine, reg.get_system(session, system_id),
                               require_user(session, "anna"), reading)


@pytest.mark.slow
def test_an_import_is_the_next_version_with_its_file_and_its_record(
        store: Any, review_engine: Any) -> None:
    _, sessions = store
    _anna(sessions)
    system_id = _system(sessions, review_engine, "Bokning")
    filled = fill(_workbook(sessions, review_engine, system_id),
                  {"hosting.deployment": "molnet (SaaS)", "hosting.encryption_in_transit": "ja"},
                  sources={"hosting.encryption_in_transit": "DPA bilaga 2"},
                  respondent={"name": "Kim Berg"})
    done = _import(sessions, review_engine, system_id, filled, name="C:\\Temp\\svar.xlsx")
    other = _system(sessions, review_engine, "Lönesystem")
    assert (done.version, done.base, done.file) == (2, 1, "svar.xlsx")
    assert done.summary["answered"] == 1 and done.summary["refused"] == 1
    assert done.problems[0].sheet == "Frågor" and done.problems[0].column == 7
    assert (done.who, done.role, done.when) == ("Kim Berg", "vendor", "2026-12-03")
    with sessions() as session:
        version = reg.latest_version(session, system_id)
        assert version is not None and version.number == 2
        assert (version.source, version.source_name, version.parent_number) == \
            ("workbook", "svar.xlsx", 1)
        assert "source: DPA bilaga 2" in version.yaml_text and "who: Kim Berg" in version.yaml_text
        log = entries(session, system_id)
        assert [e.action for e in log[:2]] == ["workbook.import", "version.save"]
        assert log[1].detail["file"] == "svar.xlsx" and log[1].detail["source"] == "workbook"
        again = workbooks.upload_record(session, reg.get_system(session, system_id), log[0].id)
        assert again is not None and again.detail() == done.detail()
        assert again.problems[0].location() == done.problems[0].location()
        assert workbooks.upload_record(session, reg.get_system(session, other), log[0].id) is None
        assert workbooks.upload_record(session, reg.get_system(session, system_id),
                                       log[1].id) is None


@pytest.mark.slow
def test_a_refused_file_changes_nothing_and_is_recorded(store: Any, review_engine: Any) -> None:
    _, sessions = store
    _anna(sessions)
    first = _system(sessions, review_engine, "Bokning")
    second = _system(sessions, review_engine, "Lönesystem")
    filled = fill(_workbook(sessions, review_engine, first),
                  {"hosting.encryption_in_transit": "ja"})
    refused = _import(sessions, review_engine, second, filled)
    assert refused.refused and refused.forcible and refused.version is None
    assert refused.codes() == ["exchange.other_system"]
    junk = _import(sessions, review_engine, second, b"PK\x03\x04 not a workbook")
    assert junk.refused and not junk.forcible
    with sessions() as session:
        assert reg.latest_version(session, second).number == 1  # type: ignore[union-attr]
        assert [e.action for e in entries(session, second)[:2]] == ["workbook.refused"] * 2
    forced = _import(sessions, review_engine, second, filled, force=True)
    assert forced.version == 2 and forced.forced and not forced.refused


@pytest.mark.slow
def test_a_workbook_that_changes_nothing_makes_no_version(store: Any,
                                                         review_engine: Any) -> None:
    _, sessions = store
    _anna(sessions)
    system_id = _system(sessions, review_engine, "Bokning")
    done = _import(sessions, review_engine, system_id,
                   _workbook(sessions, review_engine, system_id))
    assert done.version is None and not done.refused and done.summary["answered"] == 0
    with sessions() as session:
        assert reg.latest_version(session, system_id).number == 1  # type: ignore[union-attr]
        assert entries(session, system_id)[0].action == "workbook.import"


@pytest.mark.slow
def test_a_version_saved_while_the_file_was_read_is_not_overwritten(
        store: Any, review_engine: Any) -> None:
    _, sessions = store
    _anna(sessions)
    system_id = _system(sessions, review_engine, "Bokning")
    filled = fill(_workbook(sessions, review_engine, system_id),
                  {"hosting.encryption_in_transit": "ja"})
    with sessions() as session, session.begin():
        start = workbooks.basis(session, reg.get_system(session, system_id))
    reading = workbooks.read(review_engine, start, filled, "svar.xlsx", today=TODAY)
    with sessions() as session, session.begin():  # someone saves meanwhile
        reg.save_version(session, review_engine, reg.get_system(session, system_id),
                         require_user(session, "anna"),
                         dump_description({"system": {"name": "Bokning", "purpose": "Lokaler"}}),
                         "web", 1)
    with sessions() as session, session.begin(), pytest.raises(reg.StaleVersion):
        workbooks.store(session, review_engine, reg.get_system(session, system_id),
                        require_user(session, "anna"), reading)
    with sessions() as session:
        latest = reg.latest_version(session, system_id)
        assert latest is not None and latest.number == 2 and "Lokaler" in latest.yaml_text
    assert _import(sessions, review_engine, system_id, filled).version == 3  # read again: fits


@given(st.text(max_size=400))
def test_an_uploaded_files_name_is_one_safe_line(name: str) -> None:
    label = workbooks.file_label(name)
    assert 0 < len(label) <= 120 and label == label.strip()
    assert "/" not in label and "\\" not in label
    assert all(ch.isprintable() or ch == " " for ch in label)
