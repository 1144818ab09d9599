"""The broadcast's YouTube live chat (YouTube Data API v3, liveChatMessages).

``streamList`` (``GET …/liveChat/messages/stream``, server streaming) first: one call costs 5 units and stays
open about 10 s, pushing each ``LiveChatMessageListResponse`` as it comes; over REST the responses arrive as
the elements of a JSON array written bit by bit (gRPC transcoding), which ``json_objects`` reads as they
complete. Where the endpoint is missing (a plain 404 or 501) the reader falls back to ``list``
(``GET …/liveChat/messages``, 5 units, one response). Either way the next call waits for YouTube's
``pollingIntervalMillis`` and for the quota budget (``services.external.youtube_interval``), and resumes with
the last ``nextPageToken``, which is stored after every response so that a dropped connection or a
restarted process loses nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sotong.tv.choices import ChatSource, ExternalChatState
from sotong.tv.services import external
from sotong.tv.services.chat import Incoming
from sotong.tv.sources import USER_AGENT, Backoff, Clock, SourceError, db, parse_time

log = logging.getLogger(__name__)
PARTS = "snippet,authorDetails"
STREAM_DEADLINE = 35.0  # seconds; YouTube closes a stream after about 10 s, its RPC deadline is 30 s
TEXT_TYPES = {"textMessageEvent", "superChatEvent"}


class StreamUnavailable(Exception):
    """The streaming endpoint is not there: read with list instead."""


def google_error(status: int, body: Any, *, limit: int, resets_at: datetime) -> SourceError:
    """YouTube's error answer as a SourceError, with the reason the desk shows."""
    if isinstance(body, list) and body:
        body = body[0]  # a streamed answer is an array even when it holds only the error
    error = body.get("error") if isinstance(body, dict) else None
    errors = error.get("errors") if isinstance(error, dict) else None
    reason = ""
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        reason = str(errors[0].get("reason", ""))
    if reason == "quotaExceeded":
        text = _(
            "YouTube API 하루 할당량(%(limit)d 단위)을 다 썼습니다. 한국 시간 %(reset)s에 다시 채워집니다."
        ) % {
            "limit": limit,
            "reset": f"{resets_at:%m-%d %H:%M}",
        }
        return SourceError(external.korean(text), permanent=True, code=reason)
    if reason in ("rateLimitExceeded", "userRateLimitExceeded") or status == 429:
        return SourceError(
            external.korean(_("YouTube가 요청이 너무 잦다고 합니다. 잠시 쉬었다가 다시 읽습니다.")),
            permanent=False,
            code=reason or "429",
            retry_after=30.0,
        )
    if reason == "liveChatEnded":
        return SourceError(
            external.korean(_("YouTube 라이브 채팅이 끝났습니다.")),
            permanent=True,
            code=reason,
            state=ExternalChatState.STOPPED,
        )
    if reason == "liveChatDisabled":
        return SourceError(
            external.korean(_("이 방송은 YouTube 라이브 채팅이 꺼져 있습니다.")), permanent=True, code=reason
        )
    if reason == "liveChatNotFound":
        return SourceError(
            external.korean(_("YouTube 라이브 채팅을 찾을 수 없습니다. 라이브 채팅 ID를 확인해 주세요.")),
            permanent=True,
            code=reason,
        )
    if status >= 500:
        return SourceError(
            external.korean(_("YouTube 서버 오류(%(status)d)로 잠시 후 다시 읽습니다.") % {"status": status}),
            permanent=False,
            code=str(status),
            retry_after=5.0,
        )
    return SourceError(
        external.korean(
            _(
                "YouTube가 요청을 거절했습니다(%(status)d %(reason)s). API 키와 라이브 채팅 ID를 확인해 주세요."
            )
            % {"status": status, "reason": reason or "-"}
        ),
        permanent=True,
        code=reason or str(status),
    )


async def json_objects(chunks: AsyncIterator[bytes]) -> AsyncIterator[Any]:
    """The top-level JSON objects of a stream as each completes: the elements of a JSON array written bit by
    bit, or objects one after another. Raises ValueError when the stream ends inside an object."""
    buffer = bytearray()
    depth = 0
    in_string = escaped = False
    start = -1
    async for chunk in chunks:
        offset = len(buffer)
        buffer.extend(chunk)
        for index in range(offset, len(buffer)):
            char = buffer[index]
            if in_string:
                if escaped:
                    escaped = False
                elif char == 0x5C:  # backslash
                    escaped = True
                elif char == 0x22:
                    in_string = False
            elif char == 0x22:
                in_string = True
            elif char == 0x7B:  # {
                if depth == 0:
                    start = index
                depth += 1
            elif char == 0x7D:  # }
                depth -= 1
                if depth == 0:
                    yield json.loads(bytes(buffer[start : index + 1]))
                    start = -1
        if start < 0 and depth == 0:
            buffer.clear()
        elif start > 0:
            del buffer[:start]
            start = 0
    if depth:
        raise ValueError("the stream ended inside a response")


