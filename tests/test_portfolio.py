"""The portfolio register: every file reviewed, sorted by risk, bad files reported not fatal."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from hostile import NON_REGULAR, make_non_regular, no_hang
from secreview.cli import main
from secreview.errors import InputError
from secreview.portfolio import Register, build_register, discover, write_register
from secreview.report.register import render_html

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "rules"
TODAY = dt.date(2027, 3, 1)

CLEAN = """\
system:
  name: Elevregister
  capability: Learning platform
  owner_board: Barn- och utbildningsnämnden
  system_owner: Eva Ek
  information_owner: Per Ek
  management_object: Skola
personal_data: {processed: true, special_categories: [], dpia: {status: approved}}
contract: {processor_agreement: {signed: true}}
hosting: {content: {countries: [SE]}, subprocessors: []}
dpia_screening: {large_scale: false, sensitive_data: false}
extensions: {cloud_exit_tested: true}
review: {date: 2026-01-10, next_review: 2027-01-10}
"""

OVERLAP = """\
system:
  name: "<b>Lärportal</b>"
  capability: learning platform
  owner_board: Kulturnämnden
integrations:
  - {counterpart: Gammalt elevsystem, protocol: proprietary API, open_standard: false}
  - {counterpart: Skolfederation, protocol: SAML, open_standard: true}
review: {date: 2026-12-01}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    systems = tmp_path / "systems"
    systems.mkdir()
    (systems / "a_clean.yaml").write_text(CLEAN, encoding="utf-8")
    (systems / "b_overlap.yml").write_text(OVERLAP, encoding="utf-8")
    (systems / "c_min.yaml").write_text((FIXTURES / "system_min.yaml").read_text("utf-8"),
                                        encoding="utf-8")
    (systems / "c_min.waivers.yaml").write_text((FIXTURES / "waivers.yaml").read_text("utf-8"),
                                                encoding="utf-8")
    (systems / "d_bad.yaml").write_text("system:\n  name: Trasig\n  name: igen\n",
                                        encoding="utf-8")
    (systems / "e_orphan.waivers.yaml").write_text("waivers: []\n", encoding="utf-8")
    (systems / "notes.txt").write_text("not a system", encoding="utf-8")
    return systems


def test_discover_pairs_waivers_with_their_system(folder: Path) -> None:
    jobs, problems = discover(folder)
    assert [j.system.name for j in jobs] == ["a_clean.yaml", "b_overlap.yml", "c_min.yaml",
                                             "d_bad.yaml"]
    assert [j.waivers.name if j.waivers else None for j in jobs] == \
        [None, None, "c_min.waivers.yaml", None]
    assert len(problems) == 1 and "e_orphan.waivers.yaml" in (problems[0].file or "")


def test_register_content_and_order(folder: Path) -> None:
    register = build_register(folder, [MINI], jobs=1, today=TODAY)
    assert [e.file for e in register.entries] == ["c_min.yaml", "b_overlap.yml", "a_clean.yaml"]
    worst, middle, best = register.entries
    assert worst.decision == "reject" and worst.level == "critical"
    assert middle.decision == "incomplete"
    assert best.decision == "approve" and best.level is None
    assert best.overdue is True and best.next_review == dt.date(2027, 1, 10)
    assert middle.overdue is False and middle.next_review == dt.date(2027, 12, 1)
    assert worst.expired_waivers == ("test.exit", "test.processor_agreement")
    assert worst.review_date_assumed is True and worst.review_date == TODAY
    assert best.review_date_assumed is False
    assert best.missing == ()
    assert middle.missing == ("system_owner", "information_owner", "management_object")
    assert [c.counterpart for c in middle.closed_integrations] == ["Gammalt elevsystem"]
    capabilities = register.by_capability()
    assert capabilities[0][0] in ("Learning platform", "learning platform")
    assert {e.file for e in capabilities[0][1]} == {"a_clean.yaml", "b_overlap.yml"}
    assert capabilities[-1][0] is None
    assert {e.file for e in register.ownerless()} == {"b_overlap.yml", "c_min.yaml"}
    errors = [p.format() for p in register.errors]
    assert any("d_bad.yaml:3:3" in e and "duplicate key" in e for e in errors)
    assert any("e_orphan.waivers.yaml" in e for e in errors)


