"""How the chat's sockets are served within one web process (decision 0074): the relay through which a process
holds one channel per chat group and writes each event to its own sockets, and the tally that counts this
process's viewers and sums every process's counts."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import weakref
from datetime import timedelta
from typing import Any, Protocol

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db.models import Sum
from django.utils import timezone

from sotong.tv.models import ViewerTally

TALLY_SECONDS = 5.0
YIELD_EVERY = 100
# With many sockets a frame costs each of them (and each browser) more than its bytes: lines that come within
# a tenth of a second of the last frame wait for the next one.
FRAMES_PER_SECOND = 10
BATCH_FROM_SOCKETS = 200
TALLY_FRESH = timedelta(seconds=20)
PROCESS = f"{socket.gethostname()}:{os.getpid()}"[:64]


class Socket(Protocol):
    broadcast_id: int

    async def relayed(self, text: str) -> None: ...

    async def send_json(self, content: Any, close: bool = False) -> None: ...


# An alias no CHANNEL_LAYERS entry has: Channels then gives the consumer no layer (get_channel_layer → None).
NO_LAYER = "sotong.tv.chat-sockets-have-no-channel"
RELAY_REJOIN_SECONDS = 3600.0
log = logging.getLogger(__name__)


class Relay:
    """One process's membership of a chat group: a single channel of its own in the group, read by one
        task; each event is encoded once and written to every socket of this process in the group, in order (what
    arrives while a frame is going out is sent together as a JSON array: clients take a frame of either shape).

        With a channel per socket, every line cost the layer one message per viewer (on the in-memory layer each
        of them also walked every channel and group; on Redis, one command per viewer) and each socket a thread
        hop before its handler; 2,000 viewers at 20 lines a second did not keep up (bench/tv_chat.py). Now a line
        costs the layer one message per process. A relay stays for the life of its event loop (a handful of
        broadcasts a week); its group membership is renewed before the layer's group expiry (a day) runs out."""

    def __init__(self, group: str) -> None:
        self.group = group
        self.sockets: set[Socket] = set()
        self.started = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []
        self.waiting: list[Any] = []
        self.arrived = asyncio.Event()

    async def start(self) -> None:
        layer = get_channel_layer()
        self.channel = await layer.new_channel(prefix="tv-relay.")
        await layer.group_add(self.group, self.channel)
        self.tasks = [
            asyncio.get_running_loop().create_task(self._read(layer), name=f"tv-relay {self.group}"),
            asyncio.get_running_loop().create_task(self._send(), name=f"tv-relay send {self.group}"),
            asyncio.get_running_loop().create_task(self._rejoin(layer), name=f"tv-relay rejoin {self.group}"),
        ]
        self.started.set()

    async def _read(self, layer: Any) -> None:
        while True:
            try:
                message = await layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("The chat relay of %s could not read the channel layer", self.group)
                await asyncio.sleep(1)
                continue
            if message.get("type") == "event.message":
                self.waiting.append(message["event"])
                self.arrived.set()

    async def _send(self) -> None:
        """Everything that arrived while the last frame went out goes in the next one: one event as itself,
        several as a JSON array. Under load a socket gets fewer, larger frames instead of falling behind."""
        loop = asyncio.get_running_loop()
        last = 0.0
        while True:
            await self.arrived.wait()
            # At most FRAMES_PER_SECOND frames a socket: a busy chat's lines go out together, a quiet one's at once.
            pause = last + 1 / FRAMES_PER_SECOND - loop.time()
            if pause > 0 and len(self.sockets) >= BATCH_FROM_SOCKETS:
                await asyncio.sleep(pause)
            last = loop.time()
            self.arrived.clear()
            events, self.waiting = self.waiting, []
            text = json.dumps(events[0] if len(events) == 1 else events)
            for number, socket_ in enumerate(list(self.sockets), start=1):
                try:
                    await socket_.relayed(text)
                except Exception:  # noqa: S112 - a socket closing meanwhile: its disconnect removes it
                    continue
                if number % YIELD_EVERY == 0:
                    # A frame to thousands of sockets never waits: without a pause the loop would serve
                    # nothing else meanwhile, and a line being written needs several turns of it.
                    await asyncio.sleep(0)

    async def _rejoin(self, layer: Any) -> None:
        while True:
            await asyncio.sleep(RELAY_REJOIN_SECONDS)
            with contextlib.suppress(Exception):
                await layer.group_add(self.group, self.channel)


