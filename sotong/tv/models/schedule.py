"""Broadcasts on the schedule: shows, their broadcasts (scheduled, live, ended), every attempt an encoder made to publish (decision 0072), "remind me" and the signal's losses (decision 0079)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sotong.core.crypto import EncryptedTextField
from sotong.tv.choices import (
    BroadcastState,
    ChatMode,
    IngestOutcome,
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
    # The embedded shape's `sotong tv` puts the slate on air; in the scaled shape (nginx) nothing fills the gap:
    # the producer is alerted and the player tells viewers, but the picture just stops.
    slate = models.BooleanField(_("슬레이트 송출"), default=True)

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
