"""Restreaming from `sotong tv` (decision 0078): one destination is a real RTMP receiver on loopback (ffmpeg
listening, standing in for YouTube), the other a closed port. The good one receives the video while the bad
one is retried with backoff and the live HLS goes on; once a receiver listens on the bad one's port too, it
goes live on its next attempt. A stopped `sotong tv` leaves both idle."""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .conftest import Processes, free_port, wait_until
from .test_tv_ingest import ffmpeg, on_air, push  # noqa: F401 - the fixture is used by name

pytestmark = pytest.mark.django_db(transaction=True)


def receiver(port: int, out: Path) -> subprocess.Popen[bytes]:
    """An RTMP server that takes one stream and keeps it: what YouTube's ingest is to us."""
    return subprocess.Popen(
        [ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-listen", "1",
         "-i", f"rtmp://127.0.0.1:{port}/live2/yt-key-0123456789", "-c", "copy", "-f", "flv", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def video_frames(path: Path) -> int:
    """How many video frames ffmpeg reads from a received file (0 if none or unreadable)."""
    result = subprocess.run(
        [ffmpeg(), "-hide_banner", "-i", str(path), "-map", "0:v:0", "-c", "copy", "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    # ffmpeg pads the count ("frame=    7"), with as many spaces as the number is short.
    frames = re.findall(r"frame=\s*(\d+)", result.stderr)
    return int(frames[-1]) if frames and "Video:" in result.stderr else 0


def test_a_refused_destination_is_retried_while_the_other_receives_the_video(
    on_air: tuple[Any, str],  # noqa: F811
    processes: Processes,
    base_env: dict[str, str],
    settings: Any,
    tmp_path: Path,
) -> None:
    from sotong.tv.models import RestreamTarget
    from sotong.tv.services.restream import restream_add

    settings.TV_RESTREAM_ALLOW_LOOPBACK = True
    broadcast, key = on_air
    good_port, bad_port = free_port(), free_port()
    good = restream_add(
        broadcast=broadcast,
        label="YouTube",
        platform="youtube",
        url=f"rtmp://127.0.0.1:{good_port}/live2/yt-key-0123456789",
        by=None,
    )
    bad = restream_add(
        broadcast=broadcast,
        label="Facebook",
        platform="facebook",
        url=f"rtmp://127.0.0.1:{bad_port}/live2/yt-key-0123456789",
        by=None,
    )
    hls = tmp_path / "hls"
    port = free_port()
    # The receivers are on loopback, so the ingest (which checks each name again before it connects) allows it.
    env = {**base_env, "TV_HLS_DIR": str(hls), "TV_RENDITIONS": "120:150", "TV_RESTREAM_ALLOW_LOOPBACK": "1"}
    tv = processes.start(["tv", "--port", str(port)], env=env, name="tv")
    tv.wait_for(r"ingest listening on rtmp://", timeout=30)

    received, late = tmp_path / "youtube.flv", tmp_path / "facebook.flv"
    youtube = receiver(good_port, received)
    facebook: subprocess.Popen[bytes] | None = None
    try:
        # Longer than the test needs: it is killed below, and a slow machine must not see the broadcast end first.
        encoder = push(f"rtmp://127.0.0.1:{port}/live/{key}", seconds=90)
        segments = hls / f"b{broadcast.pk}" / "120p"

        def row(target: Any) -> Any:
            return RestreamTarget.objects.get(pk=target.pk)

        try:
            wait_until(lambda: row(good).state == "live", timeout=30, message="the good destination live")
            # Usually 1; 2 if its first attempt came before the receiver listened. It must not grow from here.
            good_attempts = row(good).attempts
            wait_until(lambda: row(bad).attempts > 1, timeout=15, message="the bad destination retried")
            refused = row(bad)
            # Reconnecting or waiting to: either way the reason the last attempt failed is still shown.
            assert refused.state in ("retrying", "connecting"), refused.state
            assert "거부" in refused.last_error, refused.last_error
            # A receiver on the bad port now, while the backoff is still a few seconds: a later attempt goes live.
            facebook = receiver(bad_port, late)

            # The encoder and the HLS are untouched by the failing destination.
            playlist = (segments / "stream.m3u8").read_text()
            wait_until(
                lambda: video_frames(received) > 25, timeout=15, message="video at the good destination"
            )
            assert encoder.poll() is None
            wait_until(
                lambda: (segments / "stream.m3u8").read_text() != playlist, timeout=5, message="HLS going on"
            )

            wait_until(lambda: row(bad).state == "live", timeout=30, message="the late destination live")
            assert row(bad).last_error == ""
            assert row(good).state == "live" and row(good).attempts == good_attempts
        finally:
            encoder.kill()
            encoder.wait()
        # Without its encoder the broadcast may stay on air a while (the fallback slate, decision 0079), and the
        # destinations with it; a stopped `sotong tv` lets every one of them go, idle.
        tv.signal(signal.SIGTERM)
        assert tv.wait(timeout=30) == 0
        assert (row(good).state, row(bad).state) == ("idle", "idle")
        for process in (youtube, facebook):  # the receivers end with their streams (or are killed below)
            if process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=10)
    finally:  # and a failed test leaves no receiver listening
        for process in (youtube, facebook):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    assert video_frames(late) > 0
