"""Action guides (행동요령): what to do about each hazard, step by step, in three languages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from sotong.core.i18n import localised
from sotong.safety.choices import Audience, Hazard, Phase


class ActionGuide(ClusterableModel):
    """What to do about one hazard, in three languages; kept by the safety office."""

    hazard = models.CharField(_("재난"), max_length=30, choices=Hazard.choices, unique=True)
    title_ko = models.CharField(_("제목"), max_length=120)
    title_en = models.CharField(_("영문 제목"), max_length=120, blank=True)
    title_zh = models.CharField(_("중문 제목"), max_length=120, blank=True)
    summary_ko = models.TextField(_("요약"), blank=True)
    summary_en = models.TextField(_("영문 요약"), blank=True)
    summary_zh = models.TextField(_("중문 요약"), blank=True)
    source = models.CharField(_("출처"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    # Digest of the content as `load_guides` last wrote it: a guide whose content no longer matches
    # was edited by the safety office, and a reload leaves it alone unless told to update.
    loaded_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["sort_order", "hazard"]
        verbose_name = _("행동요령")
        verbose_name_plural = _("행동요령")

    def __str__(self) -> str:
        return self.title_ko

    @property
    def title(self) -> str:
        return localised(self, "title")

    @property
    def summary(self) -> str:
        return localised(self, "summary")


class GuideStep(models.Model):
    """One instruction of a guide, for a phase and for everyone or one kind of household member."""

    guide = ParentalKey(ActionGuide, on_delete=models.CASCADE, related_name="steps")
    phase = models.CharField(_("단계"), max_length=10, choices=Phase.choices)
    audience = models.CharField(_("대상"), max_length=12, choices=Audience.choices, default=Audience.EVERYONE)
    text_ko = models.TextField(_("내용"))
    text_en = models.TextField(_("영문 내용"), blank=True)
    text_zh = models.TextField(_("중문 내용"), blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    # The back office's inline editor keeps this order when steps are dragged.
    sort_order_field = "sort_order"

    class Meta:
        # The order the safety office gives the steps (the loader writes them phase by phase).
        ordering = ["guide", "sort_order", "pk"]
        verbose_name = _("행동요령 항목")
        verbose_name_plural = _("행동요령 항목")

    def __str__(self) -> str:
        return self.text_ko[:40]

    @property
    def text(self) -> str:
        return localised(self, "text")
