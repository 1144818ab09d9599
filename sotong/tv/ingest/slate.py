"""The fallback slate (decision 0079): what viewers see while a live broadcast has no signal. A card ("잠시 후
방송이 이어집니다" and the district's name) drawn once with Pillow, encoded once by ffmpeg with silent AAC into a
short FLV loop, and read into tags the program feeds its ffmpeg in place of the encoder's."""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from sotong.tv.ingest.packager import ffmpeg_binary

logger = logging.getLogger(__name__)

LOOP_SECONDS = 2
BACKGROUND = (11, 46, 89)  # the district's navy; the process test recognises the slate by it
FOREGROUND = (255, 255, 255)
WHEEL_FONTS = ("NanumGothicBold.ttf", "NanumGothic.ttf")
# Where a font with Hangul usually is when neither TV_SLATE_FONT nor the wheel has one (Debian's fonts-nanum, Noto CJK).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf",
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)

AUDIO, VIDEO, SCRIPT = 8, 9, 18


@dataclass(frozen=True)
class Tag:
    kind: int  # AUDIO, VIDEO or SCRIPT
    timestamp: int  # milliseconds
    payload: bytes

    @property
    def is_header(self) -> bool:
        """The AVC decoder configuration or the AAC AudioSpecificConfig, not a frame."""
        return self.kind in (AUDIO, VIDEO) and len(self.payload) > 1 and self.payload[1] == 0

    @property
    def is_keyframe(self) -> bool:
        return self.kind == VIDEO and bool(self.payload) and self.payload[0] >> 4 == 1


@dataclass(frozen=True)
class Slate:
    headers: tuple[Tag, ...]
    frames: tuple[Tag, ...]  # from a key frame, timestamps from 0
    length_ms: int


def flv_tags(data: bytes) -> list[Tag]:
    """The tags of an FLV file (header and PreviousTagSize fields skipped)."""
    if data[:3] != b"FLV":
        raise ValueError("not FLV")
    position = int.from_bytes(data[5:9], "big") + 4
    tags = []
    while position + 11 <= len(data):
        kind = data[position]
        size = int.from_bytes(data[position + 1 : position + 4], "big")
        timestamp = int.from_bytes(data[position + 4 : position + 7], "big") | data[position + 7] << 24
        payload = data[position + 11 : position + 11 + size]
        if len(payload) < size:
            break
        tags.append(Tag(kind, timestamp, payload))
        position += 11 + size + 4
    return tags


def flv_tag(kind: int, timestamp: int, payload: bytes) -> bytes:
    timestamp &= 0xFFFFFFFF
    return (
        bytes([kind])
        + len(payload).to_bytes(3, "big")
        + (timestamp & 0xFFFFFF).to_bytes(3, "big")
        + bytes([timestamp >> 24])
        + b"\x00\x00\x00"
        + payload
        + (11 + len(payload)).to_bytes(4, "big")
    )


FLV_HEADER = b"FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00"


def wheel_fonts() -> list[str]:
    """NanumGothic from the koreanize-matplotlib wheel (a dependency), found without importing the package
    (which would import matplotlib): a fresh machine has Hangul for the slate with nothing but Python."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    folders = list(spec.submodule_search_locations or []) if spec else []
    return [str(Path(folder) / "fonts" / name) for folder in folders for name in WHEEL_FONTS]


def _font(size: int) -> object | None:
    from PIL import ImageFont

    chosen = [str(settings.TV_SLATE_FONT)] if settings.TV_SLATE_FONT else []
    for candidate in (*chosen, *wheel_fonts(), *FONT_CANDIDATES):
        if Path(candidate).is_file():
            try:
                return ImageFont.truetype(candidate, size)
            except OSError:
                continue
    return None


def slate_image(path: Path, *, width: int, height: int, lines: tuple[str, ...]) -> None:
    """The card. Without a font that has Hangul the card is drawn without words: a plain card still says
    'not frozen, waiting' better than a stuck picture."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    sizes = (max(12, height // 12), max(10, height // 20))
    y = height * 0.42
    for text, size in zip(lines, sizes, strict=False):
        font = _font(size)
        if font is None:
            break
        draw.text((width / 2, y), text, fill=FOREGROUND, font=font, anchor="mm")  # type: ignore[arg-type]
        y += size * 1.8
    image.save(path)


def slate_build(
    into: Path, *, width: int, height: int, fps: int, lines: tuple[str, ...], ffmpeg: str | None = None
) -> Slate:
    """Encode the card (once per size and wording, kept in ``into``) and read it back as tags."""
    key = hashlib.sha256(f"{width}x{height}@{fps}:{'|'.join(lines)}".encode()).hexdigest()[:16]
    path = into / f"slate-{key}.flv"
    if not path.is_file():
        into.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".slate-", dir=into))
        try:
            slate_image(work / "card.png", width=width, height=height, lines=lines)
            subprocess.run(
                [ffmpeg or ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y",
                 "-loop", "1", "-framerate", str(fps), "-i", str(work / "card.png"),
                 "-f", "lavfi", "-i", "anullsrc=channel_layout=stereo:sample_rate=44100",
                 "-t", str(LOOP_SECONDS), "-c:v", "libx264", "-preset", "veryfast", "-tune", "stillimage",
                 "-pix_fmt", "yuv420p", "-g", str(fps), "-bf", "0", "-c:a", "aac", "-b:a", "64k",
                 "-shortest", "-f", "flv", str(work / "slate.flv")],
                check=True, capture_output=True, timeout=120,
            )  # fmt: skip
            (work / "slate.flv").replace(path)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return slate_read(path.read_bytes())


def slate_read(data: bytes) -> Slate:
    tags = [tag for tag in flv_tags(data) if tag.kind in (AUDIO, VIDEO)]
    headers = tuple(tag for tag in tags if tag.is_header)
    frames = [tag for tag in tags if not tag.is_header]
    first_key = next(i for i, tag in enumerate(frames) if tag.is_keyframe)
    frames = frames[first_key:]
    start = frames[0].timestamp
    shifted = tuple(Tag(tag.kind, max(0, tag.timestamp - start), tag.payload) for tag in frames)
    video = [tag.timestamp for tag in shifted if tag.kind == VIDEO]
    step = (video[-1] - video[0]) // max(1, len(video) - 1) if len(video) > 1 else 40
    return Slate(headers, shifted, max(tag.timestamp for tag in shifted) + step)
