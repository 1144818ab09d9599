"""Every request's sync work runs on the process's one sync thread, so a process keeps one database
connection however many requests arrive at once (Django would give each request a thread of its own)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from django.core.signals import request_started


async def get(application: Any, path: str) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    body_sent = False
    never = asyncio.Event()
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await never.wait()  # the client stays connected until the answer is sent
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await application(scope, receive, send)
    return int(sent[0]["status"])


def test_concurrent_requests_share_the_one_sync_thread() -> None:
    from config.asgi import application

    threads: set[int] = set()

    def record(**kwargs: Any) -> None:
        threads.add(threading.get_ident())

    async def many() -> list[int]:
        return await asyncio.gather(*(get(application, "/healthz") for _ in range(8)))

    request_started.connect(record)
    try:
        statuses = asyncio.run(many())
    finally:
        request_started.disconnect(record)
    assert statuses == [200] * 8
    assert len(threads) == 1
    assert threading.get_ident() not in threads
