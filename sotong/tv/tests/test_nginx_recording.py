"""The scaled shape's recordings: nginx-rtmp records what it relays (``record all; record_unique on``) and posts
``on_record_done``; only a file named for the stream, directly in TV_NGINX_RECORD_DIR, is taken, and a worker
makes it a part of the broadcast's recording, so the VOD is built as in the embedded shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from sotong.tv.choices import BroadcastState, RecordingState
from sotong.tv.models import Recording
from sotong.tv.services.broadcasts import broadcast_end
from sotong.tv.services.recordings import recording_adopt, recording_folder, vod_build
from sotong.tv.tests.conftest import named
from sotong.tv.tests.test_recordings import record
from sotong.tv.vod import vod_folder

pytestmark = pytest.mark.django_db

SECRET = "tv-ingest-secret-0123456789abcdef-0123"


@pytest.fixture(autouse=True)
def folders(settings: Any, tmp_path: Path) -> Path:
    settings.TV_INGEST_SECRET = SECRET
    settings.TV_RECORDINGS_DIR = tmp_path / "recordings"
    settings.TV_VOD_DIR = tmp_path / "vod"
    settings.TV_NGINX_RECORD_DIR = tmp_path / "nginx"
    (tmp_path / "nginx").mkdir()
    return tmp_path / "nginx"


def flv(path: Path, *, length: float) -> Path:
    """What nginx's `record` writes: the encoder's H.264 and AAC in FLV."""
    return record(path, length=length, container="flv")


def record_done(name: str, path: str, *, secret: str = SECRET) -> Any:
    form = {
        "app": "hls",
        "flashver": "LNX 9,0,124,2",
        "tcurl": "rtmp://127.0.0.1:1935/hls",
        "addr": "127.0.0.1",
        "clientid": "7",
        "call": "record_done",
        "recorder": "",
        "name": name,
        "path": path,
    }
    return Client(enforce_csrf_checks=True).post(f"/tv-ingest/nginx/on-record-done?secret={secret}", form)


def test_only_a_recording_of_the_stream_in_the_record_folder_is_taken(
    folders: Path,
    make_broadcast: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
    enqueued: list[Any],
) -> None:
    broadcast = make_broadcast(starts_in=-5, state=BroadcastState.LIVE)
    started = 1_765_094_400
    good = flv(folders / f"b{broadcast.pk}-{started}.flv", length=1)
    outside = flv(tmp_path / f"b{broadcast.pk}-{started}.flv", length=1)
    (folders / "link").mkdir()
    (folders / "link" / outside.name).symlink_to(outside)

    assert record_done(f"b{broadcast.pk}", str(good), secret="wrong-secret").status_code == 403
    refused = [
        record_done(f"b{broadcast.pk}", str(outside)),  # not in the record folder
        record_done(f"b{broadcast.pk}", str(folders / "link" / outside.name)),  # nor below it
        record_done(f"b{broadcast.pk}", str(folders / ".." / outside.name)),
        record_done(f"b{broadcast.pk + 1}", str(good)),  # another stream's name
        record_done(f"b{broadcast.pk}", "/etc/passwd"),
        record_done(f"b{broadcast.pk}", str(folders / f"b{broadcast.pk}-{started + 1}.flv")),  # no such file
    ]
    assert [response.status_code for response in refused] == [400] * 6
    assert named(enqueued, "adopt_nginx_recording") == []

    with django_capture_on_commit_callbacks(execute=True):
        taken = record_done(f"b{broadcast.pk}", str(good))
    assert taken.status_code == 200
    assert named(enqueued, "adopt_nginx_recording") == [
        {
            "broadcast_id": broadcast.pk,
            "path": str(good.resolve()),
            "started_at": datetime.fromtimestamp(started, tz=UTC).isoformat(),
        }
    ]


def test_parts_from_nginx_become_the_vod_even_when_the_encoder_stops_after_the_end(
    folders: Path,
    make_broadcast: Any,
    studio: Any,
    now: datetime,
    time_machine: Any,
    django_capture_on_commit_callbacks: Any,
    enqueued: list[Any],
) -> None:
    broadcast = make_broadcast(starts_in=-5, state=BroadcastState.LIVE, went_live_at=now)
    first = flv(folders / f"b{broadcast.pk}-{int(now.timestamp())}.flv", length=3)
    recording = recording_adopt(broadcast=broadcast, source=first, started_at=now)
    assert recording.state == RecordingState.RECORDING and not first.exists()
    assert sorted(p.name for p in recording_folder(broadcast.pk).iterdir()) == [
        "part-001.json",
        "part-001.ts",
    ]

    # 종료 while the encoder still sends: the build queued at 종료 does not have its second part yet...
    time_machine.move_to(now + timedelta(seconds=10), tick=False)
    later = now + timedelta(seconds=5)
    second = flv(folders / f"b{broadcast.pk}-{int(later.timestamp())}.flv", length=2)
    with django_capture_on_commit_callbacks(execute=True):
        broadcast_end(broadcast, by=studio)
    recording.refresh_from_db()
    assert recording.state == RecordingState.PROCESSING
    # ...and the part nginx reports afterwards makes it build again, with both parts.
    with django_capture_on_commit_callbacks(execute=True):
        recording = recording_adopt(broadcast=broadcast, source=second, started_at=later)
    assert recording.state == RecordingState.PROCESSING
    assert named(enqueued, "build_vod") == [{"recording_id": recording.pk}] * 2  # at 종료, and again
    vod_build(recording=recording)
    recording.refresh_from_db()
    assert recording.state == RecordingState.READY, recording.error
    assert 4.5 < recording.duration_seconds < 5.5
    assert "#EXT-X-ENDLIST" in (vod_folder(broadcast.pk) / "index.m3u8").read_text()


def test_a_part_after_the_vod_was_built_is_kept_aside(
    folders: Path, make_broadcast: Any, now: datetime
) -> None:
    broadcast = make_broadcast(starts_in=-5, state=BroadcastState.ENDED, went_live_at=now)
    Recording.objects.create(broadcast=broadcast, state=RecordingState.READY, duration_seconds=60)
    late = flv(folders / f"b{broadcast.pk}-{int(now.timestamp())}.flv", length=1)
    recording = recording_adopt(broadcast=broadcast, source=late, started_at=now)
    assert recording.state == RecordingState.READY and recording.duration_seconds == 60
    assert (recording_folder(broadcast.pk) / "part-001.ts").exists()


def test_a_part_being_written_keeps_its_number_and_is_not_a_part_until_whole(tmp_path: Path) -> None:
    from sotong.tv.services.recordings import PART, _next_part

    (tmp_path / "part-001.ts").write_bytes(b"")
    (tmp_path / "part-001.json").write_text("{}")
    (tmp_path / "part-002.ts.partial").write_bytes(b"")  # another adoption's remux, still running

    assert _next_part(tmp_path) == "part-003"
    assert [f.name for f in sorted(tmp_path.glob("part-*.ts")) if PART.fullmatch(f.name)] == ["part-001.ts"]
