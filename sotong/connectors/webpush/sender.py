"""Sending Web Push (RFC 8030) with VAPID (RFC 8292), many pushes at once: the alert fan-out's path.

`PushSender` sends from an asyncio loop over HTTP/1.1 keep-alive connections with bounded concurrency. Each
push is checked against the endpoint allow-list again at send time, encrypted for the subscription's keys
(`encryption.encrypt`: a fresh ECDH key and salt per message), and posted with `TTL`, `Urgency`,
`Content-Encoding: aes128gcm` and `Authorization: vapid t=…, k=…`. What the push service answers decides
what happens next:

- 201 (or any 2xx): delivered.
- 404, 410: the subscription is gone; the caller deletes it.
- 429, 5xx, a timeout or a broken connection: tried again with backoff, waiting as long as Retry-After says.
- 413 and any other 4xx: a permanent failure.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import re
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httptools

from sotong.connectors.webpush.allowlist import endpoint_refusal
from sotong.connectors.webpush.encryption import PushRefused, encrypt
from sotong.connectors.webpush.vapid import VapidSigner

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
# Longest Retry-After we wait for inside one fan-out; beyond it the push is left failed (temporary).
MAX_WAIT_SECONDS = 60.0
URGENCIES = ("very-low", "low", "normal", "high")


@dataclass(frozen=True)
class Push:
    """One message for one subscription. `key` is the caller's reference (e.g. the notice id)."""

    key: int
    endpoint: str
    p256dh: str
    auth: str
    data: bytes
    ttl: int
    urgency: str = "normal"
    topic: str = ""


@dataclass
class PushResult:
    key: int
    outcome: str  # "delivered", "gone", "failed", "unsent" (send_all's deadline came first)
    status: int | None = None
    detail: str = ""
    permanent: bool = False
    attempts: int = 0


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _backoff(attempt: int) -> float:
    return min(1.0 * 2 ** (attempt - 1), 16.0)


