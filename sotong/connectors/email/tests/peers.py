"""Real SMTP peers on loopback for e-mail tests: a receiving server that collects what it is sent
(and refuses the addresses it is told to), and the test message files."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from django.test import override_settings

DATA = Path(__file__).resolve().parent / "data"


def eml(name: str) -> bytes:
    return (DATA / name).read_bytes()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Collector:
    """An aiosmtpd handler that keeps every envelope; ``refuse`` maps an address to the answer to RCPT."""

    def __init__(self, *, refuse: dict[str, str] | None = None) -> None:
        self.envelopes: list[Any] = []
        self.refuse = refuse or {}

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


@contextmanager
def smtp_peer(handler: Any) -> Iterator[Controller]:
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), server_hostname="peer.test")
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def smtp_settings(port: int) -> Any:
    """Send real SMTP to 127.0.0.1:port (pytest-django otherwise keeps mail in memory)."""
    return override_settings(
        EMAIL_ENABLED=True,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_TIMEOUT=5,
        DEFAULT_FROM_EMAIL="영등포구 소통 <sotong@localhost>",
        VOICE_INBOUND_ADDRESS="sotong@localhost",
    )
