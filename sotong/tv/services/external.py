"""The broadcast on YouTube and Facebook (decision 0075): which live chat or live video it is, what the
readers of ``sotong tv`` (``tv.sources``) stored from it, and YouTube's daily quota.

YouTube counts quota per API project and resets it at midnight Pacific time, so the quota day here is the
Pacific date and the project's spend is the sum of every YouTube row's ``quota_used`` for that day.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sotong.core.audit import audit_record
from sotong.tv.choices import BroadcastState, ChatSource, ExternalChatState
from sotong.tv.models import Broadcast, ChatMessage, ExternalChat
from sotong.tv.services.chat import ChatRefused, Incoming, chat_hide, chat_receive

PACIFIC = ZoneInfo("America/Los_Angeles")
SEOUL = ZoneInfo("Asia/Seoul")
# liveChatMessages.list and .streamList cost 5 units a call (Google's quota table).
YOUTUBE_CALL_COST = 5
# Kept back from the readers for the desk's own look-ups and for a reader restarted late in the day.
RESERVE_SHARE = 0.05
# The desk warns when less than this share of the day's quota is left.
WARNING_SHARE = 0.20
# A broadcast past its planned end still reads; its budget is spread over this much more time, rolling.
MIN_HORIZON = timedelta(minutes=15)
PLATFORMS = (ChatSource.YOUTUBE, ChatSource.FACEBOOK)
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_\-]{8,200}$")
_FACEBOOK_ID = re.compile(r"^[0-9]{5,40}$")


def quota_day_of(at: datetime) -> date:
    return at.astimezone(PACIFIC).date()


def quota_day_end(at: datetime) -> datetime:
    """The next midnight in Pacific time, when YouTube's quota is reset."""
    return datetime.combine(quota_day_of(at) + timedelta(days=1), time(0), tzinfo=PACIFIC)


def korean(message: Any) -> str:
    """A reason kept on the row (and shown on the desk) in Korean, whatever language the process runs in."""
    with translation.override("ko"):
        return str(message)


# --- the producer's hand -------------------------------------------------------------------------


def _clean_target(platform: str, target_id: str) -> str:
    value = target_id.strip()
    if platform == ChatSource.YOUTUBE:
        if not _YOUTUBE_ID.match(value):
            raise ValidationError(_("YouTube 라이브 채팅 ID는 영문, 숫자, -, _ 로 된 8자 이상이어야 합니다."))
    elif platform == ChatSource.FACEBOOK:
        if not _FACEBOOK_ID.match(value):
            raise ValidationError(_("Facebook 라이브 영상 ID는 숫자여야 합니다."))
    else:
        raise ValidationError(_("YouTube나 Facebook만 연결할 수 있습니다."))
    return value


@transaction.atomic
def external_connect(*, broadcast: Broadcast, platform: str, target_id: str, by: Any) -> ExternalChat:
    """Carry the comments of the broadcast's YouTube live chat or Facebook live video into its chat.
    A new id starts reading afresh; the same id resumes where reading stopped."""
    if broadcast.state in (BroadcastState.ENDED, BroadcastState.CANCELLED):
        raise ValidationError(_("끝났거나 취소된 방송에는 연결할 수 없습니다."))
    target = _clean_target(platform, target_id)
    chat = ExternalChat.objects.select_for_update().filter(broadcast=broadcast, platform=platform).first()
    if chat is None:
        chat = ExternalChat.objects.create(broadcast=broadcast, platform=platform, target_id=target)
    else:
        if chat.target_id != target:
            chat.page_token = ""
        chat.target_id = target
        chat.state = ExternalChatState.IDLE
        chat.last_error = ""
        chat.next_poll_at = None
        chat.save(
            update_fields=["target_id", "page_token", "state", "last_error", "next_poll_at", "updated_at"]
        )
    audit_record(
        action="tv.external.connect", actor=by, target=broadcast, detail={"platform": platform, "id": target}
    )
    return chat


@transaction.atomic
def external_disconnect(*, chat: ExternalChat, by: Any) -> ExternalChat:
    chat = ExternalChat.objects.select_for_update().get(pk=chat.pk)
    chat.state = ExternalChatState.STOPPED
    chat.next_poll_at = None
    chat.save(update_fields=["state", "next_poll_at", "updated_at"])
    audit_record(
        action="tv.external.disconnect",
        actor=by,
        target=chat.broadcast,
        detail={"platform": chat.platform, "id": chat.target_id},
    )
    return chat


# --- what the readers call (``tv.sources``; no user) -----------------------------------------------


