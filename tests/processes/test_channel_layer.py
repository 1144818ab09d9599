"""The staff websocket across two `sotong serve` processes: Redis carries events between them."""

from __future__ import annotations

import asyncio
import json
import signal
from typing import Any

import pytest
from django.test import Client
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from .conftest import Processes

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

TIMEOUT = 10


@pytest.fixture(scope="module")
def servers(module_processes: Processes, redis_env: dict[str, str]) -> tuple[int, int]:
    """Two web servers sharing the test database and this run's Redis: the ports of each."""
    _, first = module_processes.serve(env=redis_env, name="serve 1")
    _, second = module_processes.serve(env=redis_env, name="serve 2")
    return first, second


def session_cookie(user: Any) -> str:
    # The session is saved in the database (cached_db), where both servers find it.
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.cookies["sessionid"].value


def staff_socket(port: int, *, session: str | None = None, origin: str | None = None) -> Any:
    headers = {"Cookie": f"sessionid={session}"} if session else {}
    return connect(
        f"ws://127.0.0.1:{port}/ws/staff/",
        origin=origin or f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
        additional_headers=headers,
        open_timeout=TIMEOUT,
    )


async def next_event(ws: ClientConnection, kind: str) -> dict[str, Any]:
    async def first_of_kind() -> dict[str, Any]:
        while True:
            event = json.loads(await ws.recv())
            if event.get("type") == kind:
                return event  # type: ignore[no-any-return]

    return await asyncio.wait_for(first_of_kind(), timeout=TIMEOUT)


def test_an_anonymous_websocket_is_refused(servers: tuple[int, int]) -> None:
    async def scenario() -> None:
        async with staff_socket(servers[0]):
            pass

    with pytest.raises(InvalidStatus) as refused:
        asyncio.run(scenario())
    assert refused.value.response.status_code == 403


def test_a_websocket_from_another_origin_is_refused(servers: tuple[int, int], junho: Any) -> None:
    session = session_cookie(junho)

    async def scenario() -> None:
        async with staff_socket(servers[0], session=session, origin="https://evil.example"):
            pass

    with pytest.raises(InvalidStatus) as refused:
        asyncio.run(scenario())
    assert refused.value.response.status_code == 403


def test_presence_sent_to_one_server_reaches_a_colleague_on_the_other(
    servers: tuple[int, int], junho: Any, doyun: Any
) -> None:
    # 준호 and 도윤 both work in roads (도로과); each is connected to a different server.
    junho_session, doyun_session = session_cookie(junho), session_cookie(doyun)

    async def scenario() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        async with staff_socket(servers[0], session=junho_session) as junho_ws:
            hello = await next_event(junho_ws, "hello")
            async with staff_socket(servers[1], session=doyun_session) as doyun_ws:
                doyun_hello = await next_event(doyun_ws, "hello")
                await doyun_ws.send(json.dumps({"type": "presence", "where": "inbox/roads"}))
                return hello, doyun_hello, await next_event(junho_ws, "presence")

    hello, doyun_hello, presence = asyncio.run(scenario())
    assert hello["departments"] == ["roads"]
    assert doyun_hello["departments"] == ["roads"]
    assert presence["user"] == "doyun"
    assert presence["where"] == "inbox/roads"


def test_presence_does_not_reach_another_department(
    servers: tuple[int, int], junho: Any, doyun: Any, sora: Any
) -> None:
    # 소라 (welfare) is connected too, but only 준호 hears 도윤.
    sessions = {user.username: session_cookie(user) for user in (junho, doyun, sora)}

    async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        async with (
            staff_socket(servers[0], session=sessions["sora"]) as sora_ws,
            staff_socket(servers[0], session=sessions["junho"]) as junho_ws,
        ):
            await next_event(sora_ws, "hello")
            await next_event(junho_ws, "hello")
            async with staff_socket(servers[1], session=sessions["doyun"]) as doyun_ws:
                await next_event(doyun_ws, "hello")
                await doyun_ws.send(json.dumps({"type": "presence", "where": "case/42"}))
                heard = await next_event(junho_ws, "presence")
            leaked = []
            try:
                while True:
                    leaked.append(json.loads(await asyncio.wait_for(sora_ws.recv(), timeout=0.5)))
            except TimeoutError:
                pass
            return heard, leaked

    heard, leaked = asyncio.run(scenario())
    assert heard["user"] == "doyun"
    assert leaked == []


# redis-py 8 gives every connection socket_timeout=5 by default, the same as channels_redis's blocking
# receive, so the read timed out first and idle websockets dropped at ~5 s (django/channels_redis#422).
def test_the_redis_layer_waits_for_redis_longer_than_its_blocking_receive(
    processes: Processes, redis_env: dict[str, str]
) -> None:
    # Whether an idle websocket survives is a race at the 5 s mark; the configuration decides it surely.
    probe = (
        "from channels.layers import get_channel_layer; layer = get_channel_layer(); pool = layer.create_pool(0); "
        "connection = pool.connection_class(**pool.connection_kwargs); "
        "print('timeouts', connection.socket_timeout, layer.brpop_timeout)"
    )
    shell = processes.start(["shell", "-c", probe], env=redis_env, name="shell")
    assert shell.wait(timeout=30) == 0, shell.output
    socket_timeout, receive_timeout = shell.wait_for(r"^timeouts (\S+) (\S+)$").groups()
    assert socket_timeout == "None" or float(socket_timeout) > float(receive_timeout), shell.output


def test_refused_websockets_leave_nothing_behind_so_the_server_stops_at_once(
    processes: Processes, redis_env: dict[str, str], junho: Any
) -> None:
    # A consumer refused in connect() had its channel-layer receive cancelled as it began, which on
    # Redis never finished: the server then waited for it forever on SIGTERM (sotong/core/websockets.py).
    server, port = processes.serve(env=redis_env, name="serve 3")
    session = session_cookie(junho)

    async def refused(**kwargs: Any) -> None:
        async with staff_socket(port, **kwargs):
            pass

    for kwargs in ({}, {"session": session, "origin": "https://evil.example"}, {"session": "forged"}):
        with pytest.raises(InvalidStatus) as refusal:
            asyncio.run(refused(**kwargs))
        assert refusal.value.response.status_code == 403
    server.popen.terminate()
    # uvicorn ends by re-raising the signal it caught, once it has shut down.
    assert server.wait(timeout=10) in (0, -signal.SIGTERM), server.output
    assert "Waiting for background tasks" not in server.output
    assert "Finished server process" in server.output
