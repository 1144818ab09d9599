from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from sotong.core.workdays import SEOUL
from sotong.voice.choices import Channel, Kind
from sotong.voice.deadlines import deadline_for, extended_deadline, first_response_due, rule_for
from sotong.voice.models import DeadlineRule

pytestmark = pytest.mark.django_db


def seoul(*args: int) -> datetime:
    return datetime(*args, tzinfo=SEOUL)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (Kind.QUESTION, seoul(2026, 12, 9, 18, 0)),  # 7 working days counting Tue 1 Dec
        (Kind.QUESTION_LAW, seoul(2026, 12, 18, 18, 0)),  # 14 working days
        (Kind.PROPOSAL, seoul(2026, 12, 18, 18, 0)),
        (Kind.COMPLAINT, seoul(2026, 12, 9, 18, 0)),
        (Kind.REPORT, seoul(2026, 12, 1, 15, 0)),  # 3 working hours: 11-12, then 13-15 after lunch
    ],
)
def test_each_kind_gets_its_statutory_deadline(district: Any, kind: str, expected: datetime) -> None:
    assert deadline_for(kind=kind, received_at=seoul(2026, 12, 1, 11, 0)) == expected


def test_the_rules_name_their_legal_basis(district: Any) -> None:
    assert "시행령 제14조" in rule_for(Kind.QUESTION).legal_basis
    assert "시행령 제15조" in rule_for(Kind.PROPOSAL).legal_basis


def test_an_administrator_can_change_a_kinds_period(district: Any) -> None:
    DeadlineRule.objects.filter(kind=Kind.REPORT).update(amount=2, unit="days")
    assert deadline_for(kind=Kind.REPORT, received_at=seoul(2026, 12, 1, 11, 0)) == seoul(2026, 12, 2, 18, 0)


def test_a_report_sent_on_friday_evening_before_seollal_is_due_after_the_holidays(district: Any) -> None:
    # Friday 13 Feb 2026 20:00; weekend and 설날 16-18 Feb: the three working hours run on Thursday 19th.
    assert deadline_for(kind=Kind.REPORT, received_at=seoul(2026, 2, 13, 20, 0)) == seoul(2026, 2, 19, 12, 0)


def test_chat_channels_get_a_first_response_target_of_one_working_hour(district: Any) -> None:
    received = seoul(2026, 12, 1, 17, 30)
    assert first_response_due(channel=Channel.KAKAO, received_at=received) == seoul(2026, 12, 2, 9, 30)
    assert first_response_due(channel=Channel.WEB, received_at=received) is None


def test_an_extension_may_add_at_most_the_original_period(district: Any) -> None:
    current = seoul(2026, 12, 9, 18, 0)  # a 7-day question's deadline
    assert extended_deadline(kind=Kind.QUESTION, current=current) == seoul(2026, 12, 18, 18, 0)
