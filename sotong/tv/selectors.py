"""Reads of 소통TV for the resident pages, the home block, the calendar feed and KakaoTalk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from sotong.tv.choices import BroadcastState
from sotong.tv.models import Broadcast

# How far back the schedule shows ended broadcasts, and how far ahead the calendar feed reaches.
RECENT = timedelta(days=30)
AHEAD = timedelta(days=90)


def public_broadcasts() -> QuerySet[Broadcast]:
    return Broadcast.objects.select_related("show")


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