@pytest.mark.slow
def test_parallel_and_serial_registers_are_identical(folder: Path, tmp_path: Path) -> None:
    serial = build_register(folder, [MINI], jobs=1, today=TODAY)
    parallel = build_register(folder, [MINI], jobs=2, today=TODAY)
    assert serial.as_dict() == parallel.as_dict()
    one, two = tmp_path / "one", tmp_path / "two"
    write_register(serial, one, "sv")
    write_register(parallel, two, "sv")
    for name in ("register.csv", "register.json", "register.html"):
        assert (one / name).read_bytes() == (two / name).read_bytes()


@pytest.mark.parametrize("enabled", [True, False])
def test_a_register_built_in_process_leaves_garbage_collection_as_it_found_it(
        folder: Path, enabled: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a batch the collector runs every few reviews, not on its own; a caller's process gets
    back the setting it had, and the batches do collect and freeze."""
    import gc

    import secreview.batch as batch

    monkeypatch.setattr(batch, "COLLECT_EVERY", 1)
    frozen: list[bool] = []
    monkeypatch.setattr(batch, "collect_and_freeze", lambda: frozen.append(gc.isenabled()))
    (gc.enable if enabled else gc.disable)()
    try:
        register = build_register(folder, [MINI], jobs=1, today=TODAY)
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
    assert len(register.entries) == 3
    # Once before the batch (the loaded rules), then after each of the four files, the one
    # that fails to load included, with automatic collection off.
    assert frozen == [enabled, False, False, False, False]


def test_outputs(folder: Path, tmp_path: Path) -> None:
    register = build_register(folder, [MINI], jobs=1, today=TODAY)
    out = tmp_path / "out"
    write_register(register, out, "en")
    text = (out / "register.csv").read_text(encoding="utf-8")
    assert text.startswith("\ufeffSystem;File;")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert [r[1] for r in rows[1:]] == ["c_min.yaml", "b_overlap.yml", "a_clean.yaml"]
    data = json.loads((out / "register.json").read_text(encoding="utf-8"))
    assert data["today"] == "2027-03-01"
    assert data["closed_integrations"][0]["counterpart"] == "Gammalt elevsystem"
    assert len(data["errors"]) == 2
    html = (out / "register.html").read_text(encoding="utf-8")
    assert "<b>Lärportal</b>" not in html and "&lt;b&gt;Lärportal&lt;/b&gt;" in html
    assert "Acme &lt;script&gt;" in html
    assert "http://" not in html and "https://" not in html and "<script" not in html
    assert "2 systems provide the same capability" in html
    assert "overdue" in render_html(register, "en")
    assert "no date in the description, today assumed" in html
    assert "Swedish municipality (default)" in html and "se_municipality" not in html
    assert "2027-03-01 (no date in the description, today assumed)" in text
    assert "dagens datum antaget" in render_html(register, "sv")


def test_unusable_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        build_register(tmp_path / "absent", [MINI])


def test_cli_portfolio(folder: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "reg"
    result = runner.invoke(main, ["portfolio", str(folder), "-o", str(out), "--rules", str(MINI),
                                  "--today", "2027-03-01", "--jobs", "1", "--lang", "en"])
    assert result.exit_code == 1, result.output  # two files could not be used: not a 0
    assert "d_bad.yaml:3:3" in result.output
    assert "Systems reviewed: 3. Files with errors: 2." in result.output
    assert sorted(p.name for p in out.iterdir()) == ["register.csv", "register.html",
                                                     "register.json"]
    missing = runner.invoke(main, ["portfolio", str(tmp_path / "nope")])
    assert missing.exit_code == 2
    same = runner.invoke(main, ["portfolio", str(folder), "-o", str(folder)])
    assert same.exit_code == 2


def test_the_register_links_each_system_to_its_report(folder: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "reg"
    args = ["portfolio", str(folder), "-o", str(out), "--rules", str(MINI), "--today",
            "2027-03-01", "--jobs", "1", "--lang", "en", "--reports", "html"]
    result = runner.invoke(main, args)
    assert result.exit_code == 1, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["register.csv", "register.html", "register.json", "report-a_clean.html",
                     "report-b_overlap-yml.html", "report-c_min.html"]
    page = (out / "register.html").read_text(encoding="utf-8")
    assert '<a href="report-a_clean.html">Elevregister</a>' in page
    assert '<a href="report-b_overlap-yml.html">&lt;b&gt;Lärportal&lt;/b&gt;</a>' in page
    report = (out / "report-c_min.html").read_text(encoding="utf-8")
    assert "The waiver for &#39;test.processor_agreement&#39; expired" in report  # its waivers
    assert json.loads((out / "register.json").read_text(encoding="utf-8"))["entries"][0][
        "report"].startswith("report-")
    (folder / "a_clean.yaml").unlink()  # a system gone: its old report goes with the old set
    again = runner.invoke(main, args)
    assert again.exit_code == 1, again.output
    assert "report-a_clean.html" not in [p.name for p in out.iterdir()]


# --- truthfulness and the register written as one set (issue 17, classes 3 and 7) --------------

@pytest.mark.parametrize("kind", sorted(NON_REGULAR))
def test_entries_that_are_not_regular_files_are_reported(folder: Path, kind: str) -> None:
    odd = make_non_regular(kind, folder / "x_odd.yaml")
    with no_hang():
        jobs, problems = discover(folder)
    assert odd not in [job.system for job in jobs]
    assert next(p.message for p in problems if p.file == str(odd)).startswith(
        NON_REGULAR[kind].split(" (")[0])


def test_cli_exits_1_and_still_writes_the_register_when_a_file_is_not_reviewed(
        folder: Path, tmp_path: Path) -> None:
    make_non_regular("fifo", folder / "f_pipe.yaml")
    out = tmp_path / "reg"
    with no_hang():
        result = CliRunner().invoke(main, ["portfolio", str(folder), "-o", str(out), "--rules",
                                           str(MINI), "--today", "2027-03-01", "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert "f_pipe.yaml: error: is a named pipe (FIFO)" in result.output
    errors = json.loads((out / "register.json").read_text("utf-8"))["errors"]
    assert any(e["file"].endswith("f_pipe.yaml") for e in errors)


def _register(folder: Path) -> Register:
    return build_register(folder, [MINI], jobs=1, today=TODAY)


def test_the_register_folder_is_replaced_as_a_whole(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_register(_register(folder), out, "en")
    first = (out / "register.json").read_bytes()
    (folder / "d_bad.yaml").unlink()
    write_register(_register(folder), out, "sv")
    assert (out / "register.json").read_bytes() != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "systems"]  # nothing hidden


def test_a_link_inside_the_register_folder_is_refused(folder: Path, tmp_path: Path) -> None:
    """``ln -s ../in/a.yaml out/register.json`` used to make the run replace the input."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "register.json").symlink_to(folder / "a_clean.yaml")
    before = (folder / "a_clean.yaml").read_bytes()
    with pytest.raises(InputError, match="symbolic link"):
        write_register(_register(folder), out, "en")
    assert (folder / "a_clean.yaml").read_bytes() == before
    assert (out / "register.json").is_symlink()


@pytest.mark.parametrize("case", ["other_file", "folder_is_link", "read_only", "is_file",
                                  "input_inside"])
def test_a_register_folder_that_is_not_ours_is_refused(folder: Path, tmp_path: Path,
                                                       case: str) -> None:
    out = tmp_path / "out"
    protected: list[Path] = []
    if case == "folder_is_link":
        (tmp_path / "real").mkdir()
        out.symlink_to(tmp_path / "real")
    elif case == "is_file":
        out.write_text("a file")
    else:
        out.mkdir()
        if case == "other_file":
            (out / "minutes.docx").write_text("the board's minutes")
        elif case == "read_only":
            (out / "register.csv").write_text("signed copy")
            (out / "register.csv").chmod(0o444)
        else:
            (out / "a.yaml").write_text("system: {name: X}\n")
            protected = [out / "a.yaml"]
    snapshot = sorted((p.name, p.is_symlink()) for p in out.iterdir()) if out.is_dir() else None
    with pytest.raises(InputError) as caught:
        write_register(_register(folder), out, "en", protected)
    message = caught.value.problems[0].message
    assert {"other_file": "holds other files (minutes.docx)", "folder_is_link": "symbolic link",
            "read_only": "read-only", "is_file": "not a folder",
            "input_inside": "over an input"}[case] in message
    after = sorted((p.name, p.is_symlink()) for p in out.iterdir()) if out.is_dir() else None
    assert after == snapshot
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_failed_write_keeps_the_old_register_and_leaves_nothing(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import secreview.output

    out = tmp_path / "out"
    write_register(_register(folder), out, "en")
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    real = secreview.output._write_file
    calls = []

    def fail_on_second(*args: object) -> str:
        calls.append(args)
        if len(calls) == 2:
            raise InputError.single("cannot write output: No space left on device")
        return real(*args)

    monkeypatch.setattr(secreview.output, "_write_file", fail_on_second)
    with pytest.raises(InputError, match="No space left"):
        write_register(_register(folder), out, "sv")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "systems"]


def test_a_folder_left_by_a_killed_run_is_removed_by_the_next(folder: Path,
                                                              tmp_path: Path) -> None:
    stale = tmp_path / ".out.secreview-999999999-0000"
    stale.mkdir()
    (stale / "register.csv").write_text("half")
    live = tmp_path / f".out.secreview-{os.getpid()}-1111"  # a running process's: kept
    live.mkdir()
    write_register(_register(folder), tmp_path / "out", "en")
    assert not stale.exists() and live.exists()


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(["regular", "waivers", "notes", *sorted(NON_REGULAR)]),
                max_size=8))
