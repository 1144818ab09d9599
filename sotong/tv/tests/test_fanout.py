"""The chat's relay in one web process (decision 0074): every event reaches every socket of the group once and in
order; a crowd gets at most ten frames a second (events that come together share a frame, as a JSON array),
while a small chat's lines go out one frame each, at once."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from sotong.tv import fanout


class Viewer:
    broadcast_id = 1

    def __init__(self) -> None:
        self.frames: list[tuple[float, str]] = []

    async def relayed(self, text: str) -> None:
        self.frames.append((asyncio.get_running_loop().time(), text))

    async def send_json(self, content: Any, close: bool = False) -> None:
        raise AssertionError("the relay writes encoded frames only")

    def events(self) -> list[Any]:
        found: list[Any] = []
        for _at, text in self.frames:
            decoded = json.loads(text)
            found.extend(decoded if isinstance(decoded, list) else [decoded])
        return found


def relay_lines(group: str, viewers: int, lines: int, every: float) -> list[Viewer]:
    async def scenario() -> list[Viewer]:
        sockets = [Viewer() for _ in range(viewers)]
        for socket in sockets:
            await fanout.relay_join(group, socket)
        layer = get_channel_layer()
        for number in range(lines):
            await layer.group_send(group, {"type": "event.message", "event": {"type": "chat", "n": number}})
            await asyncio.sleep(every)
        await asyncio.sleep(0.3)
        for socket in sockets:
            fanout.relay_leave(group, socket)
        return sockets

    return async_to_sync(scenario)()


def test_a_crowd_gets_at_most_ten_frames_a_second_and_every_line_once_in_order() -> None:
    sockets = relay_lines("tv.chat.crowd", viewers=fanout.BATCH_FROM_SOCKETS, lines=40, every=0.02)

    expected = [{"type": "chat", "n": number} for number in range(40)]
    assert all(socket.events() == expected for socket in sockets)
    times = [at for at, _text in sockets[0].frames]
    assert len(times) < 20  # 40 lines in 0.8 s: about nine frames, not forty
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= 1 / fanout.FRAMES_PER_SECOND - 0.01


def test_a_small_chat_gets_each_line_in_a_frame_of_its_own() -> None:
    sockets = relay_lines("tv.chat.small", viewers=3, lines=5, every=0.05)

    for socket in sockets:
        assert [json.loads(text) for _at, text in socket.frames] == [
            {"type": "chat", "n": number} for number in range(5)
        ]
