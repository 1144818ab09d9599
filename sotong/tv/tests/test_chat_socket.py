"""The chat websocket through the real ASGI stack (origin check, sessions, the channel layer of the
shape under test: in-memory, or Redis in the scaled pass)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.test import Client
from django.utils import timezone

from sotong.tv.choices import BroadcastState, ChatState
from sotong.tv.models import Broadcast, ChatMessage, Show

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 5


@pytest.fixture(autouse=True)
def _web_process(monkeypatch: pytest.MonkeyPatch) -> None:
    # Events go straight to the channel layer, as in `sotong serve`.
    monkeypatch.setenv("SOTONG_PROCESS", "web")


@pytest.fixture
def live(district: Any) -> Broadcast:
    show = Show.objects.create(slug="news", title_ko="구정뉴스")
    now = timezone.now()
    return Broadcast.objects.create(
        show=show,
        title_ko="12월 구정뉴스",
        starts_at=now - timezone.timedelta(minutes=5),
        ends_at=now + timezone.timedelta(minutes=55),
        state=BroadcastState.LIVE,
        chat_slow_seconds=0,
    )


class WebsocketCommunicator(ApplicationCommunicator):  # type: ignore[misc]
    """A websocket client speaking ASGI to the application (channels.testing's needs daphne)."""

    def __init__(self, application: Any, path: str, headers: list[tuple[bytes, bytes]]) -> None:
        path, _, query = path.partition("?")
        super().__init__(
            application,
            {
                "type": "websocket",
                "path": path,
                "raw_path": path.encode(),
                "query_string": query.encode(),
                "headers": headers,
                "subprotocols": [],
                "client": ["127.0.0.1", 50000],
                "server": ["testserver", 80],
            },
        )

    async def connect(self, timeout: float = 1) -> tuple[bool, Any]:
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        return response["type"] == "websocket.accept", response

    async def send_to(self, *, text_data: str) -> None:
        await self.send_input({"type": "websocket.receive", "text": text_data})

    async def send_json_to(self, data: Any) -> None:
        await self.send_to(text_data=json.dumps(data))

    async def receive_json_from(self, timeout: float = 1) -> Any:
        """The next event: a frame holds one, or (under load) an array of those that came together."""
        if not hasattr(self, "queued"):
            self.queued: list[Any] = []
        if not self.queued:
            response = await self.receive_output(timeout)
            assert response["type"] == "websocket.send", response
            decoded = json.loads(response["text"])
            self.queued = decoded if isinstance(decoded, list) else [decoded]
        return self.queued.pop(0)

    async def disconnect(self, code: int = 1000, timeout: float = 1) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


def socket(
    broadcast_id: int, *, device: str | None = "device-one", session: str = "", query: str = ""
) -> Any:
    from config.asgi import router

    cookies = []
    if device:
        cookies.append(f"sotong_tv_device={device}")
    if session:
        cookies.append(f"sessionid={session}")
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if cookies:
        headers.append((b"cookie", "; ".join(cookies).encode()))
    return WebsocketCommunicator(router, f"/ws/tv/{broadcast_id}/{query}", headers=headers)


async def next_of(ws: Any, kind: str) -> dict[str, Any]:
    async def first() -> dict[str, Any]:
        while True:
            event = await ws.receive_json_from(timeout=TIMEOUT)
            if event.get("type") == kind:
                return event  # type: ignore[no-any-return]

    return await asyncio.wait_for(first(), TIMEOUT)


async def connected(ws: Any) -> dict[str, Any]:
    ok, _ = await ws.connect(timeout=TIMEOUT)
    assert ok
    return await next_of(ws, "hello")


def run(scenario: Callable[[list[Any]], Awaitable[None]]) -> None:
    """Run a scenario in an event loop of its own; the sockets it opened are closed after it."""

    async def main() -> None:
        sockets: list[Any] = []
        try:
            await scenario(sockets)
        finally:
            for ws in sockets:
                await ws.disconnect()

    asyncio.run(main())


def test_a_line_sent_by_one_viewer_reaches_another(live: Broadcast) -> None:
    async def scenario(closing: list[Any]) -> None:
        writer, reader = socket(live.pk), socket(live.pk, device="device-two")
        closing += [writer, reader]
        await connected(writer)
        hello = await connected(reader)
        assert hello["can_post"] and hello["mode"] == "open" and hello["recent"] == []
        await writer.send_json_to(
            {"type": "say", "client_id": "c1", "name": "당산동주민", "body": "안녕하세요 010-1234-5678"}
        )
        said = await next_of(writer, "said")
        assert said["client_id"] == "c1" and said["state"] == ChatState.VISIBLE
        line = (await next_of(reader, "chat"))["message"]
        assert line["author"] == "당산동주민" and line["body"] == "안녕하세요 010-****-5678"
        assert line["source"] == "site" and "author_key" not in line
        # A viewer who comes later sees it in the recent lines.
        late = socket(live.pk, device="device-three")
        closing.append(late)
        assert [m["id"] for m in (await connected(late))["recent"]] == [line["id"]]

    run(scenario)


def test_a_held_line_reaches_moderators_only_until_approved(live: Broadcast, studio: Any) -> None:
    async def scenario(closing: list[Any]) -> None:
        session = await sync_to_async(_session)(studio)
        moderator, viewer, writer = (
            socket(live.pk, session=session),
            socket(live.pk, device="v"),
            socket(live.pk),
        )
        closing += [moderator, viewer, writer]
        for ws in (moderator, viewer, writer):
            await connected(ws)
        await writer.send_json_to({"type": "say", "name": "주민", "body": "여기 보세요 www.example.com"})
        said = await next_of(writer, "said")
        assert said["state"] == ChatState.HELD and said["notice"]
        held = (await next_of(moderator, "chat.moderation"))["message"]
        assert held["state"] == "held" and held["held_reason"] == "link"
        from sotong.tv.services.chat import chat_approve

        message = await ChatMessage.objects.aget(pk=held["id"])
        await sync_to_async(chat_approve)(message=message, by=studio)
        shown = (await next_of(viewer, "chat"))["message"]
        assert shown["id"] == held["id"]

    run(scenario)


def test_refusals_are_explained_in_the_viewers_language(live: Broadcast) -> None:
    async def scenario(closing: list[Any]) -> None:
        english = socket(live.pk, query="?lang=en")
        closing.append(english)
        await connected(english)
        await english.send_json_to({"type": "say", "client_id": "x", "name": "Jane", "body": "a" * 301})
        error = await next_of(english, "error")
        assert error["code"] == "long" and error["client_id"] == "x" and "300" in error["message"]
        assert error["message"].isascii()  # English, not Korean
        await english.send_to(text_data="x" * 5000)
        assert (await next_of(english, "error"))["code"] == "too_large"
        await english.send_to(text_data="{not json")
        assert (await next_of(english, "error"))["code"] == "bad_request"
        assert not await ChatMessage.objects.aexists()

    run(scenario)


def test_slow_mode_and_the_flood_guard(live: Broadcast) -> None:
    async def scenario(closing: list[Any]) -> None:
        live.chat_slow_seconds = 30
        await live.asave()
        ws = socket(live.pk)
        closing.append(ws)
        await connected(ws)
        await ws.send_json_to({"type": "say", "name": "주민", "body": "첫 줄"})
        await next_of(ws, "said")
        await ws.send_json_to({"type": "say", "name": "다른이름", "body": "둘째 줄"})
        slow = await next_of(ws, "error")
        assert slow["code"] == "slow" and "30" in slow["message"]
        for _ in range(10):
            await ws.send_json_to({"type": "upvote", "id": 0})
        codes = []
        for _ in range(10):
            codes.append((await next_of(ws, "error"))["code"])
        assert "flood" in codes
        assert await ChatMessage.objects.acount() == 1

    run(scenario)


def test_without_the_device_cookie_a_viewer_reads_but_cannot_write(live: Broadcast) -> None:
    async def scenario(closing: list[Any]) -> None:
        ws = socket(live.pk, device=None)
        closing.append(ws)
        assert not (await connected(ws))["can_post"]
        await ws.send_json_to({"type": "say", "name": "주민", "body": "안녕"})
        assert (await next_of(ws, "error"))["code"] == "no_device"

    run(scenario)


def test_a_socket_for_a_missing_or_cancelled_broadcast_is_refused(live: Broadcast) -> None:
    async def scenario(closing: list[Any]) -> None:
        ws = socket(live.pk + 1000)
        ok, _ = await ws.connect(timeout=TIMEOUT)
        assert not ok
        live.state = BroadcastState.CANCELLED
        await live.asave()
        ws = socket(live.pk)
        ok, _ = await ws.connect(timeout=TIMEOUT)
        assert not ok

    run(scenario)


def test_another_sites_origin_is_refused(live: Broadcast) -> None:
    async def scenario(closing: list[Any]) -> None:
        from config.asgi import router

        ws = WebsocketCommunicator(
            router, f"/ws/tv/{live.pk}/", headers=[(b"origin", b"https://evil.example")]
        )
        ok, _ = await ws.connect(timeout=TIMEOUT)
        assert not ok

    run(scenario)


def test_viewers_are_counted_and_told(live: Broadcast, monkeypatch: Any) -> None:
    async def scenario(closing: list[Any]) -> None:
        from sotong.tv import fanout

        monkeypatch.setattr(fanout, "TALLY_SECONDS", 0.2)
        first = socket(live.pk, device="a")
        closing.append(first)
        assert (await connected(first))["viewers"] == 1
        second = socket(live.pk, device="b")
        closing.append(second)
        await connected(second)
        overlay = socket(live.pk, device=None, query="?overlay=1")  # the studio's overlay is not a viewer
        closing.append(overlay)
        await connected(overlay)
        counted = await next_of(first, "viewers")
        assert counted["count"] == 2
        assert await sync_to_async(fanout.viewer_totals)([live.pk]) == {live.pk: 2}
        await second.disconnect()
        closing.remove(second)
        assert (await next_of(first, "viewers"))["count"] == 1

    run(scenario)


def _session(user: Any) -> str:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return str(client.cookies["sessionid"].value)


def test_events_are_plain_json() -> None:
    # The consumer sends what services put on the layer as it is: it must be JSON-serialisable.
    from sotong.tv.services.chat import public

    message = ChatMessage(
        pk=1, source="site", author="주민", body="안녕", posted_at=timezone.now(), upvotes=0, author_key="k"
    )
    assert json.loads(json.dumps(public(message)))["body"] == "안녕"


def test_viewers_vote_and_everyone_sees_the_results(live: Broadcast, studio: Any, monkeypatch: Any) -> None:
    from sotong.tv import consumers
    from sotong.tv.services import polls

    monkeypatch.setattr(consumers, "RESULTS_EVERY", 0.2)
    poll = polls.poll_create(
        broadcast=live, question="야간 개장 요일은?", options=["금요일", "토요일"], by=studio
    )

    async def scenario(closing: list[Any]) -> None:
        voter, watcher = socket(live.pk, device="voter"), socket(live.pk, device="watcher")
        closing += [voter, watcher]
        await connected(voter)
        await connected(watcher)
        await sync_to_async(polls.poll_open)(poll=poll, by=studio)
        opened = (await next_of(watcher, "poll"))["poll"]
        assert opened["question"] == "야간 개장 요일은?" and opened["total"] == 0
        saturday = opened["options"][1]["id"]
        await voter.send_json_to({"type": "vote", "poll": poll.pk, "option": saturday})
        assert (await next_of(voter, "voted"))["counted"] is True
        results = (await next_of(watcher, "poll"))["poll"]
        assert results["total"] == 1 and results["options"][1]["votes"] == 1
        await voter.send_json_to({"type": "vote", "poll": poll.pk, "option": saturday})
        assert (await next_of(voter, "voted"))["counted"] is False
        # A viewer who joins later is told the open poll and, on the voter's device, their vote.
        again = socket(live.pk, device="voter")
        closing.append(again)
        hello = await connected(again)
        assert hello["poll"]["id"] == poll.pk and hello["voted"] == saturday

    run(scenario)
