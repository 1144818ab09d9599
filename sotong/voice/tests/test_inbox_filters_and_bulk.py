"""The officer's inbox: filters (status, kind, dong, overdue, urgent, search) and bulk actions, which act
only on cases the officer may handle and say how many were refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from sotong.organisation.models import Department, Dong
from sotong.voice.choices import Kind, Status
from sotong.voice.models import Case
from sotong.voice.tests.test_inbox_pages import roads_case, signed_in
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]


def numbers_in(response: Any, cases: dict[str, Case]) -> set[str]:
    assert response.status_code == 200
    return {name for name, case in cases.items() if case.number in response.text}


@pytest.fixture
def cases(junho: Any) -> dict[str, Case]:
    made = {
        "question": roads_case("가로등 교체 주기가 어떻게 되나요?", kind=Kind.QUESTION),
        "dangsan": roads_case("당산동 골목 가로등이 꺼졌어요", dong=Dong.objects.get(code="dangsan1")),
        "overdue": roads_case("보안등이 한 달째 꺼져 있어요"),
        "answered": roads_case("가로등이 깜빡거려요"),
    }
    Case.objects.filter(pk=made["overdue"].pk).update(deadline=timezone.now() - timedelta(days=1))
    Case.objects.filter(pk=made["answered"].pk).update(status=Status.ANSWERED)
    Case.objects.filter(pk=made["question"].pk).update(urgent=True, urgent_reason="test")
    return made


def test_each_filter_narrows_the_inbox(junho: Any, cases: dict[str, Case]) -> None:
    client = signed_in(junho)
    everything_open = {"question", "dangsan", "overdue"}
    assert numbers_in(client.get("/admin/voice/"), cases) == everything_open
    assert numbers_in(client.get("/admin/voice/", {"status": "all"}), cases) == everything_open | {"answered"}
    assert numbers_in(client.get("/admin/voice/", {"status": Status.ANSWERED}), cases) == {"answered"}
    assert numbers_in(client.get("/admin/voice/", {"kind": Kind.QUESTION}), cases) == {"question"}
    assert numbers_in(client.get("/admin/voice/", {"dong": "dangsan1"}), cases) == {"dangsan"}
    assert numbers_in(client.get("/admin/voice/", {"overdue": "1"}), cases) == {"overdue"}
    assert numbers_in(client.get("/admin/voice/", {"urgent": "1"}), cases) == {"question"}
    assert numbers_in(client.get("/admin/voice/", {"q": "보안등"}), cases) == {"overdue"}
    assert numbers_in(client.get("/admin/voice/", {"q": cases["dangsan"].number}), cases) == {"dangsan"}


def test_bulk_take_acts_on_the_officers_cases_and_refuses_the_others(
    junho: Any, sora: Any, cases: dict[str, Case]
) -> None:
    welfare_case = roads_case("기초연금 신청 방법을 알려 주세요")
    Case.objects.filter(pk=welfare_case.pk).update(
        department=Department.objects.get(code="welfare"), officer=sora
    )
    chosen = [cases["question"].number, cases["dangsan"].number, welfare_case.number]

    response = signed_in(junho).post("/admin/voice/bulk/", {"action": "take", "cases": chosen}, follow=True)

    assert "2건을 처리했습니다." in response.text
    assert "1건은 처리할 수 없었습니다" in response.text
    assert set(Case.objects.filter(number__in=chosen[:2]).values_list("officer__username", flat=True)) == {
        "junho"
    }
    welfare_case.refresh_from_db()
    assert welfare_case.officer == sora and welfare_case.department.code == "welfare"


def test_bulk_transfer_needs_a_department_and_counts_each_transfer(
    junho: Any, cases: dict[str, Case]
) -> None:
    client = signed_in(junho)
    chosen = [cases["dangsan"].number, cases["overdue"].number]

    refused = client.post("/admin/voice/bulk/", {"action": "transfer", "cases": chosen}, follow=True)
    assert "이송할 부서를 고르세요." in refused.text
    assert set(Case.objects.filter(number__in=chosen).values_list("department__code", flat=True)) == {"roads"}

    client.post(
        "/admin/voice/bulk/",
        {"action": "transfer", "cases": chosen, "department": "parking", "reason": "주차 단속 건"},
    )
    moved = Case.objects.filter(number__in=chosen)
    assert set(moved.values_list("department__code", "transfer_count")) == {("parking", 1)}


def test_an_unknown_bulk_action_changes_nothing(junho: Any, cases: dict[str, Case]) -> None:
    before = list(Case.objects.order_by("pk").values_list("status", "officer_id", "department_id"))
    response = signed_in(junho).post(
        "/admin/voice/bulk/", {"action": "delete", "cases": [cases["dangsan"].number]}, follow=True
    )
    assert "1건은 처리할 수 없었습니다" in response.text
    assert list(Case.objects.order_by("pk").values_list("status", "officer_id", "department_id")) == before


def test_due_today_lists_the_open_cases_whose_deadline_falls_before_midnight_in_seoul(
    junho: Any, cases: dict[str, Case]
) -> None:
    now = timezone.now()  # Monday 10:00 in Seoul
    Case.objects.filter(pk=cases["dangsan"].pk).update(deadline=now + timedelta(hours=8))  # 18:00 today
    Case.objects.filter(pk=cases["question"].pk).update(
        deadline=now + timedelta(hours=14, minutes=30)
    )  # 00:30
    Case.objects.filter(pk=cases["answered"].pk).update(deadline=now + timedelta(hours=2))
    listed = numbers_in(signed_in(junho).get("/admin/voice/", {"due": "today"}), cases)
    # Not tomorrow's 00:30, not the overdue one, not an answered one.
    assert listed == {"dangsan"}


def test_the_comms_team_opens_the_inbox_on_the_triage_queue(haneul: Any, cases: dict[str, Case]) -> None:
    waiting = roads_case("어느 부서에 물어야 할지 모르겠어요")
    Case.objects.filter(pk=waiting.pk).update(department=None, officer=None, status=Status.TRIAGE)
    page = signed_in(haneul).get("/admin/voice/")
    assert page.status_code == 200
    assert waiting.number in page.text
    assert numbers_in(page, cases) == set()
    # Their own department's list is one choice away.
    assert signed_in(haneul).get("/admin/voice/", {"department": "pr"}).status_code == 200
