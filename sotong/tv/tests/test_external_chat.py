"""The broadcast's YouTube live chat and Facebook live comments in the 소통TV chat (decision 0075), read from
loopback fakes of both APIs on a simulated clock: lines arrive marked by source, once, in order; YouTube's
page token, polling interval and daily quota are kept; errors stop or pause a reader with a Korean reason."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from sotong.tv.choices import BroadcastState, ChatSource, ExternalChatState
from sotong.tv.models import ChatBan, ChatMessage, ExternalChat
from sotong.tv.services import external
from sotong.tv.sources.facebook import FacebookReader
from sotong.tv.sources.runner import Runner
from sotong.tv.sources.youtube import YouTubeReader
from sotong.tv.tests.fakes import SimulatedClock, SimulationOver
from sotong.tv.tests.fakes.facebook import FakeFacebook
from sotong.tv.tests.fakes.youtube import FakeYouTube

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(make_broadcast: Any) -> Any:
    return make_broadcast(starts_in=-10, minutes=60, state=BroadcastState.LIVE)


def run(make: Callable[[httpx.AsyncClient], Any]) -> Any:
    """Run a reader (or the runner) until the simulated clock runs out or it stops by itself."""

    async def go() -> Any:
        async with httpx.AsyncClient() as client:
            reader = make(client)
            with contextlib.suppress(SimulationOver):
                await reader.run()
            return reader

    return async_to_sync(go)()


def youtube(fake: FakeYouTube, chat: ExternalChat, clock: SimulatedClock, **options: Any) -> Any:
    return run(
        lambda client: YouTubeReader(
            chat.pk, client=client, clock=clock, api_base=fake.base, api_key=fake.api_key, **options
        )
    )


def facebook(fake: FakeFacebook, chat: ExternalChat, clock: SimulatedClock, **options: Any) -> Any:
    return run(
        lambda client: FacebookReader(
            chat.pk,
            client=client,
            clock=clock,
            graph_base=fake.graph_base,
            streaming_base=fake.streaming_base,
            access_token=fake.token,
            **options,
        )
    )


def connect(broadcast: Any, platform: str, target: str, by: Any) -> ExternalChat:
    return external.external_connect(broadcast=broadcast, platform=platform, target_id=target, by=by)


def lines(broadcast: Any) -> list[tuple[str, str, str]]:
    return [(m.source, m.author, m.body) for m in ChatMessage.objects.filter(broadcast=broadcast)]


def test_youtube_lines_arrive_marked_by_source_in_order_from_the_stream(
    live: Any, studio: Any, now: datetime
) -> None:
    clock = SimulatedClock(now, stop_at=now + timedelta(seconds=50))
    with FakeYouTube(clock) as fake:
        chat = connect(live, ChatSource.YOUTUBE, fake.live_chat_id, studio)
        fake.post("안녕하세요, 잘 보고 있습니다", author="박서준", at=now - timedelta(seconds=5))
        fake.post("혈압약은 아침에 먹나요?", author="이하은", at=now + timedelta(seconds=3))
        youtube(fake, chat, clock)

    assert lines(live) == [
        ("youtube", "박서준", "안녕하세요, 잘 보고 있습니다"),
        ("youtube", "이하은", "혈압약은 아침에 먹나요?"),
    ]
    first = fake.requests[0]
    assert first.path == "/youtube/v3/liveChat/messages/stream"
    assert first.query == {
        "liveChatId": fake.live_chat_id,
        "part": "snippet,authorDetails",
        "key": fake.api_key,
    }
    assert first.headers["accept"] == "application/json" and first.headers["user-agent"].startswith(
        "Sotong-TV/"
    )
    # The second line came while the first stream was open, 3 s after it was written.
    assert fake.first_delivered["LCC.000002"] - now == timedelta(seconds=3)
    second = fake.requests[1]
    assert second.query["pageToken"] == "p2"
    chat.refresh_from_db()
    assert chat.state == ExternalChatState.RUNNING and chat.messages_received == 2 and chat.page_token == "p2"
    assert (
        len(fake.requests) == 5
        and chat.quota_used == 25 == fake.units
        and chat.quota_day == external.quota_day_of(now)
    )
    message = ChatMessage.objects.get(external_id="LCC.000001")
    assert message.author_key == "UCviewer0000000000000001" and message.posted_at == now - timedelta(
        seconds=5
    )


def test_youtube_falls_back_to_list_when_stream_list_is_missing_and_honours_the_polling_interval(
    live: Any, studio: Any, now: datetime
) -> None:
    clock = SimulatedClock(now, stop_at=now + timedelta(seconds=20))
    with FakeYouTube(clock, stream=False, polling_ms=5000) as fake:
        chat = connect(live, ChatSource.YOUTUBE, fake.live_chat_id, studio)
        fake.post("첫 댓글", at=now)
        fake.post("두 번째", at=now + timedelta(seconds=7))
        youtube(fake, chat, clock)

    paths = [r.path for r in fake.requests]
    assert paths[0] == "/youtube/v3/liveChat/messages/stream"
    assert set(paths[1:]) == {"/youtube/v3/liveChat/messages"}
    listed = fake.requests[1:]
    assert listed[0].query == {
        "liveChatId": fake.live_chat_id,
        "part": "snippet,authorDetails",
        "key": fake.api_key,
    }
    assert [r.query.get("pageToken") for r in listed] == [None, "p1", "p1", "p2"]
    # An hour-long broadcast could poll often; YouTube's pollingIntervalMillis (5 s) holds it back.
    assert [(b.at - a.at).total_seconds() for a, b in itertools.pairwise(listed)] == [
        5.0,
        5.0,
        5.0,
    ]
    assert [body for _, _, body in lines(live)] == ["첫 댓글", "두 번째"]
    chat.refresh_from_db()
    # The 404 of the missing stream endpoint cost nothing at the fake; we count it anyway (Google charges errors).
    assert chat.quota_used == 25 and fake.units == 20


def test_youtube_resumes_with_the_page_token_after_a_drop_and_after_a_restart_without_duplicates(
    live: Any, studio: Any, now: datetime
) -> None:
    clock = SimulatedClock(now, stop_at=now + timedelta(seconds=30))
    with FakeYouTube(clock, stream_window=0) as fake:
        chat = connect(live, ChatSource.YOUTUBE, fake.live_chat_id, studio)
        for n in range(3):
            fake.post(f"댓글 {n}", at=now - timedelta(seconds=10 - n))
        fake.script.append("drop")
        youtube(fake, chat, clock)
        chat.refresh_from_db()
        assert chat.page_token == "p3" and chat.messages_received == 3
        assert fake.requests[1].query["pageToken"] == "p3"  # after the drop, on from the last whole response

        # A restarted process: a new reader starts from the stored token; a replayed page stores nothing twice.
        fake.post("재시작 뒤 댓글", at=clock.now())
        external.reader_progress(chat.pk, next_poll_at=clock.now())
        clock.stop_at = clock.now() + timedelta(seconds=30)
        before = len(fake.requests)
        youtube(fake, chat, clock)
        assert fake.requests[before].query["pageToken"] == "p3"

        external.reader_progress(chat.pk, page_token="p0", next_poll_at=clock.now())
        clock.stop_at = clock.now() + timedelta(seconds=30)
        youtube(fake, chat, clock)

    assert [body for _, _, body in lines(live)] == ["댓글 0", "댓글 1", "댓글 2", "재시작 뒤 댓글"]
    chat.refresh_from_db()
    assert chat.messages_received == 4 and chat.last_error == ""


def test_youtube_spaces_a_24_hour_broadcast_to_stay_inside_the_daily_quota(
    make_broadcast: Any, studio: Any, now: datetime
) -> None:
    day_long = make_broadcast(starts_in=-1, minutes=24 * 60, state=BroadcastState.LIVE)
    clock = SimulatedClock(now, stop_at=now + timedelta(minutes=10))
    with FakeYouTube(clock, stream=False, polling_ms=1200) as fake:
        chat = connect(day_long, ChatSource.YOUTUBE, fake.live_chat_id, studio)
        youtube(fake, chat, clock)

    gaps = [(b.at - a.at).total_seconds() for a, b in zip(fake.requests[1:], fake.requests[2:], strict=False)]
    # 9,500 units (5 % kept back) over the 10 h 10 min to midnight in California (PDT): one call every ~19 s,
    # not every 1.2 s as pollingIntervalMillis alone would allow.
    seconds_left = (external.quota_day_end(now) - now).total_seconds()
    assert gaps and all(abs(gap - seconds_left / 1900) < 1.0 for gap in gaps)
    budget = external.youtube_budget(chat.pk, now)
    assert budget.day_end.utcoffset() == timedelta(hours=-7)


def test_the_budget_shares_the_day_by_broadcast_time(now: datetime) -> None:
    day_end = external.quota_day_end(now)
    fresh = external.Budget(
        now=day_end - timedelta(hours=24),
        day_end=day_end,
        units_left=10_000,
        mine=(day_end - timedelta(hours=24), day_end + timedelta(hours=1)),
        others=(),
        limit=10_000,
    )
    assert external.youtube_interval(fresh, polling_interval=1.2) == pytest.approx(86_400 / 1900)
    hour = external.Budget(**{**fresh.__dict__, "mine": (fresh.now, fresh.now + timedelta(hours=1))})
    assert external.youtube_interval(hour, polling_interval=0.0) == pytest.approx(3600 / 1900)
    assert external.youtube_interval(hour, polling_interval=2.5) == 2.5
    # A second broadcast later the same day takes its share: an hour's reader then gets about half.
    shared = external.Budget(
        **{**hour.__dict__, "others": ((fresh.now + timedelta(hours=5), fresh.now + timedelta(hours=6)),)}
    )
    assert external.youtube_interval(shared, polling_interval=0.0) == pytest.approx(3600 / 950)
    spent = external.Budget(**{**fresh.__dict__, "units_left": 500})
    assert external.youtube_interval(spent, polling_interval=1.2) == 86_400  # wait for the reset


def test_quota_is_counted_per_pacific_day_and_the_desk_warns_before_it_runs_out(
    live: Any, studio: Any, now: datetime
) -> None:
    chat = connect(live, ChatSource.YOUTUBE, "Cg0KC3NvdG9uZy1saXZl", studio)
    midnight = external.quota_day_end(now)
    external.quota_spend(chat.pk, units=5, at=midnight - timedelta(seconds=1))
    external.quota_spend(chat.pk, units=5, at=midnight)
    chat.refresh_from_db()
    assert (
        chat.quota_used == 5 and chat.quota_day == midnight.date()
    )  # a new day began at 17:00 Seoul time (PDT)
    assert midnight.astimezone(external.SEOUL).hour == 16

    client = Client()
    client.force_login(studio)
    page = client.get(f"/admin/tv/broadcasts/{live.pk}/").content.decode()
    assert "0 / 10000 단위 사용" in page and 'id="quota-warning"' not in page

    external.quota_spend(chat.pk, units=8_100, at=now)
    status = external.quota_status(at=now)
    assert status.used == 8_100 and status.left == 1_900 and status.warning
    page = client.get(f"/admin/tv/broadcasts/{live.pk}/").content.decode()
    assert 'id="quota-warning"' in page and "YouTube 할당량이 1900 단위 남았습니다." in page


@pytest.mark.parametrize(
    ("reason", "state", "words"),
    [
        ("quotaExceeded", ExternalChatState.FAILED, "하루 할당량(10000 단위)을 다 썼습니다"),
        ("liveChatEnded", ExternalChatState.STOPPED, "YouTube 라이브 채팅이 끝났습니다."),
        ("liveChatNotFound", ExternalChatState.FAILED, "라이브 채팅을 찾을 수 없습니다"),
        ("liveChatDisabled", ExternalChatState.FAILED, "라이브 채팅이 꺼져 있습니다"),
    ],
)
def test_youtube_stops_with_a_korean_reason(
    live: Any, studio: Any, now: datetime, reason: str, state: str, words: str
) -> None:
    clock = SimulatedClock(now, stop_at=now + timedelta(minutes=5))
    with FakeYouTube(clock, stream=False) as fake:
        chat = connect(live, ChatSource.YOUTUBE, fake.live_chat_id, studio)
        fake.script.append(reason)
        youtube(fake, chat, clock, use_stream=False)

    assert len(fake.requests) == 1
    chat.refresh_from_db()
    assert chat.state == state and words in chat.last_error


def test_youtube_backs_off_on_a_rate_limit_and_on_server_errors(
    live: Any, studio: Any, now: datetime
) -> None:
    clock = SimulatedClock(now, stop_at=now + timedelta(seconds=90))
    with FakeYouTube(clock, stream=False) as fake:
        chat = connect(live, ChatSource.YOUTUBE, fake.live_chat_id, studio)
        fake.post("기다렸다 받는 댓글", at=now)
        fake.script.extend(["rateLimitExceeded", "backendError"])
        youtube(fake, chat, clock, use_stream=False)

    times = [(r.at - now).total_seconds() for r in fake.requests]
    assert times[:3] == [0.0, 30.0, 40.0]  # 30 s after the rate limit, then the doubled back-off of 5 s
    assert [body for _, _, body in lines(live)] == ["기다렸다 받는 댓글"]
    chat.refresh_from_db()
    assert chat.state == ExternalChatState.RUNNING and chat.last_error == ""


def test_a_banned_youtube_authors_lines_are_refused_and_a_deleted_line_is_hidden(
    live: Any, studio: Any, now: datetime
) -> None:
    ChatBan.objects.create(source=ChatSource.YOUTUBE, author_key="UCspammer000000000000001", author="광고")
    clock = SimulatedClock(now, stop_at=now + timedelta(seconds=15))
    with FakeYouTube(clock, stream=False) as fake:
        chat = connect(live, ChatSource.YOUTUBE, fake.live_chat_id, studio)
        fake.post("싸게 팝니다", author="광고", channel_id="UCspammer000000000000001", at=now)
        kept = fake.post("좋은 강의 감사합니다", author="최유진", at=now)
        removed = fake.post("지워질 말", author="정도현", at=now)
        fake.delete(removed, at=now + timedelta(seconds=2))
        youtube(fake, chat, clock, use_stream=False)

    shown = ChatMessage.objects.filter(broadcast=live).exclude(state="hidden")
    assert [m.external_id for m in shown] == [kept]
    assert ChatMessage.objects.get(external_id=removed).state == "hidden"
    assert not ChatMessage.objects.filter(author_key="UCspammer000000000000001").exists()


def test_facebook_comments_arrive_by_stream_after_a_catch_up_each_once_in_order(
    live: Any, studio: Any, now: datetime
) -> None:
    clock = SimulatedClock(now, stop_at=now + timedelta(seconds=6))
    with FakeFacebook(clock) as fake:
        chat = connect(live, ChatSource.FACEBOOK, fake.video_id, studio)
        fake.comment("방송 시작 전 댓글", name="Steph C.", at=now - timedelta(minutes=1))
        fake.comment("지금 보고 있어요", name="김민지", at=now)
        fake.comment("조금 뒤 댓글", name="이준호", user_id="100000000000002", at=now + timedelta(seconds=2))
        facebook(fake, chat, clock)

    assert lines(live) == [
        ("facebook", "Steph C.", "방송 시작 전 댓글"),
        ("facebook", "김민지", "지금 보고 있어요"),
        ("facebook", "이준호", "조금 뒤 댓글"),
    ]
    poll, stream = fake.requests[0], fake.requests[1]
    assert poll.path == f"/v26.0/{fake.video_id}/comments"
    assert poll.query == {
        "order": "reverse_chronological",
        "fields": "from{name,id},message,created_time",
        "limit": "100",
        "access_token": fake.token,
    }
    assert stream.path == f"/{fake.video_id}/live_comments"
    assert stream.query == {
        "access_token": fake.token,
        "comment_rate": "ten_per_second",
        "fields": "from{name,id},message,created_time",
    }
    assert stream.headers["accept"] == "text/event-stream"
    chat.refresh_from_db()
    assert chat.messages_received == 3 and chat.state == ExternalChatState.RUNNING
    assert ChatMessage.objects.get(body="조금 뒤 댓글").external_id == f"{fake.video_id}_9002"


def test_facebook_backs_off_on_rate_limits_then_polls_when_the_stream_is_refused(
    live: Any, studio: Any, now: datetime
) -> None:
    clock = SimulatedClock(now, stop_at=now + timedelta(seconds=130))
    with FakeFacebook(clock, sse=False) as fake:
        chat = connect(live, ChatSource.FACEBOOK, fake.video_id, studio)
        fake.comment("폴링으로 받은 댓글", at=now + timedelta(seconds=1))
        fake.script["comments"].extend([613, 4])
        facebook(fake, chat, clock)

    calls = [(r.path.rsplit("/", 1)[-1], (r.at - now).total_seconds()) for r in fake.requests]
    # #613 and #4: a minute each; then the catch-up poll and the stream, refused (#12): polling every 3 s.
    assert calls[:6] == [
        ("comments", 0.0),
        ("comments", 60.0),
        ("comments", 120.0),
        ("live_comments", 120.0),
        ("comments", 120.0),
        ("comments", 123.0),
    ]
    assert all(path == "comments" for path, _ in calls[4:])
    assert [body for _, _, body in lines(live)] == ["폴링으로 받은 댓글"]
    chat.refresh_from_db()
    assert chat.state == ExternalChatState.RUNNING and chat.last_error == ""


def test_facebook_expired_token_fails_with_a_korean_reason(live: Any, studio: Any, now: datetime) -> None:
    clock = SimulatedClock(now, stop_at=now + timedelta(minutes=5))
    with FakeFacebook(clock, token="a-newer-token") as fake:
        chat = connect(live, ChatSource.FACEBOOK, fake.video_id, studio)
        run(
            lambda client: FacebookReader(
                chat.pk,
                client=client,
                clock=clock,
                graph_base=fake.graph_base,
                streaming_base=fake.streaming_base,
                access_token="an-expired-token",
            )
        )

    assert len(fake.requests) == 1
    chat.refresh_from_db()
    assert chat.state == ExternalChatState.FAILED
    assert "Facebook 액세스 토큰이 만료되었거나 폐기되었습니다" in chat.last_error


def test_one_chat_three_sources(live: Any, studio: Any, now: datetime) -> None:
    from sotong.tv.services.chat import Incoming, chat_receive

    clock = SimulatedClock(now, stop_at=now + timedelta(seconds=12))
    chat_receive(
        Incoming(broadcast_id=live.pk, author="동네주민", body="사이트에서 인사드려요", posted_at=now)
    )
    with FakeYouTube(clock, stream=False) as yt, FakeFacebook(clock, sse=False) as fb:
        yt_chat = connect(live, ChatSource.YOUTUBE, yt.live_chat_id, studio)
        fb_chat = connect(live, ChatSource.FACEBOOK, fb.video_id, studio)
        yt.post("유튜브에서 왔어요", at=now - timedelta(seconds=2))
        fb.comment("페이스북에서 왔어요", at=now + timedelta(seconds=1))
        youtube(yt, yt_chat, clock, use_stream=False)
        clock.at, clock.stop_at = now, now + timedelta(seconds=12)
        facebook(fb, fb_chat, clock, use_sse=False)

    assert [(source, body) for source, _, body in lines(live)] == [
        ("youtube", "유튜브에서 왔어요"),
        ("site", "사이트에서 인사드려요"),
        ("facebook", "페이스북에서 왔어요"),
    ]


def test_the_runner_reads_live_broadcasts_restarts_a_crashed_reader_and_lets_go_when_they_end(
    live: Any, studio: Any, now: datetime, settings: Any
) -> None:
    import asyncio

    from sotong.tv.sources import db

    clock = SimulatedClock(now, stop_at=now + timedelta(hours=1))
    with FakeYouTube(clock, stream=False, polling_ms=1000) as fake:
        settings.TV_YOUTUBE_API_BASE, settings.TV_YOUTUBE_API_KEY = fake.base, fake.api_key
        chat = connect(live, ChatSource.YOUTUBE, fake.live_chat_id, studio)
        fake.post("러너가 가져온 댓글", at=now)

        async def received(count: int) -> None:
            for _ in range(500):
                if await db(lambda: ExternalChat.objects.get(pk=chat.pk).messages_received)() >= count:
                    return
                await asyncio.sleep(0.01)
            raise AssertionError("the reader delivered nothing")

        async def scenario() -> Runner:
            runner = Runner(clock=clock, tidy_connections=False)
            async with httpx.AsyncClient() as client:
                await runner.scan(client)
                assert runner.started == 1 and chat.pk in runner.tasks
                await received(1)
                # A reader that ended without being asked (here: cancelled from outside) is started again.
                runner.tasks[chat.pk].cancel()
                await asyncio.sleep(0.05)
                await runner.scan(client)
                assert runner.started == 2
                fake.post("다시 시작한 뒤 댓글", at=clock.now())
                await received(2)

                await db(live.__class__.objects.filter(pk=live.pk).update)(state=BroadcastState.ENDED)
                await runner.scan(client)
                assert not runner.tasks and runner.started == 2
            return runner

        async_to_sync(scenario)()

    chat.refresh_from_db()
    assert chat.state == ExternalChatState.IDLE and chat.messages_received == 2


def test_the_studio_connects_and_disconnects_sources_audited(live: Any, studio: Any, junho: Any) -> None:
    from sotong.core.models import AuditEvent

    client = Client(enforce_csrf_checks=True)
    client.force_login(studio)
    page = client.get(f"/admin/tv/broadcasts/{live.pk}/").content.decode()
    assert f'action="/admin/tv/broadcasts/{live.pk}/sources/connect/"' in page
    token = client.cookies["csrftoken"].value
    refused = client.post(
        f"/admin/tv/broadcasts/{live.pk}/sources/connect/", {"platform": "youtube", "target_id": "x"}
    )
    assert refused.status_code == 403  # no CSRF token

    response = client.post(
        f"/admin/tv/broadcasts/{live.pk}/sources/connect/",
        {"platform": "facebook", "target_id": "not-a-number", "csrfmiddlewaretoken": token},
        follow=True,
    )
    assert "Facebook 라이브 영상 ID는 숫자여야 합니다." in response.content.decode()
    client.post(
        f"/admin/tv/broadcasts/{live.pk}/sources/connect/",
        {"platform": "facebook", "target_id": "1093847561234567", "csrfmiddlewaretoken": token},
    )
    chat = ExternalChat.objects.get(broadcast=live, platform="facebook")
    assert chat.state == ExternalChatState.IDLE
    client.post(
        f"/admin/tv/broadcasts/{live.pk}/sources/{chat.pk}/disconnect/", {"csrfmiddlewaretoken": token}
    )
    chat.refresh_from_db()
    assert chat.state == ExternalChatState.STOPPED
    actions = AuditEvent.objects.filter(action__startswith="tv.external.").values_list("action", "actor")
    assert sorted(actions) == [("tv.external.connect", studio.pk), ("tv.external.disconnect", studio.pk)]

    outsider = Client()
    outsider.force_login(junho)
    refused = outsider.post(
        f"/admin/tv/broadcasts/{live.pk}/sources/connect/",
        {"platform": "youtube", "target_id": "Cg0KC3NvdG9uZy1saXZl"},
    )
    assert refused.status_code in (302, 403)  # Wagtail sends staff without the permission away
    assert ExternalChat.objects.filter(broadcast=live).count() == 1


def ends_at(
    broadcast: Any,
    clock: SimulatedClock,
    at: datetime,
    monkeypatch: pytest.MonkeyPatch,
    then: Callable[[], Any] | None = None,
) -> None:
    """The producer ends the broadcast at ``at`` on the simulated clock (seen at the reader's next look), having
    done ``then`` first."""
    from sotong.tv.models import Broadcast

    original = external.reader_state

    def reader_state(chat_id: int) -> Any:
        if clock.now() >= at:
            if then is not None:
                then()
            Broadcast.objects.filter(pk=broadcast.pk).update(state=BroadcastState.ENDED)
        return original(chat_id)

    monkeypatch.setattr(external, "reader_state", reader_state)


@pytest.mark.parametrize("disconnected", [False, True], ids=["ended", "disconnected-then-ended"])
def test_youtube_reads_once_more_when_the_broadcast_ends_unless_the_studio_disconnected_it(
    live: Any, studio: Any, now: datetime, monkeypatch: pytest.MonkeyPatch, disconnected: bool
) -> None:
    clock = SimulatedClock(now, stop_at=now + timedelta(seconds=30))
    with FakeYouTube(clock, stream=False, polling_ms=5000) as fake:
        chat = connect(live, ChatSource.YOUTUBE, fake.live_chat_id, studio)
        fake.post("첫 댓글", at=now)
        fake.post("끝나기 직전 댓글", at=now + timedelta(seconds=6))

        def disconnect() -> None:
            external.external_disconnect(chat=ExternalChat.objects.get(pk=chat.pk), by=studio)

        ends_at(
            live, clock, now + timedelta(seconds=8), monkeypatch, then=disconnect if disconnected else None
        )
        youtube(fake, chat, clock)

    listed = [r for r in fake.requests if r.path == "/youtube/v3/liveChat/messages"]
    if disconnected:  # the studio let go of it: not read again
        assert [body for _, _, body in lines(live)] == ["첫 댓글"]
        assert [(r.at - now).total_seconds() for r in listed] == [0.0, 5.0]
        return
    assert [body for _, _, body in lines(live)] == ["첫 댓글", "끝나기 직전 댓글"]
    # Every 5 s while live, then one last call when the end is seen (at 10 s), and no more.
    assert [(r.at - now).total_seconds() for r in listed] == [0.0, 5.0, 10.0]
    chat.refresh_from_db()
    assert chat.quota_used == 20  # the stream's 404 and three lists


def test_facebook_reads_once_more_when_the_broadcast_ends(
    live: Any, studio: Any, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = SimulatedClock(now, stop_at=now + timedelta(seconds=30))
    with FakeFacebook(clock) as fake:
        chat = connect(live, ChatSource.FACEBOOK, fake.video_id, studio)
        fake.comment("지금 보고 있어요", name="김민지", at=now)
        fake.comment(
            "끝나기 직전 댓글", name="이준호", user_id="100000000000002", at=now + timedelta(seconds=4)
        )
        ends_at(live, clock, now + timedelta(seconds=5), monkeypatch)
        facebook(fake, chat, clock, use_sse=False, poll_seconds=6)

    assert [body for _, _, body in lines(live)] == ["지금 보고 있어요", "끝나기 직전 댓글"]
    assert len(fake.requests) == 2  # the poll while live and the last one
