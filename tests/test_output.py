"""Outputs are written atomically, never over an input, with clear errors when they cannot be."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from hostile import make_non_regular, no_hang
from secreview.cli import main
from secreview.errors import InputError
from secreview.output import _refuse_target, current_umask, write_atomic
from secreview.profile import bundled_profile_path

ROOT = Path(__file__).resolve().parent.parent

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    """Private copies of the system description and rules, so a failing test clobbers nothing."""
    system = tmp_path / "system.yaml"
    shutil.copy(FIXTURES / "system_min.yaml", system)
    rules = tmp_path / "rules"
    shutil.copytree(FIXTURES / "rules", rules)
    return system, rules


def review(system: Path, rules: Path, output: str, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["review", str(system), "--rules", str(rules), "-o", output,
                                       "--date", "2026-11-26", *extra])
    return result.exit_code, result.output


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_replaces_content_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old")
    target.chmod(0o644)
    write_atomic(target, "ny rapport åäö")
    assert target.read_text("utf-8") == "ny rapport åäö"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    write_atomic(target, b"\x00bytes")
    assert target.read_bytes() == b"\x00bytes"
    assert leftovers(tmp_path) == []


def test_failed_rename_keeps_the_old_file_and_removes_the_temporary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.txt"
    target.write_text("previous report")

    def broken_replace(source: str, destination: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(InputError, match="cannot write output: No space left on device"):
        write_atomic(target, "new report")
    assert target.read_text() == "previous report"
    assert leftovers(tmp_path) == []


def test_rendering_failure_leaves_no_file_and_no_traceback(
        inputs: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import secreview.report

    def failing_render(*_args: object, **_options: object) -> str:
        raise RuntimeError("template exploded")

    monkeypatch.setattr(secreview.report, "render", failing_render)
    fresh = tmp_path / "fresh.json"
    code, output = review(*inputs, str(fresh))
    assert code == 3
    assert "internal error: RuntimeError: template exploded" in output
    assert "Traceback" not in output
    assert not fresh.exists()
    existing = tmp_path / "existing.json"
    existing.write_text('{"previous": true}')
    code, _ = review(*inputs, str(existing))
    assert code == 3
    assert existing.read_text() == '{"previous": true}'
    assert leftovers(tmp_path) == []


def test_review_writes_the_report(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    target = tmp_path / "out" / "review.json"
    target.parent.mkdir()
    code, output = review(*inputs, str(target))
    assert code == 0, output
    assert target.read_text("utf-8").startswith("{")
    assert leftovers(target.parent) == []


@pytest.mark.parametrize("spelling", ["same", "relative", "dotdot", "symlink", "hardlink",
                                      "in_rules_folder"])
def test_output_never_replaces_an_input(inputs: tuple[Path, Path], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch, spelling: str) -> None:
    system, rules = inputs
    monkeypatch.chdir(tmp_path)
    target = {
        "same": str(system),
        "relative": "./system.yaml",
        "dotdot": f"rules/../{system.name}",
        "symlink": "link.json",
        "hardlink": "hard.json",
        "in_rules_folder": "rules/mini.yaml",
    }[spelling]
    if spelling == "symlink":
        (tmp_path / "link.json").symlink_to(system)
    if spelling == "hardlink":
        os.link(system, tmp_path / "hard.json")
    protected = rules / "mini.yaml" if spelling == "in_rules_folder" else system
    before = protected.read_bytes()
    code, output = review(system, rules, target, "--format", "json")
    assert code == 2
    assert "refusing to write the output over an input file" in output
    assert protected.read_bytes() == before
    assert leftovers(tmp_path) == [] and leftovers(rules) == []


def test_other_files_in_the_rules_folder_may_be_written(inputs: tuple[Path, Path]) -> None:
    system, rules = inputs
    code, output = review(system, rules, str(rules / "review.txt"))
    assert code == 0, output


def test_missing_output_folder(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    code, output = review(*inputs, str(tmp_path / "nowhere" / "review.json"))
    assert code == 2
    assert "review.json: error: output folder does not exist" in output
    assert "mkdir -p" in output


def test_output_folder_is_a_file(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    code, output = review(*inputs, str(inputs[0] / "review.json"))
    assert code == 2
    assert "is a file, not a folder" in output
    code, output = review(*inputs, "/etc/passwd/review.json")
    assert code == 2
    assert "'/etc/passwd' is a file, not a folder" in output


def test_output_path_is_a_folder(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    (tmp_path / "taken.json").mkdir()
    with pytest.raises(InputError, match="output path is a folder"):
        write_atomic(tmp_path / "taken.json", "x")


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder that really refuses new files: chmod works for users; root needs /sys."""
    if os.geteuid() != 0:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o500)
        return folder
    for candidate in (Path("/sys"), Path("/proc/self")):
        try:
            handle, name = tempfile.mkstemp(dir=candidate)
        except OSError:
            return candidate
        os.close(handle)
        os.unlink(name)
    pytest.skip("no folder refuses writes on this machine")