class _Http11(asyncio.Protocol):
    """One HTTP/1.1 keep-alive connection to a push service, one request at a time (no pipelining).

    A push is a small POST whose answer is a status and a few headers, so this is all the HTTP client
    the fan-out needs; general clients cost far more CPU per request (decision 0050). httptools (the
    C parser uvicorn uses) reads the answers."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.headers: dict[str, str] = {}
        self.waiter: asyncio.Future[tuple[int, dict[str, str], bool]] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionResetError("the push service closed the connection"))

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            if self.waiter is not None and not self.waiter.done():
                self.waiter.set_exception(ConnectionError(f"unreadable answer: {exc}"))
            self.close()

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_message_complete(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            keep = self.parser.should_keep_alive()
            self.waiter.set_result((self.parser.get_status_code(), self.headers, keep))

    async def request(self, raw: bytes, timeout: float) -> tuple[int, dict[str, str], bool]:
        """Write one request and wait for its answer; TimeoutError after `timeout` seconds. A timer
        handle rather than asyncio.wait_for, which wraps every request in a task of its own."""
        assert self.transport is not None
        loop = asyncio.get_running_loop()
        self.headers = {}
        waiter = self.waiter = loop.create_future()
        timer = loop.call_later(timeout, _time_out, waiter)
        self.transport.write(raw)
        try:
            return await waiter
        finally:
            timer.cancel()

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


def _time_out(waiter: asyncio.Future[Any]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError("the push service did not answer in time"))


_TOPIC_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass
class PushSender:
    """Sends pushes concurrently; use inside one event loop (`async with PushSender(...) as sender`).
    Each of `concurrency` workers keeps one keep-alive connection per push service."""

    signer: VapidSigner
    concurrency: int = 64
    timeout: float = 10.0
    max_attempts: int = MAX_ATTEMPTS
    sleep: Any = asyncio.sleep
    _open: list[_Http11] = field(default_factory=list, init=False)
    _tls: ssl.SSLContext | None = field(default=None, init=False)

    async def __aenter__(self) -> PushSender:
        return self

    async def __aexit__(self, *exc: object) -> None:
        for connection in self._open:
            connection.close()
        self._open.clear()

    def _request(self, push: Push) -> tuple[str, bytes]:
        refusal = endpoint_refusal(push.endpoint)
        if refusal:
            raise PushRefused(refusal)
        body = encrypt(push.data, p256dh=push.p256dh, auth=push.auth)
        parts = urlsplit(push.endpoint)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        topic = _TOPIC_UNSAFE.sub("-", push.topic)[:32]
        head = (
            f"POST {target} HTTP/1.1\r\n"
            f"Host: {parts.netloc}\r\n"
            f"Authorization: {self.signer.authorization(push.endpoint)}\r\n"
            "Content-Encoding: aes128gcm\r\n"
            "Content-Type: application/octet-stream\r\n"
            f"Content-Length: {len(body)}\r\n"
            f"TTL: {max(0, int(push.ttl))}\r\n"
            f"Urgency: {push.urgency if push.urgency in URGENCIES else 'normal'}\r\n"
            "User-Agent: Sotong-WebPush\r\n" + (f"Topic: {topic}\r\n" if topic else "") + "\r\n"
        )
        return f"{parts.scheme}://{parts.netloc}", head.encode("latin-1") + body

    async def _connect(self, origin: str) -> _Http11:
        parts = urlsplit(origin)
        host = parts.hostname or ""
        secure = parts.scheme == "https"
        if secure and self._tls is None:
            self._tls = ssl.create_default_context()
        loop = asyncio.get_running_loop()
        _transport, protocol = await loop.create_connection(
            _Http11,
            host,
            parts.port or (443 if secure else 80),
            ssl=self._tls if secure else None,
            server_hostname=host if secure else None,
        )
        self._open.append(protocol)
        return protocol

    async def send(
        self, push: Push, connections: dict[str, _Http11] | None = None, *, deadline: float | None = None
    ) -> PushResult:
        """One push, tried again on 429, 5xx and broken connections. With a `deadline`
        (time.monotonic()), no retry waits beyond it: the push is then left failed (temporary)."""
        connections = {} if connections is None else connections
        try:
            origin, raw = self._request(push)
        except PushRefused as exc:
            return PushResult(push.key, "failed", detail=str(exc), permanent=True)
        attempt = 0
        while True:
            attempt += 1
            status: int | None = None
            wait: float | None = None
            try:
                connection = connections.get(origin)
                if connection is None or connection.closed:
                    connection = connections[origin] = await asyncio.wait_for(
                        self._connect(origin), self.timeout
                    )
                try:
                    code, headers, keep = await connection.request(raw, self.timeout)
                except BaseException:
                    connection.close()
                    raise
                if not keep:
                    connection.close()
                status = code
                if 200 <= code < 300:
                    return PushResult(push.key, "delivered", status=status, attempts=attempt)
                if code in (404, 410):
                    return PushResult(
                        push.key,
                        "gone",
                        status=status,
                        detail=f"{status}: the subscription is gone",
                        permanent=True,
                        attempts=attempt,
                    )
                if code != 429 and code < 500:
                    what = "the message is too large" if code == 413 else "the push service refused it"
                    return PushResult(
                        push.key,
                        "failed",
                        status=status,
                        detail=f"{status}: {what}",
                        permanent=True,
                        attempts=attempt,
                    )
                wait = retry_after_seconds(headers.get("retry-after"))
                detail = f"{status}: the push service asked to try later"
            except (TimeoutError, OSError, ssl.SSLError) as exc:
                detail = f"{type(exc).__name__}: {exc}"[:180]
            if attempt >= self.max_attempts:
                return PushResult(push.key, "failed", status=status, detail=detail, attempts=attempt)
            delay = _backoff(attempt) if wait is None else wait
            if delay > MAX_WAIT_SECONDS:
                return PushResult(
                    push.key,
                    "failed",
                    status=status,
                    detail=f"{detail} (after {delay:.0f} s)",
                    attempts=attempt,
                )
            if deadline is not None and time.monotonic() + delay + self.timeout > deadline:
                return PushResult(
                    push.key, "failed", status=status, detail=f"{detail} (out of time)", attempts=attempt
                )
            await self.sleep(delay)

    async def send_all(self, pushes: Iterable[Push], *, deadline: float | None = None) -> list[PushResult]:
        """Send every push with at most `concurrency` in flight; results in no particular order.

        With a `deadline` (time.monotonic()) no push starts after it and no retry waits past it; the
        pushes not started come back "unsent", for the caller to hand on."""
        pending = list(pushes)
        pending.reverse()
        results: list[PushResult] = []

        async def worker() -> None:
            connections: dict[str, _Http11] = {}
            while pending:
                if deadline is not None and time.monotonic() >= deadline:
                    return
                results.append(await self.send(pending.pop(), connections, deadline=deadline))

        await asyncio.gather(*(worker() for _ in range(min(self.concurrency, len(pending)) or 1)))
        results.extend(
            PushResult(push.key, "unsent", detail="not started before the deadline") for push in pending
        )
        return results


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop when installed (it is, with uvicorn[standard]): about a third less CPU per push."""
    try:
        import uvloop

        return uvloop.new_event_loop()
    except ImportError:  # pragma: no cover
        return asyncio.new_event_loop()


def payload_bytes(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()
