"""Alerts, kept as CAP 1.2 fields: the district's own and those imported from outside feeds."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sotong.core.i18n import localised
from sotong.organisation.models import Dong
from sotong.safety.choices import Hazard
from sotong.safety.models.facilities import Facility


class Alert(models.Model):
    """A warning, kept as CAP 1.2 fields. Authored by the safety office or imported from a feed."""

    class State(models.TextChoices):
        DRAFT = "draft", _("작성 중")
        PENDING = "pending", _("승인 대기")
        PUBLISHED = "published", _("발령")
        CANCELLED = "cancelled", _("해제")
        SUPERSEDED = "superseded", _("갱신됨")
        EXPIRED = "expired", _("만료")

    class Severity(models.TextChoices):
        EXTREME = "Extreme", _("매우 심각")
        SEVERE = "Severe", _("심각")
        MODERATE = "Moderate", _("주의")
        MINOR = "Minor", _("관심")
        UNKNOWN = "Unknown", _("알 수 없음")

    identifier = models.CharField(max_length=200)
    sender = models.CharField(max_length=200)
    sent = models.DateTimeField()
    status = models.CharField(max_length=10, default="Actual")  # Actual, Exercise, System, Test, Draft
    msg_type = models.CharField(max_length=10, default="Alert")  # Alert, Update, Cancel, Ack, Error
    scope = models.CharField(max_length=10, default="Public")
    references = models.JSONField(default=list, blank=True)  # ["sender,identifier,sent", ...]
    hazard = models.CharField(_("재난"), max_length=30, choices=Hazard.choices, blank=True)
    event = models.CharField(_("사건"), max_length=200)
    category = models.CharField(max_length=20, default="Met")
    urgency = models.CharField(max_length=12, default="Expected")
    severity = models.CharField(
        _("심각도"), max_length=10, choices=Severity.choices, default=Severity.MODERATE
    )
    certainty = models.CharField(max_length=12, default="Likely")
    headline_ko = models.CharField(_("제목"), max_length=200)
    headline_en = models.CharField(_("영문 제목"), max_length=200, blank=True)
    headline_zh = models.CharField(_("중문 제목"), max_length=200, blank=True)
    description_ko = models.TextField(_("내용"), blank=True)
    description_en = models.TextField(_("영문 내용"), blank=True)
    description_zh = models.TextField(_("중문 내용"), blank=True)
    instruction_ko = models.TextField(_("행동 요령"), blank=True)
    instruction_en = models.TextField(_("영문 행동 요령"), blank=True)
    instruction_zh = models.TextField(_("중문 행동 요령"), blank=True)
    effective = models.DateTimeField(null=True, blank=True)
    onset = models.DateTimeField(null=True, blank=True)
    expires = models.DateTimeField(null=True, blank=True)
    area_desc = models.CharField(_("지역"), max_length=300, blank=True)
    # [{"type": "polygon", "points": [[lat, lon], ...]}, {"type": "circle", "lat":, "lon":, "radius_m":}]
    areas = models.JSONField(default=list, blank=True)
    dongs = models.ManyToManyField(Dong, blank=True, related_name="alerts")
    shelters = models.ManyToManyField(Facility, blank=True, related_name="alerts")
    state = models.CharField(_("상태"), max_length=12, choices=State.choices, default=State.DRAFT)
    origin = models.CharField(max_length=300, blank=True)  # "local", or the feed/file it came from
    raw_xml = models.TextField(blank=True)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="superseded_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent"]
        verbose_name = _("특보·경보")
        verbose_name_plural = _("특보·경보")
        constraints = [
            models.UniqueConstraint(fields=["sender", "identifier"], name="safety_alert_unique_identifier")
        ]

    def __str__(self) -> str:
        return self.headline_ko

    @property
    def headline(self) -> str:
        return localised(self, "headline")

    @property
    def description(self) -> str:
        return localised(self, "description")

    @property
    def instruction(self) -> str:
        return localised(self, "instruction")

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.state == self.State.PUBLISHED
            and self.msg_type != "Cancel"
            and (self.expires is None or self.expires > now)
            and (self.effective is None or self.effective <= now)
        )
