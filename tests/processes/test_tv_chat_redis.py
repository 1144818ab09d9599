"""소통TV's chat in the scaled shape: two `sotong serve` processes over PostgreSQL/SQLite and Redis share one
chat — a line written to one reaches a viewer of the other, in order — and the viewer count is the sum of both
processes' viewers."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from websockets.asyncio.client import ClientConnection, connect

from .conftest import Processes

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

TIMEOUT = 15
QUEUED: dict[int, list[Any]] = {}  # per socket, events of a frame not read yet


@pytest.fixture
def live(district: Any) -> Any:
    from sotong.tv.models import Broadcast, Show

    now = timezone.now()
    return Broadcast.objects.create(
        show=Show.objects.create(slug="council", title_ko="구의회 생중계"),
        title_ko="제250회 구의회 임시회",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=2),
        state="live",
        chat_slow_seconds=0,
    )


def device_cookie(port: int, pk: int) -> str:
    """The device cookie the broadcast's page gives a browser (a viewer needs it to write)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/tv/{pk}/", timeout=TIMEOUT) as response:
        cookies = response.headers.get_all("Set-Cookie") or []
    found = [c.split(";")[0] for c in cookies if c.startswith("sotong_tv_device=")]
    assert found, cookies
    return found[0]


def viewer(port: int, pk: int, cookie: str = "") -> Any:
    return connect(
        f"ws://127.0.0.1:{port}/ws/tv/{pk}/",
        origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
        additional_headers={"Cookie": cookie} if cookie else {},
        open_timeout=TIMEOUT,
    )


async def next_event(ws: ClientConnection, kind: str, timeout: float = TIMEOUT) -> dict[str, Any]:
    queued: list[Any] = QUEUED.setdefault(id(ws), [])

    async def first_of_kind() -> dict[str, Any]:
        while True:
            if not queued:
                decoded = json.loads(await ws.recv())  # one event, or an array of those that came together
                queued.extend(decoded if isinstance(decoded, list) else [decoded])
            event = queued.pop(0)
            if event.get("type") == kind:
                return event  # type: ignore[no-any-return]

    return await asyncio.wait_for(first_of_kind(), timeout=timeout)


def test_two_serve_processes_over_redis_share_one_chat_and_count_viewers_together(
    processes: Processes, redis_env: dict[str, str], live: Any
) -> None:
    _, first = processes.serve(env=redis_env, name="serve 1")
    _, second = processes.serve(env=redis_env, name="serve 2")
    cookie = device_cookie(first, live.pk)

    async def scenario() -> None:
        async with viewer(first, live.pk, cookie) as writer, viewer(second, live.pk) as reader:
            assert (await next_event(writer, "hello"))["can_post"] is True
            assert (await next_event(reader, "hello"))["state"] == "live"
            bodies = [f"{n}번째 의견입니다: 당산역 환승 통로가 혼잡해요" for n in ("첫", "두", "세")]
            for index, body in enumerate(bodies):
                await writer.send(
                    json.dumps({"type": "say", "client_id": str(index), "name": "당산주민", "body": body})
                )
                said = await next_event(writer, "said")
                assert said["client_id"] == str(index)
            received = [(await next_event(reader, "chat"))["message"] for _ in bodies]
            assert [m["body"] for m in received] == bodies  # every line, once, in order
            assert {m["author"] for m in received} == {"당산주민"} and {m["source"] for m in received} == {
                "site"
            }
            # One viewer on each process: within a few tallies the reader is told the sum. (A tally that
            # ran before the other process first wrote its count tells 1 first; that is not the end state.)
            deadline = asyncio.get_running_loop().time() + 20
            counts = []
            while 2 not in counts:
                remaining = deadline - asyncio.get_running_loop().time()
                assert remaining > 0, f"the reader was told {counts}, never the sum 2"
                counts.append((await next_event(reader, "viewers", timeout=remaining))["count"])
            assert set(counts) <= {1, 2}, counts

    asyncio.run(scenario())
