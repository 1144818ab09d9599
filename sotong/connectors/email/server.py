"""The SMTP server residents' mail arrives at (`sotong mailin`), usually behind the district's mail relay.

It accepts mail only for VOICE_INBOUND_ADDRESS and its plus-addresses, and answers 250 only after the
registered inbound handler for "email" has stored the message: if anything fails, the answer is a
temporary 451 and the sending server tries again later, so nothing a resident sent is lost.
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import threading
from collections.abc import Callable
from typing import Any

from aiosmtpd.controller import Controller
from django.db import close_old_connections, connections

from sotong.connectors.email.addresses import inbound_address, tag_of
from sotong.connectors.email.inbound import MAX_MESSAGE_BYTES
from sotong.connectors.registry import inbound_handler

logger = logging.getLogger(__name__)

MAX_RECIPIENTS = 20
DRAIN_SECONDS = 30.0
_UNSAFE = re.compile(r"[^\x21-\x7e]")


def _trace(raw: bytes, *, mail_from: str, recipients: list[str]) -> bytes:
    """Prepend the trace headers a delivering server adds: the envelope sender (empty for bounces) and
    the envelope recipients (which may be a Bcc, and carry the plus-address tag)."""
    lines = [f"Return-Path: <{_UNSAFE.sub('', mail_from)}>"]
    lines += [f"Delivered-To: {_UNSAFE.sub('', address)}" for address in recipients]
    return "\r\n".join(lines).encode("ascii", "replace") + b"\r\n" + raw


class MailIntake:
    """aiosmtpd handler: RCPT checks the address, DATA hands the message over and waits for it."""

    def __init__(
        self, *, deliver: Callable[[bytes], Any] | None = None, max_bytes: int = MAX_MESSAGE_BYTES
    ) -> None:
        self._deliver = deliver
        self._max_bytes = max_bytes
        self._active = 0
        self._lock = threading.Lock()
        self.idle = threading.Event()
        self.idle.set()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if tag_of(address) is None:
            return "550 5.1.1 Recipient address rejected: not a Sotong address"
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or b""
        if len(raw) > self._max_bytes:
            return "552 5.3.4 Message too big"
        message = _trace(raw, mail_from=envelope.mail_from or "", recipients=list(envelope.rcpt_tos))
        with self._lock:
            self._active += 1
            self.idle.clear()
        try:
            # The handler uses the database: it runs in a worker thread, never in the event loop.
            await asyncio.to_thread(self._hand_over, message)
        except Exception:
            logger.exception("an inbound e-mail could not be taken in; the sender will try again")
            return "451 4.3.0 Temporary failure, please try again later"
        finally:
            with self._lock:
                self._active -= 1
                if not self._active:
                    self.idle.set()
        return "250 2.0.0 Message accepted"

    def _hand_over(self, raw: bytes) -> None:
        close_old_connections()
        try:
            result = (self._deliver or inbound_handler("email"))(raw)
        finally:
            # This worker thread's connection is not reused by anyone: close it.
            connections.close_all()
        number = getattr(result, "number", None)
        if number:
            logger.info("inbound e-mail stored with case %s", number)
        else:
            logger.info("inbound e-mail accepted and not taken in (refused or empty)")


def make_controller(
    *,
    host: str = "127.0.0.1",
    port: int = 2525,
    deliver: Callable[[bytes], Any] | None = None,
    max_bytes: int = MAX_MESSAGE_BYTES,
) -> Controller:
    """The server, not yet started; ``deliver`` defaults to the registered inbound handler for "email"."""
    # aiosmtpd logs every sender and recipient address at INFO: residents' addresses stay out of logs.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    return Controller(
        MailIntake(deliver=deliver, max_bytes=max_bytes),
        hostname=host,
        port=port,
        data_size_limit=max_bytes,
        ident="Sotong mail intake",
        server_hostname=inbound_address().partition("@")[2] or "localhost",
    )


def drain_and_stop(controller: Controller, *, timeout: float = DRAIN_SECONDS) -> None:
    """Stop listening, let the messages being stored finish (so their senders get their 250), stop."""
    server = getattr(controller, "server", None)
    if server is not None:
        controller.loop.call_soon_threadsafe(server.close)
    handler = controller.handler
    if isinstance(handler, MailIntake) and not handler.idle.wait(timeout):
        logger.warning("stopping with e-mail still being stored; its senders will send it again")
    controller.stop()


def serve(*, host: str, port: int, announce: Callable[[str], None]) -> None:
    """Run until SIGTERM or SIGINT."""
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    controller = make_controller(host=host, port=port)
    try:
        controller.start()
        try:
            announce(f"Sotong mail intake listening on {host}:{port} for {inbound_address()}")
            while not stop.wait(1.0):
                pass
            announce("Sotong mail intake stopping")
        finally:
            drain_and_stop(controller)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
