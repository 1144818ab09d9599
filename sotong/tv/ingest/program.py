"""A broadcast on air in `sotong tv` (decision 0079): one ffmpeg (``Packager``) for as long as the broadcast is
on air, fed by this program with the encoder's FLV while there is a picture and with the fallback slate while
there is none, its timestamps rewritten to run on without a jump backwards. So the playlists viewers load
never stop or restart when an encoder stalls, drops or reconnects: the slate fills the gap, the picture
returns with the encoder's next key frame. ``SignalWatch`` decides; this module feeds, and reports each change
to ``services.health`` (recorded, audited, the producers alerted)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from sotong.tv.ingest.packager import Geometry, Packager, hls_end
from sotong.tv.ingest.slate import AUDIO, FLV_HEADER, VIDEO, Slate, Tag, flv_tag, slate_build
from sotong.tv.ingest.watch import Change, Shown, SignalWatch

logger = logging.getLogger(__name__)

TICK_SECONDS = 0.1
# The slate is fed this far ahead of the wall clock: ffmpeg always has the next frame, and never minutes of it.
LEAD_MS = 300
# While only the slate is on air, whether the broadcast was ended meanwhile is read this often.
STATE_POLL_SECONDS = 2.0
PROGRAM_FILE = "program.json"


class Timeline:
    """Output timestamps (ms) for what is fed: each run from one source (encoder, slate) starts where the wall
    clock is, and never before what was written already, so ffmpeg sees one stream that only goes forward."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.last = {AUDIO: -1, VIDEO: -1}
        self.base = 0
        self.first: int | None = None

    def cut(self, now: float, *, first: int | None = None) -> None:
        elapsed = int((now - self.started) * 1000)
        self.base = max(elapsed, max(self.last.values()) + 1)
        self.first = first

    def header(self) -> int:
        return self.base

    def stamp(self, kind: int, timestamp: int) -> int:
        if self.first is None:
            self.first = timestamp
        out = max(self.base + timestamp - self.first, self.last.get(kind, -1) + 1)
        self.last[kind] = out
        return out

    def elapsed_ms(self, now: float) -> int:
        return int((now - self.started) * 1000)


def geometry_from_metadata(meta: Any) -> Geometry | None:
    """The encoder's onMetaData (OBS and ffmpeg send width, height and framerate). pyrtmp reads its ECMA array
    as a list of one-key dicts."""
    if isinstance(meta, list):
        meta = {key: value for part in meta if isinstance(part, dict) for key, value in part.items()}
    if not isinstance(meta, dict):
        return None
    try:
        width, height = int(meta.get("width") or 0), int(meta.get("height") or 0)
        fps = round(float(meta.get("framerate") or meta.get("videoframerate") or 30))
    except (TypeError, ValueError):
        return None
    if width < 16 or height < 16 or width > 7680 or height > 4320:
        return None
    return Geometry(width, height, min(max(fps, 1), 60))


