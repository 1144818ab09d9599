"""What a live broadcast's program shows, decided from what its encoder does (decision 0079). No clock and no
I/O here: the program calls in with the monotonic time and acts on the change returned.

    LIVE  ── no picture for TV_STALL_SECONDS, or the encoder dropped ──▶  SLATE   (LOST)
    SLATE ── a key frame from an encoder ──────────────────────────────▶  LIVE    (BACK)
    SLATE ── no encoder for TV_RECONNECT_GRACE_SECONDS ────────────────▶  OFF     (GAVE_UP)
    any   ── the encoder stopped on purpose (OBS 'stop streaming') ────▶  OFF     (ENDED)

An encoder that is connected but silent keeps the slate on for as long as it stays connected: it is there and
may go on; the producer has been alerted."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Shown(enum.Enum):
    LIVE = "live"
    SLATE = "slate"
    OFF = "off"


class Change(enum.Enum):
    LOST = "lost"
    BACK = "back"
    GAVE_UP = "gave_up"
    ENDED = "ended"


@dataclass
class SignalWatch:
    stall_seconds: float
    grace_seconds: float
    shown: Shown = Shown.LIVE
    connected: bool = False
    last_media_at: float = 0.0
    gone_since: float | None = None  # when the last encoder left (the grace runs from here)
    history: list[tuple[float, Change]] = field(default_factory=list)

    def _change(self, now: float, change: Change, shown: Shown) -> Change:
        self.shown = shown
        self.history.append((now, change))
        return change

    def attached(self, now: float) -> None:
        """An encoder connected (the first, or one coming back). The picture returns with its first key frame."""
        self.connected = True
        self.gone_since = None
        self.last_media_at = now

    def picture(self, now: float, *, keyframe: bool) -> Change | None:
        """The encoder sent a video frame (or any media while live)."""
        if self.shown is Shown.OFF or not self.connected:
            return None
        self.last_media_at = now
        if self.shown is Shown.SLATE and keyframe:
            return self._change(now, Change.BACK, Shown.LIVE)
        return None

    def detached(self, now: float, *, deliberate: bool) -> Change | None:
        self.connected = False
        self.gone_since = now
        if self.shown is Shown.OFF:
            return None
        if deliberate:
            return self._change(now, Change.ENDED, Shown.OFF)
        if self.shown is Shown.LIVE:
            return self._change(now, Change.LOST, Shown.SLATE)
        return None

    def resumed(self, now: float) -> Change:
        """This process started with the broadcast on air and no encoder yet (the ingest restarted)."""
        self.connected = False
        self.gone_since = now
        return self._change(now, Change.LOST, Shown.SLATE)

    def tick(self, now: float) -> Change | None:
        if self.shown is Shown.LIVE and self.connected and now - self.last_media_at >= self.stall_seconds:
            return self._change(now, Change.LOST, Shown.SLATE)
        if (
            self.shown is Shown.SLATE
            and not self.connected
            and self.gone_since is not None
            and now - self.gone_since >= self.grace_seconds
        ):
            return self._change(now, Change.GAVE_UP, Shown.OFF)
        return None

    def end(self, now: float) -> Change | None:
        """The broadcast ended (the producer pressed 종료) while nothing but the slate was on air."""
        if self.shown is Shown.OFF:
            return None
        return self._change(now, Change.GAVE_UP, Shown.OFF)
