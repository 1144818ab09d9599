"""소통TV: shows, their broadcasts (an episode on the schedule, then live, then ended) and every attempt
an encoder made to publish to one (decision 0072)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sotong.core.crypto import EncryptedTextField
from sotong.tv.choices import (
    BroadcastState,
    ChatMode,
    ChatSource,
    ChatState,
    DeskState,
    ExternalChatState,
    HoldReason,
    IngestOutcome,
    PollState,
    RecordingState,
)


class Show(models.Model):
    """A programme the district broadcasts again and again: 구정뉴스, 건강강좌, 구의회 생중계 …"""

    slug = models.SlugField(_("주소 이름"), max_length=60, unique=True)
    title_ko = models.CharField(_("프로그램 이름"), max_length=80)
    title_en = models.CharField(_("영문 이름"), max_length=80, blank=True)
    title_zh = models.CharField(_("중문 이름"), max_length=80, blank=True)
    description_ko = models.TextField(_("소개"), blank=True)
    description_en = models.TextField(_("영문 소개"), blank=True)
    description_zh = models.TextField(_("중문 소개"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("순서"), default=100)

    class Meta:
        ordering = ["sort_order", "title_ko"]
        verbose_name = _("프로그램")
        verbose_name_plural = _("프로그램")

    def __str__(self) -> str:
        return self.title_ko


class Broadcast(models.Model):
    """One broadcast of a show at a planned time. An encoder may publish to it with its stream key, which
    is shown once when issued and kept only as a digest."""

    show = models.ForeignKey(
        Show, on_delete=models.PROTECT, related_name="broadcasts", verbose_name=_("프로그램")
    )
    title_ko = models.CharField(_("방송 제목"), max_length=120)
    title_en = models.CharField(_("영문 제목"), max_length=120, blank=True)
    title_zh = models.CharField(_("중문 제목"), max_length=120, blank=True)
    description_ko = models.TextField(_("방송 소개"), blank=True)
    description_en = models.TextField(_("영문 소개"), blank=True)
    description_zh = models.TextField(_("중문 소개"), blank=True)
    starts_at = models.DateTimeField(_("시작 예정"))
    ends_at = models.DateTimeField(_("끝 예정"))
    state = models.CharField(
        _("상태"), max_length=12, choices=BroadcastState.choices, default=BroadcastState.SCHEDULED
    )
    # An encoder is connected now. A live broadcast whose encoder dropped stays live (the encoder may
    # reconnect with the same key) until the producer ends it or its planned end has long passed.
    publishing = models.BooleanField(_("송출 연결됨"), default=False, editable=False)
    went_live_at = models.DateTimeField(_("생방송 시작"), null=True, blank=True)
    ended_at = models.DateTimeField(_("방송 종료"), null=True, blank=True)
    stream_key_digest = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    stream_key_hint = models.CharField(
        _("송출 키 끝자리"), max_length=8, blank=True, default="", editable=False
    )
    stream_key_issued_at = models.DateTimeField(_("송출 키 발급"), null=True, blank=True, editable=False)
    stream_key_issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("송출 키 발급자"),
    )
    stream_key_revoked_at = models.DateTimeField(_("송출 키 폐기"), null=True, blank=True, editable=False)
    chat_mode = models.CharField(_("채팅"), max_length=8, choices=ChatMode.choices, default=ChatMode.OPEN)
    chat_slow_seconds = models.PositiveSmallIntegerField(
        _("느린 채팅 (초)"),
        default=5,
        help_text=_("한 사람이 이 시간 안에 다시 쓸 수 없습니다. 0이면 제한 없음."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("방송")
        verbose_name_plural = _("방송")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="tv_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title_ko

    @property
    def has_usable_key(self) -> bool:
        return bool(self.stream_key_digest) and self.stream_key_revoked_at is None


class IngestAttempt(models.Model):
    """What an encoder tried (publish, or the end of one) and what the ingest answered: the producer's
    "why is my OBS refused" and the audit of who went on air."""

    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, null=True, blank=True, related_name="ingest_attempts"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    outcome = models.CharField(max_length=16, choices=IngestOutcome.choices)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    ingest = models.CharField(max_length=40, blank=True, default="")  # which front: "nginx", "embedded"

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.outcome}"


class ChatMessage(models.Model):
    """One line of the broadcast's chat, from the site or from the broadcast on YouTube or Facebook.

    Stored before anything else (idempotently on the source's own id), moderated before it is shown:
    ``body`` holds the text with personal data masked; a line with a link or profanity waits for a
    moderator. Questions go to the studio's desk (``desk_state``)."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="chat_messages")
    source = models.CharField(max_length=10, choices=ChatSource.choices, default=ChatSource.SITE)
    external_id = models.CharField(max_length=200, blank=True, default="")
    author = models.CharField(_("이름"), max_length=40)
    # Who on the source: a YouTube channel id or Facebook user id; for the site, the device's digest.
    author_key = models.CharField(max_length=200, blank=True, default="", db_index=True)
    body = models.CharField(_("내용"), max_length=500)
    state = models.CharField(max_length=8, choices=ChatState.choices, default=ChatState.VISIBLE)
    held_reason = models.CharField(max_length=10, choices=HoldReason.choices, blank=True, default="")
    posted_at = models.DateTimeField(_("쓴 시각"), db_index=True)
    received_at = models.DateTimeField(auto_now_add=True)
    address_digest = models.CharField(max_length=64, blank=True, default="")
    pinned = models.BooleanField(_("고정"), default=False)
    is_question = models.BooleanField(_("질문"), default=False)
    desk_state = models.CharField(max_length=10, choices=DeskState.choices, blank=True, default="")
    desk_changed_at = models.DateTimeField(null=True, blank=True)
    upvotes = models.PositiveIntegerField(_("공감"), default=0)
    case_reference = models.CharField(_("민원 번호"), max_length=40, blank=True, default="")
    # A YouTube or Facebook author told on their platform that their line became a case: "" (not asked),
    # sending, sent, failed or unavailable (the district's account for it is not configured); why, if not.
    told = models.CharField(max_length=12, blank=True, default="")
    told_note = models.CharField(max_length=200, blank=True, default="")
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["posted_at", "pk"]
        verbose_name = _("채팅")
        verbose_name_plural = _("채팅")
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast", "source", "external_id"],
                condition=~models.Q(external_id=""),
                name="tv_chat_once_per_source_id",
            )
        ]
        indexes = [models.Index(fields=["broadcast", "state", "posted_at"], name="tv_chat_shown")]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class ChatVote(models.Model):
    """A viewer's 공감 for a question, once per device."""

    message = models.ForeignKey(ChatMessage, on_delete=models.CASCADE, related_name="votes")
    device_digest = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "device_digest"], name="tv_one_vote_per_device")
        ]

    def __str__(self) -> str:
        return f"{self.message_id} · {self.device_digest[:8]}"


