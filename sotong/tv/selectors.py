"""Reads of 소통TV for the resident pages, the home block, the calendar feed and KakaoTalk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from sotong.tv.choices import BroadcastState, ChatState, DeskState, RecordingState
from sotong.tv.models import Broadcast, ChatMessage, Recording
from sotong.tv.vod import Timeline, clock, load_timeline, vod_folder

# How far back the schedule shows ended broadcasts, and how far ahead the calendar feed reaches.
RECENT = timedelta(days=30)
AHEAD = timedelta(days=90)


def public_broadcasts() -> QuerySet[Broadcast]:
    return Broadcast.objects.select_related("show")


def recent_chat(broadcast: Broadcast, *, limit: int = 50) -> list[ChatMessage]:
    """The last lines viewers may see, oldest first (the page shows them before the chat connects)."""
    shown = ChatMessage.objects.filter(broadcast=broadcast, state=ChatState.VISIBLE)
    return list(reversed(shown.order_by("-posted_at", "-pk")[:limit]))


def on_air(broadcast: Broadcast) -> ChatMessage | None:
    """The line the producer has on air now, if any."""
    return (
        ChatMessage.objects.filter(broadcast=broadcast, state=ChatState.VISIBLE, desk_state="on_air")
        .order_by("-desk_changed_at")
        .first()
    )


def live_now() -> list[Broadcast]:
    return list(public_broadcasts().filter(state=BroadcastState.LIVE).order_by("went_live_at", "pk"))


def next_up(*, now: datetime | None = None, limit: int = 3) -> list[Broadcast]:
    now = now or timezone.now()
    return list(
        public_broadcasts()
        .filter(state=BroadcastState.SCHEDULED, ends_at__gt=now)
        .order_by("starts_at", "pk")[:limit]
    )


@dataclass(frozen=True)
class Schedule:
    live: list[Broadcast]
    upcoming: list[Broadcast]
    ended: list[Broadcast]


def schedule(*, now: datetime | None = None) -> Schedule:
    now = now or timezone.now()
    rows = public_broadcasts().filter(starts_at__gte=now - RECENT, starts_at__lte=now + AHEAD)
    upcoming = list(rows.filter(state=BroadcastState.SCHEDULED, ends_at__gt=now).order_by("starts_at"))
    ended = list(
        rows.filter(state__in=[BroadcastState.ENDED, BroadcastState.CANCELLED]).order_by("-starts_at")[:20]
    )
    return Schedule(live=live_now(), upcoming=upcoming, ended=ended)


def calendar_broadcasts(*, now: datetime | None = None) -> QuerySet[Broadcast]:
    now = now or timezone.now()
    return (
        public_broadcasts()
        .filter(starts_at__gte=now - RECENT, starts_at__lte=now + AHEAD)
        .order_by("starts_at")
    )


@dataclass(frozen=True)
class Chapter:
    offset: float  # seconds into the VOD
    title: str
    kind: str  # "marker" (the producer's) or "question" (answered at the desk)

    @property
    def clock(self) -> str:
        return clock(self.offset)


@dataclass(frozen=True)
class Vod:
    recording: Recording
    timeline: Timeline
    chapters: list[Chapter]

    @property
    def length(self) -> str:
        return clock(self.timeline.duration)


def vod_for(*, broadcast: Broadcast) -> Vod | None:
    """The broadcast's video on demand once it is ready, with its chapters; None before (or without one)."""
    recording = Recording.objects.filter(broadcast=broadcast, state=RecordingState.READY).first()
    timeline = load_timeline(vod_folder(broadcast.pk)) if recording else None
    if recording is None or timeline is None:
        return None
    recording.broadcast = broadcast
    return Vod(recording, timeline, vod_chapters(broadcast=broadcast, timeline=timeline))


def vod_chapters(*, broadcast: Broadcast, timeline: Timeline) -> list[Chapter]:
    """The producer's markers and the questions the desk answered, in the order they came on the VOD. A
    question's moment is when the desk marked it answered (no earlier moment is kept)."""
    found = [(at, title, "marker") for at, title in broadcast.markers.values_list("at", "title")]
    answered = ChatMessage.objects.filter(
        broadcast=broadcast,
        state=ChatState.VISIBLE,
        desk_state=DeskState.ANSWERED,
        desk_changed_at__isnull=False,
    )
    found += [(at, body, "question") for at, body in answered.values_list("desk_changed_at", "body") if at]
    chapters = []
    for at, title, kind in found:
        offset = timeline.offset(at)
        if offset is not None:
            chapters.append(Chapter(offset, title if len(title) <= 80 else title[:79] + "…", kind))
    return sorted(chapters, key=lambda chapter: chapter.offset)


def vod_caption_lines(*, broadcast: Broadcast, timeline: Timeline) -> list[tuple[float, str]]:
    lines = []
    for at, text in broadcast.caption_cues.values_list("at", "text"):
        offset = timeline.offset(at)
        if offset is not None:
            lines.append((offset, text))
    return lines


def vod_chat_replay(*, broadcast: Broadcast, timeline: Timeline) -> list[dict[str, object]]:
    """The chat lines viewers saw (moderated ones left out, as they are now), each at its moment of the VOD."""
    shown = ChatMessage.objects.filter(broadcast=broadcast, state=ChatState.VISIBLE).order_by(
        "posted_at", "pk"
    )
    replay: list[dict[str, object]] = []
    for posted_at, author, body, source in shown.values_list("posted_at", "author", "body", "source"):
        offset = timeline.offset(posted_at)
        if offset is not None:
            replay.append({"t": round(offset, 1), "author": author, "body": body, "source": source})
    return replay
