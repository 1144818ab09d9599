"""Fixtures for tests that run Sotong's own processes (`sotong serve`, `worker`, `scheduler`, `demo`).

Every process a test starts is stopped when the test ends, even when it fails; each listens on a
free port and reads the test database through an environment built from the live connection.
Redis tests get a Redis database of their own, claimed for the run, and a unique channel prefix.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from conftest import require, sqlite_test_db_copy

REPO_ROOT = Path(__file__).resolve().parents[2]
STOP_TIMEOUT = 15.0
# Databases 8–15 of the test Redis belong to test runs: each run claims a free one for itself alone.
REDIS_TEST_DATABASES = range(8, 16)
REDIS_CLAIM_KEY = "sotong-tests:claimed-by"
_EMPTY_BUT_THE_CLAIM = (
    "for _, key in ipairs(redis.call('keys', '*')) do if key ~= ARGV[1] then redis.call('del', key) end end"
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_get(url: str, *, timeout: float = 10) -> tuple[int, str]:
    """Status and body of a GET; an HTTP error status is an answer, not an exception."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback URL
            return int(response.status), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode("utf-8", "replace")


def wait_until(condition: Any, *, timeout: float, interval: float = 0.1, message: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def pid_alive(pid: int) -> bool:
    """True while the process exists and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def child_pids(pid: int) -> set[int]:
    """The direct children of ``pid`` (Linux /proc)."""
    children = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children.add(int(entry.name))
    return children


class Process:
    """A running `sotong` command whose output (stdout and stderr together) is collected line by line."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.name = name
        self.args = args
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "sotong", *args],
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            # Its own process group: teardown can kill whatever it started, and a signal sent to the
            # group acts like Ctrl-C in a terminal.
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, name=f"output of {name}", daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.popen.pid

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def output(self) -> str:
        with self._changed:
            return "\n".join(self.lines)

    def wait_for(self, pattern: str, *, timeout: float = 30) -> re.Match[str]:
        """The first output line matching ``pattern``; fails if the process exits or time runs out first."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        seen = 0
        with self._changed:
            while True:
                for line in self.lines[seen:]:
                    match = regex.search(line)
                    if match:
                        return match
                seen = len(self.lines)
                exited = self.popen.poll() is not None and not self._reader.is_alive()
                remaining = deadline - time.monotonic()
                if exited or remaining <= 0:
                    state = (
                        f"exited with {self.popen.returncode}" if exited else f"no match within {timeout}s"
                    )
                    raise AssertionError(
                        f"{self.name}: {state} waiting for {pattern!r}; output:\n{self.output}"
                    )
                self._changed.wait(timeout=min(remaining, 0.5))

    def wait(self, *, timeout: float = STOP_TIMEOUT) -> int:
        try:
            code = self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"{self.name} did not exit within {timeout}s; output:\n{self.output}"
            ) from None
        self._reader.join(timeout=5)
        return code

    def signal(self, signum: int) -> None:
        self.popen.send_signal(signum)

    def signal_group(self, signum: int) -> None:
        os.killpg(self.popen.pid, signum)

    def stop(self) -> None:
        """Terminate politely, then by force; also kills anything left in its process group."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self._reader.join(timeout=5)
        if self.popen.stdout is not None:
            self.popen.stdout.close()


class Processes:
    """Starts `python -m sotong …` processes and stops every one of them on close()."""

    def __init__(self) -> None:
        self.started: list[Process] = []

    def start(
        self, args: list[str], *, env: dict[str, str], name: str | None = None, cwd: Path = REPO_ROOT
    ) -> Process:
        process = Process(name or " ".join(args), args, env, cwd)
        self.started.append(process)
        return process

    def serve(self, *, env: dict[str, str], name: str = "serve") -> tuple[Process, int]:
        """A `sotong serve` on a free port, once it answers /healthz."""
        port = free_port()
        process = self.start(["serve", "--port", str(port)], env=env, name=f"{name}:{port}")
        process.wait_for(r"Uvicorn running on", timeout=30)
        status, _ = http_get(f"http://127.0.0.1:{port}/healthz")
        assert status == 200, process.output
        return process, port

    def close(self) -> None:
        # Ask every process to stop first, so that they shut down side by side.
        for process in self.started:
            if process.popen.poll() is None:
                process.popen.terminate()
        for process in reversed(self.started):
            process.stop()


@pytest.fixture
def processes() -> Iterator[Processes]:
    group = Processes()
    try:
        yield group
    finally:
        group.close()


@pytest.fixture(scope="module")
def module_processes() -> Iterator[Processes]:
    group = Processes()
    try:
        yield group
    finally:
        group.close()


