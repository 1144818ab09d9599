"""Residents who asked to be warned about their places, and the fan-out's ledger of what each was sent."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from sotong.core.crypto import EncryptedTextField
from sotong.organisation.models import Dong
from sotong.safety.models.alerts import Alert


class Subscriber(models.Model):
    """A resident who asked to be warned about their places: a browser's Web Push subscription, an
    e-mail address or a phone number. Places are copied from the device; no account is needed.
    `token` lets the device update or delete its own subscription."""

    class Channel(models.TextChoices):
        WEBPUSH = "webpush", _("웹 푸시")
        EMAIL = "email", _("이메일")
        SMS = "sms", _("문자")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    endpoint = models.URLField(max_length=1000, blank=True)
    p256dh = models.CharField(max_length=200, blank=True)
    auth = models.CharField(max_length=60, blank=True)
    contact = EncryptedTextField(blank=True)  # e-mail address or phone number
    # Digest of the endpoint or contact: one subscriber per browser, address or number.
    contact_digest = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=10, default="ko")
    household = models.JSONField(default=list, blank=True)  # Audience values
    confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("알림 구독자")
        verbose_name_plural = _("알림 구독자")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk}"


class SubscriberPlace(models.Model):
    """A saved place of a subscriber (home, work, a parent's home)."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="places")
    label = models.CharField(max_length=40, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()
    dong = models.ForeignKey(Dong, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["dong"]), models.Index(fields=["lat", "lon"])]

    def __str__(self) -> str:
        return self.label or f"{self.lat:.4f}, {self.lon:.4f}"


class AlertNotice(models.Model):
    """That one alert (or its update or cancellation) was sent to one subscriber: the fan-out's
    ledger, so a retried fan-out sends nobody the same notice twice."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notices")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="notices")
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed = models.CharField(max_length=200, blank=True)
    # The run sending this notice holds it until then (a random token), so that two workers taking
    # the same chunk never both send it; a claim left by a worker that died expires.
    claim = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "subscriber"], name="safety_notice_once_per_alert")
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} → {self.subscriber_id}"
