"""열린구청장실: residents' proposals and their supports, comments and stage history; the mayor's intro,
messages and public schedule."""

from __future__ import annotations

import math
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sotong.core.crypto import EncryptedTextField
from sotong.petitions.choices import CommentState, NotifyChannel, Stage, Topic


class Proposal(models.Model):
    title = models.CharField(_("제목"), max_length=120)
    body = models.TextField(_("내용"), max_length=4000)
    topic = models.CharField(_("분야"), max_length=20, choices=Topic.choices)
    dong = models.ForeignKey(
        "organisation.Dong", verbose_name=_("동"), null=True, blank=True, on_delete=models.SET_NULL
    )
    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("답변 부서"),
        related_name="proposals",
        on_delete=models.PROTECT,
    )
    # Who proposed, as the keyed digest of their verified identity (never the identity itself).
    author_digest = models.CharField(max_length=64, editable=False)
    author_name = models.CharField(_("제안자 표시 이름"), max_length=40)
    stage = models.CharField(_("단계"), max_length=20, choices=Stage.choices, default=Stage.COLLECTING)
    # Bumped at every change supporters hear of; each support remembers the last one it was told.
    stage_version = models.PositiveIntegerField(default=1)
    support_count = models.PositiveIntegerField(_("공감 수"), default=0)
    mayor_answers = models.BooleanField(_("구청장 답변 대상"), default=False)
    created_at = models.DateTimeField(_("제안일"), default=timezone.now)
    collecting_until = models.DateTimeField(_("공감 모집 마감"))
    threshold_reached_at = models.DateTimeField(_("기준 도달"), null=True, blank=True)
    interim_due = models.DateTimeField(_("중간 안내 기한"), null=True, blank=True)
    answer_due = models.DateTimeField(_("답변 기한"), null=True, blank=True)
    interim_at = models.DateTimeField(_("중간 안내일"), null=True, blank=True)
    interim_text = models.TextField(_("중간 안내"), blank=True)
    answered_at = models.DateTimeField(_("답변일"), null=True, blank=True)
    answer_text = models.TextField(_("답변"), blank=True)
    outcome_text = models.CharField(_("조치 내용"), max_length=300, blank=True)
    outcome_url = models.URLField(_("조치 결과 링크"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overdue_since = models.DateTimeField(_("기한 초과"), null=True, blank=True)
    case_number = models.CharField(_("민원 번호"), max_length=20, blank=True)
    is_sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["stage", "-created_at"])]
        verbose_name = _("주민 제안")
        verbose_name_plural = _("주민 제안")
        permissions = [("answer_proposal", _("주민 제안에 답변"))]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue_days(self) -> int:
        """Whole days past the answer deadline while unanswered (0 when not overdue)."""
        if self.stage != Stage.REVIEW or self.answer_due is None:
            return 0
        late = (timezone.now() - self.answer_due).total_seconds()
        return math.ceil(late / 86400) if late > 0 else 0  # a day begun late counts

    @property
    def interim_overdue(self) -> bool:
        return bool(
            self.stage == Stage.REVIEW
            and self.interim_at is None
            and self.interim_due is not None
            and timezone.now() > self.interim_due
        )


class Support(models.Model):
    """One person's support of one proposal: the keyed digest of their verified identity is unique per
    proposal, so a second support by the same person is refused by the database itself."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    identity_digest = models.CharField(max_length=64)
    provider = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=10, choices=NotifyChannel.choices, blank=True, default="")
    # E-mail address, mobile number, or the Web Push subscription as JSON: encrypted at rest.
    contact = EncryptedTextField(blank=True, default="")
    language = models.CharField(max_length=10, default="ko")
    notified_version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "identity_digest"], name="support_one_per_identity")
        ]
        indexes = [models.Index(fields=["channel", "notified_version"])]
        verbose_name = _("공감")
        verbose_name_plural = _("공감")

    def __str__(self) -> str:
        return f"{self.proposal_id}:{self.pk}"


class ProposalEvent(models.Model):
    """The proposal's public history: stage changes, the interim notice, the answer, overdue."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30)
    at = models.DateTimeField(default=timezone.now)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal_id}:{self.kind}"


class Comment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author_name = models.CharField(_("이름"), max_length=40)
    identity_digest = models.CharField(max_length=64, blank=True)
    body = models.TextField(_("댓글"), max_length=1000)
    state = models.CharField(
        _("상태"), max_length=10, choices=CommentState.choices, default=CommentState.VISIBLE
    )
    report_count = models.PositiveIntegerField(_("신고 수"), default=0)
    created_at = models.DateTimeField(default=timezone.now)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("댓글")
        verbose_name_plural = _("댓글")

    def __str__(self) -> str:
        return f"{self.author_name}: {self.body[:40]}"


class CommentReport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter_digest"], name="comment_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.comment_id}:{self.pk}"


class MayorProfile(models.Model):
    """구청장 소개: one row, edited by staff in the back office."""

    name_ko = models.CharField(_("이름"), max_length=40)
    name_en = models.CharField(_("영문 이름"), max_length=80, blank=True)
    name_zh = models.CharField(_("중문 이름"), max_length=40, blank=True)
    intro_ko = models.TextField(_("소개"))
    intro_en = models.TextField(_("영문 소개"), blank=True)
    intro_zh = models.TextField(_("중문 소개"), blank=True)
    is_sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        verbose_name = _("구청장 소개")
        verbose_name_plural = _("구청장 소개")

    def __str__(self) -> str:
        return self.name_ko


class MayorMessage(models.Model):
    title_ko = models.CharField(_("제목"), max_length=120)
    title_en = models.CharField(_("영문 제목"), max_length=200, blank=True)
    title_zh = models.CharField(_("중문 제목"), max_length=120, blank=True)
    body_ko = models.TextField(_("내용"))
    body_en = models.TextField(_("영문 내용"), blank=True)
    body_zh = models.TextField(_("중문 내용"), blank=True)
    published_at = models.DateTimeField(_("게시일"), default=timezone.now)
    is_sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("구청장 인사말·메시지")
        verbose_name_plural = _("구청장 인사말·메시지")

    def __str__(self) -> str:
        return self.title_ko


class ScheduleEvent(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title_ko = models.CharField(_("일정"), max_length=120)
    title_en = models.CharField(_("영문 일정"), max_length=200, blank=True)
    title_zh = models.CharField(_("중문 일정"), max_length=120, blank=True)
    place = models.CharField(_("장소"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("시작"))
    ends_at = models.DateTimeField(_("종료"))
    is_public = models.BooleanField(_("공개"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_sample = models.BooleanField(_("예시 자료"), default=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="schedule_ends_after_start"
            )
        ]
        verbose_name = _("구청장 일정")
        verbose_name_plural = _("구청장 일정")

    def __str__(self) -> str:
        return self.title_ko
