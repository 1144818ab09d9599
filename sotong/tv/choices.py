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
