"""`sotong tv` keeps a live broadcast on air when its encoder stalls, drops or the ingest itself restarts
(decision 0079): the playlists viewers load go on with the fallback slate within seconds, the producer is
alerted, and the encoder's picture returns when it sends again or reconnects with the same key; the broadcast
never leaves the live state. ffmpeg is the studio's encoder; the slate is recognised by its navy picture."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import Processes, free_port, wait_until
from .test_tv_ingest import ffmpeg, push
from .test_tv_ingest import on_air as on_air_fixture

on_air = on_air_fixture  # the same broadcast and key as the ingest tests

pytestmark = pytest.mark.django_db(transaction=True)

SEGMENT = re.compile(r"^seg_([0-9]+)\.ts$", re.MULTILINE)


def listed(folder: Path) -> list[int]:
    playlist = folder / "120p" / "stream.m3u8"
    return [int(n) for n in SEGMENT.findall(playlist.read_text())] if playlist.is_file() else []


def colour(segment: Path) -> tuple[int, int, int]:
    """The mean colour of the segment's first frame."""
    result = subprocess.run(
        [ffmpeg(), "-hide_banner", "-loglevel", "error", "-i", str(segment),
         "-frames:v", "1", "-vf", "scale=1:1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, timeout=10, check=False,
    )  # fmt: skip
    data = result.stdout[:3]
    return (data[0], data[1], data[2]) if len(data) == 3 else (0, 0, 0)


def slate(rgb: tuple[int, int, int]) -> bool:
    red, _green, blue = rgb
    return blue > 70 and red < 50  # navy; testsrc's bars average out grey (about 130, 125, 130)


def newest(folder: Path, *, after: int) -> tuple[int, tuple[int, int, int]] | None:
    numbers = [n for n in listed(folder) if n > after]
    if not numbers:
        return None
    return numbers[-1], colour(folder / "120p" / f"seg_{numbers[-1]:06d}.ts")


def wait_for_picture(folder: Path, *, after: int, want_slate: bool, timeout: float) -> int:
    def shown() -> int | None:
        found = newest(folder, after=after)
        return found[0] if found is not None and slate(found[1]) == want_slate else None

    return int(
        wait_until(shown, timeout=timeout, interval=0.2, message="slate" if want_slate else "live picture")
    )


def still_live(broadcast: Any, folder: Path) -> None:
    broadcast.refresh_from_db()
    assert broadcast.state == "live" and broadcast.ended_at is None
    assert "#EXT-X-ENDLIST" not in (folder / "120p" / "stream.m3u8").read_text()


def start_tv(processes: Processes, env: dict[str, str], port: int, name: str) -> Any:
    tv = processes.start(["tv", "--port", str(port)], env=env, name=name)
    tv.wait_for(r"ingest listening on rtmp://", timeout=30)
    return tv


@pytest.fixture
def tv_env(base_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return {
        **base_env,
        "TV_HLS_DIR": str(tmp_path / "hls"),
        "TV_RECORDINGS_DIR": str(tmp_path / "recordings"),
        "TV_RENDITIONS": "120:150",
    }


def test_a_stalled_then_dropped_encoder_gives_the_slate_and_the_picture_comes_back(
    on_air: tuple[Any, str], processes: Processes, tv_env: dict[str, str], tmp_path: Path
) -> None:
    from django.contrib.auth import get_user_model

    from sotong.connectors.models import Delivery
    from sotong.core.models import AuditEvent
    from sotong.tv.models import SignalLoss

    broadcast, key = on_air
    get_user_model().objects.filter(username="studio").update(email="studio@example.kr")
    port = free_port()
    folder = tmp_path / "hls" / f"b{broadcast.pk}"
    tv = start_tv(processes, tv_env, port, "tv")
    encoder = push(f"rtmp://127.0.0.1:{port}/live/{key}", seconds=90)
    again = None
    try:
        wait_until(lambda: len(listed(folder)) >= 2, timeout=30, message="live segments")
        live = wait_for_picture(folder, after=-1, want_slate=False, timeout=10)
        still_live(broadcast, folder)

        # The encoder freezes (its connection stays open): the slate is on air within 5 s.
        encoder.send_signal(signal.SIGSTOP)
        stalled = time.monotonic()
        on_slate = wait_for_picture(folder, after=live, want_slate=True, timeout=8)
        assert time.monotonic() - stalled <= 5.5
        loss = wait_until(lambda: SignalLoss.objects.filter(broadcast=broadcast).first(), timeout=5)
        assert loss.cause == "stall" and loss.is_open
        still_live(broadcast, folder)

        # It sends again: the picture is back, the same playlist going on.
        encoder.send_signal(signal.SIGCONT)
        back = wait_for_picture(folder, after=on_slate, want_slate=False, timeout=10)
        wait_until(lambda: SignalLoss.objects.get(pk=loss.pk).recovered_at, timeout=5, message="recovery")

        # It drops (killed, no goodbye): the slate again, at once; the encoder may reconnect meanwhile.
        encoder.kill()
        encoder.wait()
        dropped = time.monotonic()
        on_slate = wait_for_picture(folder, after=back, want_slate=True, timeout=8)
        assert time.monotonic() - dropped <= 5
        dropped_loss = wait_until(
            lambda: SignalLoss.objects.filter(broadcast=broadcast, cause="dropped").first(), timeout=5
        )
        wait_until(
            lambda: not type(broadcast).objects.get(pk=broadcast.pk).publishing, timeout=5, message="released"
        )
        time.sleep(2)  # still the slate, still live
        assert slate(colour(folder / "120p" / f"seg_{listed(folder)[-1]:06d}.ts"))
        still_live(broadcast, folder)

        again = push(f"rtmp://127.0.0.1:{port}/live/{key}", seconds=90)
        wait_for_picture(folder, after=listed(folder)[-1], want_slate=False, timeout=15)
        wait_until(lambda: SignalLoss.objects.get(pk=dropped_loss.pk).recovered_at, timeout=5)
        still_live(broadcast, folder)

        numbers = listed(folder)
        assert numbers == sorted(numbers) and numbers[-1] > back
        # The producer heard of each loss: recorded, audited, e-mailed through the outbox.
        assert AuditEvent.objects.filter(action="tv.signal_lost", target_id=str(broadcast.pk)).count() == 2
        assert AuditEvent.objects.filter(action="tv.signal_back", target_id=str(broadcast.pk)).count() == 2
        mails = Delivery.objects.filter(channel="email", idempotency_key__startswith="tv-signal-lost:")
        assert (
            sorted((mail.recipient, mail.subject) for mail in mails)
            == [("studio@example.kr", "[소통TV] 신호 끊김: 겨울철 혈압 관리")] * 2
        )
        assert "슬레이트" in mails[0].payload["text"]
    except AssertionError:
        print("sotong tv said:", tv.output, sep="\n")  # what the ingest saw, for the failure's reader
        raise
    finally:
        for process in (encoder, again):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGCONT)
                process.kill()
                process.wait()


def test_a_restarted_ingest_carries_the_same_broadcast_on(
    on_air: tuple[Any, str], processes: Processes, tv_env: dict[str, str], tmp_path: Path
) -> None:
    from sotong.tv.models import SignalLoss

    broadcast, key = on_air
    port = free_port()
    folder = tmp_path / "hls" / f"b{broadcast.pk}"
    first = start_tv(processes, tv_env, port, "tv")
    encoder = push(f"rtmp://127.0.0.1:{port}/live/{key}", seconds=90)
    again = None
    try:
        wait_until(lambda: len(listed(folder)) >= 2, timeout=30, message="live segments")
        first.signal(signal.SIGTERM)
        first.wait(timeout=15)
        before = listed(folder)[-1]
        still_live(broadcast, folder)  # the playlists are left open for the next run

        second = start_tv(processes, tv_env, port, "tv again")
        assert "Resumed 1 broadcast(s) on the slate" in second.output
        on_slate = wait_for_picture(folder, after=before, want_slate=True, timeout=10)
        assert SignalLoss.objects.get(broadcast=broadcast).cause == "restart"
        playlist = (folder / "120p" / "stream.m3u8").read_text()
        assert "#EXT-X-DISCONTINUITY" in playlist  # the player resets its decoder at the seam

        encoder.wait(timeout=30)  # OBS would reconnect by itself; ffmpeg is started again
        again = push(f"rtmp://127.0.0.1:{port}/live/{key}", seconds=90)
        wait_for_picture(folder, after=on_slate, want_slate=False, timeout=15)
        still_live(broadcast, folder)
        assert SignalLoss.objects.get(broadcast=broadcast).recovered_at is not None
    finally:
        for process in (encoder, again):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    outcomes = list(broadcast.ingest_attempts.order_by("pk").values_list("outcome", flat=True))
    assert outcomes[:3] == ["accepted", "ended", "accepted"]
