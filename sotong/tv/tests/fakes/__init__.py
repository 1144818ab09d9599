"""Loopback fakes of YouTube's and Facebook's APIs for the external chat readers (decision 0075): real HTTP
servers on 127.0.0.1 answering the documented payloads, errors and rate limits, and recording every request.

Time is a ``SimulatedClock`` that both sides share: the readers sleep on it (instantly) and the fakes move it
while a stream stays open, so a day of reading runs in seconds."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.utils import timezone

from sotong.tv.sources import Clock


class SimulationOver(Exception):
    """The simulated time ran out: the reader under test stops here."""


class SimulatedClock(Clock):
    def __init__(self, start: datetime, *, stop_at: datetime | None = None) -> None:
        self.at = start
        self.stop_at = stop_at
        self.lock = threading.Lock()

    def now(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.at += timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        target = self.at + timedelta(seconds=max(0.0, seconds))
        if self.stop_at is not None and target >= self.stop_at:
            raise SimulationOver
        with self.lock:
            self.at = max(self.at, target)
        await asyncio.sleep(0)


class WallClock(SimulatedClock):
    """Real time, for a fake serving a separate process (``sotong tv``): a stream held open waits for real."""

    def __init__(self) -> None:
        super().__init__(timezone.now())

    def now(self) -> datetime:
        return timezone.now()

    def advance(self, seconds: float) -> None:
        time.sleep(seconds)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: datetime
    body: bytes = b""


class FakeServer:
    """A threaded HTTP server whose ``handle(request, handler)`` answers each GET."""

    def __init__(self, clock: SimulatedClock) -> None:
        self.clock = clock
        self.requests: list[Recorded] = []

    def start(self) -> FakeServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Each write goes out at once, as the platforms' servers do: http.server writes a response's
            # headers and body apart, and with Nagle's algorithm a kept-alive connection's body waited ~40 ms
            # for the client's delayed ACK of the headers (most of bench/tv_quota.py's list run).
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                recorded = Recorded(
                    method="GET",
                    path=parts.path,
                    query={k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()},
                    headers={k.lower(): v for k, v in self.headers.items()},
                    at=fake.clock.now(),
                )
                fake.requests.append(recorded)
                try:
                    fake.handle(recorded, self)
                except (BrokenPipeError, ConnectionResetError):
                    # The reader went away while a stream was open (it stopped, or the test ended).
                    self.close_connection = True

            def do_POST(self) -> None:
                parts = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                recorded = Recorded(
                    method="POST",
                    path=parts.path,
                    query={k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()},
                    headers={k.lower(): v for k, v in self.headers.items()},
                    at=fake.clock.now(),
                    body=body,
                )
                fake.requests.append(recorded)
                fake.handle_post(recorded, self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def handle(self, request: Recorded, handler: BaseHTTPRequestHandler) -> None:
        """Each fake answers its API's GET requests; the base knows none of them."""
        send_json(handler, 404, b'{"error": {"code": 404, "message": "Not Found"}}')

    def handle_post(self, request: Recorded, handler: BaseHTTPRequestHandler) -> None:
        send_json(handler, 404, b'{"error": {"code": 404, "message": "Not Found"}}')


def send_json(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json; charset=UTF-8")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def start_chunked(handler: BaseHTTPRequestHandler, content_type: str) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Transfer-Encoding", "chunked")
    handler.send_header("Connection", "close")
    handler.end_headers()


def write_chunk(handler: BaseHTTPRequestHandler, data: bytes) -> None:
    handler.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
    handler.wfile.flush()


def end_chunked(handler: BaseHTTPRequestHandler) -> None:
    handler.wfile.write(b"0\r\n\r\n")
    handler.wfile.flush()
    handler.close_connection = True


def drop(handler: BaseHTTPRequestHandler) -> None:
    """Close the connection in the middle of a chunked body (no last chunk): a dropped stream."""
    handler.wfile.flush()
    handler.close_connection = True
    handler.connection.close()