class ChatBan(models.Model):
    """A viewer kept out of the chat: by device and address (site), or by author key (YouTube, Facebook),
    so a new nickname does not bring them back. Without a broadcast it holds for every broadcast."""

    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, null=True, blank=True, related_name="chat_bans"
    )
    source = models.CharField(max_length=10, choices=ChatSource.choices, default=ChatSource.SITE)
    author_key = models.CharField(max_length=200, blank=True, default="", db_index=True)
    address_digest = models.CharField(max_length=64, blank=True, default="", db_index=True)
    author = models.CharField(_("이름"), max_length=40, blank=True, default="")
    reason = models.CharField(_("사유"), max_length=200, blank=True, default="")
    message = models.ForeignKey(
        ChatMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    until = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.author or self.author_key or self.address_digest[:8]} ({self.get_source_display()})"


class ExternalChat(models.Model):
    """The same broadcast on YouTube or Facebook, whose comments the chat carries: the platform's id of
    the live chat (YouTube liveChatId) or live video (Facebook), where reading stopped, and the quota spent."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="external_chats")
    platform = models.CharField(max_length=10, choices=ChatSource.choices)
    target_id = models.CharField(_("라이브 채팅 ID"), max_length=200)
    state = models.CharField(max_length=8, choices=ExternalChatState.choices, default=ExternalChatState.IDLE)
    page_token = models.CharField(max_length=500, blank=True, default="")
    next_poll_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    last_received_at = models.DateTimeField(null=True, blank=True)
    messages_received = models.PositiveIntegerField(default=0)
    quota_day = models.DateField(null=True, blank=True)
    quota_used = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast", "platform"], name="tv_one_external_chat_per_platform"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.target_id}"


class CaptionCue(models.Model):
    """A line of live captions as the captioner sent it; shown from ``at`` until the next line (or a few
    seconds), and kept for the recording's WebVTT track."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="caption_cues")
    at = models.DateTimeField(db_index=True)
    text = models.CharField(_("자막"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.text


class Marker(models.Model):
    """A producer's chapter mark ("2부: 질의응답") at a moment of the broadcast."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="markers")
    at = models.DateTimeField()
    title = models.CharField(_("장 제목"), max_length=120)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.title


class Poll(models.Model):
    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(_("질문"), max_length=200)
    state = models.CharField(max_length=8, choices=PollState.choices, default=PollState.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.question


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("보기"), max_length=80)
    sort_order = models.PositiveSmallIntegerField(default=0)
    votes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.label


class PollVote(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="ballots")
    device_digest = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "device_digest"], name="tv_one_ballot_per_device")
        ]

    def __str__(self) -> str:
        return f"{self.poll_id} · {self.option_id}"


class Recording(models.Model):
    """What was on air, kept: parts written while the encoder was connected, then (after the end) the
    video on demand with chapters, captions and the chat replay."""

    broadcast = models.OneToOneField(Broadcast, on_delete=models.CASCADE, related_name="recording")
    state = models.CharField(max_length=10, choices=RecordingState.choices, default=RecordingState.RECORDING)
    duration_seconds = models.FloatField(default=0)
    size_bytes = models.BigIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True, default="")
    started_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("다시보기")
        verbose_name_plural = _("다시보기")

    def __str__(self) -> str:
        return str(self.broadcast)


class ViewerTally(models.Model):
    """How many viewers one web process holds for a broadcast, refreshed every few seconds; the sum of the
    fresh rows is the broadcast's viewer count across processes."""

    process = models.CharField(max_length=64)
    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="+")
    viewers = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["process", "broadcast"], name="tv_one_tally_per_process")
        ]

    def __str__(self) -> str:
        return f"{self.process}: {self.viewers}"


