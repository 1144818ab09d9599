"""Readers that carry a broadcast's comments from YouTube and Facebook into its chat (decision 0075).

Each reader runs as one asyncio task in ``sotong tv`` (``runner.py``) for one ``ExternalChat`` row and stores
through ``tv.services.external`` (in Django's sync thread). Time comes from a ``Clock`` so that tests and the
quota benchmark can run a day of polling in seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.utils import timezone

from sotong.tv.choices import ExternalChatState

P = ParamSpec("P")
R = TypeVar("R")
USER_AGENT = "Sotong-TV/1 (+https://github.com/sotong)"


class Clock:
    """The wall clock and asyncio's sleep."""

    def now(self) -> datetime:
        return timezone.now()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class SourceError(Exception):
    """Why a platform's answer could not be used, and whether to try again.

    ``permanent`` stops the reader with ``state`` (failed, or stopped when the platform's chat ended) and
    ``reason`` on the desk; otherwise the reader waits at least ``retry_after`` seconds (backing off)."""

    def __init__(
        self,
        reason: str,
        *,
        permanent: bool,
        code: str = "",
        retry_after: float = 0.0,
        state: str = ExternalChatState.FAILED,
    ) -> None:
        super().__init__(code or reason)
        self.reason = reason
        self.permanent = permanent
        self.code = code
        self.retry_after = retry_after
        self.state = state


class Backoff:
    """Doubling waits between failed attempts, reset by a success."""

    def __init__(self, first: float, cap: float) -> None:
        self.first, self.cap, self.current = first, cap, 0.0

    def next(self) -> float:
        self.current = self.first if not self.current else min(self.cap, self.current * 2)
        return self.current

    def reset(self) -> None:
        self.current = 0.0


def db(fn: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """A service call from a reader: in Django's one sync thread, as the ingest's calls are."""
    return sync_to_async(fn, thread_sensitive=True)


def parse_time(value: Any) -> datetime | None:
    """RFC 3339 as YouTube writes it (``2026-03-10T04:50:00.123Z``) or Facebook (``…T04:50:00+0000``)."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit():
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
