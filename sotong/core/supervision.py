"""What a supervisor (`sotong demo`) and the processes it runs share, through their environment.

- ``SOTONG_SUPERVISOR_PID``: a child started by that process dies with it (Linux), instead of living on as
  an orphan that keeps the port and the scheduler lease.
- ``SOTONG_PROCESS_STATUS``: the JSON file in which the supervisor keeps the state of every child; the web
  child's /readyz reads it. Without it (the scaled shape, where a service manager supervises) readyz does not
  look for one.
- ``SOTONG_READY_FILE``: a file a child creates once it does its work (the worker polls its queues, the
  scheduler holds its lease); until then the supervisor reports it as starting.
- ``SOTONG_SCHEDULER_HOLDER``: the lease holder name a supervised scheduler uses; the supervisor gives the same
  one to the scheduler it starts after the last one died, which then takes over its lease at once.

No Django here: `sotong` reads this before settings are loaded.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

SUPERVISOR_PID_ENV = "SOTONG_SUPERVISOR_PID"
STATUS_ENV = "SOTONG_PROCESS_STATUS"
READY_ENV = "SOTONG_READY_FILE"
SCHEDULER_HOLDER_ENV = "SOTONG_SCHEDULER_HOLDER"

STARTING, RUNNING, DOWN, STOPPED = "starting", "running", "down", "stopped"
_PR_SET_PDEATHSIG = 1


def die_with_supervisor() -> None:
    """Ask Linux to send this process SIGTERM when the supervisor that started it dies (kill -9 included)."""
    raw = os.environ.pop(SUPERVISOR_PID_ENV, "")  # not for this process's own children
    if not raw.isdigit() or not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    if os.getppid() != int(raw):  # it died before the request took effect
        os.kill(os.getpid(), signal.SIGTERM)


def announce_ready() -> None:
    """Tell the supervisor, if there is one, that this process now does its work."""
    path = os.environ.get(READY_ENV, "")
    if path:
        Path(path).write_text(f"{os.getpid()}\n")


def write_status(path: Path, status: dict[str, Any]) -> None:
    """Replace the status file in one step, so that a reader never sees half of it."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(status, handle, indent=1)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def read_status() -> dict[str, Any] | None:
    """The supervisor's status file, or None when this process has no supervisor.

    Raises OSError or ValueError when the file cannot be read."""
    path = os.environ.get(STATUS_ENV, "")
    if not path:
        return None
    status = json.loads(Path(path).read_text())
    if not isinstance(status, dict) or not isinstance(status.get("processes"), dict):
        raise ValueError(f"{path} is not a process status file")
    return status


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
