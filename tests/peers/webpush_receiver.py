"""A real Web Push receiver on loopback, standing in for a push service and a browser in tests and in
the fan-out benchmark.

It speaks HTTP/1.1 with keep-alive (httptools), checks each request as a push service would
(`Content-Encoding: aes128gcm`, a `TTL`, a VAPID `Authorization` whose ES256 JWT verifies against its
`k` and names this origin as `aud`), and decrypts the body with http_ece — the reference
implementation of RFC 8188 — using the subscription's private key and auth secret, as the browser
would. Each subscription is the path `/push/<name>`. Tests may queue answers for a subscription
(410, 429 with Retry-After, 413 …) to see what the sender does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import http_ece
import httptools
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from sotong.connectors.webpush.vapid import b64url, verify_jwt

KeyLookup = Callable[[str], "tuple[ec.EllipticCurvePrivateKey, bytes] | None"]


@dataclass
class Received:
    name: str
    headers: dict[str, str]
    payload: bytes
    vapid_claims: dict[str, Any]

    @property
    def message(self) -> Any:
        return json.loads(self.payload)


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


REASONS = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    410: "Gone",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class Receiver:
    """Start with `start()` (a background thread) or `await serve()` in a loop of your own."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        keys: KeyLookup | None = None,
        vapid_public_key: str | None = None,
        keep_messages: bool = True,
        on_message: Callable[[str, bytes], None] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.vapid_public_key = vapid_public_key
        self.keep_messages = keep_messages
        self.on_message = on_message
        self._keys: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]] = {}
        self._lookup = keys
        self._answers: dict[str, deque[Answer]] = {}
        self._verified_tokens: dict[str, dict[str, Any]] = {}
        self.messages: list[Received] = []
        self.refused: list[tuple[str, str]] = []
        self.requests = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self.lock = threading.Lock()

    # Subscriptions and scripted answers ----------------------------------------------------------

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/push/{name}"

    def add_subscription(self, name: str) -> dict[str, Any]:
        """A browser's PushSubscription.toJSON() for a new key pair held here."""
        private = ec.generate_private_key(ec.SECP256R1())
        secret = os.urandom(16)
        self._keys[name] = (private, secret)
        public = private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"endpoint": self.endpoint(name), "keys": {"p256dh": b64url(public), "auth": b64url(secret)}}

    def answer(self, name: str, *answers: Answer) -> None:
        """Answer the next requests for `name` with these, in order (then 201 Created)."""
        self._answers.setdefault(name, deque()).extend(answers)

    def for_subscription(self, name: str) -> list[Received]:
        return [m for m in self.messages if m.name == name]

    # Handling one request ------------------------------------------------------------------------

    def _keys_for(self, name: str) -> tuple[ec.EllipticCurvePrivateKey, bytes] | None:
        found = self._keys.get(name)
        if found is None and self._lookup is not None:
            found = self._lookup(name)
        return found

    def _check_vapid(self, authorization: str) -> dict[str, Any]:
        if not authorization.startswith("vapid "):
            raise ValueError("no VAPID authorization")
        params = dict(
            part.strip().split("=", 1) for part in authorization[len("vapid ") :].split(",") if "=" in part
        )
        token, key = params.get("t", ""), params.get("k", "")
        if self.vapid_public_key and key != self.vapid_public_key:
            raise ValueError("VAPID key is not the expected one")
        cache_key = f"{token}|{key}"
        claims = self._verified_tokens.get(cache_key)
        if claims is None:
            claims = verify_jwt(token, key)
            if claims.get("aud") != self.origin:
                raise ValueError(f"VAPID aud {claims.get('aud')!r} is not {self.origin}")
            if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
                raise ValueError("VAPID sub is not a mailto: or https: contact")
            self._verified_tokens[cache_key] = claims
        return claims

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        self.requests += 1
        if not path.startswith("/push/"):
            return Answer(404)
        name = path[len("/push/") :]
        scripted = self._answers.get(name)
        if scripted:
            return scripted.popleft()
        keys = self._keys_for(name)
        if keys is None:
            return Answer(404)
        try:
            if headers.get("content-encoding") != "aes128gcm":
                raise ValueError("Content-Encoding is not aes128gcm")
            if not headers.get("ttl", "").isdigit():
                raise ValueError("no TTL")
            if headers.get("urgency", "normal") not in ("very-low", "low", "normal", "high"):
                raise ValueError("bad Urgency")
            claims = self._check_vapid(headers.get("authorization", ""))
            payload = http_ece.decrypt(body, private_key=keys[0], auth_secret=keys[1], version="aes128gcm")
        except Exception as exc:
            self.refused.append((name, f"{type(exc).__name__}: {exc}"))
            return Answer(400)
        if self.on_message is not None:
            self.on_message(name, payload)
        if self.keep_messages:
            with self.lock:
                self.messages.append(Received(name, headers, payload, claims))
        return Answer(201, {"Location": f"/message/{self.requests}"})

    # Serving -------------------------------------------------------------------------------------

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._server = await loop.create_server(lambda: _Protocol(self), self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        async with self._server:
            with contextlib.suppress(asyncio.CancelledError):
                await self._server.serve_forever()

    def start(self) -> Receiver:
        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self.serve())
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name="webpush-receiver", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the Web Push receiver did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._server is not None:
            self._loop.call_soon_threadsafe(self._server.close)
            for task in asyncio.all_tasks(self._loop) if self._loop.is_running() else []:
                self._loop.call_soon_threadsafe(task.cancel)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Protocol(asyncio.Protocol):
    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpRequestParser(self)
        self._reset()

    def _reset(self) -> None:
        self.url = b""
        self.headers: dict[str, str] = {}
        self.body: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's transports are not subclasses

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            if self.transport is not None:
                self.transport.write(
                    b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
                self.transport.close()

    # httptools callbacks
    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        path = httptools.parse_url(self.url).path.decode("latin-1")
        answer = self.receiver.handle(path, self.headers, b"".join(self.body))
        extra = "".join(f"{k}: {v}\r\n" for k, v in answer.headers.items())
        head = (
            f"HTTP/1.1 {answer.status} {REASONS.get(answer.status, 'Status')}\r\n{extra}"
            f"Content-Length: {len(answer.body)}\r\n\r\n"
        )
        keep_alive = self.parser.should_keep_alive()
        if self.transport is not None:
            self.transport.write(head.encode("latin-1") + answer.body)
            if not keep_alive:
                self.transport.close()
        self._reset()
