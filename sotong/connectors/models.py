from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sotong.core.crypto import EncryptedTextField


class Delivery(models.Model):
    """One message leaving Sotong on one channel: retried with backoff, never sent twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("대기")
        SENDING = "sending", _("발송 중")
        SENT = "sent", _("발송 완료")
        RETRYING = "retrying", _("재시도 예정")
        HELD = "held", _("다음 방문 시 전달")
        FAILED = "failed", _("발송 실패")

    channel = models.CharField(_("채널"), max_length=20)
    idempotency_key = models.CharField(max_length=200, unique=True)
    recipient = EncryptedTextField(_("수신자"), blank=True)
    # A keyed digest of the recipient, to find what waits for someone (e.g. a Kakao user's next visit).
    recipient_digest = models.CharField(max_length=64, blank=True, db_index=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.CharField(max_length=500, blank=True)
    external_id = models.CharField(max_length=200, blank=True, db_index=True)
    # What the delivery carries, e.g. "voice.casemessage:42", so the domain can show its status.
    subject = models.CharField(max_length=100, db_index=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("발송")
        verbose_name_plural = _("발송")

    def __str__(self) -> str:
        return f"{self.channel} {self.idempotency_key} {self.status}"
