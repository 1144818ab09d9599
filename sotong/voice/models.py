from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sotong.core.crypto import EncryptedTextField
from sotong.core.i18n import localised
from sotong.core.storage import private_storage
from sotong.organisation.models import Department, Dong
from sotong.voice.choices import Channel, Kind, LocationSource, Status


def _token() -> str:
    return secrets.token_urlsafe(16)


class DeadlineRule(models.Model):
    """How long a kind of case may take, and the law that says so. Editable by administrators."""

    class Unit(models.TextChoices):
        WORKING_DAYS = "days", _("근무일")
        WORKING_HOURS = "hours", _("근무시간")

    kind = models.CharField(_("유형"), max_length=20, choices=Kind.choices, unique=True)
    amount = models.PositiveSmallIntegerField(_("기간"))
    unit = models.CharField(_("단위"), max_length=10, choices=Unit.choices, default=Unit.WORKING_DAYS)
    legal_basis = models.CharField(_("근거"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("처리 기한 규칙")
        verbose_name_plural = _("처리 기한 규칙")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount} {self.get_unit_display()}"


class ServiceCategory(models.Model):
    """A public category residents choose (and Open311 publishes as a service); it names the department
    that handles it. The 'general' category has no department: its cases are routed by the model."""

    code = models.SlugField(_("코드"), max_length=40, unique=True)
    name_ko = models.CharField(_("이름"), max_length=60)
    name_en = models.CharField(_("영문 이름"), max_length=80, blank=True)
    name_zh = models.CharField(_("중문 이름"), max_length=60, blank=True)
    description_ko = models.CharField(_("설명"), max_length=200, blank=True)
    description_en = models.CharField(_("영문 설명"), max_length=200, blank=True)
    description_zh = models.CharField(_("중문 설명"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="service_categories"
    )
    kind = models.CharField(_("기본 유형"), max_length=20, choices=Kind.choices, default=Kind.REPORT)
    keywords = models.CharField(_("검색어"), max_length=200, blank=True)
    # Open311 service attributes: [{"code", "datatype", "required", "description_ko", "values": [...]}]
    attributes = models.JSONField(_("추가 항목"), default=list, blank=True)
    is_active = models.BooleanField(_("사용"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("민원 분야")
        verbose_name_plural = _("민원 분야")

    def __str__(self) -> str:
        return self.name_ko

    def localised(self, field: str) -> str:
        return localised(self, field)

    @property
    def name(self) -> str:
        return self.localised("name")


class CaseCounter(models.Model):
    """The last case number given out in a year (numbers read 2026-000123)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Case(models.Model):
    number = models.CharField(_("접수 번호"), max_length=20, unique=True)
    token = models.CharField(max_length=32, default=_token, editable=False)

    channel = models.CharField(_("접수 경로"), max_length=20, choices=Channel.choices)
    # The channel's own id for what was sent: a retried webhook or a double-submitted form is one case.
    external_id = models.CharField(max_length=200)
    # When the client names its request (Open311's Idempotency-Key), a keyed digest of what it sent: a
    # retry repeats it, another request under a used name does not. Empty for older cases and channels.
    request_digest = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Who the resident is on that channel (Kakao user key, e-mail address digest…), for replies.
    channel_user = models.CharField(max_length=200, blank=True)

    kind = models.CharField(_("유형"), max_length=20, choices=Kind.choices, default=Kind.REPORT)
    category = models.ForeignKey(
        ServiceCategory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("분야"),
    )
    title = models.CharField(_("제목"), max_length=200, blank=True)
    text = models.TextField(_("내용"))
    language = models.CharField(_("언어"), max_length=10, default="ko")

    # Location
    dong = models.ForeignKey(Dong, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("행정동"))
    address_text = models.CharField(_("주소"), max_length=200, blank=True)
    lat = models.DecimalField(_("위도"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("경도"), max_digits=9, decimal_places=6, null=True, blank=True)
    location_source = models.CharField(max_length=10, choices=LocationSource.choices, blank=True, default="")

    # The resident (no account): contact details encrypted, digests to find their other cases.
    contact_name = EncryptedTextField(_("이름"), blank=True)
    contact_phone = EncryptedTextField(_("전화번호"), blank=True)
    contact_email = EncryptedTextField(_("이메일"), blank=True)
    contact_digest = models.CharField(max_length=64, blank=True, db_index=True)
    consent_contact = models.BooleanField(_("연락처 수집·이용 동의"), default=False)
    consent_publish = models.BooleanField(_("답변 공개 동의"), default=False)
    consent_photo_location = models.BooleanField(_("사진 위치 정보 이용 동의"), default=False)

    # Routing
    status = models.CharField(_("상태"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("담당 부서"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        verbose_name=_("담당자"),
    )
    suggested_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The department the resident chose to write to (the form opened from that department's page): routing
    # sends the case there when no category decides; officers may still transfer it.
    requested_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    routing_confidence = models.FloatField(null=True, blank=True)
    routing_top3 = models.JSONField(default=list, blank=True)
    urgent = models.BooleanField(_("긴급"), default=False)
    urgent_reason = models.CharField(max_length=200, blank=True)
    life_risk = models.BooleanField(_("생명 위험"), default=False)
    transfer_count = models.PositiveSmallIntegerField(_("이송 횟수"), default=0)
    primary = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        verbose_name=_("대표 민원"),
    )

    # Time
    received_at = models.DateTimeField(_("접수 시각"), db_index=True)
    routed_at = models.DateTimeField(null=True, blank=True)
    first_response_due = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(_("처리 기한"), null=True, blank=True, db_index=True)
    extended = models.BooleanField(_("기한 연장"), default=False)
    answered_at = models.DateTimeField(_("답변 시각"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="case_unique_per_channel_message"
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status", "deadline"]),
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["consent_publish", "status"]),
            models.Index(fields=["channel", "channel_user"]),
        ]
        verbose_name = _("민원")
        verbose_name_plural = _("민원")

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in {Status.RECEIVED, Status.TRIAGE, Status.ASSIGNED, Status.IN_PROGRESS}

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_phone or self.contact_email)


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="voice/%Y/%m/", storage=private_storage)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    # Kept only when the resident consented to the use of the photo's location.
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.case} photo {self.pk}"


class CaseMessage(models.Model):
    """One message in the case's thread: from the resident, to the resident, or a staff-only note."""

    class Direction(models.TextChoices):
        INBOUND = "in", _("주민")
        OUTBOUND = "out", _("답변")
        NOTE = "note", _("내부 메모")

    class Purpose(models.TextChoices):
        MESSAGE = "message", _("메시지")
        ACKNOWLEDGEMENT = "ack", _("접수 안내")
        ANSWER = "answer", _("답변")
        INTERIM = "interim", _("중간 안내")
        STATUS = "status", _("상태 변경 안내")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=5, choices=Direction.choices)
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.MESSAGE)
    body = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    external_id = models.CharField(max_length=200, blank=True, db_index=True)  # e.g. the e-mail's Message-ID
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.direction} {self.created_at:%Y-%m-%d %H:%M}"


class CaseEvent(models.Model):
    """The case's history: every routing decision, transfer, deadline change and status change."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=30)
    detail = models.JSONField(default=dict, blank=True)
    # Shown on the resident's tracking page (status changes) or staff only (routing internals, notes).
    public = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"


class ReplyTemplate(models.Model):
    """A reusable answer; a department's own, or shared by all when no department is set."""

    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE)
    title = models.CharField(_("제목"), max_length=80)
    body = models.TextField(_("내용"))

    class Meta:
        ordering = ["department__name_ko", "title"]
        verbose_name = _("답변 서식")
        verbose_name_plural = _("답변 서식")

    def __str__(self) -> str:
        return self.title


class Open311Key(models.Model):
    """An API key for an Open311 client; only a digest of the key is kept."""

    name = models.CharField(max_length=100, unique=True)
    key_digest = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
