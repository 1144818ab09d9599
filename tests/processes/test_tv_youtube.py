"""A resident's YouTube comment on the studio's screen: `sotong tv` reads the broadcast's live chat from a
loopback fake of the YouTube Data API (streamList, real time), the line reaches the desk in Chromium on
`sotong serve` without a reload, and once the producer puts it on air the OBS overlay shows it with its
YouTube mark (issue 11, "done when")."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from .conftest import Processes, free_port, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_youtube_comment_reaches_the_desk_and_once_picked_the_overlay(
    processes: Processes,
    base_env: dict[str, str],
    district: Any,
    site_pages: Any,
    chromium_browser: Any,
    shots: Path,
    tmp_path: Path,
) -> None:
    from conftest import _staff
    from sotong.tv.choices import ChatSource
    from sotong.tv.models import Broadcast, ChatMessage, ExternalChat, Show
    from sotong.tv.services.external import external_connect
    from sotong.tv.tests.fakes import WallClock
    from sotong.tv.tests.fakes.youtube import FakeYouTube

    now = timezone.now()
    broadcast = Broadcast.objects.create(
        show=Show.objects.create(slug="festival", title_ko="여의도 봄꽃축제 생중계"),
        title_ko="봄꽃축제 24시간 생중계",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=2),
        state="live",
    )
    studio = _staff("studio", "오방송", "broadcaster", "pr")

    with FakeYouTube(WallClock(), stream_window=3.0, stream_step=0.2, polling_ms=500) as youtube:
        chat = external_connect(
            broadcast=broadcast, platform=ChatSource.YOUTUBE, target_id=youtube.live_chat_id, by=studio
        )
        env = {
            **base_env,
            "TV_HLS_DIR": str(tmp_path / "hls"),
            "TV_EXTERNAL_CHAT_ENABLED": "1",
            "TV_YOUTUBE_API_BASE": youtube.base,
            "TV_YOUTUBE_API_KEY": youtube.api_key,
        }
        _, port = processes.serve(env=base_env)
        served = f"http://127.0.0.1:{port}"
        tv = processes.start(["tv", "--port", str(free_port())], env=env, name="tv")
        tv.wait_for(r"ingest listening on rtmp://", timeout=30)

        client = Client()
        client.force_login(studio, backend="django.contrib.auth.backends.ModelBackend")
        desk_context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
        desk_context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": served}]
        )
        desk = desk_context.new_page()
        desk.goto(f"{served}/admin/tv/broadcasts/{broadcast.pk}/desk/")
        overlay_context = chromium_browser.new_context(viewport={"width": 1920, "height": 1080})
        overlay = overlay_context.new_page()
        overlay.goto(f"{served}/tv/{broadcast.pk}/overlay/")
        assert overlay.locator("#tv-overlay-card").is_hidden()
        # The reader is connected (its first call made) before the viewer writes.
        wait_until(lambda: youtube.requests, timeout=20, message="sotong tv calling YouTube")

        youtube.post("벚꽃길 화장실이 어디 있나요? 아이랑 왔어요", author="당산동 엄마")
        questions = desk.locator("section[aria-labelledby='questions-heading']")
        incoming = desk.locator("#tv-desk")

        def on_desk() -> bool:
            return "벚꽃길 화장실" in str(incoming.inner_text())

        wait_until(on_desk, timeout=20, message="the YouTube comment on the desk")
        line = ChatMessage.objects.get(broadcast=broadcast, source=ChatSource.YOUTUBE)
        assert line.author == "당산동 엄마" and line.external_id.startswith("LCC.")
        # Every call the reader made was the documented one: streamList with the chat id, the key and parts.
        first = youtube.requests[0]
        assert first.path == "/youtube/v3/liveChat/messages/stream"
        assert first.query["liveChatId"] == youtube.live_chat_id and first.query["key"] == youtube.api_key
        assert "snippet" in first.query["part"] and "authorDetails" in first.query["part"]

        # A comment from YouTube comes in with the chat; the producer makes it a question, then takes it on air.
        row = desk.locator(f"section[aria-labelledby='recent-heading'] tr[data-id='{line.pk}']")
        assert "YouTube" in str(row.inner_text())
        row.locator("button[value='queue']").click()
        queued = questions.locator(f"tr[data-id='{line.pk}']")
        wait_until(lambda: queued.count() == 1, timeout=10, message="the comment among the questions")
        queued.locator("button[value='on_air']").click()
        wait_until(lambda: overlay.locator("#tv-overlay-card").is_visible(), timeout=10, message="overlay")
        assert "벚꽃길 화장실" in str(overlay.locator("#tv-overlay-body").inner_text())
        assert str(overlay.locator("#tv-overlay-source").inner_text()) == "YouTube"
        assert "icon--youtube" in str(overlay.locator("#tv-overlay-icon").get_attribute("class"))
        overlay.screenshot(path=str(shots / "tv-overlay-youtube.png"), omit_background=True)
        assert ExternalChat.objects.get(pk=chat.pk).messages_received == 1
        for context in (desk_context, overlay_context):
            context.close()
