"""Issue 17's attack classes, each run as a user would: a real ``secreview`` process.

In-process tests (click's runner, the library) cover every case of each class; these check what
only a real process shows: that it ends (no FIFO blocks it), with which exit code, in bounded
time and memory, what it leaves on disk, and what happens to its workers when it is killed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from hostile import NON_REGULAR, make_non_regular, profile_with_logo
from secreview.loading import LIMIT_VARIABLES

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SYSTEM = FIXTURES / "system_min.yaml"
RULES = FIXTURES / "rules"
TIMEOUT = 60


def secreview(*args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None,
              umask: int | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m secreview.cli ARGS``; a process that would hang fails the test."""
    base = {k: v for k, v in os.environ.items() if k not in LIMIT_VARIABLES}
    preexec: Callable[[], object] | None = (lambda: os.umask(umask)) if umask is not None \
        else None
    done = subprocess.run([sys.executable, "-m", "secreview.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, env={**base, **(env or {})},
                          timeout=TIMEOUT, preexec_fn=preexec)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    return done


# --- class 1: inputs that are not regular files -------------------------------------------------

def _arguments(kind: str, odd: Path, folder: Path) -> list[str | Path]:
    """The command that gives ``odd`` to secreview as an input of ``kind``."""
    if kind == "description":
        return ["review", odd, "--rules", RULES]
    if kind == "questions":
        return ["questions", odd, "--rules", RULES]
    if kind == "profile":
        return ["check", SYSTEM, "--rules", RULES, "--profile", odd]
    if kind == "waivers":
        return ["review", SYSTEM, "--rules", RULES, "--waivers", odd]
    if kind == "diff":
        return ["diff", odd, odd]
    if kind == "logo":
        return ["review", SYSTEM, "--rules", RULES, "--format", "html",
                "--profile", profile_with_logo(folder, odd.name)]
    raise AssertionError(kind)


INPUT_KINDS = ["description", "questions", "ruleset_in_folder", "profile", "waivers", "diff",
               "logo"]


@pytest.mark.parametrize("kind", INPUT_KINDS)
def test_a_fifo_as_any_input_is_refused_not_waited_for(tmp_path: Path, kind: str) -> None:
    """``mkfifo f.yaml; timeout 20 secreview review f.yaml`` used to end with 124."""
    name = {"diff": "x.json", "logo": "logo.svg"}.get(kind, "x.yaml")
    if kind == "ruleset_in_folder":
        (tmp_path / "rules").mkdir()
        shutil.copytree(RULES, tmp_path / "rules", dirs_exist_ok=True)
        make_non_regular("fifo", tmp_path / "rules" / name)
        args: list[str | Path] = ["check", SYSTEM, "--rules", tmp_path / "rules"]
    else:
        odd = make_non_regular("fifo", tmp_path / name)
        args = _arguments(kind, odd, tmp_path)
    started = time.monotonic()
    done = secreview(*args)
    assert done.returncode == 2, done.stderr
    assert "is a named pipe (FIFO), not a regular file" in done.stderr
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("kind", sorted(NON_REGULAR))
def test_every_kind_of_non_regular_description_is_a_clear_error(tmp_path: Path,
                                                               kind: str) -> None:
    odd = make_non_regular(kind, tmp_path / "x.yaml")
    done = secreview("review", odd, "--rules", RULES)
    assert done.returncode == 2, done.stderr
    assert NON_REGULAR[kind] in done.stderr or (
        kind == "directory" and "is a directory" in done.stderr)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_logo_linked_to_an_endless_device_is_refused_in_bounded_memory(
        tmp_path: Path, device: str) -> None:
    """A logo symlinked to /dev/zero grew memory until MemoryError (exit 3)."""
    (tmp_path / "logo.png").symlink_to(device)
    profile = profile_with_logo(tmp_path, "logo.png")
    done = secreview("review", SYSTEM, "--rules", RULES, "--format", "html", "--profile", profile)
    assert done.returncode == 2, done.stderr
    assert f"is a character device, not a regular file (a symbolic link to {device})" \
        in done.stderr


# --- class 3: outputs that are not ours ---------------------------------------------------------

def test_review_output_to_a_fifo_is_refused(tmp_path: Path) -> None:
    pipe = make_non_regular("fifo", tmp_path / "out.json")
    done = secreview("review", SYSTEM, "--rules", RULES, "-o", pipe)
    assert done.returncode == 2 and "not a regular file, so secreview does not" in done.stderr
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)


