from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from sotong.voice.choices import Channel
from sotong.voice.models import Case, ServiceCategory
from sotong.voice.services.intake import Submission, case_receive
from sotong.voice.services.routing import case_route
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]

DANGSAN = (Decimal("37.534500"), Decimal("126.902100"))


def report(text: str, *, lat: Decimal, lon: Decimal, ago: timedelta = timedelta(0)) -> Case:
    case, _ = case_receive(
        submission=Submission(
            channel=Channel.WEB,
            external_id=f"d-{Case.objects.count()}",
            text=text,
            category=ServiceCategory.objects.get(code="streetlight"),
            lat=lat,
            lon=lon,
            received_at=timezone.now() - ago,
        )
    )
    return case_route(case=case)


def test_the_same_problem_nearby_is_linked_to_the_first_report(junho: Any) -> None:
    first = report("당산역 앞 가로등이 꺼져 있어요", lat=DANGSAN[0], lon=DANGSAN[1], ago=timedelta(hours=3))
    second = report("당산역 앞 가로등 꺼짐 신고합니다", lat=DANGSAN[0] + Decimal("0.0003"), lon=DANGSAN[1])
    assert second.primary == first
    assert first.primary is None
    event = second.events.get(kind="routed")
    assert event.detail["duplicate_of"] == first.number


def test_a_report_far_away_is_not_a_duplicate(junho: Any) -> None:
    report("당산역 앞 가로등이 꺼져 있어요", lat=DANGSAN[0], lon=DANGSAN[1])
    far = report("당산역 앞 가로등이 꺼져 있어요", lat=DANGSAN[0] + Decimal("0.01"), lon=DANGSAN[1])
    assert far.primary is None


def test_a_different_problem_at_the_same_place_is_not_a_duplicate(junho: Any) -> None:
    report("당산역 앞 가로등이 꺼져 있어요", lat=DANGSAN[0], lon=DANGSAN[1])
    other = report("보도블록 전체 교체 공사 일정이 궁금합니다 언제 끝나나요", lat=DANGSAN[0], lon=DANGSAN[1])
    assert other.primary is None


def test_an_old_report_is_outside_the_window(junho: Any) -> None:
    report("당산역 앞 가로등이 꺼져 있어요", lat=DANGSAN[0], lon=DANGSAN[1], ago=timedelta(days=10))
    later = report("당산역 앞 가로등이 꺼져 있어요", lat=DANGSAN[0], lon=DANGSAN[1])
    assert later.primary is None
