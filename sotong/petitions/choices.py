from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    COLLECTING = "collecting", _("모집 중")
    REVIEW = "review", _("부서 검토")
    ANSWERED = "answered", _("답변 완료")
    EXPIRED = "expired", _("기간 만료")


class Topic(models.TextChoices):
    TRAFFIC = "traffic", _("교통·주차")
    ENVIRONMENT = "environment", _("환경·청소")
    WELFARE = "welfare", _("복지")
    SAFETY = "safety", _("안전")
    CULTURE = "culture", _("문화·체육")
    EDUCATION = "education", _("교육·보육")
    CITY = "city", _("도시·주택")
    ECONOMY = "economy", _("경제·일자리")
    PARKS = "parks", _("공원·녹지")
    OTHER = "other", _("기타 구정")


# The department that answers a topic's proposals (a code of organisation.Department); an officer of the
# mayor's office may hand a proposal to another department before it reaches its threshold.
TOPIC_DEPARTMENTS: dict[str, str] = {
    Topic.TRAFFIC: "traffic",
    Topic.ENVIRONMENT: "env",
    Topic.WELFARE: "welfare",
    Topic.SAFETY: "safety",
    Topic.CULTURE: "culture",
    Topic.EDUCATION: "edu",
    Topic.CITY: "urbanplan",
    Topic.ECONOMY: "economy",
    Topic.PARKS: "parks",
    Topic.OTHER: "plan",
}


class NotifyChannel(models.TextChoices):
    NONE = "", _("받지 않음")
    EMAIL = "email", _("이메일")
    SMS = "sms", _("문자")
    WEBPUSH = "webpush", _("웹 푸시")


class CommentState(models.TextChoices):
    VISIBLE = "visible", _("게시")
    HIDDEN = "hidden", _("숨김")
    REVIEW = "review", _("신고로 숨김(검토 대기)")