def test_unwritable_output_folder(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    folder = _unwritable_folder(tmp_path)
    target = folder / "review.json"
    code, output = review(*inputs, str(target))
    assert code == 2, output
    assert f"{target}: error: cannot write to the output folder" in output
    assert "Traceback" not in output
    assert not target.exists()


@pytest.mark.parametrize("command", ["questions", "init"])
def test_workflow_outputs_never_replace_the_profile(tmp_path: Path, command: str) -> None:
    """Regression: ``questions -o`` protected only the system, rules and waivers it was given."""
    profile = tmp_path / "profile.yaml"
    profile.write_bytes(bundled_profile_path("generic").read_bytes())
    before = profile.read_bytes()
    args = (["questions", str(ROOT / "examples" / "hr-service-se.yaml")] if command == "questions"
            else ["init", "--force"])
    result = CliRunner().invoke(main, [*args, "--profile", str(profile), "-o", str(profile)])
    assert result.exit_code == 2, result.output
    assert "refusing to write the output over an input file" in result.output
    assert profile.read_bytes() == before


# --- targets that are not ours (issue 17, class 3) ----------------------------------------------

@pytest.mark.parametrize("kind", ["fifo", "socket"])
def test_a_target_that_is_not_a_regular_file_is_refused(tmp_path: Path, kind: str) -> None:
    target = make_non_regular(kind, tmp_path / "review.json")
    with no_hang(), pytest.raises(InputError, match="not a regular file, so secreview does not"):
        write_atomic(target, "x")
    assert not stat.S_ISREG(os.lstat(target).st_mode)  # still what it was
    assert leftovers(tmp_path) == []


def test_a_device_is_refused_before_anything_is_written() -> None:
    """As root, ``-o /dev/null`` used to replace /dev/null with a regular file. The check runs
    on the device's status only, so this test never writes into /dev."""
    with pytest.raises(InputError, match="the output is a character device, not a regular"):
        _refuse_target(Path("/dev/null"), os.lstat("/dev/null"))


def test_a_symbolic_link_target_is_refused_and_its_target_kept(tmp_path: Path) -> None:
    elsewhere = tmp_path / "someone-elses.txt"
    elsewhere.write_text("keep me")
    (tmp_path / "report.txt").symlink_to(elsewhere)
    with pytest.raises(InputError, match="the output is a symbolic link"):
        write_atomic(tmp_path / "report.txt", "new")
    assert elsewhere.read_text() == "keep me"
    assert (tmp_path / "report.txt").is_symlink()


def test_a_read_only_target_is_refused_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "signed-report.txt"
    target.write_text("signed")
    target.chmod(0o444)
    with pytest.raises(InputError, match="read-only; secreview does not replace it"):
        write_atomic(target, "new")
    assert target.read_text() == "signed" and stat.S_IMODE(target.stat().st_mode) == 0o444


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 0o777))
def test_a_new_file_honours_the_umask(mask: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        previous = os.umask(mask)
        try:
            assert current_umask() == mask
            written = write_atomic(Path(folder) / "new.txt", "x")
        finally:
            os.umask(previous)
        assert stat.S_IMODE(written.stat().st_mode) == 0o666 & ~mask


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_text() == "new"


@pytest.mark.parametrize("kind", ["symlink_loop", "dangling_symlink", "symlink_to_device"])
def test_a_link_of_any_kind_as_target_is_refused(tmp_path: Path, kind: str) -> None:
    """A link loop made Path.resolve raise RuntimeError (exit 3); a dangling link would have
    been written through to wherever it pointed."""
    target = make_non_regular(kind, tmp_path / "review.json")
    with pytest.raises(InputError, match="the output is a symbolic link"):
        write_atomic(target, "x", protected=[tmp_path / "input.yaml"])
    assert target.is_symlink()
