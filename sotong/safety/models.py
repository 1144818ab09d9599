from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from sotong.core.crypto import EncryptedTextField
from sotong.core.i18n import localised
from sotong.organisation.models import Department, Dong
from sotong.safety.choices import KINDS_FOR_HAZARD, Audience, FacilityKind, Hazard, Phase, Setting


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
        if self.always_open:
            return True
        if not self.opening_hours:
            # No hours published: shelters are opened when needed, others are unknown (treated open).
            return True
        from sotong.core.workdays import public_holiday_name

        local = timezone.localtime(moment)
        for day_offset in (0, -1):
            day = (local + timedelta(days=day_offset)).date()
            label = _day_label(day, holiday=public_holiday_name(day) is not None)
            for span in self.opening_hours:
                if span.get("days") != label:
                    continue
                open_t, close_t = _minutes(span["open"]), _minutes(span["close"])
                now_m = local.hour * 60 + local.minute + (24 * 60 if day_offset == -1 else 0)
                end = close_t if close_t > open_t else close_t + 24 * 60
                if open_t <= now_m < end:
                    return True
        return False


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _day_label(day: date, *, holiday: bool) -> str:
    if holiday:
        return "holiday"
    return {5: "saturday", 6: "sunday"}.get(day.weekday(), "weekday")


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


class SyncAccount(models.Model):
    """A resident's optional account that keeps their places and household on every device they sign in
    on (decision 0056). Not a staff user: no password, no name, not even the e-mail address, only its
    keyed digest (the resident types the address again to sign in)."""

    email_digest = models.CharField(max_length=64, unique=True)
    # Audience values as JSON, encrypted (a disability in the household is sensitive).
    household = EncryptedTextField(blank=True)
    household_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("동기화 계정")
        verbose_name_plural = _("동기화 계정")

    def __str__(self) -> str:
        return f"sync #{self.pk}"


class SyncPlace(models.Model):
    """One of an account's places, under the id the device gave it. A deleted place stays as a tombstone
    (no data) for a while, so that a device that was offline learns of the deletion."""

    account = models.ForeignKey(SyncAccount, on_delete=models.CASCADE, related_name="places")
    uid = models.UUIDField()
    # label, address, dong, lat, lon as JSON, encrypted; empty for a tombstone.
    data = EncryptedTextField(blank=True)
    deleted = models.BooleanField(default=False)
    # When the resident made the change (the device's clock, never later than the server's).
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "uid"], name="safety_syncplace_unique_uid")]

    def __str__(self) -> str:
        return str(self.uid)


class SyncDevice(models.Model):
    """A browser signed in to a sync account: the digest of the secret in its cookie."""

    account = models.ForeignKey(SyncAccount, on_delete=models.CASCADE, related_name="devices")
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"device #{self.pk}"


class SyncSignInLink(models.Model):
    """A sign-in link sent by e-mail: the digest of its secret, usable once before `expires_at`."""

    secret_digest = models.CharField(max_length=64, unique=True)
    email_digest = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sign-in link #{self.pk}"


__all__ = [
    "ActionGuide",
    "Alert",
    "AlertNotice",
    "Audience",
    "Facility",
    "GuideStep",
    "LayerFeature",
    "MapLayer",
    "Subscriber",
    "SubscriberPlace",
    "SyncAccount",
    "SyncDevice",
    "SyncPlace",
    "SyncSignInLink",
]
