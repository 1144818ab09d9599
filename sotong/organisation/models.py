from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from sotong.accounts.roles import SPANNING_ROLES, Role
from sotong.core.i18n import localised


class District(models.Model):
    code = models.SlugField(_("코드"), max_length=40, unique=True)
    name_ko = models.CharField(_("이름"), max_length=60)
    name_en = models.CharField(_("영문 이름"), max_length=80, blank=True)
    name_zh = models.CharField(_("중문 이름"), max_length=60, blank=True)
    address_ko = models.CharField(_("청사 주소"), max_length=200, blank=True)
    address_en = models.CharField(_("영문 청사 주소"), max_length=200, blank=True)
    address_zh = models.CharField(_("중문 청사 주소"), max_length=200, blank=True)
    phone = models.CharField(_("대표 전화"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("자치구")
        verbose_name_plural = _("자치구")

    def __str__(self) -> str:
        return self.name_ko

    @property
    def name(self) -> str:
        return localised(self, "name")

    @property
    def address(self) -> str:
        """The office address in the reader's language (Korean where none is given)."""
        return localised(self, "address")


class Dong(models.Model):
    """An administrative dong (행정동)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="dongs")
    code = models.SlugField(_("코드"), max_length=40, unique=True)
    name_ko = models.CharField(_("이름"), max_length=40)
    name_en = models.CharField(_("영문 이름"), max_length=60, blank=True)
    name_zh = models.CharField(_("중문 이름"), max_length=40, blank=True)
    lat = models.DecimalField(_("위도"), max_digits=9, decimal_places=6)
    lon = models.DecimalField(_("경도"), max_digits=9, decimal_places=6)
    centre_is_approximate = models.BooleanField(_("중심 좌표가 근사값"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name_ko"]
        verbose_name = _("행정동")
        verbose_name_plural = _("행정동")

    def __str__(self) -> str:
        return self.name_ko

    @property
    def name(self) -> str:
        return localised(self, "name")


class Bureau(models.Model):
    """The bureau (국/실) or office a department reports to."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="bureaus")
    name_ko = models.CharField(_("이름"), max_length=60)
    name_en = models.CharField(_("영문 이름"), max_length=100, blank=True)
    name_zh = models.CharField(_("중문 이름"), max_length=60, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name_ko"]
        constraints = [models.UniqueConstraint(fields=["district", "name_ko"], name="bureau_unique_name")]
        verbose_name = _("국·실")
        verbose_name_plural = _("국·실")

    def __str__(self) -> str:
        return self.name_ko

    @property
    def name(self) -> str:
        return localised(self, "name")


class Department(ClusterableModel):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="departments")
    bureau = models.ForeignKey(
        Bureau, on_delete=models.PROTECT, related_name="departments", verbose_name=_("국·실")
    )
    code = models.SlugField(_("코드"), max_length=40, unique=True)
    name_ko = models.CharField(_("부서명"), max_length=60)
    name_en = models.CharField(_("영문 부서명"), max_length=100, blank=True)
    name_zh = models.CharField(_("중문 부서명"), max_length=60, blank=True)
    handles_ko = models.TextField(
        _("담당 업무"), help_text=_("쉼표로 구분한 업무 목록. 주민이 찾는 말로 적어 주세요.")
    )
    handles_en = models.TextField(_("담당 업무(영문)"), blank=True)
    handles_zh = models.TextField(_("담당 업무(중문)"), blank=True)
    phone = models.CharField(_("부서 전화"), max_length=30, blank=True)
    email = models.EmailField(_("부서 이메일"), blank=True)
    is_active = models.BooleanField(_("운영 중"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["bureau__sort_order", "sort_order", "name_ko"]
        verbose_name = _("부서")
        verbose_name_plural = _("부서")

    def __str__(self) -> str:
        return self.name_ko

    @property
    def name(self) -> str:
        return localised(self, "name")

    @property
    def handles(self) -> str:
        return localised(self, "handles")

    @property
    def handles_list(self) -> list[str]:
        return split_handles(self.handles)


def split_handles(text: str) -> list[str]:
    """Split a comma-separated list, keeping commas inside parentheses."""
    items: list[str] = []
    depth, current = 0, ""
    for char in text:
        depth += char in "(（"
        depth -= char in ")）" and depth > 0
        if char in ",，" and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += char
    items.append(current.strip())
    return [item for item in items if item]


class Membership(models.Model):
    """A staff member's role, in a department for scoped roles (an officer of 도로과), or across all
    departments for spanning roles (the comms team), optionally with a home department."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("역할"), max_length=30, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "department", "role"], name="membership_unique"),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(department__isnull=True),
                name="membership_unique_spanning",
            ),
            # Scoped roles must name their department.
            models.CheckConstraint(
                condition=Q(department__isnull=False) | Q(role__in=sorted(SPANNING_ROLES)),
                name="membership_scoped_role_has_department",
            ),
        ]
        verbose_name = _("소속·역할")
        verbose_name_plural = _("소속·역할")

    def __str__(self) -> str:
        where = self.department.name_ko if self.department_id and self.department else "전 부서"
        return f"{self.user} · {self.get_role_display()} · {where}"


class OfficerAssignment(models.Model):
    """The department's SNS communication officer (SNS 소통 주무관): one primary and one backup."""

    class Position(models.TextChoices):
        PRIMARY = "primary", _("정")
        BACKUP = "backup", _("부")

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="officer_assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="officer_assignments"
    )
    position = models.CharField(_("구분"), max_length=10, choices=Position.choices)
    public_title = models.CharField(
        _("공개 직함"),
        max_length=80,
        default="SNS 소통 주무관",
        help_text=_("주민에게 보이는 직함. 이름은 공개하지 않습니다."),
    )

    class Meta:
        ordering = ["department", "-position"]  # primary before backup
        constraints = [
            models.UniqueConstraint(fields=["department", "position"], name="officer_one_per_position"),
            models.UniqueConstraint(fields=["department", "user"], name="officer_once_per_department"),
        ]
        verbose_name = _("SNS 소통 주무관")
        verbose_name_plural = _("SNS 소통 주무관")

    def __str__(self) -> str:
        return f"{self.department} {self.get_position_display()}: {self.user}"

    @property
    def public_title_display(self) -> str:
        """The title in the reader's language when it is the standard one (a catalogue entry)."""
        return gettext(self.public_title)


class DutyHours(models.Model):
    """When a department answers: one row per weekday it is open (0 = Monday)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("월요일")
        TUESDAY = 1, _("화요일")
        WEDNESDAY = 2, _("수요일")
        THURSDAY = 3, _("목요일")
        FRIDAY = 4, _("금요일")
        SATURDAY = 5, _("토요일")
        SUNDAY = 6, _("일요일")

    department = ParentalKey(Department, on_delete=models.CASCADE, related_name="duty_hours")
    weekday = models.PositiveSmallIntegerField(_("요일"), choices=Weekday.choices)
    opens = models.TimeField(_("시작"), default=time(9))
    closes = models.TimeField(_("종료"), default=time(18))

    class Meta:
        ordering = ["department", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["department", "weekday"], name="duty_hours_one_per_weekday"),
            models.CheckConstraint(
                condition=Q(opens__lt=models.F("closes")), name="duty_hours_opens_before_closes"
            ),
        ]
        verbose_name = _("근무 시간")
        verbose_name_plural = _("근무 시간")

    def __str__(self) -> str:
        return f"{self.department} {self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Closure(models.Model):
    """A day the district declares closed (e.g. a 임시공휴일 not yet in the holiday package)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField(_("날짜"))
    reason = models.CharField(_("사유"), max_length=120)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["district", "date"], name="closure_one_per_day")]
        verbose_name = _("휴무일")
        verbose_name_plural = _("휴무일")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}"


class DutyShift(models.Model):
    """The district's on-duty roster (당직): who answers urgent matters outside office hours."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="duty_shifts",
        verbose_name=_("당직자"),
    )
    starts_at = models.DateTimeField(_("시작"))
    ends_at = models.DateTimeField(_("종료"))
    note = models.CharField(_("비고"), max_length=120, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="duty_shift_starts_before_end"
            )
        ]
        verbose_name = _("당직 근무")
        verbose_name_plural = _("당직 근무")

    def __str__(self) -> str:
        return f"{self.user} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"
