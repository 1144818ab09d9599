"""Realtime events for browsers, sent over the channel layer only after the transaction commits.

With Redis every process reaches the one channel layer. In the embedded shape the layer lives in the
web server's memory, so a process that is not the web server (the task worker, a command) writes the
event to the database and the web server relays it (see ``relay_events``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, TypeVar

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^a-zA-Z0-9_.-]")
WEB_PROCESS_ENV = "SOTONG_PROCESS"
RELAY_INTERVAL = 0.3
RELAY_KEEP = timedelta(minutes=2)
T = TypeVar("T")


def group_name(*parts: str | int) -> str:
    """A channel-layer group name from parts (only ASCII letters, digits, '-', '_' and '.' allowed)."""
    return ".".join(_UNSAFE.sub("_", str(part)) for part in parts)[:99]


def relay_needed() -> bool:
    """True in a process of the embedded shape that is not the web server."""
    return not settings.REDIS_URL and os.environ.get(WEB_PROCESS_ENV) != "web"


_collecting = threading.local()


@contextlib.contextmanager
def events_collected() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Within it, this thread's events are kept in the list it gives instead of being sent (see
    ``call_then_send``)."""
    collected: list[tuple[str, dict[str, Any]]] = []
    previous = getattr(_collecting, "events", None)
    _collecting.events = collected
    try:
        yield collected
    finally:
        _collecting.events = previous


async def call_then_send(func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """For a websocket consumer: run ``func`` in the database thread with the events it sends on commit kept,
    then send them from the event loop, in order. Sent from the database thread, each event waited there for
    a turn of the event loop; under a crowd (one turn writing a line to thousands of sockets) every write
    queued behind that single thread (bench/tv_chat.py). If ``func`` raises, nothing it kept is sent."""

    def run() -> tuple[T, list[tuple[str, dict[str, Any]]]]:
        with events_collected() as events:
            return func(*args, **kwargs), events

    result, events = await database_sync_to_async(run)()
    for group, event in events:
        await send_event_async(group, event)
    return result


async def send_event_async(group: str, event: dict[str, Any]) -> None:
    """``send_event`` from a coroutine."""
    if relay_needed():
        await database_sync_to_async(send_event)(group, event)
        return
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(group, {"type": "event.message", "event": event})


def send_event(group: str, event: dict[str, Any]) -> None:
    collected = getattr(_collecting, "events", None)
    if collected is not None:
        collected.append((group, event))
        return
    if relay_needed():
        from sotong.core.models import RelayedEvent

        RelayedEvent.objects.create(group=group, payload=event)
        return
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "event.message", "event": event}
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(layer.group_send)(group, message)
        return
    # Called from sync code in a thread that runs an event loop (a script or test driving one): send
    # from a helper thread, as async_to_sync cannot run here.
    sender = threading.Thread(target=async_to_sync(layer.group_send), args=(group, message))
    sender.start()
    sender.join(timeout=5)


def send_event_on_commit(group: str, event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: send_event(group, event))


@database_sync_to_async
def _fetch(after: int) -> list[tuple[int, str, dict[str, Any]]]:
    from sotong.core.models import RelayedEvent

    return list(
        RelayedEvent.objects.filter(pk__gt=after).order_by("pk").values_list("pk", "group", "payload")[:500]
    )


@database_sync_to_async
def _start_position() -> int:
    from sotong.core.models import RelayedEvent

    RelayedEvent.objects.filter(created_at__lt=timezone.now() - RELAY_KEEP).delete()
    last = RelayedEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0)


@database_sync_to_async
def _prune() -> None:
    from sotong.core.models import RelayedEvent

    RelayedEvent.objects.filter(created_at__lt=timezone.now() - RELAY_KEEP).delete()


async def relay_events(stop: asyncio.Event) -> None:
    """Run in the web server's event loop: pass relayed events to the in-memory channel layer."""
    layer = get_channel_layer()
    if layer is None:
        return
    last = await _start_position()
    rounds = 0
    while not stop.is_set():
        try:
            for pk, group, payload in await _fetch(last):
                await layer.group_send(group, {"type": "event.message", "event": payload})
                last = pk
            rounds += 1
            if rounds % 200 == 0:
                await _prune()
        except Exception:
            logger.exception("relaying events failed; trying again")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=RELAY_INTERVAL)