class Reminder(models.Model):
    """ "Remind me": a resident asked to be told when a broadcast begins, by this browser's Web Push or by
    e-mail (confirmed by a link first). No account; ``token`` lets them cancel it."""

    class Channel(models.TextChoices):
        WEBPUSH = "webpush", _("웹 푸시")
        EMAIL = "email", _("이메일")

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="reminders")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    endpoint = models.URLField(max_length=1000, blank=True)
    p256dh = models.CharField(max_length=200, blank=True)
    auth = models.CharField(max_length=60, blank=True)
    contact = EncryptedTextField(blank=True)
    contact_digest = models.CharField(max_length=64)
    language = models.CharField(max_length=10, default="ko")
    confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast", "contact_digest"], name="tv_one_reminder_per_contact"
            )
        ]

    def __str__(self) -> str:
        return f"{self.broadcast_id} · {self.get_channel_display()}"


class ModeratorShift(models.Model):
    """Who moderates the chat now (a 24-hour broadcast has several shifts): the incoming moderator takes
    over from the desk, and the outgoing one's hand-over note is there for them to read."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="shifts")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("인계 메모"), blank=True, default="")

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.broadcast_id} · {self.moderator_id}"


class RestreamTarget(models.Model):
    """A destination the broadcast is restreamed to while it is live (YouTube, Facebook, any RTMP(S) ingest):
    ``sotong tv`` runs one ffmpeg per enabled destination and writes its state here (decision 0078). The URL
    carries the platform's stream key, so it is kept encrypted and shown only as host and key hint."""

    class Platform(models.TextChoices):
        YOUTUBE = "youtube", _("YouTube")
        FACEBOOK = "facebook", _("Facebook")
        OTHER = "other", _("기타 RTMP")

    class State(models.TextChoices):
        IDLE = "idle", _("대기")
        CONNECTING = "connecting", _("연결 중")
        LIVE = "live", _("송출 중")
        RETRYING = "retrying", _("다시 시도 대기")
        FAILED = "failed", _("실패")
        STOPPED = "stopped", _("꺼짐")

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="restream_targets")
    label = models.CharField(_("이름"), max_length=40)
    platform = models.CharField(_("플랫폼"), max_length=10, choices=Platform.choices, default=Platform.OTHER)
    url = EncryptedTextField(_("송출 주소"))
    url_digest = models.CharField(max_length=64, editable=False)
    enabled = models.BooleanField(_("켜짐"), default=True)
    state = models.CharField(_("상태"), max_length=12, choices=State.choices, default=State.IDLE)
    last_error = models.CharField(_("마지막 오류"), max_length=200, blank=True, default="")
    attempts = models.PositiveIntegerField(_("연결 시도"), default=0)
    started_at = models.DateTimeField(_("송출 시작"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "url_digest"], name="tv_one_restream_per_url")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.broadcast_id})"


class SignalLoss(models.Model):
    """A live broadcast without its encoder's picture (decision 0079): the fallback slate was on air from
    ``started_at`` until the signal came back or the ingest stopped waiting for it (the grace period ran out,
    or the broadcast was ended). The producer was alerted; the control page and the desk show it."""

    class Cause(models.TextChoices):
        STALL = "stall", _("영상이 멈춤")
        DROPPED = "dropped", _("인코더 연결 끊김")
        RESTART = "restart", _("송출 서버 재시작")

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="signal_losses")
    cause = models.CharField(_("원인"), max_length=10, choices=Cause.choices)
    started_at = models.DateTimeField(_("끊긴 시각"))
    recovered_at = models.DateTimeField(_("돌아온 시각"), null=True, blank=True)
    gave_up_at = models.DateTimeField(_("송출 멈춘 시각"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("신호 끊김")
        verbose_name_plural = _("신호 끊김")
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast"],
                condition=models.Q(recovered_at__isnull=True, gave_up_at__isnull=True),
                name="tv_one_open_signal_loss",
            )
        ]

    def __str__(self) -> str:
        return f"{self.broadcast_id} · {self.started_at:%H:%M:%S} {self.cause}"

    @property
    def is_open(self) -> bool:
        return self.recovered_at is None and self.gave_up_at is None
