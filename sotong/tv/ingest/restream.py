"""Restreaming inside ``sotong tv`` (decision 0078): while a broadcast's encoder is connected, one ffmpeg per
enabled destination reads the broadcast's own top rendition from its live HLS and sends it on, untouched
(``-c copy``, no second encode), as FLV to the destination's RTMP(S) URL. A destination is a process of its
own, so one that fails never disturbs the encoder, the HLS or the others; it is retried with backoff while
the broadcast is on, and its state and last error are written to its row. The rows are read again every few
seconds: a destination turned on while live starts, one turned off or deleted stops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from pathlib import Path

from asgiref.sync import sync_to_async
from django.utils.translation import gettext_lazy as _

from sotong.tv.ingest.packager import ffmpeg_binary, renditions
from sotong.tv.models import RestreamTarget
from sotong.tv.services.restream import (
    Wanted,
    korean,
    restream_now_private,
    restream_report,
    restream_wanted,
    url_hint,
)

logger = logging.getLogger(__name__)
State = RestreamTarget.State

POLL_SECONDS = 3.0
BACKOFF_SECONDS = (2, 4, 8, 16, 32, 60)
# A destination that stayed up this long starts its backoff from the first step again when it drops.
STABLE_SECONDS = 30.0
STOP_TIMEOUT = 5.0

# ffmpeg's words for why a destination failed, and what the control page says instead.
_REASONS = (
    (("now resolves to a private address",), _("서버 이름이 이 서버나 내부망 주소를 가리키고 있어 보내지 않았습니다.")),
    (("connection refused",), _("상대 서버가 연결을 거부했습니다.")),
    (("timed out", "timeout"), _("상대 서버가 응답하지 않습니다.")),
    (("name or service not known", "failed to resolve", "temporary failure in name resolution"),
     _("서버 이름을 찾을 수 없습니다.")),
    (("tls", "ssl", "certificate", "handshake"), _("보안 연결(TLS)에 실패했습니다.")),
    (("server error", "badname", "unauthorized", "forbidden", "publish"),
     _("상대 서버가 송출을 받지 않았습니다. 스트림 키를 확인해 주세요.")),
    (("broken pipe", "connection reset", "end of file", "input/output error"), _("연결이 끊겼습니다.")),
)  # fmt: skip
# What the ingest says for itself when a destination's name resolves to a non-public address at connection time.
PRIVATE_NOW = "the destination's name now resolves to a private address: not sent"


def reason(stderr: str, code: int | None) -> str:
    lowered = stderr.lower()
    for needles, message in _REASONS:
        if any(needle in lowered for needle in needles):
            return korean(message)
    return korean(_("송출이 멈췄습니다 (ffmpeg 종료 코드 %(code)s).") % {"code": code})


def restream_command(source: Path, url: str, *, ffmpeg: str | None = None) -> list[str]:
    return [
        ffmpeg or ffmpeg_binary(),
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-i",
        str(source),
        "-map",
        "0:v:0",
        "-map",
        "0:a:0?",
        "-c",
        "copy",
        "-progress",
        "pipe:1",
        "-stats_period",
        "1",
        # A destination that stops reading is given up after 15 s (microseconds), then retried.
        "-rw_timeout",
        "15000000",
        "-flvflags",
        "no_duration_filesize",
        "-f",
        "flv",
        url,
    ]


def source_playlist(folder: Path) -> Path:
    """The top rendition's live playlist: what the encoder sent, already in H.264 and AAC."""
    return folder / renditions()[0].name / "stream.m3u8"


