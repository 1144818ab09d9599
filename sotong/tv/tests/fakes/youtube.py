"""A fake YouTube Data API v3 for live chat: ``liveChatMessages.list`` (``GET /youtube/v3/liveChat/messages``)
and ``liveChatMessages.streamList`` (``GET /youtube/v3/liveChat/messages/stream``: a JSON array written one
response at a time over a chunked body, closed after ``stream_window`` simulated seconds), with Google's error
shape, 5 units charged per call, and a log of which response first carried each message."""

from __future__ import annotations

import bisect
import json
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs

from sotong.tv.tests.fakes import (
    FakeServer,
    Recorded,
    SimulatedClock,
    drop,
    end_chunked,
    send_json,
    start_chunked,
    write_chunk,
)

PREFIX = "/youtube/v3"
INITIAL_LIMIT = 75  # a first call without pageToken returns only the latest messages
ERRORS = {
    "quotaExceeded": (
        403,
        "youtube.quota",
        "The request cannot be completed because you have exceeded your quota.",
    ),
    "rateLimitExceeded": (403, "youtube.quota", "The request rate is higher than the quota allows."),
    "liveChatEnded": (403, "youtube.liveChat", "The specified live chat is no longer live."),
    "liveChatDisabled": (403, "youtube.liveChat", "Live chat is not enabled for the specified broadcast."),
    "liveChatNotFound": (
        404,
        "youtube.liveChat",
        "The live chat that you are trying to retrieve cannot be found.",
    ),
    "keyInvalid": (400, "usageLimits", "API key not valid. Please pass a valid API key."),
    "backendError": (503, "global", "Backend Error"),
}


@dataclass
class Message:
    id: str
    author: str
    channel_id: str
    text: str
    at: datetime
    type: str = "textMessageEvent"
    deleted_id: str = ""


def rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def error_body(reason: str) -> tuple[int, bytes]:
    status, domain, message = ERRORS[reason]
    body = {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": domain, "reason": reason}],
        }
    }
    return status, json.dumps(body).encode()


