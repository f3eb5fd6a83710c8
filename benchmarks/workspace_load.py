"""Load test of the workspace on loopback: many project leads answering questions at once.

``python3 -m benchmarks.workspace_load [--users 50] [--seconds 60] [--db URL]`` starts
``secreview serve`` on a free loopback port with a fresh register, signs in one project lead per
simulated user (each with their own system), and lets every user answer a random question, think
(``--think 2,6``: 2 to 6 s, a brisk person reading a question and clicking an answer; ``0.5,1.5``
is a stress pace no person keeps up), and answer the next, for the given time. Each answer is one
autosave request: the answer is stored in the draft, the description validated and reviewed again,
and the decision panel rendered. Afterwards every user's draft is read back from the database and
compared with the last answer they gave to each question: a difference is a lost answer.

Bounded: the run stops by itself after ``--seconds``, and it only ever talks to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks import machine

PASSWORD = "load test passphrase"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
QUESTIONS: dict[str, tuple[str, ...]] = {
    "users.staff": ("true", "false", ""), "users.citizens": ("true", "false", ""),
    "ai.used": ("true", "false", ""), "hosting.deployment": ("saas", "on_premises", "hybrid", ""),
    "access.mfa_users": ("true", "false", ""), "access.mfa_admins": ("true", "false", ""),
    "logging.follow_up": ("true", "false", ""), "exit.exit_plan": ("true", "false", ""),
    "classification.confidentiality": ("0", "1", "2", "3", "4", ""),
    "vendor.third_country_law_access": ("true", "false", ""),
    "continuity.backups": ("true", "false", ""), "telemetry.collected": ("true", "false", ""),
}


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    expected: dict[int, dict[str, str]] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(url: str, users: int) -> list[tuple[str, int]]:
    """A fresh register with one project lead and one system per simulated user."""
    from secreview.store.accounts import add_user
    from secreview.store.answers import dump_description
    from secreview.store.db import make_engine, session_factory, upgrade
    from secreview.store.register import create_system
    from secreview.store.reviewing import Engine

    engine = make_engine(url)
    upgrade(engine)
    reviewer = Engine.load()
    people = []
    with session_factory(engine)() as session, session.begin():
        for index in range(users):
            user = add_user(session, f"lead{index:03d}", "project_lead", PASSWORD)
            system, _ = create_system(session, reviewer, user, dump_description(
                {"system": {"name": f"System {index:03d}", "owner_board": "KS"}}), "web")
            people.append((user.name, system.id))
    engine.dispose()
    return people


def start_server(url: str, data_dir: Path, port: int,
                 workers: int = 1) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SECREVIEW_DATA_DIR": str(data_dir)}
    server = subprocess.Popen([sys.executable, "-m", "secreview", "serve", "--port", str(port),
                               "--db", url, "--workers", str(workers)], env=env,
                              stdout=subprocess.DEVNULL,
                              stderr=(data_dir / "server.log").open("wb"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError("secreview serve did not start")


def _token(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    if found is None:
        raise RuntimeError(f"no form token on {page.url} ({page.status_code}): {page.text[:300]}")
    return found.group(1)


@dataclass
class Clock:
    """Everyone signs in first (not measured); the answering starts together, for a fixed time."""

    users: int
    seconds: float
    ready: int = 0
    until: float = 0.0
    go: asyncio.Event = field(default_factory=asyncio.Event)

    async def arrived(self) -> None:
        self.ready += 1
        if self.ready == self.users:
            self.until = time.monotonic() + self.seconds
            self.go.set()
        await self.go.wait()


async def one_user(base: str, name: str, system_id: int, clock: Clock, seed: int,
                   result: Result, think: tuple[float, float] = (2.0, 6.0)) -> None:
    rng = random.Random(seed)
    # Drop idle connections well before uvicorn's 5 s keep-alive does, as browsers do, so a
    # request never races the server closing its connection.
    limits = httpx.Limits(keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        await asyncio.sleep(rng.uniform(0, 5.0))  # people arrive over a few seconds
        page = await client.get("/login")
        token = _token(page)
        await client.post("/login", data={"csrf_token": token, "name": name,
                                          "password": PASSWORD, "next": "/"})
        page = await client.get(f"/systems/{system_id}/questionnaire")
        token = _token(page)
        expected = result.expected.setdefault(system_id, {})
        await clock.arrived()
        await asyncio.sleep(rng.uniform(0, think[1]))  # not everyone clicks on the same tick
        while True:  # every user answers at least once, however long signing in took
            path = rng.choice(sorted(QUESTIONS))
            value = rng.choice(QUESTIONS[path])
            started = time.perf_counter()
            try:
                response = await client.post(
                    f"/systems/{system_id}/answers",
                    data={"csrf_token": token, f"p:{path}": "1", f"f:{path}": value},
                    headers={"x-csrf-token": token})
                elapsed = time.perf_counter() - started
                if response.status_code == 200 and response.json().get("ok"):
                    result.latencies.append(elapsed)
                    expected[path] = value
                else:
                    result.errors.append(f"{response.status_code} {response.text[:120]}")
            except httpx.HTTPError as exc:
                result.errors.append(f"{type(exc).__name__}: {exc}")
            if time.monotonic() >= clock.until:
                break
            await asyncio.sleep(rng.uniform(*think))


def lost_answers(url: str, result: Result) -> list[str]:
    """Compare each user's stored draft with the last answer they gave to each question."""
    from secreview.store.answers import get_answer
    from secreview.store.db import make_engine, session_factory
    from secreview.store.models import Draft
    from secreview.store.register import draft_state

    def as_form(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    engine = make_engine(url)
    lost = []
    with session_factory(engine)() as session:
        for system_id, answers in sorted(result.expected.items()):
            draft = session.query(Draft).filter(Draft.system_id == system_id).one_or_none()
            if draft is None:
                lost += [f"system {system_id}: {p}" for p in answers]
                continue
            from secreview.store.models import System, User

            system = session.get(System, system_id)
            user = session.get(User, draft.user_id)
            assert system is not None and user is not None
            data = draft_state(session, system, user).data
            lost += [f"system {system_id}: {path} = {value!r}, stored "
                     f"{as_form(get_answer(data, path))!r}"
                     for path, value in answers.items()
                     if as_form(get_answer(data, path)) != value]
    engine.dispose()
    return lost


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def run(users: int, seconds: float, url: str | None = None, workers: int = 1,
        think: tuple[float, float] = (2.0, 6.0)) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="secreview-load-") as folder:
        database = url or f"sqlite:///{Path(folder) / 'register.db'}"
        people = prepare(database, users)
        port = _free_port()
        server = start_server(database, Path(folder), port, workers)
        result = Result()
        try:
            base = f"http://127.0.0.1:{port}"

            async def everyone() -> None:
                clock = Clock(len(people), seconds)
                await asyncio.gather(*(one_user(base, name, system_id, clock, index, result,
                                                think)
                                       for index, (name, system_id) in enumerate(people)))

            try:
                asyncio.run(everyone())
            except Exception:
                sys.stderr.write((Path(folder) / "server.log").read_text(errors="replace")[-3000:])
                raise
        finally:
            server.terminate()
            server.wait(timeout=30)
        lost = lost_answers(database, result)
    times = result.latencies or [0.0]
    return {
        "users": users, "seconds": seconds, "database": database.split(":", 1)[0],
        "answers": len(result.latencies), "per_second": len(result.latencies) / seconds,
        "p50_ms": 1000 * statistics.median(times), "p95_ms": 1000 * percentile(times, 0.95),
        "p99_ms": 1000 * percentile(times, 0.99), "max_ms": 1000 * max(times),
        "errors": len(result.errors), "error_samples": result.errors[:5],
        "lost": len(lost), "lost_samples": lost[:5], "workers": workers, "think": think,
        "load_average": os.getloadavg(),
    }