def lines_from(broadcast_id: int, items: Any) -> tuple[list[Incoming], list[str], bool]:
    """The text messages of a response in order; the ids YouTube's moderators deleted; whether the chat ended."""
    lines: list[Incoming] = []
    deleted: list[str] = []
    ended = False
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        snippet = item.get("snippet") or {}
        author = item.get("authorDetails") or {}
        kind = snippet.get("type")
        if kind == "chatEndedEvent":
            ended = True
        elif kind == "messageDeletedEvent":
            deleted_id = (snippet.get("messageDeletedDetails") or {}).get("deletedMessageId")
            if deleted_id:
                deleted.append(str(deleted_id))
        elif kind in TEXT_TYPES:
            text = (snippet.get("textMessageDetails") or {}).get("messageText") or snippet.get(
                "displayMessage"
            )
            if kind == "superChatEvent":
                text = (snippet.get("superChatDetails") or {}).get("userComment") or snippet.get(
                    "displayMessage"
                )
            if not text or not item.get("id"):
                continue
            lines.append(
                Incoming(
                    broadcast_id=broadcast_id,
                    source=ChatSource.YOUTUBE,
                    author=str(author.get("displayName") or "YouTube"),
                    body=str(text),
                    posted_at=parse_time(snippet.get("publishedAt")),
                    external_id=str(item["id"])[:200],
                    author_key=str(author.get("channelId") or snippet.get("authorChannelId") or "")[:200],
                )
            )
    return lines, deleted, ended


