from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BroadcastState(models.TextChoices):
    SCHEDULED = "scheduled", _("방송 예정")
    LIVE = "live", _("생방송 중")
    ENDED = "ended", _("방송 종료")
    CANCELLED = "cancelled", _("방송 취소")


class IngestOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("송출 시작")
    ENDED = "ended", _("송출 끝")
    UNKNOWN_KEY = "unknown_key", _("모르는 송출 키")
    REVOKED_KEY = "revoked_key", _("폐기된 송출 키")
    NOT_ON_AIR = "not_on_air", _("방송할 수 없는 상태")
    ALREADY_LIVE = "already_live", _("이미 다른 송출이 연결됨")


class ChatSource(models.TextChoices):
    SITE = "site", _("소통TV")
    YOUTUBE = "youtube", _("YouTube")
    FACEBOOK = "facebook", _("Facebook")


class ChatState(models.TextChoices):
    VISIBLE = "visible", _("게시")
    HELD = "held", _("검토 대기")
    HIDDEN = "hidden", _("숨김")


class HoldReason(models.TextChoices):
    NONE = "", _("없음")
    LINK = "link", _("링크 포함")
    PROFANITY = "profanity", _("욕설·비속어")
    REVIEW = "review", _("검토 후 게시 모드")


class DeskState(models.TextChoices):
    NONE = "", _("해당 없음")
    QUEUED = "queued", _("질문 대기")
    ON_AIR = "on_air", _("방송 중 소개")
    ANSWERED = "answered", _("답변함")
    DISMISSED = "dismissed", _("넘김")


class ChatMode(models.TextChoices):
    OPEN = "open", _("바로 게시")
    REVIEW = "review", _("검토 후 게시")
    CLOSED = "closed", _("채팅 닫힘")


class ExternalChatState(models.TextChoices):
    IDLE = "idle", _("대기")
    RUNNING = "running", _("수집 중")
    STOPPED = "stopped", _("멈춤")
    FAILED = "failed", _("오류")


class PollState(models.TextChoices):
    DRAFT = "draft", _("준비")
    OPEN = "open", _("투표 중")
    CLOSED = "closed", _("마감")


class RecordingState(models.TextChoices):
    RECORDING = "recording", _("녹화 중")
    PROCESSING = "processing", _("다시보기 만드는 중")
    READY = "ready", _("다시보기 공개")
    FAILED = "failed", _("다시보기 실패")
