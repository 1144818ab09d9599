"""The 소통TV chat websocket (``/ws/tv/<broadcast>/``): viewers read the chat and write to it; moderators
(``tv.change_broadcast``) on the same socket also receive every line as stored, held ones included.

A viewer needs no account: the broadcast page gives the browser a device cookie, whose digest is the
viewer's key for slow mode, 공감 and bans (a new nickname does not lift a ban). Limits: slow mode per
device (the broadcast's ``chat_slow_seconds``), 30 lines a minute per address, and a flood guard per
connection; oversized frames are refused. Every refusal is a message in the viewer's language and
changes nothing.
"""

from __future__ import annotations

import asyncio
import importlib
import time
from collections import deque
from typing import Any

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.sessions import InstanceSessionWrapper
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _

from sotong.core.crypto import digest
from sotong.core.events import call_then_send
from sotong.core.ratelimit import Limit, hit
from sotong.core.websockets import GuardedJsonConsumer
from sotong.tv.choices import BroadcastState, ChatState
from sotong.tv.fanout import NO_LAYER, relay_join, relay_leave, tally
from sotong.tv.models import Broadcast, ChatMessage, Poll
from sotong.tv.services import chat as chat_services
from sotong.tv.services import polls as poll_services
from sotong.tv.services.chat import DEVICE_COOKIE, ChatRefused, Incoming

# The profanity filter compiles its patterns on import (half a second): done as the web server starts, not on
# the first line written to a crowd.
importlib.import_module("korcen.korcen")

MAX_FRAME = 4096
RECENT = 50
ADDRESS_LIMIT = Limit("tv-chat-address", 30, 60)
FLOOD_FRAMES, FLOOD_SECONDS = 8, 5.0
RESULTS_EVERY = 2


def device_key(token: str) -> str:
    return digest(f"tv-device:{token}") if token else ""


