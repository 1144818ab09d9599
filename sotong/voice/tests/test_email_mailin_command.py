"""`sotong mailin` as operators run it: its own process on the test database, mail sent to it over SMTP,
stopped with SIGTERM."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

from sotong.connectors.email.tests.peers import eml, free_port
from sotong.voice.models import Case

pytestmark = pytest.mark.django_db(transaction=True)

REPO_ROOT = Path(__file__).resolve().parents[3]


def database_url() -> str:
    """The DATABASE_URL of the database this test run uses."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    user = quote(settings.get("USER") or "", safe="")
    password = quote(settings.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{credentials}{settings.get('HOST') or 'localhost'}{port}/{quote(settings['NAME'], safe='')}"


def wait_for_line(process: subprocess.Popen[str], text: str, *, timeout: float = 60) -> list[str]:
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        lines.append(line.rstrip("\n"))
        if text in line:
            return lines
    raise AssertionError(f"no {text!r} from mailin; output:\n" + "\n".join(lines))


def test_mailin_stores_what_arrives_and_stops_on_sigterm(district: Any) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "PYTHONUNBUFFERED": "1",
        "PYTHONIOENCODING": "utf-8",
    }
    # The embedded shape: its tasks go to the database, not to a Redis another run may share.
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "sotong", "mailin", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    try:
        wait_for_line(process, f"listening on 127.0.0.1:{port}")
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            assert (
                client.sendmail("minji@example.com", ["sotong@localhost"], eml("utf8_quoted_printable.eml"))
                == {}
            )
        # 250 came after the case was stored: it is there now.
        case = Case.objects.get()
        assert case.contact_email == "minji@example.com"
        assert case.title == "당산역 4번 출구 보도블록 파손"

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert process.stdout is not None
        assert "stopping" in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