def test_outputs_honour_the_umask_and_read_only_targets(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.json"
    assert secreview("review", SYSTEM, "--rules", RULES, "-o", fresh, umask=0o077).returncode == 0
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600  # was 0644 whatever the umask
    signed = tmp_path / "signed.json"
    signed.write_text("signed")
    signed.chmod(0o444)
    done = secreview("review", SYSTEM, "--rules", RULES, "-o", signed)
    assert done.returncode == 2 and "read-only" in done.stderr
    assert signed.read_text() == "signed"


def _systems(folder: Path, count: int, source: Path = SYSTEM) -> Path:
    folder.mkdir()
    for i in range(count):
        shutil.copy(source, folder / f"s{i:03d}.yaml")
    return folder


def test_portfolio_never_writes_through_a_link_in_its_output_folder(tmp_path: Path) -> None:
    """``ln -s ../in/a.yaml out/register.json`` used to replace in/a.yaml with the register."""
    systems = _systems(tmp_path / "in", 1)
    victim = systems / "s000.yaml"
    before = victim.read_bytes()
    out = tmp_path / "out"
    out.mkdir()
    (out / "register.json").symlink_to("../in/s000.yaml")
    done = secreview("portfolio", systems, "-o", out, "--rules", RULES, "--jobs", "1")
    assert done.returncode == 2 and "symbolic link" in done.stderr
    assert victim.read_bytes() == before


# --- class 5: edges that crashed ----------------------------------------------------------------

def test_edges_are_clear_errors_or_correct_results(tmp_path: Path) -> None:
    far = secreview("review", SYSTEM, "--rules", RULES, "--date", "9999-12-31")
    assert far.returncode == 2 and "would fall after the year 9999" in far.stderr
    deep = tmp_path / "deep.json"
    deep.write_text('{"schema_version": "1.0", "x": ' + "[" * 200_000 + "]" * 200_000 + "}")
    nested = secreview("diff", deep, deep)
    assert nested.returncode == 2 and "nested too deeply" in nested.stderr
    huge = secreview("check", SYSTEM, "--rules", RULES,
                     env={"SECREVIEW_MAX_INPUT_BYTES": "99999999999999999999999999"})
    assert huge.returncode == 2 and "must be a positive whole number" in huge.stderr
    long_formats = tmp_path / "export.json"
    long_formats.write_text(json.dumps({"exit": {"open_format_export": False, "export_formats": [
        f"Format {i} " + "x" * 180 for i in range(60)]}}))
    review = secreview("review", long_formats, "--format", "json", "--date", "2026-11-26")
    assert review.returncode == 0, review.stderr
    finding = next(f for f in json.loads(review.stdout)["findings"]
                   if f["rule_id"] == "integration.exit_export")
    assert finding["status"] == "finding" and len(finding["message"]["en"]) <= 4000


# --- class 7: portfolio truthfulness ------------------------------------------------------------

def test_portfolio_reports_every_odd_entry_and_exits_1(tmp_path: Path) -> None:
    systems = _systems(tmp_path / "in", 2)
    for kind in ("fifo", "symlink_loop", "dangling_symlink", "symlink_to_device", "directory"):
        make_non_regular(kind, systems / f"odd_{kind}.yaml")
    out = tmp_path / "out"
    done = secreview("portfolio", systems, "-o", out, "--rules", RULES, "--jobs", "2")
    assert done.returncode == 1, done.stderr
    for kind in ("fifo", "symlink_loop", "dangling_symlink", "symlink_to_device", "directory"):
        assert f"odd_{kind}.yaml: error: {NON_REGULAR[kind]}" in done.stderr
    register = json.loads((out / "register.json").read_text("utf-8"))
    assert len(register["entries"]) == 2 and len(register["errors"]) == 5


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text() if (task / "children").exists() else ""
        found += [int(c) for c in text.split()]
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_killing_portfolio_stops_its_workers_and_keeps_the_old_register(
        tmp_path: Path, how: signal.Signals) -> None:
    """Workers outlived a killed main process for good, and a killed run could leave hidden
    temporary files or a mix of old and new register files."""
    systems = _systems(tmp_path / "in", 400, ROOT / "examples" / "school-platform.yaml")
    out = tmp_path / "out"
    out.mkdir()
    old = {"register.csv": b"old csv", "register.json": b"{}", "register.html": b"<p>old</p>"}
    for name, data in old.items():
        (out / name).write_bytes(data)
    env = {k: v for k, v in os.environ.items() if k not in LIMIT_VARIABLES}
    run = subprocess.Popen([sys.executable, "-m", "secreview.cli", "portfolio", str(systems),
                            "-o", str(out), "--jobs", "2"], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while len(workers := _children(run.pid)) < 2 and time.monotonic() < deadline:
            assert run.poll() is None, "the run ended before its workers were seen"
            time.sleep(0.05)
        assert len(workers) >= 2
        time.sleep(0.5)  # the workers are reviewing
        run.send_signal(how)
        run.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(_running(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_running(w) for w in workers), "workers outlived the killed portfolio"
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old  # old set, untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]  # nothing hidden left


# --- class 2: SVG logos that stall or bloat rendering -------------------------------------------

def test_an_svg_use_bomb_logo_is_refused_before_rendering(tmp_path: Path) -> None:
    """A 2 KB <use> bomb ran 126 s and 842 MB, then the logo was silently left out."""
    bomb = (b'<svg xmlns="http://www.w3.org/2000/svg"><defs><g id="a"><rect width="1" '
            b'height="1"/></g>' + b"".join(
                f'<g id="{c}"><use href="#{p}"/><use href="#{p}"/><use href="#{p}"/></g>'.encode()
                for p, c in zip("abcdefghijklmno", "bcdefghijklmnop", strict=True))
            + b'</defs><use href="#p"/></svg>')
    (tmp_path / "logo.svg").write_bytes(bomb)
    profile = profile_with_logo(tmp_path, "logo.svg")
    started = time.monotonic()
    done = secreview("review", SYSTEM, "--rules", RULES, "--profile", profile, "-o",
                     tmp_path / "report.pdf")
    assert done.returncode == 2, done.stderr
    assert "logo.svg:1:" in done.stderr and "element <use> is not allowed in a logo" in done.stderr
    assert time.monotonic() - started < 30 and not (tmp_path / "report.pdf").exists()


# --- class 6: work bounds per review ------------------------------------------------------------

def test_regular_expression_work_is_bounded_per_review(tmp_path: Path) -> None:
    """``[\\s\\S]{1,199}[\\s\\S]{1,199}z`` over 4,500 sub-processors took 83 s."""
    rules = tmp_path / "rules.yaml"
    template = (ROOT / "tests" / "bad_inputs" / "ruleset" / "regex_lookahead.yaml").read_text()
    rules.write_text(template.replace(
        '{fact: vendor.name, matches: "(?i)microsoft(?! ireland)"}',
        '{for_any: hosting.subprocessors, where: {fact: name, matches: '
        '"[\\\\s\\\\S]{1,199}[\\\\s\\\\S]{1,199}z"}}'))
    for length, expected in ((199, 2), (30, 0)):
        names = [(f"Underbiträde {i} " + "a" * length)[:length] for i in range(4500)]
        names[-1] = names[-1][:-1] + "z"
        system = tmp_path / f"system{length}.json"
        system.write_text(json.dumps({"hosting": {"subprocessors": [{"name": n}
                                                                     for n in names]}}))
        started = time.monotonic()
        done = secreview("review", system, "--rules", rules, "--format", "json",
                         "--date", "2026-11-26")
        assert done.returncode == expected, done.stderr
        assert time.monotonic() - started < 30
        if expected == 2:
            assert "would search too much text in this review" in done.stderr
        else:
            (finding,) = json.loads(done.stdout)["findings"]
            assert finding["status"] == "finding"  # the last name ends in z: a correct result


# --- class 8: confinement -----------------------------------------------------------------------

def test_rules_from_the_root_folder_are_refused_quickly_without_quoting_files() -> None:
    started = time.monotonic()
    done = secreview("check", SYSTEM, "--rules", "/")
    assert done.returncode == 2, done.stderr
    assert "files and folders: too many to be a folder of rulesets" in done.stderr
    assert "unknown key" not in done.stderr and len(done.stderr.splitlines()) <= 3
    assert time.monotonic() - started < 30


def test_a_profile_naming_the_root_folder_is_refused(tmp_path: Path) -> None:
    text = (ROOT / "rulesets" / "profiles" / "generic.yaml").read_text("utf-8")
    profile = tmp_path / "profile.yaml"
    assert "tailoring:" not in text
    profile.write_text(text.rstrip() + '\ntailoring:\n  rulesets: ["/"]\n', encoding="utf-8")
    done = secreview("review", SYSTEM, "--profile", profile)
    assert done.returncode == 2, done.stderr
    assert f"{profile}:" in done.stderr and "ruleset path '/' leads outside" in done.stderr