class FakeYouTube(FakeServer):
    def __init__(
        self,
        clock: SimulatedClock,
        *,
        live_chat_id: str = "Cg0KC3NvdG9uZy1saXZl",
        api_key: str = "test-youtube-key",
        polling_ms: int = 1200,
        stream: bool = True,
        stream_window: float = 10.0,
        stream_step: float = 1.0,
    ) -> None:
        super().__init__(clock)
        self.live_chat_id = live_chat_id
        self.api_key = api_key
        self.polling_ms = polling_ms
        self.stream = stream
        self.stream_window = stream_window
        self.stream_step = stream_step
        self.messages: list[Message] = []
        # What the next calls answer instead of messages: a reason of ERRORS, or "drop" (stream only: the
        # first response, then the connection is cut).
        self.script: deque[str] = deque()
        self.units = 0
        self.first_delivered: dict[str, datetime] = {}
        # When the last response was written: what was published by then could have been read.
        self.last_answer_at: datetime | None = None
        # The district's channel, for liveChatMessages.insert (OAuth by a refresh token).
        self.client_id, self.client_secret = "sotong.apps.googleusercontent.com", "test-client-secret"
        self.refresh_token = "1//test-refresh-token"
        self.channel_id, self.channel_name = "UCyeongdeungpo00000000001", "영등포구청"
        self.access_tokens: list[str] = []

    @property
    def base(self) -> str:
        return self.url + PREFIX

    def post(
        self,
        text: str,
        *,
        author: str = "시청자",
        channel_id: str = "UCviewer0000000000000001",
        at: datetime | None = None,
    ) -> str:
        message_id = f"LCC.{len(self.messages) + 1:06d}"
        self.messages.append(Message(message_id, author, channel_id, text, at or self.clock.now()))
        return message_id

    def delete(self, message_id: str, *, at: datetime | None = None) -> None:
        self.messages.append(
            Message(
                f"LCD.{len(self.messages) + 1:06d}",
                "",
                "",
                "",
                at or self.clock.now(),
                "messageDeletedEvent",
                message_id,
            )
        )

    def end_chat(self, *, at: datetime | None = None) -> None:
        self.messages.append(
            Message(f"LCE.{len(self.messages) + 1:06d}", "", "", "", at or self.clock.now(), "chatEndedEvent")
        )

    # --- answers ---

    def _visible(self) -> int:
        """How many messages are published by now (they are posted in time order)."""
        return bisect.bisect_right(self.messages, self.clock.now(), key=lambda message: message.at)

    def _item(self, message: Message) -> dict[str, Any]:
        snippet: dict[str, Any] = {
            "type": message.type,
            "liveChatId": self.live_chat_id,
            "authorChannelId": message.channel_id,
            "publishedAt": rfc3339(message.at),
            "hasDisplayContent": message.type == "textMessageEvent",
        }
        if message.type == "textMessageEvent":
            snippet["displayMessage"] = message.text
            snippet["textMessageDetails"] = {"messageText": message.text}
        elif message.type == "messageDeletedEvent":
            snippet["messageDeletedDetails"] = {"deletedMessageId": message.deleted_id}
        return {
            "kind": "youtube#liveChatMessage",
            "etag": f"etag-{message.id}",
            "id": message.id,
            "snippet": snippet,
            "authorDetails": {
                "channelId": message.channel_id,
                "channelUrl": f"http://www.youtube.com/channel/{message.channel_id}",
                "displayName": message.author,
                "profileImageUrl": "https://yt3.ggpht.com/a/default-user=s88",
                "isVerified": False,
                "isChatOwner": False,
                "isChatSponsor": False,
                "isChatModerator": False,
            },
        }

    def _page(self, token: str) -> tuple[dict[str, Any], int]:
        visible = self._visible()
        start = int(token.removeprefix("p")) if token else max(0, visible - INITIAL_LIMIT)
        items = [self._item(m) for m in self.messages[start:visible]]
        now = self.clock.now()
        for item in items:
            self.first_delivered.setdefault(item["id"], now)
        self.last_answer_at = now
        body = {
            "kind": "youtube#liveChatMessageListResponse",
            "etag": f"etag-page-{visible}",
            "pollingIntervalMillis": self.polling_ms,
            "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
            "nextPageToken": f"p{visible}",
            "items": items,
        }
        return body, visible

    def handle(self, request: Recorded, handler: BaseHTTPRequestHandler) -> None:
        if request.path not in (f"{PREFIX}/liveChat/messages", f"{PREFIX}/liveChat/messages/stream"):
            send_json(handler, 404, b'{"error": {"code": 404, "message": "Not Found"}}')
            return
        streaming = request.path.endswith("/stream")
        if streaming and not self.stream:
            # An endpoint this API does not have: Google's plain 404 page, no API error.
            body = b"<!DOCTYPE html><title>Error 404 (Not Found)</title>"
            handler.send_response(404)
            handler.send_header("Content-Type", "text/html; charset=UTF-8")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
            return
        self.units += 5
        if request.query.get("key") != self.api_key:
            send_json(handler, *error_body("keyInvalid"))
            return
        if request.query.get("liveChatId") != self.live_chat_id:
            send_json(handler, *error_body("liveChatNotFound"))
            return
        scripted = self.script.popleft() if self.script else ""
        if scripted and scripted != "drop":
            send_json(handler, *error_body(scripted))
            return
        token = request.query.get("pageToken", "")
        if not streaming:
            body, _ = self._page(token)
            send_json(handler, 200, json.dumps(body).encode())
            return
        start_chunked(handler, "application/json; charset=UTF-8")
        body, visible = self._page(token)
        write_chunk(handler, b"[" + json.dumps(body).encode())
        if scripted == "drop":
            write_chunk(handler, b',\n{"kind": "youtube#liveChatMessageListResponse", "items": [{"id": "LCC.')
            drop(handler)
            return
        waited = 0.0
        while waited < self.stream_window:
            self.clock.advance(self.stream_step)
            waited += self.stream_step
            if self._visible() > visible:
                body, visible = self._page(f"p{visible}")
                write_chunk(handler, b",\n" + json.dumps(body).encode())
        write_chunk(handler, b"]")
        end_chunked(handler)

    # --- the district's own channel writing: the OAuth token endpoint and liveChatMessages.insert ---

    @property
    def token_url(self) -> str:
        return self.url + "/token"

    def handle_post(self, request: Recorded, handler: BaseHTTPRequestHandler) -> None:
        if request.path == "/token":
            form = {k: v[0] for k, v in parse_qs(request.body.decode(), keep_blank_values=True).items()}
            expected = {
                "grant_type": "refresh_token",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "refresh_token": self.refresh_token,
            }
            if any(form.get(key) != value for key, value in expected.items()):
                body = {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
                send_json(handler, 400, json.dumps(body).encode())
                return
            self.access_tokens.append(f"ya29.fake-{len(self.access_tokens) + 1}")
            body = {
                "access_token": self.access_tokens[-1],
                "expires_in": 3599,
                "scope": "https://www.googleapis.com/auth/youtube.force-ssl",
                "token_type": "Bearer",
            }
            send_json(handler, 200, json.dumps(body).encode())
            return
        if request.path != f"{PREFIX}/liveChat/messages" or request.query.get("part") != "snippet":
            send_json(handler, 404, b'{"error": {"code": 404, "message": "Not Found"}}')
            return
        self.units += 50
        if request.headers.get("authorization") not in {f"Bearer {token}" for token in self.access_tokens}:
            body = {
                "error": {
                    "code": 401,
                    "message": "Request had invalid authentication credentials.",
                    "errors": [{"message": "Invalid Credentials", "domain": "global", "reason": "authError"}],
                }
            }
            send_json(handler, 401, json.dumps(body).encode())
            return
        scripted = self.script.popleft() if self.script else ""
        if scripted:
            send_json(handler, *error_body(scripted))
            return
        snippet = json.loads(request.body).get("snippet", {})
        if snippet.get("liveChatId") != self.live_chat_id:
            send_json(handler, *error_body("liveChatNotFound"))
            return
        text = snippet.get("textMessageDetails", {}).get("messageText", "")
        if snippet.get("type") != "textMessageEvent" or not 0 < len(text) <= 200:
            body = {
                "error": {
                    "code": 400,
                    "message": "The message text is invalid.",
                    "errors": [{"domain": "youtube.liveChat", "reason": "messageTextInvalid"}],
                }
            }
            send_json(handler, 400, json.dumps(body).encode())
            return
        message_id = self.post(text, author=self.channel_name, channel_id=self.channel_id)
        send_json(handler, 200, json.dumps(self._item(self.messages[-1]) | {"id": message_id}).encode())