def render(summary: dict[str, Any]) -> str:
    low, high = summary["think"]
    return (f"| {summary['users']} users, {summary['seconds']:g} s, think {low:g}-{high:g} s, "
            f"{summary['database']}, {summary['workers']} workers "
            f"| {summary['answers']} | {summary['per_second']:.1f} | {summary['p50_ms']:.1f} "
            f"| {summary['p95_ms']:.1f} | {summary['p99_ms']:.1f} | {summary['max_ms']:.1f} "
            f"| {summary['errors']} | {summary['lost']} |\n")


HEADER = ("| run | answers saved | per second | p50 ms | p95 ms | p99 ms | max ms | errors "
          "| lost answers |\n|---|---|---|---|---|---|---|---|---|\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m benchmarks.workspace_load",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--workers", type=int, default=2,
                        help="server processes (secreview serve --workers; default 2: one a core)")
    parser.add_argument("--think", default="2,6",
                        help="seconds between a user's answers, MIN,MAX (default 2,6)")
    parser.add_argument("--quick", action="store_true", help="5 users for 5 s (CI mode)")
    args = parser.parse_args(argv)
    users, seconds = (5, 5.0) if args.quick else (args.users, args.seconds)
    print(machine.render(machine.describe()), end="", flush=True)
    low, high = (float(x) for x in args.think.split(","))
    summary = run(users, seconds, args.db, args.workers, (low, high))
    print(HEADER + render(summary), end="")
    print(f"load average at the end: {summary['load_average']}")
    for sample in summary["error_samples"] + summary["lost_samples"]:
        print(f"  {sample}", file=sys.stderr)
    return 1 if summary["errors"] or summary["lost"] else 0


if __name__ == "__main__":
    sys.exit(main())
