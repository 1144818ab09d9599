from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What the resident asks for; decides the statutory deadline (민원 처리에 관한 법률 제2조)."""

    REPORT = "report", _("신고·처리 요청")  # 기타민원: 일상생활 불편사항을 알리고 조치를 요구
    QUESTION = "question", _("질의")  # 질의민원: 제도·절차
    QUESTION_LAW = "question_law", _("법령 질의")  # 질의민원: 법령 해석
    PROPOSAL = "proposal", _("제안")  # 건의민원
    COMPLAINT = "complaint", _("고충")  # 고충민원
    PRAISE = "praise", _("칭찬")


# What residents choose on the form; the law-interpretation question is an officer's reclassification.
RESIDENT_KINDS = [Kind.REPORT, Kind.QUESTION, Kind.PROPOSAL, Kind.COMPLAINT, Kind.PRAISE]


class Status(models.TextChoices):
    RECEIVED = "received", _("접수")  # stored, not yet routed
    TRIAGE = "triage", _("분류 대기")  # the comms team decides the department
    ASSIGNED = "assigned", _("담당 부서 배정")
    IN_PROGRESS = "in_progress", _("처리 중")
    ANSWERED = "answered", _("답변 완료")
    CLOSED = "closed", _("종결")
    MERGED = "merged", _("중복 병합")


OPEN_STATUSES = [Status.RECEIVED, Status.TRIAGE, Status.ASSIGNED, Status.IN_PROGRESS]


class Channel(models.TextChoices):
    WEB = "web", _("홈페이지")
    KAKAO = "kakao", _("카카오톡")
    OPEN311 = "open311", _("Open311 앱")
    EMAIL = "email", _("이메일")
    SMS = "sms", _("문자")
    SNS = "sns", _("SNS")
    TV_CHAT = "tv_chat", _("소통TV 채팅")
    PHONE = "phone", _("전화")
    PROPOSAL = "proposal", _("주민 제안")  # 열린구청장실: a proposal that reached its threshold
    MAYOR_LETTER = "mayor_letter", _("구청장에게 바란다")


class LocationSource(models.TextChoices):
    NONE = "", _("없음")
    PIN = "pin", _("지도에서 선택")
    DONG = "dong", _("행정동")
    ADDRESS = "address", _("주소")
    PHOTO = "photo", _("사진 위치 정보")
    DEVICE = "device", _("기기 위치")
