"""The readers' supervisor inside ``sotong tv``: one task per YouTube or Facebook chat of a live broadcast.

Every few seconds it compares the rows that should be read (``external.chats_to_run``) with the tasks it
runs: it starts a reader for a new row, cancels the reader of a broadcast that ended or a source the
producer disconnected, and restarts a reader that crashed (after a pause, so a bug cannot spin).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

import httpx
from django.db import close_old_connections

from sotong.tv.choices import ChatSource
from sotong.tv.services import external
from sotong.tv.sources import Clock, db
from sotong.tv.sources.facebook import FacebookReader
from sotong.tv.sources.youtube import YouTubeReader

log = logging.getLogger(__name__)
SCAN_SECONDS = 5.0
CRASH_PAUSE = timedelta(seconds=30)


class Reader(Protocol):
    async def run(self) -> None: ...


def make_reader(chat_id: int, platform: str, *, client: httpx.AsyncClient, clock: Clock) -> Reader:
    if platform == ChatSource.YOUTUBE:
        return YouTubeReader(chat_id, client=client, clock=clock)
    return FacebookReader(chat_id, client=client, clock=clock)


class Runner:
    def __init__(
        self,
        *,
        clock: Clock | None = None,
        scan_seconds: float = SCAN_SECONDS,
        reader_factory: Callable[..., Reader] = make_reader,
        tidy_connections: bool = True,
    ) -> None:
        self.clock = clock or Clock()
        self.scan_seconds = scan_seconds
        self.reader_factory = reader_factory
        # The process is long-lived: drop a database connection that is too old or broken before each scan
        # (tests turn this off: their connection holds the test's transaction).
        self.tidy_connections = tidy_connections
        self.tasks: dict[int, asyncio.Task[None]] = {}
        self.crashed: dict[int, datetime] = {}
        self.started = 0

    async def run(self) -> None:
        async with httpx.AsyncClient(http2=False, follow_redirects=False) as client:
            try:
                while True:
                    try:
                        await self.scan(client)
                    except Exception:
                        log.exception("external chat scan failed")
                    await self.clock.sleep(self.scan_seconds)
            finally:
                await self.stop_all()

    async def scan(self, client: httpx.AsyncClient) -> None:
        if self.tidy_connections:
            await db(close_old_connections)()
        wanted = await db(external.chats_to_run)()
        now = self.clock.now()
        for chat_id, task in list(self.tasks.items()):
            if chat_id not in wanted:
                await self._stop(chat_id)
            elif task.done():
                del self.tasks[chat_id]
                error = None if task.cancelled() else task.exception()
                if error is not None:
                    log.error("reader of external chat %s crashed", chat_id, exc_info=error)
                    self.crashed[chat_id] = now
        for chat_id, platform in wanted.items():
            if chat_id in self.tasks:
                continue
            crashed = self.crashed.get(chat_id)
            if crashed is not None and now - crashed < CRASH_PAUSE:
                continue
            reader = self.reader_factory(chat_id, platform, client=client, clock=self.clock)
            self.tasks[chat_id] = asyncio.create_task(reader.run(), name=f"external-chat-{chat_id}")
            self.started += 1

    async def _stop(self, chat_id: int) -> None:
        task = self.tasks.pop(chat_id)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        await db(external.reader_released)(chat_id)

    async def stop_all(self) -> None:
        for chat_id in list(self.tasks):
            with contextlib.suppress(Exception):
                await asyncio.shield(self._stop(chat_id))


async def run_external_chat(**options: Any) -> None:
    await Runner(**options).run()
