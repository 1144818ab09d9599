"""What goes with the video: live captions and chapter markers (decision 0077), the recording (0076) and restream destinations (0078)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sotong.core.crypto import EncryptedTextField
from sotong.tv.choices import (
    RecordingState,
)
from sotong.tv.models.schedule import Broadcast


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
