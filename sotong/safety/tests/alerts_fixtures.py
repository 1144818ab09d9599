"""People and alerts for the alert tests: safety-office officers 서연 and 태호 (two, for the two-person
rule), and helpers that write and publish alerts through the services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from sotong.organisation.models import Dong
from sotong.safety.models import Alert
from sotong.safety.services.alerts import AlertDraft, alert_create, alert_submit


def safety_officer(username: str, display_name: str) -> Any:
    from django.contrib.auth import get_user_model

    from sotong.organisation.services import membership_grant

    user = get_user_model().objects.create_user(
        username=username, password="correct horse 42", display_name=display_name
    )
    membership_grant(user=user, role="safety_office", department=None)
    return user


@pytest.fixture
def seoyeon(district: Any) -> Any:
    """Safety office (안전총괄): writes alerts."""
    return safety_officer("seoyeon", "최서연")


@pytest.fixture
def taeho(district: Any) -> Any:
    """Safety office (안전총괄): the second person who approves the highest level."""
    return safety_officer("taeho", "오태호")


def draft(**overrides: Any) -> AlertDraft:
    values: dict[str, Any] = {
        "hazard": "flood",
        "severity": "Severe",
        "urgency": "Immediate",
        "headline_ko": "당산1동·당산2동 호우경보",
        "headline_en": "Heavy rain warning for Dangsan 1 and 2",
        "headline_zh": "堂山1洞、堂山2洞暴雨警报",
        "description_ko": "시간당 50mm 이상의 비가 내리고 있습니다.",
        "instruction_ko": "반지하와 지하 주차장에서 바로 나오세요.",
        "instruction_en": "Leave basements and underground car parks now.",
        "instruction_zh": "请立即离开半地下室和地下停车场。",
        "dongs": list(Dong.objects.filter(code__in=["dangsan1", "dangsan2"])),
        "expires": timezone.now() + timedelta(hours=6),
    }
    values.update(overrides)
    return AlertDraft(**values)


def published(by: Any, **overrides: Any) -> Alert:
    alert = alert_submit(alert=alert_create(data=draft(**overrides), by=by), by=by)
    assert alert.state == Alert.State.PUBLISHED
    return alert
