"""`sotong tv`, the embedded 소통TV ingest, with ffmpeg as the studio's encoder: a wrong key is refused
before any video, the right one is packaged as HLS (two renditions, EXT-X-PROGRAM-DATE-TIME) and plays in
Chromium on the broadcast's page while it is pushed; its end is recorded. One push for all of it: encoding
is the costly part on a test machine."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from .conftest import Processes, free_port, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

# Small renditions: the test machine encodes them alongside everything else.
RENDITIONS = "240:400,120:150"


def ffmpeg() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def push(url: str, *, seconds: int) -> subprocess.Popen[bytes]:
    """What OBS sends: H.264 and AAC in FLV over RTMP, in real time."""
    return subprocess.Popen(
        [
            ffmpeg(), "-hide_banner", "-loglevel", "error", "-re",
            "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
            "-f", "lavfi", "-i", "sine=frequency=440",
            "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-g", "25",
            "-c:a", "aac", "-f", "flv", url,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip


@pytest.fixture
def on_air(district: Any) -> tuple[Any, str]:
    from conftest import _staff
    from sotong.tv.models import Broadcast, Show
    from sotong.tv.services.keys import stream_key_issue

    studio = _staff("studio", "오방송", "broadcaster", "pr")
    show = Show.objects.create(slug="health", title_ko="건강강좌")
    now = timezone.now()
    broadcast = Broadcast.objects.create(
        show=show,
        title_ko="겨울철 혈압 관리",
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=1),
    )
    return broadcast, stream_key_issue(broadcast, by=studio)


@pytest.fixture
def ingest(processes: Processes, base_env: dict[str, str], tmp_path: Path) -> tuple[int, Path]:
    port = free_port()
    hls = tmp_path / "hls"
    env = {**base_env, "TV_HLS_DIR": str(hls), "TV_RENDITIONS": RENDITIONS}
    tv = processes.start(["tv", "--port", str(port)], env=env, name="tv")
    tv.wait_for(r"ingest listening on rtmp://", timeout=30)
    return port, hls


@pytest.mark.browser
def test_a_wrong_key_is_refused_and_the_right_one_plays_on_the_broadcasts_page(
    on_air: tuple[Any, str],
    ingest: tuple[int, Path],
    live_server: Any,
    site_pages: Any,
    settings: Any,
    chromium_browser: Any,
    shots: Path,
) -> None:
    from sotong.tv.models import IngestAttempt

    broadcast, key = on_air
    port, hls = ingest
    settings.TV_HLS_DIR = hls

    wrong = push(f"rtmp://127.0.0.1:{port}/live/sotong-tv-not-the-key", seconds=3)
    assert wrong.wait(timeout=30) != 0
    assert not hls.exists() or not any(hls.iterdir())
    assert IngestAttempt.objects.filter(broadcast=None, outcome="unknown_key", ingest="embedded").count() == 1

    encoder = push(f"rtmp://127.0.0.1:{port}/live/{key}", seconds=12)
    folder = hls / f"b{broadcast.pk}"
    try:
        wait_until(lambda: len(list((folder / "240p").glob("seg_*.ts"))) >= 3, timeout=30, message="segments")
        broadcast.refresh_from_db()
        assert broadcast.state == "live" and broadcast.publishing
        master = (folder / "index.m3u8").read_text()
        assert "240p/stream.m3u8" in master and "120p/stream.m3u8" in master
        assert "RESOLUTION=320x240" in master and "RESOLUTION=160x120" in master

        context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
        page = context.new_page()
        page.goto(f"{live_server.url}/tv/{broadcast.pk}/")
        video = page.locator("#tv-video")
        # Polled from here: the page's CSP refuses the eval Playwright's wait_for_function polls with.
        wait_until(lambda: video.evaluate("v => v.currentTime") > 1, timeout=30, message="playback")
        first = video.evaluate("v => v.currentTime")
        time.sleep(2)
        later = video.evaluate("v => v.currentTime")
        assert later > first + 1, (first, later)
        assert video.evaluate("v => v.videoWidth") in (160, 320)
        assert page.locator("#tv-quality option").all_inner_texts() == ["자동", "240p", "120p"]
        page.screenshot(path=str(shots / "tv-player-ko.png"))
        context.close()
        assert encoder.wait(timeout=60) == 0
    finally:
        if encoder.poll() is None:
            encoder.kill()
        encoder.wait()

    wait_until(lambda: "#EXT-X-ENDLIST" in (folder / "240p" / "stream.m3u8").read_text(), timeout=20)
    playlist = (folder / "240p" / "stream.m3u8").read_text()
    assert len(re.findall(r"#EXT-X-PROGRAM-DATE-TIME:(\S+)", playlist)) >= 4
    assert len(list((folder / "120p").glob("seg_*.ts"))) >= 4
    wait_until(lambda: not type(broadcast).objects.get(pk=broadcast.pk).publishing, timeout=10)
    outcomes = list(broadcast.ingest_attempts.order_by("pk").values_list("outcome", "ingest"))
    assert outcomes == [("accepted", "embedded"), ("ended", "embedded")]


def test_an_ingest_killed_mid_broadcast_takes_the_encoder_back_when_restarted(
    on_air: tuple[Any, str], processes: Processes, base_env: dict[str, str], tmp_path: Path
) -> None:
    broadcast, key = on_air
    port = free_port()
    env = {**base_env, "TV_HLS_DIR": str(tmp_path / "hls"), "TV_RENDITIONS": "120:150"}
    first = processes.start(["tv", "--port", str(port)], env=env, name="tv")
    first.wait_for(r"ingest listening on rtmp://", timeout=30)
    encoder = push(f"rtmp://127.0.0.1:{port}/live/{key}", seconds=30)
    try:
        wait_until(
            lambda: type(broadcast).objects.get(pk=broadcast.pk).publishing, timeout=30, message="live"
        )
        first.signal(signal.SIGKILL)  # no chance to report the end
        first.wait(timeout=10)
        encoder.wait(timeout=30)
    finally:
        if encoder.poll() is None:
            encoder.kill()
    broadcast.refresh_from_db()
    assert broadcast.publishing  # what the killed ingest left behind

    second = processes.start(["tv", "--port", str(port)], env=env, name="tv again")
    second.wait_for(r"ingest listening on rtmp://", timeout=30)
    assert "Released 1 broadcast(s) left connected" in second.output
    again = push(f"rtmp://127.0.0.1:{port}/live/{key}", seconds=3)
    assert again.wait(timeout=30) == 0
    outcomes = list(broadcast.ingest_attempts.order_by("pk").values_list("outcome", flat=True))
    assert outcomes[:3] == ["accepted", "ended", "accepted"]