_relays: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, Relay]] = weakref.WeakKeyDictionary()


async def relay_join(group: str, consumer: Socket) -> None:
    relays = _relays.setdefault(asyncio.get_running_loop(), {})
    relay = relays.get(group)
    if relay is None:
        relay = relays[group] = Relay(group)
        try:
            await relay.start()
        except BaseException:
            del relays[group]  # the next socket tries again
            relay.started.set()
            raise
    else:
        await relay.started.wait()
        if relays.get(group) is not relay:
            raise ConnectionError(f"the chat relay of {group} could not start")
    relay.sockets.add(consumer)


def relay_leave(group: str, consumer: Socket) -> None:
    with contextlib.suppress(RuntimeError):
        relay = _relays.get(asyncio.get_running_loop(), {}).get(group)
        if relay is not None:
            relay.sockets.discard(consumer)


class Tally:
    """The viewers this process holds, per broadcast. Every few seconds each process writes its counts
    (``ViewerTally``) and reads the sum of every process's fresh counts; viewers are told the total when
    it changes."""

    def __init__(self) -> None:
        self.local: dict[int, set[Socket]] = {}
        self.totals: dict[int, int] = {}
        self.task: asyncio.Task[None] | None = None

    def join(self, consumer: Socket) -> int:
        self.local.setdefault(consumer.broadcast_id, set()).add(consumer)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run())
        # Until the next tally, the last total told (or this process's own count, if higher).
        return max(self.totals.get(consumer.broadcast_id, 0), len(self.local[consumer.broadcast_id]))

    def leave(self, consumer: Socket) -> None:
        for viewers in self.local.values():
            viewers.discard(consumer)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(TALLY_SECONDS)
            counts = {pk: len(viewers) for pk, viewers in self.local.items()}
            try:
                totals = await _write_and_read_tallies(counts)
            except Exception:
                log.warning(
                    "The viewer tally could not be written or read; trying again next tally", exc_info=True
                )
                totals = {}
            for pk, total in totals.items():
                if self.totals.get(pk) != total:
                    self.totals[pk] = total
                    for consumer in list(self.local.get(pk, ())):
                        with contextlib.suppress(Exception):
                            await consumer.send_json({"type": "viewers", "count": total})
            for pk in [pk for pk, viewers in self.local.items() if not viewers]:
                del self.local[pk]
            if not self.local:
                with contextlib.suppress(Exception):
                    await _write_and_read_tallies(dict.fromkeys(counts, 0))
                self.task = None
                return


@database_sync_to_async
def _write_and_read_tallies(counts: dict[int, int]) -> dict[int, int]:
    now = timezone.now()
    for pk, viewers in counts.items():
        if viewers:
            ViewerTally.objects.update_or_create(
                process=PROCESS, broadcast_id=pk, defaults={"viewers": viewers, "updated_at": now}
            )
        else:
            ViewerTally.objects.filter(process=PROCESS, broadcast_id=pk).delete()
    return viewer_totals(list(counts), now=now)


def viewer_totals(broadcast_ids: list[int], *, now: Any = None) -> dict[int, int]:
    fresh_since = (now or timezone.now()) - TALLY_FRESH
    rows = (
        ViewerTally.objects.filter(broadcast_id__in=broadcast_ids, updated_at__gte=fresh_since)
        .values("broadcast_id")
        .annotate(total=Sum("viewers"))
    )
    totals = dict.fromkeys(broadcast_ids, 0)
    totals.update({row["broadcast_id"]: int(row["total"] or 0) for row in rows})
    return totals


tally = Tally()
