"""The portfolio register: every file reviewed, sorted by risk, bad files reported not fatal."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.cli import main
from secreview.errors import InputError
from secreview.portfolio import build_register, discover, render_html, write_register

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


def test_parallel_and_serial_registers_are_identical(folder: Path, tmp_path: Path) -> None:
    serial = build_register(folder, [MINI], jobs=1, today=TODAY)
    parallel = build_register(folder, [MINI], jobs=2, today=TODAY)
    assert serial.as_dict() == parallel.as_dict()
    one, two = tmp_path / "one", tmp_path / "two"
    write_register(serial, one, "sv")
    write_register(parallel, two, "sv")
    for name in ("register.csv", "register.json", "register.html"):
        assert (one / name).read_bytes() == (two / name).read_bytes()


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
    assert result.exit_code == 0, result.output
    assert "d_bad.yaml:3:3" in result.output
    assert "Systems reviewed: 3. Files with errors: 2." in result.output
    assert sorted(p.name for p in out.iterdir()) == ["register.csv", "register.html",
                                                     "register.json"]
    missing = runner.invoke(main, ["portfolio", str(tmp_path / "nope")])
    assert missing.exit_code == 2
    same = runner.invoke(main, ["portfolio", str(folder), "-o", str(folder)])
    assert same.exit_code == 2
