"""A fake Facebook Graph API for a live video's comments: the Server-Sent Events endpoint
``GET /{live-video-id}/live_comments`` (streaming-graph) and ``GET /v26.0/{live-video-id}/comments``, with Graph's
error shape ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``."""

from __future__ import annotations

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
    end_chunked,
    send_json,
    start_chunked,
    write_chunk,
)

VERSION = "v26.0"
ERRORS: dict[int, tuple[int, str, str]] = {
    190: (400, "OAuthException", "Error validating access token: Session has expired on Tuesday, 10-Mar-26."),
    4: (400, "OAuthException", "(#4) Application request limit reached"),
    17: (400, "OAuthException", "(#17) User request limit reached"),
    32: (400, "OAuthException", "(#32) Page request limit reached"),
    613: (400, "OAuthException", "(#613) Calls to this api have exceeded the rate limit."),
    100: (400, "GraphMethodException", "Unsupported get request. Object with ID does not exist."),
    12: (400, "OAuthException", "(#12) live_comments is deprecated for versions v21.0 and higher"),
}


def error_body(code: int) -> tuple[int, bytes]:
    status, kind, message = ERRORS[code]
    error: dict[str, Any] = {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEfGhIj1"}
    if code == 190:
        error["error_subcode"] = 463
    if code == 100:
        error["error_subcode"] = 33
    return status, json.dumps({"error": error}).encode()


@dataclass
class Comment:
    id: str
    name: str
    user_id: str
    message: str
    at: datetime

    def payload(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "from": {"name": self.name, "id": self.user_id},
            "message": self.message,
            "created_time": self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000"),
        }


class FakeFacebook(FakeServer):
    def __init__(
        self,
        clock: SimulatedClock,
        *,
        video_id: str = "1093847561234567",
        token: str = "test-page-token",  # noqa: S107 (a fake's own token)
        sse: bool = True,
    ) -> None:
        super().__init__(clock)
        self.video_id = video_id
        self.token = token
        self.sse = sse
        self.comments: list[Comment] = []
        # Graph error codes the next calls answer with, per endpoint ("comments", "live_comments" or "reply").
        self.script: dict[str, deque[int]] = {"comments": deque(), "live_comments": deque(), "reply": deque()}
        self.replies: list[tuple[str, str]] = []  # (comment id, message) the Page answered
        self.streamed = 0  # comments the SSE connections have pushed so far

    @property
    def graph_base(self) -> str:
        return f"{self.url}/{VERSION}"

    @property
    def streaming_base(self) -> str:
        return self.url

    def comment(
        self,
        message: str,
        *,
        name: str = "김민지",
        user_id: str = "552524095105158",
        at: datetime | None = None,
    ) -> str:
        comment_id = f"{self.video_id}_{9000 + len(self.comments)}"
        self.comments.append(Comment(comment_id, name, user_id, message, at or self.clock.now()))
        return comment_id

    def _visible(self) -> list[Comment]:
        now = self.clock.now()
        return [c for c in self.comments if c.at <= now]

    def handle(self, request: Recorded, handler: BaseHTTPRequestHandler) -> None:
        if request.path == f"/{VERSION}/{self.video_id}/comments":
            endpoint = "comments"
        elif request.path == f"/{self.video_id}/live_comments":
            endpoint = "live_comments"
        else:
            send_json(handler, *error_body(100))
            return
        if request.query.get("access_token") != self.token:
            send_json(handler, *error_body(190))
            return
        if self.script[endpoint]:
            send_json(handler, *error_body(self.script[endpoint].popleft()))
            return
        if endpoint == "comments":
            newest_first = list(reversed(self._visible()))[: int(request.query.get("limit", "25"))]
            body = {
                "data": [c.payload() for c in newest_first],
                "paging": {"cursors": {"before": "QVFIUmxtX0", "after": "QVFIUjZAh"}},
            }
            send_json(handler, 200, json.dumps(body).encode())
            return
        if not self.sse:
            send_json(handler, *error_body(12))
            return
        start_chunked(handler, "text/event-stream")
        visible = self._visible()
        for comment in visible[self.streamed :]:
            write_chunk(handler, f"data: {json.dumps(comment.payload(), ensure_ascii=False)}\n\n".encode())
        self.streamed = len(visible)
        end_chunked(handler)  # the stream ends (a connection lasts at most 4 hours): the reader reconnects

    # --- replies: POST /{comment-id}/comments (a Page answering under a comment) ---

    def handle_post(self, request: Recorded, handler: BaseHTTPRequestHandler) -> None:
        form = {k: v[0] for k, v in parse_qs(request.body.decode(), keep_blank_values=True).items()}
        parts = request.path.strip("/").split("/")
        known = {c.id for c in self.comments}
        if len(parts) != 3 or parts[0] != VERSION or parts[2] != "comments" or parts[1] not in known:
            send_json(handler, *error_body(100))
            return
        if form.get("access_token") != self.token:
            send_json(handler, *error_body(190))
            return
        if self.script["reply"]:
            send_json(handler, *error_body(self.script["reply"].popleft()))
            return
        if not form.get("message"):
            send_json(handler, *error_body(100))
            return
        self.replies.append((parts[1], form["message"]))
        reply_id = f"{self.video_id}_{70000 + len(self.replies)}"
        send_json(handler, 200, json.dumps({"id": reply_id}).encode())