def test_discover_accounts_for_every_entry_named_like_a_document(kinds: list[str]) -> None:
    """Each entry named *.yaml is a job, a waiver file or a reported problem: none vanishes."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for i, kind in enumerate(kinds):
            if kind == "regular":
                (folder / f"s{i}.yaml").write_text("system: {name: X}\n")
            elif kind == "waivers":
                (folder / f"s{i - 1}.waivers.yaml").write_text("waivers: []\n")
            elif kind == "notes":
                (folder / f"n{i}.txt").write_text("not a document")
            else:
                make_non_regular(kind, folder / f"odd{i}.yaml")
        with no_hang():
            jobs, problems = discover(folder)
        named = {p for p in folder.iterdir() if p.suffix == ".yaml"}
        accounted = ({job.system for job in jobs} | {job.waivers for job in jobs if job.waivers}
                     | {Path(p.file) for p in problems if p.file})
        assert named == accounted


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 4), st.booleans())
def test_a_register_write_failing_at_any_step_leaves_the_old_set_whole(
        failing_call: int, had_register: bool) -> None:
    import secreview.output

    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        out = root / "out"
        old: dict[str, bytes] = {}
        if had_register:
            out.mkdir()
            old = {n: f"old {n}".encode() for n in ("register.csv", "register.json",
                                                    "register.html")}
            for n, data in old.items():
                (out / n).write_bytes(data)
        real = secreview.output._write_file
        calls = []

        def failing(*args: Any) -> str:
            calls.append(args)
            if len(calls) == failing_call:
                raise InputError.single("cannot write output: disk full")
            return real(*args)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(secreview.output, "_write_file", failing)
            files = {"register.csv": "new", "register.json": "{}", "register.html": "<p>"}
            try:
                secreview.output.write_folder_atomic(out, files)
                wrote = True
            except InputError:
                wrote = False
        after = {p.name: p.read_bytes() for p in out.iterdir()} if out.exists() else {}
        assert after == ({k: v.encode() for k, v in files.items()} if wrote else old)
        assert sorted(p.name for p in root.iterdir()) == (["out"] if wrote or had_register
                                                          else [])
