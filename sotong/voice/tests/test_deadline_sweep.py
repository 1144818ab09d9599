from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from sotong.core.models import Notification
from sotong.organisation.models import DutyShift
from sotong.voice.choices import Channel, Kind
from sotong.voice.models import Case, CaseEvent, ServiceCategory
from sotong.voice.services.intake import Submission, case_receive
from sotong.voice.services.routing import case_route
from sotong.voice.services.sweep import deadlines_sweep
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]


def roads_case(*, received_ago: timedelta, kind: str = Kind.QUESTION, text: str = "가로등 문의") -> Case:
    case, _ = case_receive(
        submission=Submission(
            channel=Channel.WEB,
            external_id=f"s-{Case.objects.count()}",
            text=text,
            kind=kind,
            category=ServiceCategory.objects.get(code="streetlight"),
            received_at=timezone.now() - received_ago,
        )
    )
    return case_route(case=case)


def test_an_overdue_case_escalates_to_the_backup_officer_and_the_lead_once(junho: Any, doyun: Any) -> None:
    from sotong.organisation.models import Department
    from sotong.organisation.services import officer_assign

    officer_assign(department=Department.objects.get(code="roads"), user=doyun, position="backup")
    case = roads_case(received_ago=timedelta(days=30))
    assert case.deadline < timezone.now()

    assert deadlines_sweep()["escalated"] == 1
    notified = set(
        Notification.objects.filter(title__contains=case.number).values_list("user__username", flat=True)
    )
    assert notified == {"junho", "doyun"}
    assert CaseEvent.objects.filter(case=case, kind="overdue_escalated").count() == 1

    assert deadlines_sweep()["escalated"] == 0  # once only


def test_a_case_nearing_its_deadline_reminds_its_officer(junho: Any) -> None:
    # Received on Friday at 10:00, due on Monday at 11:00: at Monday 10:00, one of its nine working hours
    # is left (a period's first three quarters gone is when the reminder goes out).
    case = roads_case(received_ago=timedelta(days=3))
    Case.objects.filter(pk=case.pk).update(deadline=MONDAY_MORNING + timedelta(hours=1))
    result = deadlines_sweep()
    assert result["reminded"] == 1
    assert Notification.objects.filter(user=junho, title__contains="임박").exists()


def test_a_fresh_case_is_left_alone(junho: Any) -> None:
    roads_case(received_ago=timedelta(minutes=5))
    assert deadlines_sweep() == {"reminded": 0, "escalated": 0, "first_response_late": 0}


def test_an_urgent_case_reaches_the_safety_office_and_the_on_duty_officer_at_once(
    junho: Any, sora: Any
) -> None:
    from django.contrib.auth import get_user_model

    from sotong.organisation.services import membership_grant

    safety = get_user_model().objects.create_user(username="safety1", password="x" * 12)
    membership_grant(user=safety, role="safety_office", department=None)
    DutyShift.objects.create(
        user=sora, starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=8)
    )
    case, _ = case_receive(
        submission=Submission(
            channel=Channel.WEB, external_id="u-1", text="빌라 계단에서 가스 냄새가 엄청 나요"
        )
    )
    assert case.urgent and case.life_risk  # flagged at intake, before routing
    case_route(case=case)
    notified = set(Notification.objects.filter(level="urgent").values_list("user__username", flat=True))
    assert {"safety1", "sora"} <= notified


def test_a_chat_case_without_a_first_response_in_time_alerts_the_comms_team_once(haneul: Any) -> None:
    case, _ = case_receive(
        submission=Submission(
            channel=Channel.KAKAO,
            external_id="k-1",
            text="가로등 문의",
            received_at=timezone.now() - timedelta(days=3),
        )
    )
    # Never routed (a stopped worker): no acknowledgement went out, and its hour passed long ago.
    assert case.first_response_due is not None
    assert deadlines_sweep()["first_response_late"] == 1
    assert Notification.objects.filter(user=haneul, title__contains=case.number).count() == 1
    assert deadlines_sweep()["first_response_late"] == 0
