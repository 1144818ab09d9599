"""`sotong demo`: one command runs web server, worker, scheduler and mail intake; it restarts any of them that
crashes while the others keep serving, stops on a crash loop, keeps the children's logs in files, and stops
them all cleanly on Ctrl-C or SIGTERM."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import smtplib
import socket
import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    wait_until,
)

# The demo runs the embedded shape on a database of its own whatever the pass: only the SQLite pass runs it.
pytestmark = pytest.mark.embedded_only

# No test database here (the demo has its own), so these run after every database test, while
# conftest.demo_seed prepares the demo's data folder in the background.
HANGUL = re.compile(r"[가-힣]")
STOP_WITHIN = 15.0
CHILDREN = ("web", "worker", "scheduler", "mail", "tv")
COMMANDS = {"web": b"serve", "worker": b"worker", "scheduler": b"scheduler", "mail": b"mailin", "tv": b"tv"}
# The module's demo stops at the third crash of one process within ten minutes (the last test makes one).
CRASH_LOOP = "3/600"
DEMO_OPEN311_KEY = "sotong-demo-open311-key-0123456789abcdef"


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


@dataclass
class Demo:
    process: Process
    port: int
    data_dir: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def processes(self) -> dict[str, dict[str, Any]]:
        """The supervisor's status file: each child's state and pid."""
        status = json.loads((self.data_dir / "run" / "processes.json").read_text())
        assert status["supervisor"] == self.process.pid
        return dict(status["processes"])

    def pid(self, name: str) -> int:
        return int(self.processes()[name]["pid"])

    def child(self, name: str) -> int:
        """The pid of the demo's child that runs ``name``, from /proc (whatever the demo says)."""
        for pid in child_pids(self.process.pid):
            with contextlib.suppress(OSError):
                if COMMANDS[name] in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0"):
                    return pid
        raise AssertionError(f"the demo runs no {name} process; output:\n{self.process.output}")

    def still_running(self) -> None:
        assert self.process.popen.poll() is None, f"the demo stopped; output:\n{self.process.output[-3000:]}"

    def all_running(self, *, timeout: float = 90, replaced: int | None = None) -> dict[str, dict[str, Any]]:
        """The status once every child runs (and none of them is the process ``replaced``)."""

        def running() -> dict[str, dict[str, Any]] | None:
            processes = self.processes()
            if replaced in {p["pid"] for p in processes.values()}:
                return None
            return processes if all(processes[n]["state"] == "running" for n in CHILDREN) else None

        return wait_until(
            running,
            timeout=timeout,
            interval=0.2,
            message="every process of the demo to run",
        )

    def readiness(self) -> tuple[int, dict[str, Any]] | None:
        """/readyz's status and body, or None while nothing answers."""
        try:
            status, body = http_get(self.url + "readyz", timeout=10)
        except OSError:
            return None
        return status, json.loads(body)

    def db(self) -> contextlib.closing[sqlite3.Connection]:
        return contextlib.closing(sqlite3.connect(self.data_dir / DEMO_DB_FILE, timeout=10))


def start_demo(processes: Processes, env: dict[str, str], seed: Path, data_dir: Path, *options: str) -> Demo:
    shutil.copytree(seed, data_dir)
    port = demo_port()
    process = processes.start(
        ["demo", "--port", str(port), "--rtmp-port", str(free_port()), *options],
        # Small 소통TV renditions: the test machine encodes them alongside everything else.
        env={**env, "SOTONG_DATA_DIR": str(data_dir), "TV_RENDITIONS": "240:400,120:150"},
        name="demo",
    )
    process.wait_for(rf"Sotong demo running at http://127\.0\.0\.1:{port}/", timeout=90)
    return Demo(process, port, data_dir)


@pytest.fixture(scope="module")
def demo(
    module_processes: Processes, demo_seed: DemoSeed | None, tmp_path_factory: pytest.TempPathFactory
) -> Demo:
    """One demo for the tests that keep it running (the last one ends it with a crash loop)."""
    assert demo_seed is not None
    seed = demo_seed.ready()
    return start_demo(
        module_processes,
        process_env(),
        seed,
        tmp_path_factory.mktemp("demo") / "data",
        "--crash-loop",
        CRASH_LOOP,
    )


