"""The facility registry: shelters, cooling and warming centres, AEDs, hospitals and pharmacies."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from sotong.core.i18n import localised
from sotong.organisation.models import Dong
from sotong.safety.choices import KINDS_FOR_HAZARD, FacilityKind, Hazard, Setting
from sotong.safety.hours import open_at


class Facility(models.Model):
    """A place residents go to in an emergency or for help: shelters, cooling and warming centres,
    AEDs, hospitals and pharmacies on duty. Imported from public data (`source`, `source_id`) or
    entered by staff; the demo's are marked `is_sample`."""

    kind = models.CharField(_("종류"), max_length=30, choices=FacilityKind.choices, db_index=True)
    name_ko = models.CharField(_("이름"), max_length=200)
    name_en = models.CharField(_("영문 이름"), max_length=200, blank=True)
    name_zh = models.CharField(_("중문 이름"), max_length=200, blank=True)
    address = models.CharField(_("주소"), max_length=300, blank=True)
    dong = models.ForeignKey(
        Dong,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facilities",
        verbose_name=_("행정동"),
    )
    lat = models.FloatField(_("위도"))
    lon = models.FloatField(_("경도"))
    setting = models.CharField(_("위치 구분"), max_length=12, choices=Setting.choices, default=Setting.INDOOR)
    floor = models.CharField(_("층"), max_length=40, blank=True)
    capacity = models.PositiveIntegerField(_("수용 인원"), null=True, blank=True)
    area_m2 = models.FloatField(_("면적(㎡)"), null=True, blank=True)
    # Opening hours: always open, or a list of {"days": "weekday|saturday|sunday|holiday",
    # "open": "HH:MM", "close": "HH:MM"} (a close before the open runs past midnight).
    always_open = models.BooleanField(_("항시 개방"), default=False)
    opening_hours = models.JSONField(_("운영 시간"), default=list, blank=True)
    hours_note = models.CharField(_("운영 시간 안내"), max_length=200, blank=True)
    step_free = models.BooleanField(_("계단 없이 출입"), null=True, blank=True)
    has_lift = models.BooleanField(_("승강기"), null=True, blank=True)
    phone = models.CharField(_("연락처"), max_length=40, blank=True)
    # Hazards this facility suits beyond what its kind implies (e.g. a school gym for floods), or
    # leave empty to use the kind's default.
    extra_hazards = models.JSONField(_("추가로 적합한 재난"), default=list, blank=True)
    note = models.CharField(_("비고"), max_length=300, blank=True)
    source = models.CharField(_("출처"), max_length=40, blank=True)
    source_id = models.CharField(_("출처 식별자"), max_length=120, blank=True)
    checked_on = models.DateField(_("확인일"), null=True, blank=True)
    is_sample = models.BooleanField(_("예시 데이터"), default=False)
    is_active = models.BooleanField(_("사용"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name_ko"]
        verbose_name = _("안전 시설")
        verbose_name_plural = _("안전 시설")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source_id=""),
                name="safety_facility_unique_source_id",
            )
        ]
        indexes = [models.Index(fields=["lat", "lon"])]

    def __str__(self) -> str:
        return self.name_ko

    @property
    def name(self) -> str:
        return localised(self, "name")

    def hazards(self) -> list[str]:
        """The hazards residents may shelter here from, by kind and setting."""
        found = [h for h, kinds in KINDS_FOR_HAZARD.items() if self.kind in kinds]
        found += [h for h in self.extra_hazards if h not in found]
        return [h for h in found if self.suits(h)]

    def suits(self, hazard: str) -> bool:
        if hazard not in KINDS_FOR_HAZARD:
            return False
        if self.kind not in KINDS_FOR_HAZARD[hazard] and hazard not in self.extra_hazards:
            return False
        # Water runs down and smoke fills enclosed spaces: nobody is sent underground in a flood,
        # a typhoon or a fire.
        if hazard in (Hazard.FLOOD, Hazard.TYPHOON, Hazard.FIRE) and self.setting == Setting.UNDERGROUND:
            return False
        # The first place to go in an earthquake is in the open, away from buildings.
        if hazard == Hazard.EARTHQUAKE and self.kind != FacilityKind.EARTHQUAKE_OUTDOOR:
            return self.kind == FacilityKind.EARTHQUAKE_HOUSING
        return True

    def is_open_at(self, moment: datetime) -> bool:
        return open_at(always_open=self.always_open, opening_hours=self.opening_hours, moment=moment)
