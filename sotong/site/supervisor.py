"""The demo's supervisor: runs the embedded shape's processes as its children and keeps them running.

A child that exits while the demo is not stopping is restarted after 1 s, 2 s, 4 s … (doubling with each crash
within the crash-loop window, at most 30 s); a child that crashes too often within that window (a crash loop),
or that exits before it was ever ready, stops the demo. Each child's output goes through a pipe into its own
log file, rotated here (this process is the file's one writer); lines at WARNING and above also reach the
terminal. Every change of a child's state is written to a status file that the web child's /readyz reads
(decision 0066).
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import IO, Any

from sotong.core import supervision

POLL_SECONDS = 0.2
FIRST_RESTART_DELAY = 1.0
MAX_RESTART_DELAY = 30.0
STOP_TIMEOUT = 15.0
LOG_MAX_BYTES = 10 * 1024 * 1024
LOG_BACKUPS = 5
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Where a record starts in a child's output, and its level: our logging format, uvicorn's, a Python warning.
_LOGGED = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) ")
_UVICORN = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL):\s")
_PY_WARNING = re.compile(r"^\S[^:]*:\d+: \w*Warning: ")
_LEVELS = {
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARNING": logging.WARNING,
    "ERROR": logging.ERROR,
    "CRITICAL": logging.CRITICAL,
}


@dataclass(frozen=True)
class CrashLoop:
    """``crashes`` exits of one child within ``seconds`` stop the demo."""

    crashes: int = 5
    seconds: float = 120.0

    @classmethod
    def parse(cls, text: str) -> CrashLoop:
        crashes, _, seconds = text.partition("/")
        try:
            loop = cls(int(crashes), float(seconds))
        except ValueError:
            raise ValueError(f"{text!r} is not CRASHES/SECONDS, e.g. 5/120") from None
        if loop.crashes < 1 or loop.seconds <= 0:
            raise ValueError(f"{text!r}: both numbers must be positive")
        return loop

    def __str__(self) -> str:
        return f"{self.crashes} crashes within {self.seconds:g} s"


@dataclass(frozen=True)
class ChildSpec:
    name: str
    command: list[str]
    # How the supervisor learns the child is ready: it creates the file named in SOTONG_READY_FILE
    # (worker, scheduler), or the probe answers (web: /healthz; mail: its port).
    probe: Callable[[], bool] | None = None
    env: dict[str, str] | None = None


class _Levels:
    """Gives each line of one output stream a level. A line that starts a record (a log line, a Python warning,
    a traceback) has its own; an indented line, or any line after a warning or an error, continues that record;
    any other line is INFO on stdout and WARNING on stderr (where a command writes its own errors)."""

    def __init__(self, default: int) -> None:
        self.default = self.current = default

    def of(self, line: str) -> int:
        match = _LOGGED.match(line) or _UVICORN.match(line)
        if match:
            self.current = _LEVELS[match.group(1)]
        elif _PY_WARNING.match(line):
            self.current = logging.WARNING
        elif line.startswith("Traceback (most recent call last)"):
            self.current = logging.ERROR
        elif not (line[:1].isspace() or not line or self.current >= logging.WARNING):
            self.current = self.default
        return self.current


class Child:
    def __init__(self, spec: ChildSpec, *, log_dir: Path, run_dir: Path) -> None:
        self.spec = spec
        self.name = spec.name
        self.log_path = log_dir / f"{spec.name}.log"
        self.ready_file = None if spec.probe else run_dir / f"{spec.name}.ready"
        self.popen: subprocess.Popen[str] | None = None
        self.state = supervision.STOPPED
        self.since = time.time()
        self.detail = ""
        self.ever_ready = False
        self.restarts = 0
        self.crashes: deque[float] = deque()
        self.restart_at: float | None = None
        self.readers: list[threading.Thread] = []
        handler = RotatingFileHandler(
            self.log_path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(message)s"))
        self.log = logging.getLogger(f"sotong.demo.output.{spec.name}")
        self.log.handlers[:] = [handler]
        self.log.setLevel(logging.DEBUG)
        self.log.propagate = False

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen is not None else None

    def set_state(self, state: str, detail: str) -> None:
        self.state, self.detail, self.since = state, detail, time.time()

    def close_log(self) -> None:
        for handler in self.log.handlers:
            handler.close()
        self.log.handlers.clear()


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class Supervisor:
    def __init__(
        self,
        specs: list[ChildSpec],
        *,
        data_dir: Path,
        env: dict[str, str],
        crash_loop: CrashLoop,
        terminal: Callable[[str], None],
        on_ready: Callable[[Child], None] | None = None,
    ) -> None:
        self.log_dir = data_dir / "log"
        self.run_dir = data_dir / "run"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.status_path = self.run_dir / "processes.json"
        self.children = [Child(spec, log_dir=self.log_dir, run_dir=self.run_dir) for spec in specs]
        self.env = {
            **env,
            "PYTHONUNBUFFERED": "1",
            supervision.STATUS_ENV: str(self.status_path),
            supervision.SUPERVISOR_PID_ENV: str(os.getpid()),
        }
        self.crash_loop = crash_loop
        self._terminal = terminal
        self._terminal_lock = threading.Lock()
        self.on_ready = on_ready
        self.stopping = False
        self.failure: str | None = None
        self.events = logging.getLogger("sotong.demo")
        handler = RotatingFileHandler(
            self.log_dir / "demo.log", maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        self.events.handlers[:] = [handler]
        self.events.setLevel(logging.INFO)
        self.events.propagate = False

    def say(self, line: str) -> None:
        with self._terminal_lock:
            self._terminal(line)

    def stop(self) -> None:
        """Called from a signal handler: only notes the request; run() does the stopping."""
        self.stopping = True

    def run(self) -> int:
        """Start every child and keep them running until stop() or a crash loop; 0, or 1 after a failure."""
        self.events.info(
            "demo supervisor %s starting %s", os.getpid(), ", ".join(c.name for c in self.children)
        )
        try:
            for child in self.children:
                if not self.stopping:
                    self._start(child)
            self._write_status()
            while not self.stopping:
                changed = False
                for child in self.children:
                    changed |= self._watch(child)
                    if self.failure:
                        break
                if changed:
                    self._write_status()
                if self.failure:
                    self.say(self.failure)
                    self.events.error("%s", self.failure)
                    break
                time.sleep(POLL_SECONDS)
        finally:
            self._stop_all()
        return 1 if self.failure else 0

    def _start(self, child: Child) -> None:
        if child.ready_file is not None:
            child.ready_file.unlink(missing_ok=True)
        env = {**self.env, **(child.spec.env or {})}
        if child.ready_file is not None:
            env[supervision.READY_ENV] = str(child.ready_file)
        child.popen = subprocess.Popen(
            child.spec.command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
        )
        child.restart_at = None
        child.set_state(supervision.STARTING, f"starting (pid {child.popen.pid})")
        child.readers = [
            threading.Thread(
                target=self._pump,
                args=(child, stream, _Levels(level)),
                name=f"{child.name} {label}",
                daemon=True,
            )
            for stream, level, label in (
                (child.popen.stdout, logging.INFO, "stdout"),
                (child.popen.stderr, logging.WARNING, "stderr"),
            )
        ]
        for reader in child.readers:
            reader.start()

    def _pump(self, child: Child, stream: IO[str] | None, levels: _Levels) -> None:
        assert stream is not None
        with stream:
            for raw in stream:
                line = raw.rstrip("\n")
                level = levels.of(line)
                child.log.log(level, "%s", line)
                if level >= logging.WARNING:
                    self.say(f"[{child.name}] {line}")

    def _note(self, child: Child, level: int, message: str) -> None:
        """An event about a child: in demo.log, in the child's own log, and on the terminal."""
        self.events.log(level, "%s", message)
        stamp = datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S,%f")[:-3]
        child.log.log(level, "%s %s sotong.demo: %s", stamp, logging.getLevelName(level), message)
        self.say(f"demo: {message}")

    def _watch(self, child: Child) -> bool:
        """Look after one child; True when its state changed."""
        now = time.monotonic()
        if child.state == supervision.DOWN:
            if child.restart_at is not None and now >= child.restart_at:
                child.restarts += 1
                self._start(child)
                self._note(
                    child,
                    logging.WARNING,
                    f"restarted the {child.name} process (pid {child.pid}, restart {child.restarts})",
                )
                return True
            return False
        assert child.popen is not None
        code = child.popen.poll()
        if code is None:
            if child.state == supervision.STARTING and self._is_ready(child):
                child.set_state(supervision.RUNNING, f"running (pid {child.pid})")
                first = not child.ever_ready
                child.ever_ready = True
                if first and self.on_ready is not None:
                    self.on_ready(child)
                return True
            return False
        if self.stopping:  # a Ctrl-C in the terminal reaches the children too
            return False
        for reader in child.readers:
            reader.join(timeout=2)  # its last words are in its log before the event
        how = describe_exit(code)
        if not child.ever_ready:
            self.failure = (
                f"The {child.name} process exited before it was ready ({how}); stopping the demo. "
                f"Its log: {child.log_path}"
            )
            child.set_state(supervision.DOWN, f"exited before it was ready: {how}")
            return True
        child.crashes.append(now)
        while child.crashes and now - child.crashes[0] > self.crash_loop.seconds:
            child.crashes.popleft()
        if len(child.crashes) >= self.crash_loop.crashes:
            self.failure = (
                f"The {child.name} process crashed {len(child.crashes)} times within "
                f"{self.crash_loop.seconds:g} s (last: {how}); stopping the demo. Its log: {child.log_path}"
            )
            child.set_state(supervision.DOWN, f"crash loop: {how}")
            return True
        delay = min(MAX_RESTART_DELAY, FIRST_RESTART_DELAY * 2 ** (len(child.crashes) - 1))
        child.restart_at = now + delay
        child.set_state(supervision.DOWN, f"down: {how}; restarting in {delay:g} s")
        self._note(
            child,
            logging.WARNING,
            f"the {child.name} process (pid {child.pid}) stopped ({how}); restarting it in {delay:g} s. "
            f"Its log: {child.log_path}",
        )
        return True

    def _is_ready(self, child: Child) -> bool:
        if child.ready_file is not None:
            return child.ready_file.exists()
        assert child.spec.probe is not None
        return child.spec.probe()

    def _stop_all(self) -> None:
        running = [c for c in self.children if c.popen is not None and c.popen.poll() is None]
        for child in running:
            assert child.popen is not None
            child.popen.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in running:
            assert child.popen is not None
            try:
                child.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(f"demo: the {child.name} process did not stop in {STOP_TIMEOUT:g} s; killing it.")
                child.popen.kill()
                child.popen.wait()
        for child in self.children:
            for reader in child.readers:
                reader.join(timeout=5)
            child.set_state(supervision.STOPPED, "stopped")
            if child.ready_file is not None:
                child.ready_file.unlink(missing_ok=True)
        self._write_status()
        self.events.info("demo supervisor %s stopped", os.getpid())
        for child in self.children:
            child.close_log()
        for handler in self.events.handlers:
            handler.close()
        self.events.handlers.clear()

    def status(self) -> dict[str, Any]:
        return {
            "supervisor": os.getpid(),
            "updated": datetime.now(UTC).isoformat(),
            "processes": {
                child.name: {
                    "state": child.state,
                    "detail": child.detail,
                    "pid": child.pid if child.state in {supervision.STARTING, supervision.RUNNING} else None,
                    "since": datetime.fromtimestamp(child.since, UTC).isoformat(),
                    "restarts": child.restarts,
                    "log": str(child.log_path),
                }
                for child in self.children
            },
        }

    def _write_status(self) -> None:
        supervision.write_status(self.status_path, self.status())