def test_the_demo_serves_the_district_with_its_logs_in_files_and_the_terminal_quiet(demo: Demo) -> None:
    output = demo.process
    url = demo.url
    # The demo accounts are printed for the person who started it, and where the logs are.
    output.wait_for(r"Demo staff accounts \(back office at /admin/\)")
    output.wait_for(r"^\s+admin\s+password: \S+\s+\(")
    log_dir = demo.data_dir / "log"
    output.wait_for(rf"^Logs: {re.escape(str(log_dir))}/ \(web\.log, worker\.log, scheduler\.log, mail\.log")
    output.wait_for(r"^Other commands: `SOTONG_DATA_DIR=\S+ sotong open311_key create my-app`")
    status, home = http_get(url)
    assert status == 200, home[:500]
    assert 'lang="ko"' in home
    assert HANGUL.search(home)

    # The safety pages have their guides and the sample shelters (never underground in a flood).
    status, guide = http_get(url + "safety/guides/flood/")
    assert status == 200 and "지하" in guide, guide[:500]
    status, nearest = http_get(
        url + "api/safety/shelters/nearest?lat=37.5155&lon=126.92&hazard=flood&open=any"
    )
    items = json.loads(nearest)["items"]
    assert status == 200 and items and not any(item["underground"] for item in items), nearest[:500]
    assert "Safety: action guides" in output.output

    # The channel commands it prints work when pasted into a shell, as a new user would try them.
    require(shutil.which("curl") is not None, "curl is not installed")
    for channel, expected in (("Open311", "service_request_id"), ("KakaoTalk skill", "어디에서")):
        line = output.wait_for(rf"^\s*{channel}\b.*?(curl .*)$")
        ran = subprocess.run(
            ["sh", "-c", line.group(1) + " -s -S"], capture_output=True, text=True, timeout=30
        )
        assert ran.returncode == 0 and expected in ran.stdout, (line.group(1), ran.stdout, ran.stderr)

    # Links sent to residents name the port the demo serves, not the default one.
    status, discovery = http_get(url + "open311/v2/discovery.json")
    assert status == 200, discovery[:500]
    assert f"http://127.0.0.1:{demo.port}/open311/v2" in discovery, discovery[:500]

    # Five children, all ready: /readyz says so for each; the mail server answers SMTP on the web port + 25.
    processes = demo.all_running()
    assert child_pids(demo.process.pid) == {processes[name]["pid"] for name in CHILDREN}
    status, body = wait_until(
        lambda: (a := demo.readiness()) and a[0] == 200 and a, timeout=10, message="/readyz"
    )
    assert body["failing"] == [] and {"worker", "scheduler", "mail"} <= set(body["checks"]), body
    with smtplib.SMTP("127.0.0.1", demo.port + 25, timeout=10) as smtp:
        assert smtp.noop()[0] == 250

    # Each child's output is in its own log file; the terminal shows none of the routine lines.
    logs = {name: log_dir / f"{name}.log" for name in CHILDREN}
    wait_until(
        lambda: "state=SUCCESSFUL" in logs["worker"].read_text(), timeout=30, message="a task in worker.log"
    )
    assert "Uvicorn running on" in logs["web"].read_text()
    assert re.search(r"Scheduler demo:\S+ running \d+ periodic jobs", logs["scheduler"].read_text())
    assert "Sotong mail intake listening" in logs["mail"].read_text()
    assert "ingest listening on rtmp://" in logs["tv"].read_text()
    terminal = output.output.split("Sotong demo running at", 1)[1]
    for routine in (
        "django_tasks",
        "Uvicorn running on",
        "periodic jobs",
        "mail intake listening",
        "ingest listening",
        " INFO ",
        "INFO:",
    ):
        assert routine not in terminal, (routine, terminal)

    # An overdue case reaches a lead in every department, not only in the one with a named lead.
    with demo.db() as db:
        leaderless = db.execute(
            "SELECT code FROM organisation_department d WHERE NOT EXISTS (SELECT 1 FROM organisation_membership m "
            "WHERE m.department_id = d.id AND m.role = 'department_lead')"
        ).fetchall()
    assert leaderless == []

    # 소통TV: the printed ffmpeg command, pasted as a producer would, goes live on the demo's test broadcast.
    line = output.wait_for(r"^\s*Go live on 소통TV: .*?or with ffmpeg: (ffmpeg .*?rtmp://\S+)\s")
    command = line.group(1).replace("ffmpeg ", shlex.quote(tv_ffmpeg()) + " -loglevel error ", 1)
    command = command.replace(" -f flv ", " -t 30 -f flv ")  # stopped once it is on the page
    assert "rtmp://127.0.0.1:" in command
    encoder = subprocess.Popen(["sh", "-c", command], stderr=subprocess.PIPE)
    try:
        with demo.db() as db:
            (pk,) = db.execute(
                "SELECT id FROM tv_broadcast WHERE title_ko = '소통TV 시험 방송 (데모)'"
            ).fetchone()
        wait_until(
            lambda: http_get(url + f"tv/hls/b{pk}/index.m3u8")[0] == 200, timeout=40, message="the demo's HLS"
        )
        status, page = http_get(url + f"tv/{pk}/")
        assert status == 200 and "생방송 중" in page and f"/tv/hls/b{pk}/index.m3u8" in page
        assert encoder.poll() is None, encoder.stderr.read() if encoder.stderr else ""  # still streaming
    finally:
        encoder.kill()
        encoder.wait()