class Destination:
    """One destination of one broadcast: its ffmpeg, started again after each failure with backoff."""

    def __init__(self, wanted: Wanted, folder: Path) -> None:
        self.pk, self.url, self.folder = wanted.pk, wanted.url, folder
        self.process: asyncio.subprocess.Process | None = None
        self.task: asyncio.Task[None] | None = None
        self.final_state: str = State.IDLE

    def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name=f"restream-{self.pk}")

    async def stop(self, final_state: str) -> None:
        self.final_state = final_state
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    async def _report(
        self, state: str, *, error: str = "", attempt: bool = False, final: bool = False
    ) -> None:
        await sync_to_async(restream_report)(
            target_id=self.pk, state=state, error=error, attempt=attempt, final=final
        )

    async def _run(self) -> None:
        failures = 0
        try:
            while True:
                source = source_playlist(self.folder)
                while not source.exists():
                    await asyncio.sleep(0.5)
                await self._report(State.CONNECTING, attempt=True)
                began = time.monotonic()
                if await sync_to_async(restream_now_private)(self.url):
                    code, stderr, was_live = None, PRIVATE_NOW, False
                else:
                    code, stderr, was_live = await self._once(source)
                failures = 1 if was_live and time.monotonic() - began > STABLE_SECONDS else failures + 1
                delay = BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS)) - 1]
                logger.warning(
                    "Restream %s to %s stopped (exit %s), again in %ss: %s",
                    self.pk,
                    url_hint(self.url),
                    code,
                    delay,
                    stderr.replace(self.url, url_hint(self.url)).strip()[-500:],
                )
                # Retried all the same, once a minute; 실패 tells the producer to look at the key or the platform.
                gave_up = failures >= len(BACKOFF_SECONDS)
                await self._report(State.FAILED if gave_up else State.RETRYING, error=reason(stderr, code))
                await asyncio.sleep(delay)
        finally:
            await self._kill()
            await asyncio.shield(self._report(self.final_state, final=True))

    async def _once(self, source: Path) -> tuple[int | None, str, bool]:
        self.process = process = await asyncio.create_subprocess_exec(
            *restream_command(source, self.url),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert process.stdout is not None and process.stderr is not None
        errors: deque[str] = deque(maxlen=20)
        live = False

        async def progress() -> None:
            nonlocal live
            assert process.stdout is not None
            async for raw in process.stdout:
                key, _sep, value = raw.decode("utf-8", "replace").strip().partition("=")
                if not live and key == "out_time_us" and value.isdigit() and int(value) > 0:
                    live = True
                    await self._report(State.LIVE)

        async def stderr() -> None:
            assert process.stderr is not None
            async for raw in process.stderr:
                errors.append(raw.decode("utf-8", "replace"))

        await asyncio.gather(progress(), stderr())
        code = await process.wait()
        self.process = None
        return code, "".join(errors), live

    async def _kill(self) -> None:
        process, self.process = self.process, None
        if process is None or process.returncode is not None:
            return
        process.terminate()  # ffmpeg ends the FLV cleanly on SIGTERM
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            process.kill()
            await process.wait()


class BroadcastRestreams:
    """Every destination of one live broadcast, kept in step with its rows."""

    def __init__(self, broadcast_id: int, folder: Path) -> None:
        self.broadcast_id, self.folder = broadcast_id, folder
        self.destinations: dict[int, Destination] = {}
        self.task = asyncio.create_task(self._supervise(), name=f"restreams-b{broadcast_id}")

    async def _supervise(self) -> None:
        try:
            while True:
                try:
                    await self._sync()
                except Exception:
                    # The database is away for a moment: the destinations go on as they are.
                    logger.exception("Cannot read the restream destinations of %s", self.broadcast_id)
                await asyncio.sleep(POLL_SECONDS)
        finally:
            await asyncio.gather(
                *(destination.stop(State.IDLE) for destination in self.destinations.values()),
                return_exceptions=True,
            )

    async def _sync(self) -> None:
        wanted = {row.pk: row for row in await sync_to_async(restream_wanted)(broadcast_id=self.broadcast_id)}
        for pk, destination in list(self.destinations.items()):
            if pk not in wanted or wanted[pk].url != destination.url:
                del self.destinations[pk]
                await destination.stop(State.STOPPED)
        for pk, row in wanted.items():
            running = self.destinations.get(pk)
            # A destination whose loop died (the database was away when it reported) is started again.
            if running is None or (running.task is not None and running.task.done()):
                self.destinations[pk] = destination = Destination(row, self.folder)
                destination.start()

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


_running: dict[str, BroadcastRestreams] = {}


def restreams_start(name: str, broadcast_id: int, folder: Path) -> None:
    """The broadcast's encoder is connected and its HLS is being written to ``folder``."""
    if name not in _running:
        _running[name] = BroadcastRestreams(broadcast_id, folder)


async def restreams_stop(name: str) -> None:
    if restreams := _running.pop(name, None):
        await restreams.stop()


async def restreams_stop_all() -> None:
    await asyncio.gather(*(restreams_stop(name) for name in list(_running)), return_exceptions=True)
