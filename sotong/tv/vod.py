"""A recording's time line and the WebVTT it is published with (decision 0076).

What happened during a broadcast (a producer's marker, an answered question, a caption, a chat line) carries the
wall-clock time it happened; the video on demand has its own clock, from 0 at the first recorded frame. The
time line maps one onto the other through the recorded parts (one per connection of the encoder), so a dropped
encoder's gap is skipped, not counted. WebVTT is written by hand: cues, times and three escapes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

TIMELINE = "timeline.json"
# A caption line stays up until the next one, but no longer than this (the captioner paused).
CAPTION_MAX_SECONDS = 6.0


@dataclass(frozen=True)
class Part:
    started_at: datetime  # wall clock of the part's first frame
    duration: float  # seconds of video in the part, as kept in the VOD


@dataclass(frozen=True)
class Timeline:
    parts: tuple[Part, ...]

    @property
    def duration(self) -> float:
        return sum(part.duration for part in self.parts)

    def offset(self, at: datetime) -> float | None:
        """Seconds into the VOD of wall-clock ``at``: before the first part it is 0, in a gap between parts the
        next part's start; after the last part there is no video for it (None)."""
        elapsed = 0.0
        for part in self.parts:
            into = (at - part.started_at).total_seconds()
            if into < 0:
                return elapsed
            if into <= part.duration:
                return elapsed + into
            elapsed += part.duration
        return None

    def to_json(self) -> str:
        return json.dumps(
            {"parts": [{"started_at": p.started_at.isoformat(), "duration": p.duration} for p in self.parts]}
        )

    @classmethod
    def from_json(cls, text: str) -> Timeline:
        data = json.loads(text)
        return cls(
            tuple(Part(datetime.fromisoformat(p["started_at"]), float(p["duration"])) for p in data["parts"])
        )


def vod_folder(broadcast_pk: int) -> Path:
    return Path(settings.TV_VOD_DIR) / f"b{broadcast_pk}"


def load_timeline(folder: Path) -> Timeline | None:
    try:
        return Timeline.from_json((folder / TIMELINE).read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def timestamp(seconds: float) -> str:
    """WebVTT's ``hh:mm:ss.ttt``."""
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def clock(seconds: float) -> str:
    """How a person reads a position: ``4:05``, ``1:02:03``."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _escape(text: str) -> str:
    # No blank line (it would end the cue), and the characters WebVTT cue text reserves ("-->" with them).
    lines = (" ".join(line.split()) for line in text.splitlines())
    kept = "\n".join(line for line in lines if line)
    return kept.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(cues: Iterable[Cue]) -> str:
    blocks = ["WEBVTT"]
    for number, cue in enumerate(cues, start=1):
        blocks.append(f"{number}\n{timestamp(cue.start)} --> {timestamp(cue.end)}\n{_escape(cue.text)}")
    return "\n\n".join(blocks) + "\n"


def chapter_cues(chapters: Iterable[tuple[float, str]], *, duration: float) -> list[Cue]:
    """Chapters as cues: each runs until the next begins (the last until the end). Two at the same moment
    keep their order, a millisecond apart, as WebVTT wants every cue to last."""
    cues: list[Cue] = []
    starts: list[tuple[float, str]] = []
    for start, title in sorted(chapters, key=lambda chapter: chapter[0]):
        if starts and start <= starts[-1][0]:
            start = starts[-1][0] + 0.001
        starts.append((start, title))
    for index, (start, title) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else max(duration, start + 0.001)
        cues.append(Cue(start, end, title))
    return cues


def caption_cues(lines: Iterable[tuple[float, str]], *, duration: float) -> list[Cue]:
    """Caption lines (offset, text) in order: each up until the next line, at most CAPTION_MAX_SECONDS."""
    ordered = sorted(lines, key=lambda line: line[0])
    cues = []
    for index, (start, text) in enumerate(ordered):
        following = ordered[index + 1][0] if index + 1 < len(ordered) else duration
        end = min(following, start + CAPTION_MAX_SECONDS, max(duration, start + 0.001))
        cues.append(Cue(start, max(end, start + 0.001), text))
    return cues