def tv_ffmpeg() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def open311_request(demo: Demo, description: str) -> str:
    data = urllib.parse.urlencode(
        {
            "api_key": DEMO_OPEN311_KEY,
            "service_code": "streetlight",
            "lat": "37.5252",
            "long": "126.9006",
            "description": description,
            "email": "minji@example.kr",
        }
    ).encode()
    request = urllib.request.Request(demo.url + "open311/v2/requests.json", data=data)  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        return str(json.loads(response.read())[0]["service_request_id"])


def routed(demo: Demo, number: str) -> bool:
    with demo.db() as db:
        row = db.execute("SELECT routed_at FROM voice_case WHERE number = ?", (number,)).fetchone()
    return row is not None and row[0] is not None


@pytest.mark.parametrize("name", ["worker", "scheduler", "mail", "web"])
def test_a_killed_process_is_restarted_and_readyz_names_it_while_it_is_down(demo: Demo, name: str) -> None:
    old_pid = demo.child(name)
    others = {other: demo.child(other) for other in CHILDREN if other != name}
    os.kill(old_pid, signal.SIGKILL)
    if name != "web":
        # While it is down (and while its successor starts) /readyz names it, and the district still answers.
        def not_ready() -> tuple[int, dict[str, Any]] | None:
            demo.still_running()
            answer = demo.readiness()
            return answer if answer is not None and answer[0] == 503 else None

        _, body = wait_until(not_ready, timeout=10, interval=0.05, message=f"/readyz to name the {name}")
        assert body["failing"] == [name], body
        assert body["checks"][name]["error"], body
        assert http_get(demo.url)[0] == 200

    after = demo.all_running(timeout=60, replaced=old_pid)
    new_pid = after[name]["pid"]
    assert after[name]["restarts"] == 1, after
    assert {other: after[other]["pid"] for other in others} == others  # the others ran on
    assert child_pids(demo.process.pid) == {new_pid, *others.values()}
    _, body = wait_until(
        lambda: (a := demo.readiness()) and a[0] == 200 and a, timeout=30, message="/readyz to recover"
    )
    assert body["failing"] == []
    assert http_get(demo.url)[0] == 200

    # One line on the terminal for the crash and one for the restart; both in the logs too.
    crash = rf"the {name} process \(pid {old_pid}\) stopped \(killed by SIGKILL\); restarting it in 1 s"
    demo.process.wait_for(rf"^demo: {crash}")
    demo.process.wait_for(rf"^demo: restarted the {name} process \(pid {new_pid}, restart 1\)")
    log_dir = demo.data_dir / "log"
    assert re.search(crash, (log_dir / "demo.log").read_text())
    assert re.search(crash, (log_dir / f"{name}.log").read_text())
    demo.still_running()

    if name == "worker":
        # The new worker runs tasks: a resident's request is routed.
        number = open311_request(demo, "골목 가로등이 꺼졌어요. 밤에 너무 어두워요.")
        wait_until(lambda: routed(demo, number), timeout=60, message=f"case {number} to be routed")
    elif name == "scheduler":
        # The new scheduler took over its predecessor's lease at once, not after the lease ran out.
        scheduler_log = (log_dir / "scheduler.log").read_text()
        assert "Another scheduler is already running" not in scheduler_log
        assert len(re.findall(r"Scheduler (demo:\S+) running", scheduler_log)) == 2
        with demo.db() as db:
            holders = db.execute("SELECT holder FROM core_lease WHERE name = 'scheduler'").fetchall()
        assert [h for (h,) in holders] == re.findall(r"Scheduler (demo:\S+) running", scheduler_log)[-1:]
    elif name == "mail":
        with smtplib.SMTP("127.0.0.1", demo.port + 25, timeout=10) as smtp:
            assert smtp.noop()[0] == 250


