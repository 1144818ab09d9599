"""ffmpeg, fed FLV on its standard input, writes HLS: a master playlist and one rendition per configured height,
one-second segments carrying EXT-X-PROGRAM-DATE-TIME (for the player's latency). Live segments are deleted as
the playlist moves on, so a live stream's disk use stays at a few seconds of video.

One ffmpeg lives as long as the broadcast is on air in `sotong tv` (decision 0079): what it is fed switches
between the encoder and the fallback slate, so its input may change size, frame rate or sample rate; the
filters make one constant output of it (the program's frame size, padded; a constant frame rate, gaps filled;
one sample rate, gaps filled with silence). It leaves the playlists open when it stops (``omit_endlist``), so
that the next `sotong tv` appends to them (``append_list``, after a discontinuity) and viewers' players carry
on; the end is written by ``hls_end`` when the broadcast's signal is really over.

A recording part is what the encoder sent, untouched (``-c copy``), as MPEG-TS (decision 0076): written by a
small ffmpeg of its own per connection (``record_command``), so the slate is never recorded."""

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


@dataclass(frozen=True)
class Geometry:
    """The program's picture: every rendition keeps its aspect ratio, whatever is fed."""

    width: int = 1280
    height: int = 720
    fps: int = 30

    def width_for(self, height: int) -> int:
        return max(2, round(height * self.width / self.height / 2) * 2)


AUDIO_RATE = 44100
ENDLIST = "#EXT-X-ENDLIST"


def ffmpeg_binary() -> str:
    """FFMPEG_BINARY when set (Debian's ffmpeg, say), else the static build the imageio-ffmpeg wheel carries."""
    if settings.FFMPEG_BINARY:
        return str(settings.FFMPEG_BINARY)
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def record_args(record_to: Path) -> list[str]:
    # MPEG-TS survives a killed ingest: a part cut short is readable up to its last packet.
    return ["-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", "-f", "mpegts", str(record_to)]


def record_command(record_to: Path, *, ffmpeg: str | None = None) -> list[str]:
    """One connection's recording part: the encoder's FLV, remuxed untouched."""
    return [
        ffmpeg or ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-f", "flv", "-i", "pipe:0",
        *record_args(record_to),
    ]  # fmt: skip


def hls_command(
    folder: Path,
    *,
    ffmpeg: str | None = None,
    record_to: Path | None = None,
    geometry: Geometry | None = None,
    continuing: bool = False,
) -> list[str]:
    """``continuing``: the folder holds the playlists of an earlier ffmpeg of the same broadcast, which this
    one carries on (numbering on, a discontinuity where it took over)."""
    chosen = renditions()
    shape = geometry or Geometry()
    split = f"[0:v]fps={shape.fps},split={len(chosen)}" + "".join(f"[s{i}]" for i in range(len(chosen)))
    scales = ";".join(
        f"[s{i}]scale={shape.width_for(r.height)}:{r.height}:force_original_aspect_ratio=decrease"
        f":force_divisible_by=2,pad={shape.width_for(r.height)}:{r.height}:-1:-1,setsar=1[v{i}]"
        for i, r in enumerate(chosen)
    )
    # Gaps (the seconds before the slate takes over) are filled with silence; the rate never changes.
    audio = f"[0:a]aresample={AUDIO_RATE}:async=1,asplit={len(chosen)}" + "".join(
        f"[a{i}]" for i in range(len(chosen))
    )
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
        f"{split};{scales};{audio}",
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
    for i, _ in enumerate(chosen):
        command += ["-map", f"[a{i}]"]
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
        "delete_segments+program_date_time+independent_segments+temp_file+omit_endlist"
        + ("+append_list+discont_start" if continuing else ""),
        "-master_pl_name",
        MASTER,
        "-var_stream_map",
        " ".join(f"v:{i},a:{i},name:{r.name}" for i, r in enumerate(chosen)),
        "-hls_segment_filename",
        str(folder / "%v" / "seg_%06d.ts"),
        str(folder / "%v" / "stream.m3u8"),
    ]
    if record_to is not None:
        command += record_args(record_to)
    return command


def hls_playlists(folder: Path) -> list[Path]:
    return [folder / rendition.name / "stream.m3u8" for rendition in renditions()]


def hls_open(folder: Path) -> bool:
    """The folder holds playlists a `sotong tv` left open: its broadcast was on air when it stopped."""
    playlists = [path for path in hls_playlists(folder) if path.is_file()]
    return bool(playlists) and not any(ENDLIST in path.read_text() for path in playlists)


def hls_end(folder: Path) -> None:
    """The signal is over: players stop asking for more."""
    for path in hls_playlists(folder):
        if path.is_file() and ENDLIST not in (text := path.read_text()):
            path.write_text(text + ("" if text.endswith("\n") else "\n") + ENDLIST + "\n")


def _forget_unlisted(folder: Path) -> None:
    """Segments the last ffmpeg left on disk but no longer listed (it keeps one past the window) would stay
    for ever: the next ffmpeg deletes only what its playlist lists."""
    playlist = folder / "stream.m3u8"
    listed = set(playlist.read_text().split()) if playlist.is_file() else set()
    for segment in folder.glob("seg_*.ts"):
        if segment.name not in listed:
            segment.unlink(missing_ok=True)


class Piped:
    """An ffmpeg fed on its standard input."""

    def __init__(self) -> None:
        self.process: asyncio.subprocess.Process | None = None

    async def _spawn(self, command: list[str]) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=None,  # ffmpeg's warnings go to this process's log
        )

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def write(self, data: bytes) -> None:
        if self.process is None or self.process.stdin is None or self.process.stdin.is_closing():
            return
        try:
            self.process.stdin.write(data)
            await self.process.stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            logger.warning("ffmpeg (pid %s) stopped reading", self.process.pid)

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


class Packager(Piped):
    """The one ffmpeg of one broadcast on air."""

    def __init__(self, folder: Path, *, geometry: Geometry | None = None) -> None:
        super().__init__()
        self.folder = folder
        self.geometry = geometry

    async def start(self) -> None:
        # The playlists an earlier ffmpeg of this broadcast left are continued (its segments stay listed until
        # they slide out); anything else in the folder would only confuse the numbering.
        continuing = any(path.is_file() for path in hls_playlists(self.folder))
        if self.folder.exists() and not continuing:
            shutil.rmtree(self.folder)
        for rendition in renditions():
            (self.folder / rendition.name).mkdir(parents=True, exist_ok=True)
            if continuing:
                _forget_unlisted(self.folder / rendition.name)
        await self._spawn(hls_command(self.folder, geometry=self.geometry, continuing=continuing))


class Recorder(Piped):
    """One connection's recording part."""

    def __init__(self, record_to: Path) -> None:
        super().__init__()
        self.record_to = record_to

    async def start(self) -> None:
        await self._spawn(record_command(self.record_to))
