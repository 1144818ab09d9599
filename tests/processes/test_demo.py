"""`sotong demo`: one command runs web server, worker and scheduler, and stops all three cleanly."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import signal
import smtplib
import socket
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import require

from .conftest import (
    DEMO_DB_FILE,
    DemoSeed,
    Process,
    Processes,
    child_pids,
    free_port,
    http_get,
    pid_alive,
    process_env,
)

# No test database here (the demo has its own), so these run after every database test, while
# conftest.demo_seed prepares the demo's data folder in the background.
HANGUL = re.compile(r"[가-힣]")
STOP_WITHIN = 15.0


@pytest.fixture
def seed_data_dir(demo_seed: DemoSeed | None) -> Path:
    assert demo_seed is not None
    return demo_seed.ready()


def demo_port() -> int:
    """A web port whose mail port (+ 25) is free too, below the ephemeral range: there, + 25 is often
    the local port of one of the many client sockets the test runs hold (PostgreSQL, Redis)."""
    import random

    for _ in range(200):
        port = random.randint(20000, 30000)
        try:
            with socket.socket() as web, socket.socket() as mail:
                web.bind(("127.0.0.1", port))
                mail.bind(("127.0.0.1", port + 25))
        except OSError:
            continue
        return port
    return free_port()


def start_demo(processes: Processes, env: dict[str, str], seed: Path, data_dir: Path) -> tuple[Process, int]:
    shutil.copytree(seed, data_dir)
    port = demo_port()
    demo = processes.start(
        ["demo", "--port", str(port)], env={**env, "SOTONG_DATA_DIR": str(data_dir)}, name="demo"
    )
    demo.wait_for(rf"Sotong demo running at http://127\.0\.0\.1:{port}/", timeout=90)
    return demo, port


def ctrl_c(demo: Process) -> None:
    # A terminal's Ctrl-C reaches the demo and its children at once.
    demo.signal_group(signal.SIGINT)


def sigterm(demo: Process) -> None:
    # A service manager stops the demo's own process; the demo must stop its children.
    demo.signal(signal.SIGTERM)


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param(sigterm, id="SIGTERM-to-the-demo"),
        pytest.param(ctrl_c, id="Ctrl-C-to-the-process-group"),
    ],
)
def test_the_demo_serves_the_district_and_stops_all_its_processes(
    processes: Processes,
    seed_data_dir: Path,
    tmp_path: Path,
    stop: Callable[[Process], None],
) -> None:
    demo, port = start_demo(processes, process_env(), seed_data_dir, tmp_path / "data")

    # The demo accounts are printed for the person who started it.
    demo.wait_for(r"Demo staff accounts \(back office at /admin/\)")
    demo.wait_for(r"^\s+admin\s+password: \S+\s+\(")
    status, home = http_get(f"http://127.0.0.1:{port}/")
    assert status == 200, home[:500]
    assert 'lang="ko"' in home
    assert HANGUL.search(home)

    # The safety pages have their guides and the sample shelters (never underground in a flood).
    status, guide = http_get(f"http://127.0.0.1:{port}/safety/guides/flood/")
    assert status == 200 and "지하" in guide, guide[:500]
    status, nearest = http_get(
        f"http://127.0.0.1:{port}/api/safety/shelters/nearest?lat=37.5155&lon=126.92&hazard=flood&open=any"
    )
    items = json.loads(nearest)["items"]
    assert status == 200 and items and not any(item["underground"] for item in items), nearest[:500]
    assert "Safety: action guides" in demo.output

    # The channel commands it prints work when pasted into a shell, as a new user would try them.
    require(shutil.which("curl") is not None, "curl is not installed")
    for channel, expected in (("Open311", "service_request_id"), ("KakaoTalk skill", "어디에서")):
        line = demo.wait_for(rf"^\s*{channel}\b.*?(curl .*)$")
        ran = subprocess.run(
            ["sh", "-c", line.group(1) + " -s -S"], capture_output=True, text=True, timeout=30
        )
        assert ran.returncode == 0 and expected in ran.stdout, (line.group(1), ran.stdout, ran.stderr)

    # Links sent to residents name the port the demo serves, not the default one.
    status, discovery = http_get(f"http://127.0.0.1:{port}/open311/v2/discovery.json")
    assert status == 200, discovery[:500]
    assert f"http://127.0.0.1:{port}/open311/v2" in discovery, discovery[:500]

    # Four children: uvicorn and the scheduler say who they are; the others are the worker and the
    # inbound mail server, which answers SMTP on the web port + 25.
    web_pid = int(demo.wait_for(r"Started server process \[(\d+)\]").group(1))
    scheduler_pid = int(demo.wait_for(r"Scheduler [^\s:]+:(\d+):\w+ running").group(1))
    children = child_pids(demo.pid)
    assert len(children) == 4, (children, demo.output)
    assert {web_pid, scheduler_pid} <= children
    # The mail server imports Django like the others; on a busy machine that takes a while.
    deadline = time.monotonic() + 90
    while True:
        try:
            with smtplib.SMTP("127.0.0.1", port + 25, timeout=10) as smtp:
                assert smtp.noop()[0] == 250
            break
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)

    started = time.monotonic()
    stop(demo)
    assert demo.wait(timeout=STOP_WITHIN + 5) == 0, demo.output
    assert time.monotonic() - started < STOP_WITHIN, demo.output
    assert "Demo stopped." in demo.output
    assert "did not stop" not in demo.output
    assert [pid for pid in children if pid_alive(pid)] == []

    # The scheduler let go of its lease, so the next `sotong demo` starts at once.
    with contextlib.closing(sqlite3.connect(tmp_path / "data" / DEMO_DB_FILE)) as db:
        leases = db.execute("SELECT holder FROM core_lease WHERE name = 'scheduler'").fetchall()
        # An overdue case reaches a lead in every department, not only in the one with a named lead.
        leaderless = db.execute(
            "SELECT code FROM organisation_department d WHERE NOT EXISTS (SELECT 1 FROM organisation_membership m "
            "WHERE m.department_id = d.id AND m.role = 'department_lead')"
        ).fetchall()
    assert leases == [], demo.output
    assert leaderless == []