def test_a_crash_loop_stops_the_demo_with_a_clear_message(demo: Demo) -> None:
    demo.all_running()
    children = child_pids(demo.process.pid)
    mail_pid = demo.pid("mail")
    # The mail port taken by someone else: every new mail server fails at once.
    with socket.socket() as squatter:
        # Earlier SMTP sessions leave the port in TIME_WAIT; a listening socket still keeps anyone else off it.
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        os.kill(mail_pid, signal.SIGKILL)

        def bound() -> bool:
            try:
                squatter.bind(("127.0.0.1", demo.port + 25))
            except OSError:
                return False
            squatter.listen()
            return True

        wait_until(bound, timeout=5, interval=0.02, message="the mail port to be free")
        assert demo.process.wait(timeout=90) == 1, demo.process.output

    output = demo.process.output
    log = demo.data_dir / "log" / "mail.log"
    assert (
        f"The mail process crashed 3 times within 600 s (last: exit code 1); stopping the demo. Its log: {log}"
        in (output)
    )
    assert "[mail] CommandError: cannot listen on" in output  # why, on the terminal
    assert "Demo stopped." in output
    wait_until(lambda: not any(pid_alive(pid) for pid in children), timeout=5, message="the children to stop")


def ctrl_c(demo: Process) -> None:
    # A terminal's Ctrl-C reaches the demo and its children at once.
    demo.signal_group(signal.SIGINT)


def sigterm(demo: Process) -> None:
    # A service manager stops the demo's own process; the demo must stop its children.
    demo.signal(signal.SIGTERM)


def sigkill(demo: Process) -> None:
    # The demo itself killed: its children must not live on as orphans holding the ports and the lease.
    demo.signal(signal.SIGKILL)


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param(sigterm, id="SIGTERM-to-the-demo"),
        pytest.param(ctrl_c, id="Ctrl-C-to-the-process-group"),
        pytest.param(sigkill, id="SIGKILL-to-the-demo"),
    ],
)
def test_stopping_the_demo_stops_all_its_processes(
    processes: Processes, seed_data_dir: Path, tmp_path: Path, stop: Callable[[Process], None]
) -> None:
    demo = start_demo(processes, process_env(), seed_data_dir, tmp_path / "data")
    children = {p["pid"] for p in demo.all_running().values()}
    assert children == child_pids(demo.process.pid)

    started = time.monotonic()
    stop(demo.process)
    code = demo.process.wait(timeout=STOP_WITHIN + 5)
    wait_until(
        lambda: not any(pid_alive(pid) for pid in children), timeout=STOP_WITHIN, message="children to stop"
    )
    # Within the time the demo gives a child to stop before it kills it (and no child needed killing).
    assert time.monotonic() - started < STOP_WITHIN + 5, demo.process.output
    if stop is not sigkill:
        assert code == 0, demo.process.output
        assert "Demo stopped." in demo.process.output
        assert "did not stop" not in demo.process.output
        assert "restarting it" not in demo.process.output  # stopping is not crashing

    # The scheduler let go of its lease, so the next `sotong demo` starts at once.
    with demo.db() as db:
        leases = db.execute("SELECT holder FROM core_lease WHERE name = 'scheduler'").fetchall()
    assert leases == [], demo.process.output
