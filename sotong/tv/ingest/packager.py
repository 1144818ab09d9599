"""ffmpeg, fed the encoder's FLV on its standard input, writes HLS: a master playlist and one rendition per
configured height, one-second segments carrying EXT-X-PROGRAM-DATE-TIME (for the player's latency). Live
segments are deleted as the playlist moves on, so a live stream's disk use stays at a few seconds of video.
With a recording part, the same ffmpeg also keeps what the encoder sent, untouched (``-c copy``), as MPEG-TS:
the recording, which becomes the VOD after the broadcast (decision 0076)."""

from __future__ import annotations

import asyncio
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

MASTER = "index.m3u8"


@dataclass(frozen=True)
class Rendition:
    height: int
    video_kbps: int

    @property
    def name(self) -> str:
        return f"{self.height}p"


def renditions() -> list[Rendition]:
    """From TV_RENDITIONS, e.g. ``720:2500,360:800`` (height in pixels : video kbit/s)."""
    result = []
    for part in settings.TV_RENDITIONS.split(","):
        height, kbps = part.strip().split(":")
        result.append(Rendition(int(height), int(kbps)))
    return result


def ffmpeg_binary() -> str:
    """FFMPEG_BINARY when set (Debian's ffmpeg, say), else the static build the imageio-ffmpeg wheel carries."""
    if settings.FFMPEG_BINARY:
        return str(settings.FFMPEG_BINARY)
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def hls_command(folder: Path, *, ffmpeg: str | None = None, record_to: Path | None = None) -> list[str]:
    chosen = renditions()
    split = f"[0:v]split={len(chosen)}" + "".join(f"[s{i}]" for i in range(len(chosen)))
    scales = ";".join(f"[s{i}]scale=-2:{r.height}[v{i}]" for i, r in enumerate(chosen))
    command = [
        ffmpeg or ffmpeg_binary(),
        "-hide_banner",
        "-loglevel",
        "warning",
        "-f",
        "flv",
        "-i",
        "pipe:0",
        "-filter_complex",
        f"{split};{scales}",
    ]
    for i, rendition in enumerate(chosen):
        command += [
            "-map",
            f"[v{i}]",
            f"-c:v:{i}",
            "libx264",
            f"-b:v:{i}",
            f"{rendition.video_kbps}k",
            f"-maxrate:v:{i}",
            f"{int(rendition.video_kbps * 1.1)}k",
            f"-bufsize:v:{i}",
            f"{rendition.video_kbps * 2}k",
        ]
    for _ in chosen:
        command += ["-map", "0:a:0"]
    command += [
        "-preset",
        "veryfast",
        "-tune",
        "zerolatency",
        "-pix_fmt",
        "yuv420p",
        # A key frame every second, whatever the frame rate: every segment starts with one.
        "-force_key_frames",
        "expr:gte(t,n_forced*1)",
        "-sc_threshold",
        "0",
        "-c:a",
        "aac",
        "-b:a",
        "128k",
        "-ac",
        "2",
        "-f",
        "hls",
        "-hls_time",
        "1",
        "-hls_list_size",
        str(settings.TV_HLS_LIST_SIZE),
        "-hls_flags",
        "delete_segments+program_date_time+independent_segments+temp_file",
        "-master_pl_name",
        MASTER,
        "-var_stream_map",
        " ".join(f"v:{i},a:{i},name:{r.name}" for i, r in enumerate(chosen)),
        "-hls_segment_filename",
        str(folder / "%v" / "seg_%06d.ts"),
        str(folder / "%v" / "stream.m3u8"),
    ]
    if record_to is not None:
        # MPEG-TS survives a killed ingest: a part cut short is readable up to its last packet.
        command += ["-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", "-f", "mpegts", str(record_to)]
    return command


class Packager:
    """One ffmpeg for one live stream."""

    def __init__(self, folder: Path, *, record_to: Path | None = None) -> None:
        self.folder = folder
        self.record_to = record_to
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        # A fresh folder: segments of an earlier connection would confuse the playlist's numbering.
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        for rendition in renditions():
            (self.folder / rendition.name).mkdir()
        self.process = await asyncio.create_subprocess_exec(
            *hls_command(self.folder, record_to=self.record_to),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=None,  # ffmpeg's warnings go to this process's log
        )

    async def write(self, data: bytes) -> None:
        if self.process is None or self.process.stdin is None:
            return
        self.process.stdin.write(data)
        await self.process.stdin.drain()

    async def close(self, *, timeout: float = 10) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.stdin is not None and not process.stdin.is_closing():
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), timeout)
        except TimeoutError:
            process.kill()
            await process.wait()
