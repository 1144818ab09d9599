"""A broadcast recorded by `sotong tv` becomes its video on demand: ffmpeg pushes over RTMP, the ingest is
killed mid-broadcast and restarted (the recording goes on in a second part), the producer sets a chapter
marker while live, ends the broadcast, the build runs → the VOD's playlist, the chapter in its WebVTT, and the
VOD playing in Chromium from the chapter's button. The live HLS meanwhile keeps only a few segments on disk."""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from .conftest import Processes, free_port, http_get, wait_until
from .test_tv_ingest import on_air, push  # noqa: F401 - on_air is a fixture

pytestmark = pytest.mark.django_db(transaction=True)

LIST_SIZE = 3


def live_segments(folder: Path) -> int:
    return len(list(folder.glob("seg_*.ts")))


@pytest.mark.browser
def test_a_recorded_broadcast_becomes_a_vod_with_its_chapter_and_plays(
    on_air: tuple[Any, str],  # noqa: F811
    processes: Processes,
    base_env: dict[str, str],
    tmp_path: Path,
    live_server: Any,
    site_pages: Any,
    settings: Any,
    chromium_browser: Any,
    shots: Path,
) -> None:
    from sotong.tv.models import ChatMessage, Marker, Recording
    from sotong.tv.services.broadcasts import broadcast_end
    from sotong.tv.tasks import build_vod

    broadcast, key = on_air
    settings.TV_RECORDINGS_DIR = tmp_path / "recordings"
    settings.TV_VOD_DIR = tmp_path / "vod"
    port = free_port()
    env = {
        **base_env,
        "TV_HLS_DIR": str(tmp_path / "hls"),
        "TV_RECORDINGS_DIR": str(settings.TV_RECORDINGS_DIR),
        "TV_RENDITIONS": "120:150",
        "TV_HLS_LIST_SIZE": str(LIST_SIZE),
    }
    live = tmp_path / "hls" / f"b{broadcast.pk}" / "120p"
    url = f"rtmp://127.0.0.1:{port}/live/{key}"

    first = processes.start(["tv", "--port", str(port)], env=env, name="tv")
    first.wait_for(r"ingest listening on rtmp://", timeout=30)
    encoder = push(url, seconds=30)
    try:
        wait_until(lambda: live_segments(live) >= 4, timeout=30, message="live segments")
        first.signal(signal.SIGKILL)  # the ingest dies mid-broadcast
        first.wait(timeout=10)
        encoder.wait(timeout=30)
    finally:
        if encoder.poll() is None:
            encoder.kill()

    second = processes.start(["tv", "--port", str(port)], env=env, name="tv again")
    second.wait_for(r"ingest listening on rtmp://", timeout=30)
    encoder = push(url, seconds=6)
    try:
        wait_until(lambda: live_segments(live) >= 2, timeout=30, message="live again")
        marked_at = timezone.now()
        Marker.objects.create(broadcast=broadcast, at=marked_at, title="2부: 주민 질문")
        ChatMessage.objects.create(
            broadcast=broadcast, author="민지", body="잘 보고 있어요", posted_at=marked_at
        )
        most = 0
        while encoder.poll() is None:
            most = max(most, live_segments(live))
            time.sleep(0.3)
        # One-second segments, deleted as the playlist moves on: disk use does not grow with the broadcast.
        assert most <= LIST_SIZE + 3, most
        assert encoder.returncode == 0
    finally:
        if encoder.poll() is None:
            encoder.kill()
    wait_until(lambda: not type(broadcast).objects.get(pk=broadcast.pk).publishing, timeout=10)
    parts = sorted(path.name for path in (settings.TV_RECORDINGS_DIR / f"b{broadcast.pk}").glob("part-*"))
    assert parts == ["part-001.json", "part-001.ts", "part-002.json", "part-002.ts"]

    broadcast_end(broadcast, by=None)
    recording = Recording.objects.get(broadcast=broadcast)
    assert recording.state == "processing"
    assert build_vod.call(recording_id=recording.pk) == "ready"
    recording.refresh_from_db()
    assert 7 < recording.duration_seconds < 20, recording.duration_seconds

    vod = f"{live_server.url}/tv/hls/vod/b{broadcast.pk}"
    status, playlist = http_get(f"{vod}/index.m3u8")
    assert status == 200 and "#EXT-X-PLAYLIST-TYPE:VOD" in playlist and "#EXT-X-ENDLIST" in playlist
    status, chapters = http_get(f"{vod}/chapters.vtt")
    assert status == 200 and chapters.startswith("WEBVTT")
    start = re.search(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> .*\n2부: 주민 질문", chapters)
    assert start, chapters
    offset = int(start.group(2)) * 60 + int(start.group(3))
    assert 2 <= offset < recording.duration_seconds  # in the second part, after the first one's video

    context = chromium_browser.new_context(viewport={"width": 1280, "height": 1000}, locale="ko-KR")
    page = context.new_page()
    page.goto(f"{live_server.url}/tv/{broadcast.pk}/")
    chapter = page.get_by_role("button", name=re.compile("2부: 주민 질문"))
    chapter.click()
    video = page.locator("#tv-vod-video")
    # Polled from here: the page's CSP refuses the eval Playwright's wait_for_function polls with.
    wait_until(lambda: video.evaluate("v => v.currentTime") > offset + 0.5, timeout=20, message="playback")
    first_time = video.evaluate("v => v.currentTime")
    time.sleep(1.5)
    assert video.evaluate("v => v.currentTime") > first_time + 0.5
    assert chapter.get_attribute("aria-current") == "true"
    assert page.locator("#tv-replay li").all_inner_texts()[-1].endswith("민지 잘 보고 있어요")
    assert video.evaluate("v => v.textTracks.length") >= 2
    page.screenshot(path=str(shots / "tv-vod-ko.png"), full_page=True)
    context.close()
