"""The broadcast's Facebook live comments (Graph API, a Page access token).

First the Server-Sent Events endpoint, ``GET https://streaming-graph.facebook.com/{live-video-id}/live_comments``:
one ``data:`` line of JSON per comment. It has no resume token, so before every (re)connection the reader
fills the gap with one ``GET /{live-video-id}/comments?order=reverse_chronological`` and the chat finds the
lines it already holds by their comment id. Where the stream is refused for another reason than the token or
a rate limit (Meta has announced its end), the reader polls ``/comments`` every few seconds instead.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sotong.tv.choices import ChatSource
from sotong.tv.services import external
from sotong.tv.services.chat import Incoming
from sotong.tv.sources import USER_AGENT, Backoff, Clock, SourceError, db, parse_time

log = logging.getLogger(__name__)
FIELDS = "from{name,id},message,created_time"
# Every comment, not the "best one per two seconds" meant for a screen: the chat is the screen here.
COMMENT_RATE = "ten_per_second"
POLL_SECONDS = 3.0
RECONNECT_SECONDS = 1.0
RATE_LIMIT_CODES = {4, 17, 32, 613, 80001}
SEEN_KEPT = 5000


class StreamUnavailable(Exception):
    """The SSE endpoint refused for a reason of its own: poll instead."""


def graph_error(status: int, body: Any) -> SourceError:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        error = {}
    try:
        code = int(error.get("code") or 0)
    except (TypeError, ValueError):
        code = 0
    subcode = error.get("error_subcode")
    if code == 190:
        return SourceError(
            external.korean(
                _(
                    "Facebook 액세스 토큰이 만료되었거나 폐기되었습니다. 새 페이지 액세스 토큰을 "
                    "TV_FACEBOOK_ACCESS_TOKEN에 넣고 다시 시작해 주세요."
                )
            ),
            permanent=True,
            code="190",
        )
    if code in RATE_LIMIT_CODES:
        return SourceError(
            external.korean(_("Facebook 호출 한도에 걸려 잠시 쉬었다가 다시 읽습니다.")),
            permanent=False,
            code=str(code),
            retry_after=60.0,
        )
    if (code == 100 and subcode == 33) or status == 404:
        return SourceError(
            external.korean(
                _("Facebook 라이브 영상을 찾을 수 없습니다. 영상 ID와 토큰의 페이지를 확인해 주세요.")
            ),
            permanent=True,
            code=f"{code}/{subcode}",
        )
    if code == 10 or 200 <= code < 300:
        return SourceError(
            external.korean(_("Facebook 토큰에 댓글을 읽을 권한이 없습니다(pages_read_engagement).")),
            permanent=True,
            code=str(code),
        )
    if status >= 500 or code in (1, 2):
        return SourceError(
            external.korean(_("Facebook 서버 오류로 잠시 후 다시 읽습니다.")),
            permanent=False,
            code=str(code or status),
            retry_after=5.0,
        )
    return SourceError(
        external.korean(
            _("Facebook이 요청을 거절했습니다(%(code)s): %(message)s")
            % {"code": code or status, "message": str(error.get("message", ""))[:200]}
        ),
        permanent=True,
        code=str(code or status),
    )


def comment_line(broadcast_id: int, comment: Any) -> Incoming | None:
    if not isinstance(comment, dict) or not comment.get("message"):
        return None
    author: dict[str, Any] = comment["from"] if isinstance(comment.get("from"), dict) else {}
    comment_id = comment.get("id")
    if not comment_id:
        # Without an id (a field list that left it out), the same comment from the stream and from the
        # list still gets one key.
        seed = f"{author.get('id')}|{comment.get('created_time')}|{comment.get('message')}"
        comment_id = "h" + hashlib.sha256(seed.encode()).hexdigest()[:40]
    return Incoming(
        broadcast_id=broadcast_id,
        source=ChatSource.FACEBOOK,
        author=str(author.get("name") or "Facebook"),
        body=str(comment["message"]),
        posted_at=parse_time(comment.get("created_time")),
        external_id=str(comment_id)[:200],
        author_key=str(author.get("id") or "")[:200],
    )


async def sse_events(lines: AsyncIterator[str]) -> AsyncIterator[str]:
    """The data of each Server-Sent Event (several ``data:`` lines join with newlines)."""
    data: list[str] = []
    async for line in lines:
        if not line.strip():
            if data:
                yield "\n".join(data)
                data = []
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
    if data:
        yield "\n".join(data)


class FacebookReader:
    def __init__(
        self,
        chat_id: int,
        *,
        client: httpx.AsyncClient,
        clock: Clock | None = None,
        graph_base: str | None = None,
        streaming_base: str | None = None,
        access_token: str | None = None,
        use_sse: bool = True,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.chat_id = chat_id
        self.client = client
        self.clock = clock or Clock()
        self.graph_base = (graph_base or settings.TV_FACEBOOK_GRAPH_BASE).rstrip("/")
        self.streaming_base = (streaming_base or settings.TV_FACEBOOK_STREAMING_BASE).rstrip("/")
        self.access_token = settings.TV_FACEBOOK_ACCESS_TOKEN if access_token is None else access_token
        self.use_sse = use_sse
        self.poll_seconds = poll_seconds
        self.backoff = Backoff(2.0, 900.0)
        self.seen: OrderedDict[str, None] = OrderedDict()

    async def run(self) -> None:
        await db(external.reader_started)(self.chat_id)
        catch_up = True
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
            failure: SourceError | None = None
            try:
                if self.use_sse:
                    if catch_up:
                        await self._poll(state)
                    catch_up = True
                    try:
                        await self._sse(state)
                    except StreamUnavailable:
                        log.info("Facebook live_comments stream refused for chat %s; polling", self.chat_id)
                        self.use_sse = False
                        continue
                    wait = RECONNECT_SECONDS
                else:
                    await self._poll(state)
                    wait = self.poll_seconds
                self.backoff.reset()
            except SourceError as error:
                if error.permanent:
                    await db(external.reader_stop)(self.chat_id, state=error.state, reason=error.reason)
                    return
                failure, wait = error, max(self.backoff.next(), error.retry_after)
            except (httpx.TransportError, ValueError) as error:
                log.info("Facebook read for chat %s interrupted: %r", self.chat_id, error)
                reason = external.korean(_("Facebook 연결이 끊겨 다시 연결합니다."))
                failure, wait = SourceError(reason, permanent=False, code="dropped"), self.backoff.next()
            await db(external.reader_progress)(
                self.chat_id,
                next_poll_at=self.clock.now() + timedelta(seconds=wait),
                error=failure.reason if failure is not None else "",
            )

    async def _last_call(self) -> None:
        """The broadcast ended: one more read of the comments, for what was written since the last one."""
        state = await db(external.reader_last_call)(self.chat_id)
        if state is None:
            return
        try:
            await self._poll(state)
        except (SourceError, httpx.TransportError, ValueError) as error:
            log.info("Facebook's last read for chat %s after the end: %r", self.chat_id, error)

    async def _deliver(self, state: external.ReaderState, comments: list[Any]) -> None:
        lines = []
        for comment in comments:
            line = comment_line(state.broadcast_id, comment)
            if line is None or line.external_id in self.seen:
                continue
            self.seen[line.external_id] = None
            lines.append(line)
        while len(self.seen) > SEEN_KEPT:
            self.seen.popitem(last=False)
        if lines:
            await db(external.reader_deliver)(self.chat_id, lines, at=self.clock.now())

    async def _poll(self, state: external.ReaderState) -> None:
        response = await self.client.get(
            f"{self.graph_base}/{state.target_id}/comments",
            params={
                "order": "reverse_chronological",
                "fields": FIELDS,
                "limit": "100",
                "access_token": self.access_token,
            },
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
            timeout=15.0,
        )
        body = _json_or_none(response.content)
        if response.status_code != 200 or not isinstance(body, dict) or "error" in body:
            raise graph_error(response.status_code, body)
        data = body.get("data")
        # Newest first on the wire; the chat takes them oldest first.
        await self._deliver(state, list(reversed(data)) if isinstance(data, list) else [])

    async def _sse(self, state: external.ReaderState) -> None:
        async with self.client.stream(
            "GET",
            f"{self.streaming_base}/{state.target_id}/live_comments",
            params={"access_token": self.access_token, "comment_rate": COMMENT_RATE, "fields": FIELDS},
            headers={"Accept": "text/event-stream", "User-Agent": USER_AGENT},
            # A connection lasts up to 4 hours; a quiet broadcast may send nothing for minutes.
            timeout=httpx.Timeout(10.0, read=600.0),
        ) as response:
            if response.status_code != 200:
                body = _json_or_none(await response.aread())
                error = graph_error(response.status_code, body)
                if error.code == "190" or not error.permanent:
                    raise error
                raise StreamUnavailable
            async for data in sse_events(response.aiter_lines()):
                try:
                    event = json.loads(data)
                except ValueError:
                    continue
                if isinstance(event, dict) and "error" in event:
                    raise graph_error(400, event)
                await self._deliver(state, event if isinstance(event, list) else [event])


def _json_or_none(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return None
