"""``secreview users``, ``db`` and ``serve`` as a person runs them, in fresh processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from tests.example_files import example_systems

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SECREVIEW_DATA_DIR": str(tmp_path / "data")}
    env.pop("SECREVIEW_DB", None)
    return subprocess.run([sys.executable, "-m", "secreview", *args], input=stdin, text=True,
                          capture_output=True, env=env, timeout=120, check=False)


@pytest.mark.slow
def test_users_db_import_export_and_backup(tmp_path: Path) -> None:
    added = run(tmp_path, "users", "add", "anna", "--role", "admin",
                stdin="a long enough passphrase\n")
    assert added.returncode == 0, added.stderr
    assert (tmp_path / "data" / "secreview.db").exists()
    short = run(tmp_path, "users", "add", "bo", "--role", "admin", stdin="short\n")
    assert short.returncode == 2 and "password is too short" in short.stderr
    role = run(tmp_path, "users", "add", "bo", "--role", "boss", stdin="x" * 12 + "\n")
    assert role.returncode == 2 and "boss" in role.stderr
    token = run(tmp_path, "users", "token", "anna")
    assert token.returncode == 0 and token.stdout.startswith("srv_")
    missing = run(tmp_path, "users", "token", "anya")
    assert missing.returncode == 2 and "did you mean 'anna'" in missing.stderr
    assert "current" in run(tmp_path, "db", "upgrade").stdout
    imported = run(tmp_path, "db", "import", str(EXAMPLES))
    examples = len(example_systems())
    assert imported.returncode == 0 and f"{examples} new" in imported.stderr
    exported = subprocess.run(
        [sys.executable, "-m", "secreview", "db", "export", "--system", "1"],
        capture_output=True, env={**os.environ, "SECREVIEW_DATA_DIR": str(tmp_path / "data")},
        timeout=120, check=False)
    assert exported.returncode == 0
    assert exported.stdout in {p.read_bytes() for p in EXAMPLES.glob("*.yaml")}
    folder = tmp_path / "out"
    assert run(tmp_path, "db", "export", "-o", str(folder)).returncode == 0
    assert len(list(folder.iterdir())) == examples
    backup = run(tmp_path, "db", "backup", str(tmp_path / "copy.db"))
    assert backup.returncode == 0 and (tmp_path / "copy.db").stat().st_size > 0
    again = run(tmp_path, "db", "backup", str(tmp_path / "copy.db"))
    assert again.returncode == 2 and "refusing to overwrite" in again.stderr
    key = tmp_path / "data" / "session.key"
    assert not key.exists()  # made by the server on first start, not by the CLI


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_serve_answers_healthz_and_keeps_its_key_private(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "SECREVIEW_DATA_DIR": str(tmp_path / "data")}
    server = subprocess.Popen([sys.executable, "-m", "secreview", "serve", "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz",
                                            timeout=2) as response:
                    assert response.read() == b"ok"
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        key = tmp_path / "data" / "session.key"
        assert key.stat().st_mode & 0o777 == 0o600
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert "secreview users add NAME --role admin" in stderr