@dataclass(frozen=True)
class ReaderState:
    chat_id: int
    broadcast_id: int
    platform: str
    target_id: str
    page_token: str
    next_poll_at: datetime | None


def chats_to_run() -> dict[int, str]:
    """The rows a reader should run for now: of live broadcasts, neither stopped nor failed."""
    rows = ExternalChat.objects.filter(
        broadcast__state=BroadcastState.LIVE,
        state__in=[ExternalChatState.IDLE, ExternalChatState.RUNNING],
        platform__in=PLATFORMS,
    ).values_list("pk", "platform")
    return dict(rows)


def reader_state(chat_id: int) -> ReaderState | None:
    """Where reading stands, or None when the row should no longer be read."""
    chat = (
        ExternalChat.objects.filter(pk=chat_id, broadcast__state=BroadcastState.LIVE)
        .exclude(state__in=[ExternalChatState.STOPPED, ExternalChatState.FAILED])
        .first()
    )
    return _reader_state(chat, next_poll_at=chat.next_poll_at) if chat is not None else None


def _reader_state(chat: ExternalChat, *, next_poll_at: datetime | None = None) -> ReaderState:
    return ReaderState(
        chat_id=chat.pk,
        broadcast_id=chat.broadcast_id,
        platform=chat.platform,
        target_id=chat.target_id,
        page_token=chat.page_token,
        next_poll_at=next_poll_at,
    )


def reader_last_call(chat_id: int) -> ReaderState | None:
    """When the broadcast has ended while the row was being read: where reading stands, for one last read of
    what was written since the previous call (up to a polling interval, about 45 s for YouTube near its quota),
    so that the chat replay has the broadcast's last minute too. None when the row was stopped or failed, or
    the broadcast did not end (cancelled, or still live)."""
    chat = ExternalChat.objects.filter(
        pk=chat_id, state=ExternalChatState.RUNNING, broadcast__state=BroadcastState.ENDED
    ).first()
    return _reader_state(chat) if chat is not None else None


def reader_started(chat_id: int) -> None:
    ExternalChat.objects.filter(pk=chat_id, state=ExternalChatState.IDLE).update(
        state=ExternalChatState.RUNNING, updated_at=timezone.now()
    )


def reader_released(chat_id: int) -> None:
    """The broadcast ended (or the process stops): the row waits, to resume if it goes live again."""
    ExternalChat.objects.filter(pk=chat_id, state=ExternalChatState.RUNNING).update(
        state=ExternalChatState.IDLE, updated_at=timezone.now()
    )


def reader_deliver(chat_id: int, lines: list[Incoming], *, at: datetime) -> int:
    """Store the lines in order; returns how many were new. A banned author's line is refused and skipped."""
    created = 0
    for line in lines:
        try:
            _message, new = chat_receive(line)
        except ChatRefused:
            continue
        created += int(new)
    if created:
        chat = ExternalChat.objects.get(pk=chat_id)
        chat.messages_received += created
        chat.last_received_at = at
        chat.save(update_fields=["messages_received", "last_received_at", "updated_at"])
    return created


def reader_hide(*, broadcast_id: int, source: str, external_id: str) -> None:
    """The platform deleted a line (its moderators did): hide our copy too."""
    message = ChatMessage.objects.filter(
        broadcast_id=broadcast_id, source=source, external_id=external_id
    ).first()
    if message is not None:
        chat_hide(message=message, by=None, reason=f"{source}_deleted")


def reader_progress(
    chat_id: int,
    *,
    page_token: str | None = None,
    next_poll_at: datetime | None = None,
    error: str | None = None,
) -> None:
    fields: dict[str, Any] = {"updated_at": timezone.now()}
    if page_token is not None:
        fields["page_token"] = page_token[:500]
    if next_poll_at is not None:
        fields["next_poll_at"] = next_poll_at
    if error is not None:
        fields["last_error"] = error[:500]
    ExternalChat.objects.filter(pk=chat_id).update(**fields)


def reader_stop(chat_id: int, *, state: str, reason: str) -> None:
    ExternalChat.objects.filter(pk=chat_id).update(
        state=state, last_error=reason[:500], next_poll_at=None, updated_at=timezone.now()
    )


# --- YouTube's quota -----------------------------------------------------------------------------


@transaction.atomic
def quota_spend(chat_id: int, *, units: int, at: datetime) -> None:
    """Count a call before it is made: Google charges failed calls too."""
    day = quota_day_of(at)
    chat = ExternalChat.objects.select_for_update().get(pk=chat_id)
    if chat.quota_day != day:
        chat.quota_day = day
        chat.quota_used = 0
    chat.quota_used += units
    chat.save(update_fields=["quota_day", "quota_used", "updated_at"])