def database_url() -> str:
    """A DATABASE_URL naming the database this test run uses (the one pytest-django created)."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    if connection.vendor == "postgresql":
        user = quote(settings.get("USER") or "", safe="")
        password = quote(settings.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = settings.get("HOST") or "localhost"
        port = f":{settings['PORT']}" if settings.get("PORT") else ""
        return f"postgres://{credentials}{host}{port}/{quote(settings['NAME'], safe='')}"
    raise RuntimeError(f"Sotong runs on SQLite or PostgreSQL, not {connection.vendor}")


def process_env() -> dict[str, str]:
    """The environment of an embedded-shape process: test settings, no Redis even when this run has it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONUNBUFFERED": "1",
        "PYTHONIOENCODING": "utf-8",
        "LOG_LEVEL": "INFO",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "CHANNEL_LAYER_PREFIX", "DEBUG"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="session")
def base_env(django_db_setup: Any) -> dict[str, str]:
    """An embedded-shape process on this run's test database."""
    return {**process_env(), "DATABASE_URL": database_url()}


def _redis_client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis database for this run only: TEST_REDIS_URL as given (used as it is), or else one of
    databases 8–15, which belong to test runs: a run claims a free one and empties it before and after."""
    import redis

    given = os.environ.get("TEST_REDIS_URL", "").strip()
    server = given or "redis://127.0.0.1:6379"
    try:
        _redis_client(server).ping()
        available = True
    except redis.RedisError:
        available = False
    require(available, f"Redis is not running at {server} (set TEST_REDIS_URL to use another)")
    if given:
        yield given
        return
    token = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
    for number in REDIS_TEST_DATABASES:
        url = f"{server.rstrip('/')}/{number}"
        client = _redis_client(url)
        if client.set(REDIS_CLAIM_KEY, token, nx=True, ex=3600):
            try:
                client.eval(_EMPTY_BUT_THE_CLAIM, 0, REDIS_CLAIM_KEY)  # what a killed run left behind
                yield url
            finally:
                if client.get(REDIS_CLAIM_KEY) == token.encode():
                    client.eval(_EMPTY_BUT_THE_CLAIM, 0, REDIS_CLAIM_KEY)
                    client.delete(REDIS_CLAIM_KEY)
                client.close()
            return
        client.close()
    pytest.fail(f"every Redis test database ({REDIS_TEST_DATABASES}) at {server} is claimed by another run")


@pytest.fixture(scope="session")
def channel_prefix() -> str:
    return f"sotong-test-{secrets.token_hex(4)}"


@pytest.fixture(scope="session")
def redis_env(base_env: dict[str, str], redis_url: str, channel_prefix: str) -> dict[str, str]:
    """The scaled shape: the test database plus this run's Redis database and channel prefix."""
    return {**base_env, "REDIS_URL": redis_url, "CHANNEL_LAYER_PREFIX": channel_prefix}


@pytest.fixture
def redis_server_binary() -> str:
    path = shutil.which("redis-server")
    require(path is not None, "redis-server is not installed")
    assert path is not None
    return path


DEMO_DB_FILE = "sotong.sqlite3"


def _uses_database(item: pytest.Item) -> bool:
    return bool(item.get_closest_marker("django_db")) or bool(
        {"db", "transactional_db"} & set(getattr(item, "fixturenames", ()))
    )


class DemoSeed:
    """A data folder in which `sotong demo --setup-only` runs (once per run); demo tests copy it."""

    def __init__(self, folder: Path, setup: Process) -> None:
        self.folder, self.setup = folder, setup

    def ready(self) -> Path:
        assert self.setup.wait(timeout=300) == 0, self.setup.output
        return self.folder


@pytest.fixture(scope="session", autouse=True)
def demo_seed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoSeed | None]:
    """The demo's first setup (sample cases, a routing model) is slow, so when this run has demo tests it
    starts with the run, in the background; the demo tests use no test database, so they run last.

    On SQLite it starts from a copy of this run's migrated test database; otherwise (or when no test of
    this run asked for a database) it migrates a new SQLite database from scratch."""
    if not any(item.path.name.startswith("test_demo") for item in request.session.items):
        yield None
        return
    folder = tmp_path_factory.mktemp("demo-seed")
    if any(_uses_database(item) for item in request.session.items):
        request.getfixturevalue("django_db_setup")
        from django.db import connection

        with request.getfixturevalue("django_db_blocker").unblock():
            if connection.vendor == "sqlite":
                # Everything committed so far into the main file, which is all that is copied.
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                assert sqlite_test_db_copy(folder / DEMO_DB_FILE)
    group = Processes()
    try:
        setup = group.start(
            ["demo", "--setup-only"],
            env={**process_env(), "SOTONG_DATA_DIR": str(folder)},
            name="demo --setup-only",
        )
        yield DemoSeed(folder, setup)
    finally:
        group.close()
