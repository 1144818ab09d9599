"""A YouTube or Facebook comment the studio makes a case: its author is told on their platform (a message in
the YouTube live chat as the district's channel, a reply under the Facebook comment), checked against the
loopback fakes for the exact documented requests; the outcome, and why not, shows on the desk."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from sotong.core.models import AuditEvent
from sotong.tv.choices import BroadcastState, ChatSource
from sotong.tv.models import ChatMessage, ExternalChat
from sotong.tv.services import desk as desk_services
from sotong.tv.services import external
from sotong.tv.services.chat import Incoming, chat_receive
from sotong.tv.sources.replies import TOKEN_CACHE_KEY, tell_author
from sotong.tv.tests.conftest import named
from sotong.tv.tests.fakes import SimulatedClock
from sotong.tv.tests.fakes.facebook import FakeFacebook
from sotong.tv.tests.fakes.youtube import FakeYouTube

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(make_broadcast: Any) -> Any:
    cache.delete(TOKEN_CACHE_KEY)
    return make_broadcast(starts_in=-10, minutes=60, state=BroadcastState.LIVE)


def comment(live: Any, source: str, external_id: str, author: str, body: str, now: datetime) -> ChatMessage:
    message, created = chat_receive(
        Incoming(
            broadcast_id=live.pk,
            author=author,
            body=body,
            source=source,
            external_id=external_id,
            author_key=f"{source}-author-1",
            posted_at=now,
        )
    )
    assert created
    return message


def youtube_settings(settings: Any, fake: FakeYouTube) -> None:
    settings.TV_YOUTUBE_API_BASE = fake.base
    settings.TV_GOOGLE_TOKEN_URL = fake.token_url
    settings.TV_YOUTUBE_OAUTH_CLIENT_ID = fake.client_id
    settings.TV_YOUTUBE_OAUTH_CLIENT_SECRET = fake.client_secret
    settings.TV_YOUTUBE_OAUTH_REFRESH_TOKEN = fake.refresh_token


def test_a_youtube_author_is_told_in_the_live_chat_as_the_districts_channel(
    live: Any,
    studio: Any,
    now: datetime,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    enqueued: list[Any],
) -> None:
    with FakeYouTube(SimulatedClock(now)) as fake:
        youtube_settings(settings, fake)
        chat = external.external_connect(
            broadcast=live, platform=ChatSource.YOUTUBE, target_id=fake.live_chat_id, by=studio
        )
        line = comment(live, ChatSource.YOUTUBE, "LCC.000042", "벚꽃러버", "여의서로 쓰레기통이 넘쳐요", now)
        with django_capture_on_commit_callbacks(execute=True):
            number = desk_services.chat_refer(message=line, by=studio)
        line.refresh_from_db()
        assert line.told == "sending"
        assert named(enqueued, "tell_author") == [{"message_id": line.pk}]

        assert tell_author(line.pk) == "sent"

        token_call, insert_call = fake.requests
        assert (token_call.method, token_call.path) == ("POST", "/token")
        assert parse_qs(token_call.body.decode()) == {
            "grant_type": ["refresh_token"],
            "client_id": [fake.client_id],
            "client_secret": [fake.client_secret],
            "refresh_token": [fake.refresh_token],
        }
        assert (insert_call.method, insert_call.path) == ("POST", "/youtube/v3/liveChat/messages")
        assert insert_call.query == {"part": "snippet"}
        assert insert_call.headers["authorization"] == "Bearer ya29.fake-1"
        sent = json.loads(insert_call.body)
        assert sent["snippet"]["liveChatId"] == fake.live_chat_id
        assert sent["snippet"]["type"] == "textMessageEvent"
        text = sent["snippet"]["textMessageDetails"]["messageText"]
        assert text.startswith("@벚꽃러버 ") and number in text and len(text) <= 200

        line.refresh_from_db()
        assert line.told == "sent" and line.told_note == ""
        written = ChatMessage.objects.get(broadcast=live, author=desk_services.STUDIO)
        assert written.source == ChatSource.YOUTUBE and written.external_id == fake.messages[-1].id
        # The reader brings the district's message back later: the same line, not a second one.
        _, created = chat_receive(
            Incoming(
                broadcast_id=live.pk,
                author="영등포구청",
                body=text,
                source=ChatSource.YOUTUBE,
                external_id=written.external_id,
                posted_at=now,
            )
        )
        assert not created
        chat.refresh_from_db()
        assert chat.quota_used == 50  # liveChatMessages.insert, counted with the reader's calls
        assert AuditEvent.objects.filter(action="tv.chat.told").count() == 1
        # Told once: a second run writes nothing.
        assert tell_author(line.pk) == "sent" and len(fake.requests) == 2


def test_a_revoked_youtube_token_is_renewed_once_and_a_refused_refresh_token_is_explained(
    live: Any, studio: Any, now: datetime, settings: Any
) -> None:
    with FakeYouTube(SimulatedClock(now)) as fake:
        youtube_settings(settings, fake)
        external.external_connect(
            broadcast=live, platform=ChatSource.YOUTUBE, target_id=fake.live_chat_id, by=studio
        )
        first = comment(live, ChatSource.YOUTUBE, "LCC.000001", "시청자1", "질문 있어요", now)
        desk_services.chat_refer(message=first, by=studio)
        cache.set(TOKEN_CACHE_KEY, "ya29.revoked", 3000)
        assert tell_author(first.pk) == "sent"
        assert [r.path for r in fake.requests] == [
            "/youtube/v3/liveChat/messages",
            "/token",
            "/youtube/v3/liveChat/messages",
        ]
        assert fake.requests[0].headers["authorization"] == "Bearer ya29.revoked"

        settings.TV_YOUTUBE_OAUTH_REFRESH_TOKEN = "1//revoked-by-the-channel-owner"
        cache.delete(TOKEN_CACHE_KEY)
        second = comment(live, ChatSource.YOUTUBE, "LCC.000002", "시청자2", "또 질문", now)
        desk_services.chat_refer(message=second, by=studio)
        assert tell_author(second.pk) == "failed"
        second.refresh_from_db()
        assert "TV_YOUTUBE_OAUTH_REFRESH_TOKEN" in second.told_note
        assert AuditEvent.objects.filter(action="tv.chat.tell_failed").count() == 1


def test_without_the_districts_youtube_account_the_desk_says_the_author_was_not_told(
    live: Any, studio: Any, now: datetime, settings: Any
) -> None:
    settings.TV_YOUTUBE_OAUTH_REFRESH_TOKEN = ""
    ExternalChat.objects.create(broadcast=live, platform=ChatSource.YOUTUBE, target_id="Cg0KC3NvdG9uZy1saXZl")
    line = comment(live, ChatSource.YOUTUBE, "LCC.000009", "시청자", "가로등이 꺼졌어요", now)
    desk_services.chat_refer(message=line, by=studio)
    assert tell_author(line.pk) == "unavailable"

    client = Client()
    client.force_login(studio)
    page = client.get(reverse("tv_desk:desk", kwargs={"pk": live.pk})).content.decode()
    assert "작성자에게 알리지 못함" in page and "구청 계정이 연결되어 있지 않아" in page


def test_a_facebook_author_gets_a_reply_under_their_comment(
    live: Any, studio: Any, now: datetime, settings: Any
) -> None:
    with FakeFacebook(SimulatedClock(now)) as fake:
        settings.TV_FACEBOOK_GRAPH_BASE, settings.TV_FACEBOOK_ACCESS_TOKEN = fake.graph_base, fake.token
        external.external_connect(
            broadcast=live, platform=ChatSource.FACEBOOK, target_id=fake.video_id, by=studio
        )
        fake.comment("신길동 공원 놀이터 미끄럼틀이 부서졌어요", name="김민지", at=now)
        comment_id = fake.comments[-1].id
        line = comment(
            live, ChatSource.FACEBOOK, comment_id, "김민지", "신길동 공원 놀이터 미끄럼틀이 부서졌어요", now
        )
        number = desk_services.chat_refer(message=line, by=studio)

        assert tell_author(line.pk) == "sent"
        (call,) = fake.requests
        assert (call.method, call.path) == ("POST", f"/v26.0/{comment_id}/comments")
        form = parse_qs(call.body.decode())
        assert form["access_token"] == [fake.token]
        assert number in form["message"][0] and "@김민지" in form["message"][0]
        assert fake.replies == [(comment_id, form["message"][0])]
        written = ChatMessage.objects.get(broadcast=live, author=desk_services.STUDIO)
        assert written.source == ChatSource.FACEBOOK and written.external_id.startswith(fake.video_id)

        # A Page token without the right to answer, or expired: the reason in Korean, nothing written.
        fake.comment("두 번째 의견", at=now)
        second = comment(live, ChatSource.FACEBOOK, fake.comments[-1].id, "박지훈", "두 번째 의견", now)
        desk_services.chat_refer(message=second, by=studio)
        fake.script["reply"].append(190)
        assert tell_author(second.pk) == "failed"
        second.refresh_from_db()
        assert "Facebook 액세스 토큰이 만료" in second.told_note
        assert ChatMessage.objects.filter(author=desk_services.STUDIO).count() == 1


def test_the_desk_answer_says_the_author_is_being_told(live: Any, studio: Any, now: datetime) -> None:
    line = comment(live, ChatSource.FACEBOOK, "1093847561234567_1", "김민지", "불법 주정차 신고합니다", now)
    client = Client()
    client.force_login(studio)
    answer = client.post(
        reverse("tv_desk:act", kwargs={"pk": live.pk}),
        {"action": "refer", "message": line.pk},
        HTTP_ACCEPT="application/json",
    ).json()
    assert answer["ok"] and "Facebook(으)로 알리는 중" in answer["message"]
    line.refresh_from_db()
    assert line.told == "sending" and line.case_reference == answer["case"]
