"""Recordings (decision 0076): while an encoder is connected, the embedded ingest keeps what it sends, untouched,
as one MPEG-TS part per connection (``TV_RECORDINGS_DIR/b<id>/part-001.ts`` with its start beside it in
``part-001.json``); when the broadcast ends a task remuxes the parts, without re-encoding, into the video on
demand (``TV_VOD_DIR/b<id>/``: an HLS VOD playlist, its segments and the time line that places chapters,
captions and the chat on it)."""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sotong.core.leases import lease_store
from sotong.core.queue import enqueue_on_commit
from sotong.tv.choices import BroadcastState, RecordingState
from sotong.tv.ingest.packager import ffmpeg_binary
from sotong.tv.models import Broadcast, Recording
from sotong.tv.vod import TIMELINE, Part, Timeline, vod_folder

logger = logging.getLogger(__name__)

PART = re.compile(r"part-([0-9]{3,6})\.ts")
PLAYLIST = "index.m3u8"
# A part shorter than this (an encoder that connected and dropped at once) is left out of the VOD.
MIN_PART_SECONDS = 0.5
# A remux copies bytes: even hours of video take a minute or two. The lease keeps two workers off one build.
BUILD_LEASE_SECONDS = 30 * 60


class VodError(Exception):
    pass


def recording_folder(broadcast_pk: int) -> Path:
    return Path(settings.TV_RECORDINGS_DIR) / f"b{broadcast_pk}"


def recording_part_begin(*, broadcast: Broadcast) -> Path:
    """The embedded ingest took an encoder for ``broadcast``: the broadcast's recording (made at its first
    connection) and the file its next part goes to. A reconnect, or a restarted ingest, adds a part."""
    Recording.objects.get_or_create(broadcast=broadcast)
    folder = recording_folder(broadcast.pk)
    folder.mkdir(parents=True, exist_ok=True)
    stem = _next_part(folder)
    (folder / f"{stem}.json").write_text(json.dumps({"started_at": timezone.now().isoformat()}))
    return folder / f"{stem}.ts"


def _next_part(folder: Path) -> str:
    # A part still being written counts too: two adoptions at once never take the same number.
    names = (file.name.removesuffix(".partial") for file in folder.iterdir())
    numbers = [int(match.group(1)) for name in names if (match := PART.fullmatch(name))]
    return f"part-{max(numbers, default=0) + 1:03d}"


# nginx-rtmp's `record_unique on` ends a recording's name with the second it began: b12-1765094400.flv
NGINX_RECORDED = re.compile(r"b(?P<pk>[0-9]{1,12})-(?P<started>[0-9]{9,11})\.flv")


def nginx_recorded_file(name: str, path: str) -> tuple[int, Path, datetime] | None:
    """What nginx's on_record_done names, checked: a file ``b<id>-<unix time>.flv`` directly inside
    TV_NGINX_RECORD_DIR (no other path is ever read), for the stream ``name`` it recorded."""
    root = Path(settings.TV_NGINX_RECORD_DIR).resolve()
    try:
        file = Path(path).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    match = NGINX_RECORDED.fullmatch(file.name)
    if file.parent != root or not file.is_file() or match is None or name != f"b{match['pk']}":
        return None
    started = datetime.fromtimestamp(int(match["started"]), tz=UTC)
    return int(match["pk"]), file, started