class ChatConsumer(GuardedJsonConsumer):
    # No channel of its own on the layer: the process's relay for each group writes to its sockets.
    channel_layer_alias = NO_LAYER
    broadcast_id: int
    device: str
    address: str
    moderator: bool
    language: str
    frame_send: Any

    async def admits(self, scope: dict[str, Any]) -> bool:
        pk = scope.get("url_route", {}).get("kwargs", {}).get("pk")
        return pk is not None and await _public_broadcast_exists(int(pk))

    async def connect(self) -> None:
        self.broadcast_id = int(self.scope["url_route"]["kwargs"]["pk"])
        token = str(self.scope.get("cookies", {}).get(DEVICE_COOKIE, ""))[:64]
        self.device = device_key(token)
        client = self.scope.get("client") or ("", 0)
        self.address = digest(f"tv-address:{client[0]}")
        self.language = _language(self.scope)
        self.moderator = await _is_moderator(self.scope.get("user"))
        self.frames: deque[float] = deque(maxlen=FLOOD_FRAMES)
        self.pending: list[str] | None = []  # events that came before the hello, sent right after it
        wrapper = getattr(self.base_send, "__self__", None)
        self.frame_send = wrapper.real_send if isinstance(wrapper, InstanceSessionWrapper) else self.base_send
        self.chat_groups = [chat_services.viewers_group(self.broadcast_id)]
        if self.moderator:
            self.chat_groups.append(chat_services.moderators_group(self.broadcast_id))
        for group in self.chat_groups:
            await relay_join(group, self)
        await self.accept()
        hello = await _hello(self.broadcast_id, self.device)
        hello["can_post"] = bool(self.device)
        # The studio's own screens (the desk, the OBS overlay) are not viewers.
        self.counted = not self.moderator and "overlay=1" not in self.scope.get("query_string", b"").decode(
            "latin1"
        )
        hello["viewers"] = tally.join(self) if self.counted else tally.totals.get(self.broadcast_id, 0)
        await self.send_json(hello)
        pending, self.pending = self.pending or [], None
        for text in pending:
            await self.send(text_data=text)

    async def relayed(self, text: str) -> None:
        """An event of one of this socket's groups, already encoded by the process's relay. Straight to the
        server's send: the session middleware's wrapper (which saves a changed session on an accept or a
        response, never on a frame) looked at the session on each of them, a quarter of a delivery's CPU
        with thousands of viewers (bench/tv_chat.py)."""
        if self.pending is not None:
            self.pending.append(text)
        else:
            await self.frame_send({"type": "websocket.send", "text": text})

    async def disconnect(self, code: int) -> None:
        tally.leave(self)
        for group in getattr(self, "chat_groups", ()):
            relay_leave(group, self)

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        with translation.override(self.language):
            if text_data is None or len(text_data) > MAX_FRAME:
                await self._error("too_large", _("보낸 내용이 너무 깁니다."))
                return
            now = time.monotonic()
            if len(self.frames) == FLOOD_FRAMES and now - self.frames[0] < FLOOD_SECONDS:
                await self._error("flood", _("너무 빨리 보내고 있습니다. 잠시 뒤에 다시 보내 주세요."))
                return
            self.frames.append(now)
            try:
                content = await self.decode_json(text_data)
            except ValueError:
                await self._error("bad_request", _("알 수 없는 요청입니다."))
                return
            await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "say":
            await self._say(content)
        elif kind == "upvote":
            await self._upvote(content)
        elif kind == "vote":
            await self._vote(content)
        else:
            await self._error("bad_request", _("알 수 없는 요청입니다."))

    async def _say(self, content: dict[str, Any]) -> None:
        client_id = str(content.get("client_id", ""))[:40]
        if not self.device:
            await self._error("no_device", _("페이지를 새로 고친 뒤 다시 써 주세요."), client_id)
            return
        name, body = content.get("name"), content.get("body")
        if not isinstance(name, str) or not isinstance(body, str):
            await self._error("bad_request", _("알 수 없는 요청입니다."), client_id)
            return
        try:
            message = await call_then_send(self._store_line, name, body, bool(content.get("question")))
        except ChatRefused as refused:
            await self._error(refused.code, str(refused.message), client_id)
            return
        held = message.state == ChatState.HELD
        await self.send_json(
            {
                "type": "said",
                "client_id": client_id,
                "id": message.pk,
                "state": message.state,
                "notice": _("운영자가 확인한 뒤 게시됩니다.") if held else "",
            }
        )

    def _store_line(self, name: str, body: str, is_question: bool) -> ChatMessage:
        """In the database thread, so that the event loop only reads and writes sockets: the checks (the
        profanity filter is CPU work; slow mode and the address limit ask the cache) and the store."""
        checked_name, checked_body = chat_services.check_site_line(name, body)
        slow = _slow_seconds(self.broadcast_id)
        if slow and not cache.add(f"tv:slow:{self.broadcast_id}:{self.device}", 1, timeout=slow):
            message = _("느린 채팅 중입니다. %(seconds)d초에 한 번 쓸 수 있습니다.") % {"seconds": slow}
            raise ChatRefused("slow", message)
        if not hit(ADDRESS_LIMIT, self.address):
            raise ChatRefused("flood", _("너무 빨리 보내고 있습니다. 잠시 뒤에 다시 보내 주세요."))
        incoming = Incoming(
            broadcast_id=self.broadcast_id,
            author=checked_name,
            body=checked_body,
            author_key=self.device,
            address_digest=self.address,
            is_question=is_question,
        )
        return chat_services.chat_receive(incoming)[0]

    async def _upvote(self, content: dict[str, Any]) -> None:
        if not self.device:
            await self._error("no_device", _("페이지를 새로 고친 뒤 다시 써 주세요."))
            return
        try:
            message_id = int(content.get("id"))  # type: ignore[arg-type]
            await call_then_send(chat_services.chat_upvote, message_id=message_id, device_digest=self.device)
        except (TypeError, ValueError, ChatMessage.DoesNotExist):
            await self._error("bad_request", _("공감할 질문을 찾을 수 없습니다."))

    async def _vote(self, content: dict[str, Any]) -> None:
        if not self.device:
            await self._error("no_device", _("페이지를 새로 고친 뒤 다시 써 주세요."))
            return
        try:
            poll_id, option_id = int(content.get("poll")), int(content.get("option"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            await self._error("bad_request", _("알 수 없는 요청입니다."))
            return
        try:
            counted = await database_sync_to_async(poll_services.poll_vote)(
                poll_id=poll_id, option_id=option_id, device_digest=self.device
            )
        except ChatRefused as refused:
            await self._error(refused.code, str(refused.message))
            return
        await self.send_json({"type": "voted", "poll": poll_id, "option": option_id, "counted": counted})
        # Results go to everyone at most every two seconds, from whichever process takes the turn.
        if counted and cache.add(f"tv:poll-results:{poll_id}", 1, timeout=RESULTS_EVERY):
            asyncio.get_running_loop().call_later(
                RESULTS_EVERY, lambda: asyncio.ensure_future(_send_results(get_channel_layer(), poll_id))
            )

    async def _error(self, code: str, message: str, client_id: str = "") -> None:
        await self.send_json({"type": "error", "code": code, "message": message, "client_id": client_id})


async def _send_results(layer: Any, poll_id: int) -> None:
    found = await database_sync_to_async(_poll_results)(poll_id)
    if found is not None:
        broadcast_id, results = found
        await layer.group_send(
            chat_services.viewers_group(broadcast_id),
            {"type": "event.message", "event": {"type": "poll", "poll": results}},
        )


def _poll_results(poll_id: int) -> tuple[int, dict[str, Any]] | None:
    poll = Poll.objects.filter(pk=poll_id).prefetch_related("options").first()
    return (poll.broadcast_id, poll_services.public_poll(poll)) if poll is not None else None


def _language(scope: dict[str, Any]) -> str:
    query = scope.get("query_string", b"").decode("latin1")
    for pair in query.split("&"):
        name, _sep, value = pair.partition("=")
        if name == "lang" and value in dict(settings.LANGUAGES):
            return value
    return settings.LANGUAGE_CODE


@database_sync_to_async
def _public_broadcast_exists(pk: int) -> bool:
    return Broadcast.objects.filter(pk=pk).exclude(state=BroadcastState.CANCELLED).exists()


@database_sync_to_async
def _is_moderator(user: Any) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.has_perm("tv.change_broadcast")
    )


def _slow_seconds(pk: int) -> int:
    found = Broadcast.objects.filter(pk=pk).values_list("chat_slow_seconds", flat=True).first()
    return int(found or 0)


@database_sync_to_async
def _hello(pk: int, device: str) -> dict[str, Any]:
    broadcast = Broadcast.objects.get(pk=pk)
    shown = ChatMessage.objects.filter(broadcast_id=pk, state=ChatState.VISIBLE)
    recent = list(shown.order_by("-posted_at", "-pk")[:RECENT])
    pinned = shown.filter(pinned=True).first()
    on_air = shown.filter(desk_state="on_air").order_by("-desk_changed_at").first()
    poll = poll_services.open_poll(pk)
    return {
        "poll": poll_services.public_poll(poll) if poll else None,
        "voted": poll_services.device_vote(poll.pk, device) if poll and device else None,
        "type": "hello",
        "mode": broadcast.chat_mode,
        "slow": broadcast.chat_slow_seconds,
        "state": broadcast.state,
        "recent": [chat_services.public(m) for m in reversed(recent)],
        "pinned": chat_services.public(pinned) if pinned else None,
        "on_air": chat_services.public(on_air) if on_air else None,
    }
