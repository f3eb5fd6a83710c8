"""`secreview review -o FILE` picks the report format from the extension; --format overrides."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.bundled import profiles_dir
from secreview.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
BASE = ["review", str(FIXTURES / "system_min.yaml"), "--rules", str(FIXTURES / "rules"),
        "--date", "2026-11-26"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*BASE, *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.slow
def test_pdf_from_extension(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    code, _, err = run("-o", str(target))
    assert code == 0, err
    assert target.read_bytes().startswith(b"%PDF-1.7")


def test_csv_md_html_from_extension(tmp_path: Path) -> None:
    for suffix, start in ((".csv", "\ufeffRisk;Regel;".encode()), (".md", b"# "),
                          (".html", b"<!DOCTYPE html>")):
        target = tmp_path / f"report{suffix}"
        code, _, err = run("-o", str(target))
        assert code == 0, err
        assert target.read_bytes().lstrip(b"\n").startswith(start), suffix


def test_format_overrides_and_language(tmp_path: Path) -> None:
    code, out, _ = run("--format", "md", "--lang", "en")
    assert code == 0 and out.startswith("# Security and data protection review")


def test_profile_logo_reaches_the_html(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>',
                                       encoding="utf-8")
    text = (profiles_dir() / "se-municipality.yaml").read_text(encoding="utf-8")
    profile = tmp_path / "profile.yaml"
    profile.write_text(text.replace("  name: Kommunen\n", "  name: Kommunen\n  logo: logo.svg\n"),
                       encoding="utf-8")
    target = tmp_path / "r.html"
    code, _, err = run("--profile", str(profile), "-o", str(target))
    assert code == 0, err
    assert "data:image/svg+xml;base64," in target.read_text(encoding="utf-8")


def test_bad_logo_is_exit_2(tmp_path: Path) -> None:
    text = (profiles_dir() / "se-municipality.yaml").read_text(encoding="utf-8")
    profile = tmp_path / "profile.yaml"
    profile.write_text(text.replace("  name: Kommunen\n", "  name: Kommunen\n  logo: logo.gif\n"),
                       encoding="utf-8")
    code, _, err = run("--profile", str(profile), "-o", str(tmp_path / "r.html"))
    assert code == 2 and "SVG or PNG" in err