def recording_adopt(*, broadcast: Broadcast, source: Path, started_at: datetime) -> Recording:
    """The scaled shape: nginx recorded a connection of ``broadcast`` to ``source`` (FLV). It becomes the
    recording's next part, remuxed to MPEG-TS without re-encoding, and the FLV is deleted. A part that
    arrives after the broadcast ended (nginx reports when the encoder stops, which may be after 종료) makes
    the VOD build again, unless the VOD is already ready: then it is kept aside and logged."""
    recording, _ = Recording.objects.get_or_create(broadcast=broadcast)
    folder = recording_folder(broadcast.pk)
    folder.mkdir(parents=True, exist_ok=True)
    stem = _next_part(folder)
    # Written aside and renamed when whole: a part under its name is always complete, with its start time.
    partial = folder / f"{stem}.ts.partial"
    result = subprocess.run(
        [ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(source),
         "-map", "0", "-c", "copy", "-f", "mpegts", str(partial)],
        capture_output=True, text=True, timeout=BUILD_LEASE_SECONDS, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise VodError(f"ffmpeg {result.returncode}: {result.stderr.strip()[-400:]}")
    (folder / f"{stem}.json").write_text(json.dumps({"started_at": started_at.isoformat()}))
    partial.rename(folder / f"{stem}.ts")
    source.unlink(missing_ok=True)
    with transaction.atomic():
        recording = Recording.objects.select_for_update().get(pk=recording.pk)
        ended = Broadcast.objects.filter(pk=broadcast.pk, state=BroadcastState.ENDED).exists()
        if recording.state == RecordingState.READY:
            logger.warning(
                "A part of broadcast %s arrived after its VOD was built: kept in %s", broadcast.pk, folder
            )
        elif ended:
            from sotong.tv.tasks import build_vod

            recording.state, recording.error = RecordingState.PROCESSING, ""
            recording.save(update_fields=["state", "error"])
            enqueue_on_commit(build_vod, recording_id=recording.pk)
    return recording


def recording_close(*, broadcast: Broadcast) -> Recording | None:
    """The broadcast ended: its recording, if one was made, is built into the VOD (a task, after commit)."""
    from sotong.tv.tasks import build_vod

    recording = (
        Recording.objects.select_for_update()
        .filter(broadcast=broadcast, state=RecordingState.RECORDING)
        .first()
    )
    if recording is None:
        return None
    recording.state = RecordingState.PROCESSING
    recording.save(update_fields=["state"])
    enqueue_on_commit(build_vod, recording_id=recording.pk)
    return recording


def recordings_sweep() -> int:
    """What the end of a broadcast should have started and did not finish (a worker died, an enqueue was lost):
    build it now. Idempotent: a build that is running holds a lease, a finished one changed the state."""
    from sotong.tv.tasks import build_vod

    with transaction.atomic():
        for broadcast_pk in Recording.objects.filter(
            state=RecordingState.RECORDING, broadcast__state=BroadcastState.ENDED
        ).values_list("broadcast_id", flat=True):
            recording_close(broadcast=Broadcast(pk=broadcast_pk))
    pending = list(Recording.objects.filter(state=RecordingState.PROCESSING).values_list("pk", flat=True))
    for pk in pending:
        build_vod.enqueue(recording_id=pk)
    return len(pending)


@dataclass(frozen=True)
class _PartFile:
    path: Path
    started_at: datetime


def _parts(folder: Path) -> list[_PartFile]:
    found = []
    for file in sorted(folder.glob("part-*.ts")):
        if not PART.fullmatch(file.name):
            continue
        try:
            meta = json.loads(file.with_suffix(".json").read_text())
            started = datetime.fromisoformat(meta["started_at"])
        except (OSError, ValueError, KeyError):
            logger.warning("Recording part %s has no start time; left out", file)
            continue
        found.append(_PartFile(file, started))
    return sorted(found, key=lambda part: part.started_at)


def _probe(path: Path) -> tuple[float, float]:
    """The part's first timestamp and its length in seconds, read through once (``-c copy``, no decoding):
    a part still being written, or cut short by a killed ingest, has the length it has so far."""
    result = subprocess.run(
        [ffmpeg_binary(), "-hide_banner", "-nostats", "-i", str(path), "-map", "0", "-c", "copy",
         "-f", "null", "-", "-progress", "pipe:1"],
        capture_output=True, text=True, timeout=BUILD_LEASE_SECONDS, check=False,
    )  # fmt: skip
    start = re.search(r"start: (-?[0-9.]+)", result.stderr)
    lengths = re.findall(r"out_time_us=([0-9]+)", result.stdout)
    if result.returncode != 0 or not lengths:
        return 0.0, 0.0
    return (float(start.group(1)) if start else 0.0), int(lengths[-1]) / 1_000_000


def _concat_list(kept: list[tuple[_PartFile, float, float, bool]]) -> str:
    lines = ["ffconcat version 1.0"]
    for part, start, duration, cut in kept:
        quoted = str(part.path.resolve()).replace("'", "'\\''")
        lines += [f"file '{quoted}'", f"duration {duration:.6f}"]
        if cut:  # outpoint is on the part's own clock, which starts at its first timestamp
            lines.append(f"outpoint {start + duration:.6f}")
    return "\n".join(lines) + "\n"


def _remux(broadcast: Broadcast, into: Path) -> Timeline:
    parts = _parts(recording_folder(broadcast.pk))
    kept: list[tuple[_PartFile, float, float, bool]] = []
    for part in parts:
        start, length = _probe(part.path)
        # What an encoder still sent after the producer pressed 종료 is not part of the broadcast.
        cut = (
            broadcast.ended_at is not None and length > (broadcast.ended_at - part.started_at).total_seconds()
        )
        if cut:
            assert broadcast.ended_at is not None
            length = (broadcast.ended_at - part.started_at).total_seconds()
        if length >= MIN_PART_SECONDS:
            kept.append((part, start, length, cut))
    if not kept:
        raise VodError("녹화된 영상이 없습니다.")
    listing = into / "parts.ffconcat"
    listing.write_text(_concat_list(kept))
    result = subprocess.run(
        [ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-f", "concat", "-safe", "0",
         "-i", str(listing), "-map", "0:v:0", "-map", "0:a:0?", "-c", "copy",
         "-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod",
         "-hls_segment_filename", str(into / "seg_%05d.ts"), str(into / PLAYLIST)],
        capture_output=True, text=True, timeout=BUILD_LEASE_SECONDS, check=False,
    )  # fmt: skip
    listing.unlink()
    if result.returncode != 0 or not (into / PLAYLIST).is_file():
        raise VodError(f"ffmpeg {result.returncode}: {result.stderr.strip()[-400:]}")
    timeline = Timeline(tuple(Part(part.started_at, length) for part, _, length, _ in kept))
    (into / TIMELINE).write_text(timeline.to_json())
    return timeline


def _playlist_seconds(playlist: Path) -> float:
    return sum(float(value) for value in re.findall(r"#EXTINF:([0-9.]+)", playlist.read_text()))


def _swap_in(built: Path, final: Path) -> None:
    old = final.with_name(f".{final.name}-old-{uuid.uuid4().hex[:8]}")
    if final.exists():
        final.rename(old)
    built.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def vod_build(*, recording: Recording) -> Recording:
    """Remux a recording's parts into its VOD; ready (and the parts deleted: the VOD holds the same video) or
    failed with the reason. A recording that is not waiting for its build is left as it is."""
    store, holder = lease_store(), uuid.uuid4().hex
    name = f"tv-vod-{recording.pk}"
    if not store.acquire(name, holder, BUILD_LEASE_SECONDS):
        return recording
    try:
        recording.refresh_from_db()
        if recording.state != RecordingState.PROCESSING:
            return recording
        broadcast = recording.broadcast
        root = Path(settings.TV_VOD_DIR)
        root.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".b{broadcast.pk}-", dir=root))
        try:
            _remux(broadcast, building)
            duration = _playlist_seconds(building / PLAYLIST)
            size = sum(file.stat().st_size for file in building.iterdir())
            _swap_in(building, vod_folder(broadcast.pk))
        except (VodError, OSError, subprocess.SubprocessError) as error:
            shutil.rmtree(building, ignore_errors=True)
            logger.warning("VOD of broadcast %s failed: %s", broadcast.pk, error)
            Recording.objects.filter(pk=recording.pk, state=RecordingState.PROCESSING).update(
                state=RecordingState.FAILED, error=str(error)[:500]
            )
            recording.refresh_from_db()
            return recording
        Recording.objects.filter(pk=recording.pk, state=RecordingState.PROCESSING).update(
            state=RecordingState.READY,
            duration_seconds=duration,
            size_bytes=size,
            ready_at=timezone.now(),
            error="",
        )
        shutil.rmtree(recording_folder(broadcast.pk), ignore_errors=True)
        recording.refresh_from_db()
        logger.info("VOD of broadcast %s ready: %.0f s, %d bytes", broadcast.pk, duration, size)
        return recording
    finally:
        store.release(name, holder)