class YouTubeReader:
    def __init__(
        self,
        chat_id: int,
        *,
        client: httpx.AsyncClient,
        clock: Clock | None = None,
        api_base: str | None = None,
        api_key: str | None = None,
        use_stream: bool = True,
    ) -> None:
        self.chat_id = chat_id
        self.client = client
        self.clock = clock or Clock()
        self.api_base = (api_base or settings.TV_YOUTUBE_API_BASE).rstrip("/")
        self.api_key = settings.TV_YOUTUBE_API_KEY if api_key is None else api_key
        self.use_stream = use_stream
        self.backoff = Backoff(5.0, 300.0)
        self.calls = 0

    async def run(self) -> None:
        await db(external.reader_started)(self.chat_id)
        while True:
            state = await db(external.reader_state)(self.chat_id)
            if state is None:
                await self._last_call()
                return
            now = self.clock.now()
            if state.next_poll_at is not None and state.next_poll_at > now:
                await self.clock.sleep((state.next_poll_at - now).total_seconds())
                continue
            await self.clock.sleep(0)  # a turn for the other readers (and the end of a simulated day)
            budget = await db(external.youtube_budget)(self.chat_id, now)
            spare = budget.units_left - budget.limit * external.RESERVE_SHARE
            if spare < external.YOUTUBE_CALL_COST:
                reason = _("오늘 쓸 YouTube 할당량이 남지 않아 한국 시간 %(reset)s에 다시 읽습니다.") % {
                    "reset": f"{budget.day_end.astimezone(external.SEOUL):%H:%M}"
                }
                await db(external.reader_progress)(
                    self.chat_id, next_poll_at=budget.day_end, error=external.korean(reason)
                )
                continue
            await db(external.quota_spend)(self.chat_id, units=external.YOUTUBE_CALL_COST, at=now)
            self.calls += 1
            wait, error = await self._call(state, budget)
            if error is not None and error.permanent:
                await db(external.reader_stop)(self.chat_id, state=error.state, reason=error.reason)
                return
            await db(external.reader_progress)(
                self.chat_id,
                next_poll_at=max(self.clock.now(), now + timedelta(seconds=wait)),
                error=error.reason if error is not None else "",
            )

    async def _last_call(self) -> None:
        """The broadcast ended: one `list` call (an answer at once), from the reserve kept for it, for what was
        written since the last call."""
        state = await db(external.reader_last_call)(self.chat_id)
        if state is None:
            return
        now = self.clock.now()
        budget = await db(external.youtube_budget)(self.chat_id, now)
        if budget.units_left < external.YOUTUBE_CALL_COST:
            return
        await db(external.quota_spend)(self.chat_id, units=external.YOUTUBE_CALL_COST, at=now)
        self.calls += 1
        try:
            await self._list(state, budget)
        except (SourceError, httpx.TransportError, ValueError) as error:
            # Often "liveChatEnded" by now: what was read is what there is.
            log.info("YouTube's last read for chat %s after the end: %r", self.chat_id, error)

    async def _call(
        self, state: external.ReaderState, budget: external.Budget
    ) -> tuple[float, SourceError | None]:
        """One call; returns the seconds from its start to the next one, and what went wrong if anything."""
        try:
            if self.use_stream:
                try:
                    polling = await asyncio.wait_for(self._stream(state, budget), STREAM_DEADLINE)
                except StreamUnavailable:
                    log.info("YouTube streamList unavailable for chat %s; reading with list", self.chat_id)
                    self.use_stream = False
                    return 0.0, None
            else:
                polling = await self._list(state, budget)
        except SourceError as error:
            return max(self.backoff.next(), error.retry_after), error
        except (httpx.TransportError, ValueError, TimeoutError) as error:
            # A dropped connection: the token of the last whole response is stored; go on from there.
            log.info("YouTube read for chat %s interrupted: %r", self.chat_id, error)
            interval = external.youtube_interval(budget, polling_interval=0.0)
            reason = external.korean(_("YouTube 연결이 끊겨 마지막 위치부터 다시 읽습니다."))
            return max(self.backoff.next(), interval), SourceError(reason, permanent=False, code="dropped")
        self.backoff.reset()
        return external.youtube_interval(budget, polling_interval=polling), None

    def _params(self, state: external.ReaderState) -> dict[str, str]:
        params = {"liveChatId": state.target_id, "part": PARTS}
        if state.page_token:
            params["pageToken"] = state.page_token
        if self.api_key:
            params["key"] = self.api_key
        return params

    async def _list(self, state: external.ReaderState, budget: external.Budget) -> float:
        response = await self.client.get(
            f"{self.api_base}/liveChat/messages",
            params=self._params(state),
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
            timeout=15.0,
        )
        body = _json_or_none(response.content)
        if response.status_code != 200 or not isinstance(body, dict):
            raise google_error(response.status_code, body, limit=budget.limit, resets_at=self._resets(budget))
        return await self._take(state, body)

    async def _stream(self, state: external.ReaderState, budget: external.Budget) -> float:
        polling = 0.0
        async with self.client.stream(
            "GET",
            f"{self.api_base}/liveChat/messages/stream",
            params=self._params(state),
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
            timeout=httpx.Timeout(10.0, read=STREAM_DEADLINE),
        ) as response:
            if response.status_code != 200:
                body = _json_or_none(await response.aread())
                if response.status_code in (404, 405, 501) and not _has_reason(body):
                    raise StreamUnavailable
                raise google_error(
                    response.status_code, body, limit=budget.limit, resets_at=self._resets(budget)
                )
            async for body in json_objects(response.aiter_bytes()):
                if isinstance(body, dict) and "error" in body:
                    status = int((body.get("error") or {}).get("code") or 500)
                    raise google_error(status, body, limit=budget.limit, resets_at=self._resets(budget))
                if isinstance(body, dict):
                    polling = max(polling, await self._take(state, body))
        return polling

    async def _take(self, state: external.ReaderState, body: dict[str, Any]) -> float:
        """Store one response's messages, then its nextPageToken (in that order: a crash between the two
        reads the response again, and the stored lines are found by their id)."""
        lines, deleted, ended = lines_from(state.broadcast_id, body.get("items"))
        if lines:
            await db(external.reader_deliver)(self.chat_id, lines, at=self.clock.now())
        for message_id in deleted:
            await db(external.reader_hide)(
                broadcast_id=state.broadcast_id, source=ChatSource.YOUTUBE, external_id=message_id
            )
        token = body.get("nextPageToken")
        if isinstance(token, str) and token:
            await db(external.reader_progress)(self.chat_id, page_token=token)
        if ended:
            raise SourceError(
                external.korean(_("YouTube 라이브 채팅이 끝났습니다.")),
                permanent=True,
                code="chatEndedEvent",
                state=ExternalChatState.STOPPED,
            )
        try:
            return max(0.0, float(body.get("pollingIntervalMillis") or 0) / 1000)
        except (TypeError, ValueError):
            return 0.0

    def _resets(self, budget: external.Budget) -> datetime:
        return budget.day_end.astimezone(external.SEOUL)


def _json_or_none(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return None


def _has_reason(body: Any) -> bool:
    if isinstance(body, list) and body:
        body = body[0]
    return (
        isinstance(body, dict) and isinstance(body.get("error"), dict) and bool(body["error"].get("errors"))
    )