def quota_used_today(at: datetime) -> int:
    used = ExternalChat.objects.filter(platform=ChatSource.YOUTUBE, quota_day=quota_day_of(at)).aggregate(
        total=Sum("quota_used")
    )["total"]
    return int(used or 0)


def _window_end(end: datetime) -> datetime:
    """A broadcast may run on after its planned end as long as its key still works."""
    return end + timedelta(minutes=settings.TV_PUBLISH_LATE_MINUTES)


@dataclass(frozen=True)
class Budget:
    """What one YouTube reader may spend: the project's units left today, and the time they must last —
    its own broadcast's and the other YouTube-connected broadcasts' (start, end) still to come today."""

    now: datetime
    day_end: datetime
    units_left: int
    mine: tuple[datetime, datetime]
    others: tuple[tuple[datetime, datetime], ...]
    limit: int


def youtube_budget(chat_id: int, at: datetime) -> Budget:
    chat = ExternalChat.objects.select_related("broadcast").get(pk=chat_id)
    day_end = quota_day_end(at)
    others = [
        (max(start, at), _window_end(end))
        for start, end in ExternalChat.objects.filter(
            platform=ChatSource.YOUTUBE,
            broadcast__state__in=[BroadcastState.LIVE, BroadcastState.SCHEDULED],
            broadcast__starts_at__lt=day_end,
            state__in=[ExternalChatState.IDLE, ExternalChatState.RUNNING],
        )
        .exclude(pk=chat_id)
        .values_list("broadcast__starts_at", "broadcast__ends_at")
    ]
    limit = settings.TV_YOUTUBE_DAILY_QUOTA
    return Budget(
        now=at,
        day_end=day_end,
        units_left=max(0, limit - quota_used_today(at)),
        mine=(at, _window_end(chat.broadcast.ends_at)),
        others=tuple((s, e) for s, e in others if e > s),
        limit=limit,
    )


def youtube_interval(budget: Budget, *, polling_interval: float, cost: int = YOUTUBE_CALL_COST) -> float:
    """Seconds from one call's start to the next, so that the day's units last.

    This reader's share of what is left (less the reserve) follows the share of the remaining time — within
    this quota day — that its broadcast takes among every YouTube-connected broadcast; its calls are spread
    evenly over its own remaining time, never closer than YouTube's ``pollingIntervalMillis``. A 24-hour
    broadcast alone gets one call about every 45 s; an hour-long one reads as fast as YouTube allows."""
    now, day_end = budget.now, budget.day_end
    day_left = max(1.0, (day_end - now).total_seconds())

    def within_day(start: datetime, end: datetime) -> float:
        return max(0.0, (min(end, day_end) - max(start, now)).total_seconds())

    mine = min(max(within_day(*budget.mine), MIN_HORIZON.total_seconds()), day_left)
    others = sum(within_day(s, e) for s, e in budget.others)
    spendable = budget.units_left - budget.limit * RESERVE_SHARE
    calls = math.floor(spendable * mine / (mine + others) / cost)
    if calls < 1:
        return day_left  # nothing left: wait for the reset
    return max(polling_interval, mine / calls)


@dataclass(frozen=True)
class QuotaStatus:
    used: int
    limit: int
    left: int
    warning: bool
    lasts: bool  # what is planned for the connected broadcasts fits in what is left
    resets_at: datetime  # in Seoul time

    @property
    def percent_used(self) -> int:
        return min(100, round(100 * self.used / self.limit)) if self.limit else 100


def quota_status(*, at: datetime | None = None) -> QuotaStatus:
    at = at or timezone.now()
    limit = settings.TV_YOUTUBE_DAILY_QUOTA
    used = quota_used_today(at)
    left = max(0, limit - used)
    planned = 0
    for chat_id in ExternalChat.objects.filter(
        platform=ChatSource.YOUTUBE,
        broadcast__state=BroadcastState.LIVE,
        state__in=[ExternalChatState.IDLE, ExternalChatState.RUNNING],
    ).values_list("pk", flat=True):
        budget = youtube_budget(chat_id, at)
        interval = youtube_interval(budget, polling_interval=1.0)
        horizon = max(0.0, (min(budget.mine[1], budget.day_end) - at).total_seconds())
        planned += YOUTUBE_CALL_COST * math.ceil(horizon / interval) if interval < horizon else 0
    return QuotaStatus(
        used=used,
        limit=limit,
        left=left,
        warning=left < limit * WARNING_SHARE or used + planned > limit,
        lasts=used + planned <= limit,
        resets_at=quota_day_end(at).astimezone(SEOUL),
    )
