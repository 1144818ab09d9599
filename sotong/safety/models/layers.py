"""The 재난안전생활지도's layers, each kept by a department, and the shapes a layer draws itself."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sotong.core.i18n import localised
from sotong.organisation.models import Department


class MapLayer(models.Model):
    """One layer of the 재난안전생활지도, kept by a department. A layer shows facilities of some kinds,
    its own features (zones, routes), or reported hazards from the voice module."""

    class Source(models.TextChoices):
        FACILITIES = "facilities", _("안전 시설")
        FEATURES = "features", _("직접 관리하는 도형")
        VOICE = "voice", _("주민 신고(위험 요소)")

    slug = models.SlugField(_("코드"), max_length=60, unique=True)
    name_ko = models.CharField(_("이름"), max_length=100)
    name_en = models.CharField(_("영문 이름"), max_length=100, blank=True)
    name_zh = models.CharField(_("중문 이름"), max_length=100, blank=True)
    description_ko = models.TextField(_("설명"), blank=True)
    description_en = models.TextField(_("영문 설명"), blank=True)
    description_zh = models.TextField(_("중문 설명"), blank=True)
    source_type = models.CharField(_("자료 종류"), max_length=12, choices=Source.choices)
    facility_kinds = models.JSONField(_("시설 종류"), default=list, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="map_layers", verbose_name=_("담당 부서")
    )
    steward = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("자료 관리자"),
    )
    data_source = models.CharField(_("자료 출처"), max_length=200, blank=True)
    licence = models.CharField(_("이용 허락"), max_length=120, blank=True)
    reviewed_on = models.DateField(_("마지막 점검일"), null=True, blank=True)
    review_every_days = models.PositiveSmallIntegerField(_("점검 주기(일)"), default=365)
    stale_notified_on = models.DateField(null=True, blank=True, editable=False)
    colour = models.CharField(_("색"), max_length=7, default="#0b5cad")
    is_public = models.BooleanField(_("공개"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name_ko"]
        verbose_name = _("지도 레이어")
        verbose_name_plural = _("지도 레이어")

    def __str__(self) -> str:
        return self.name_ko

    @property
    def name(self) -> str:
        return localised(self, "name")

    @property
    def description(self) -> str:
        return localised(self, "description")

    def is_stale(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.reviewed_on is None or (today - self.reviewed_on).days > self.review_every_days


class LayerFeature(models.Model):
    """A shape on a features layer: a flood-risk zone, a safe route home, a child protection zone."""

    layer = models.ForeignKey(MapLayer, on_delete=models.CASCADE, related_name="features")
    source_id = models.CharField(max_length=120, blank=True)
    name_ko = models.CharField(_("이름"), max_length=200, blank=True)
    name_en = models.CharField(_("영문 이름"), max_length=200, blank=True)
    name_zh = models.CharField(_("중문 이름"), max_length=200, blank=True)
    geometry = models.JSONField(_("도형(GeoJSON)"))
    properties = models.JSONField(default=dict, blank=True)
    # Bounding box, for cheap pre-filtering without a spatial database.
    min_lat = models.FloatField()
    min_lon = models.FloatField()
    max_lat = models.FloatField()
    max_lon = models.FloatField()

    class Meta:
        ordering = ["layer", "pk"]
        verbose_name = _("레이어 도형")
        verbose_name_plural = _("레이어 도형")

    def __str__(self) -> str:
        return self.name_ko or f"{self.layer} #{self.pk}"

    @property
    def name(self) -> str:
        return localised(self, "name")