def geometry_saved(folder: Path) -> Geometry | None:
    try:
        data = json.loads((folder / PROGRAM_FILE).read_text())
        return Geometry(int(data["width"]), int(data["height"]), int(data["fps"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def slate_lines(district: str) -> tuple[str, ...]:
    with translation.override("ko"):
        return (_("잠시 후 방송이 이어집니다"), district)


Reporter = Callable[[int, Change, str], Any]


class Program:
    def __init__(
        self,
        *,
        broadcast_id: int,
        name: str,
        folder: Path,
        lines: tuple[str, ...],
        report: Reporter,
        on_off: Callable[[Program], Any] | None = None,
    ) -> None:
        self.broadcast_id, self.name, self.folder = broadcast_id, name, folder
        self.lines = lines
        self.report = report
        self.on_off = on_off
        self.watch = SignalWatch(
            stall_seconds=settings.TV_STALL_SECONDS, grace_seconds=settings.TV_RECONNECT_GRACE_SECONDS
        )
        self.packager: Packager | None = None
        self.geometry: Geometry | None = None
        self.timeline: Timeline | None = None
        self.slate: asyncio.Task[Slate] | None = None
        self.slate_loop, self.slate_index = 0, 0
        self.encoder_headers: dict[int, Tag] = {}
        self.lock = asyncio.Lock()
        self.task: asyncio.Task[None] | None = None
        self.reports: set[asyncio.Task[Any]] = set()
        self.closed = False

    @property
    def on_air(self) -> bool:
        return self.packager is not None and not self.closed

    # The encoder's side ---------------------------------------------------------------------------------------

    def attach(self) -> None:
        self.watch.attached(time.monotonic())

    def learn(self, meta: Any) -> None:
        if self.packager is None and (geometry := geometry_from_metadata(meta)) is not None:
            self.geometry = geometry

    async def media(self, tag: Tag) -> None:
        if self.closed:
            return
        if tag.is_header:
            self.encoder_headers[tag.kind] = tag
        if self.packager is None:
            await self.start()
        now = time.monotonic()
        async with self.lock:
            if self.watch.shown is Shown.LIVE:
                assert self.timeline is not None
                if tag.kind == VIDEO:
                    self.watch.picture(now, keyframe=tag.is_keyframe)
                await self._write(tag.kind, self.timeline.stamp(tag.kind, tag.timestamp), tag.payload)
            elif (
                self.watch.shown is Shown.SLATE
                and tag.kind == VIDEO
                and not tag.is_header
                and self.watch.picture(now, keyframe=tag.is_keyframe) is Change.BACK
            ):
                await self._cut_to_encoder(now, tag)

    async def detach(self, *, deliberate: bool) -> None:
        if self.closed:
            return
        now = time.monotonic()
        async with self.lock:
            change = self.watch.detached(now, deliberate=deliberate)
            if change is Change.LOST and self.packager is not None:
                await self._cut_to_slate(now)
        if change is Change.LOST:
            self._report(change, "dropped")
        elif change is Change.ENDED:
            self._report(Change.GAVE_UP, "")
            await self.stop(final=True)
        elif self.packager is None and self.watch.shown is Shown.LIVE:
            # Dropped before it sent a frame: nothing is on air to keep.
            await self.stop(final=False)

    # The program's side ---------------------------------------------------------------------------------------

    async def start(self, *, resume: bool = False) -> None:
        if self.packager is not None or self.closed:
            return
        self.geometry = self.geometry or geometry_saved(self.folder) or Geometry()
        self.packager = Packager(self.folder, geometry=self.geometry)
        await self.packager.start()
        (self.folder / PROGRAM_FILE).write_text(
            json.dumps(
                {"width": self.geometry.width, "height": self.geometry.height, "fps": self.geometry.fps}
            )
        )
        self.timeline = Timeline(time.monotonic())
        await self.packager.write(FLV_HEADER)
        geometry = self.geometry
        self.slate = asyncio.create_task(
            asyncio.to_thread(
                slate_build,
                Path(settings.TV_HLS_DIR) / ".slates",
                width=geometry.width,
                height=geometry.height,
                fps=geometry.fps,
                lines=self.lines,
            )
        )
        if resume:
            self.watch.resumed(time.monotonic())
            async with self.lock:
                await self._cut_to_slate(time.monotonic())
            self._report(Change.LOST, "restart")
        self.task = asyncio.create_task(self._run(), name=f"program-{self.name}")

    async def stop(self, *, final: bool) -> None:
        """Stop feeding ffmpeg. ``final``: the signal is over and the playlists say so; otherwise (this process
        stops) they are left open for the next `sotong tv` to continue."""
        if self.closed:
            return
        self.closed = True
        if self.task is not None and self.task is not asyncio.current_task():
            self.task.cancel()
        if self.slate is not None and not self.slate.done():
            self.slate.cancel()
        if self.packager is not None:
            await self.packager.close()
            if final:
                hls_end(self.folder)
        if self.reports:
            await asyncio.gather(*self.reports, return_exceptions=True)
        if self.on_off is not None:
            await self.on_off(self)

    async def _run(self) -> None:
        polled = time.monotonic()
        try:
            while not self.closed:
                await asyncio.sleep(TICK_SECONDS)
                now = time.monotonic()
                async with self.lock:
                    change = self.watch.tick(now)
                    if change is Change.LOST:
                        await self._cut_to_slate(now)
                    if self.watch.shown is Shown.SLATE:
                        await self._feed_slate(now)
                if change is Change.LOST:
                    self._report(change, "stall")
                elif change is Change.GAVE_UP:
                    self._report(change, "")
                    await self.stop(final=True)
                    return
                if self.watch.shown is Shown.SLATE and now - polled >= STATE_POLL_SECONDS:
                    polled = now
                    if not await _still_live(self.broadcast_id):
                        self.watch.end(now)
                        self._report(Change.GAVE_UP, "")
                        await self.stop(final=True)
                        return
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("Program %s failed", self.name)
            await self.stop(final=False)

    async def _write(self, kind: int, timestamp: int, payload: bytes) -> None:
        assert self.packager is not None
        await self.packager.write(flv_tag(kind, timestamp, payload))

    async def _cut_to_slate(self, now: float) -> None:
        assert self.timeline is not None
        if self.slate is None:
            return
        try:
            slate = await self.slate
        except Exception:
            # No slate (ffmpeg could not encode it): viewers keep the last picture, as before this existed.
            logger.exception("No slate for %s", self.name)
            self.slate = None
            return
        self.timeline.cut(now, first=0)
        self.slate_loop, self.slate_index = 0, 0
        for header in slate.headers:
            await self._write(header.kind, self.timeline.header(), header.payload)
        await self._feed_slate(now)

    async def _feed_slate(self, now: float) -> None:
        if self.slate is None or not self.slate.done() or self.slate.exception() is not None:
            return
        assert self.timeline is not None
        slate = self.slate.result()
        until = self.timeline.elapsed_ms(now) + LEAD_MS
        while True:
            frame = slate.frames[self.slate_index]
            at = self.timeline.base + self.slate_loop * slate.length_ms + frame.timestamp
            if at > until:
                return
            position = self.slate_loop * slate.length_ms + frame.timestamp
            await self._write(frame.kind, self.timeline.stamp(frame.kind, position), frame.payload)
            self.slate_index += 1
            if self.slate_index == len(slate.frames):
                self.slate_index, self.slate_loop = 0, self.slate_loop + 1

    async def _cut_to_encoder(self, now: float, keyframe: Tag) -> None:
        assert self.timeline is not None
        self.timeline.cut(now)
        for kind in (VIDEO, AUDIO):
            if header := self.encoder_headers.get(kind):
                await self._write(kind, self.timeline.header(), header.payload)
        await self._write(VIDEO, self.timeline.stamp(VIDEO, keyframe.timestamp), keyframe.payload)
        self._report(Change.BACK, "")

    def _report(self, change: Change, cause: str) -> None:
        task = asyncio.create_task(self._report_now(change, cause))
        self.reports.add(task)
        task.add_done_callback(self.reports.discard)

    async def _report_now(self, change: Change, cause: str) -> None:
        try:
            await self.report(self.broadcast_id, change, cause)
        except Exception:
            # The database is away for a moment: what viewers see does not wait for it.
            logger.exception("Cannot record the signal of %s (%s)", self.name, change.value)


@sync_to_async
def _still_live(broadcast_id: int) -> bool:
    from sotong.tv.choices import BroadcastState
    from sotong.tv.models import Broadcast

    return Broadcast.objects.filter(pk=broadcast_id, state=BroadcastState.LIVE).exists()
