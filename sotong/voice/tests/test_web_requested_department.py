"""A resident who writes from a department's page ("이 부서에 민원 보내기") reaches that department, even where
the department has no category of its own; the case page and its history say who chose it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sotong.organisation.models import Department
from sotong.voice.models import Case
from sotong.voice.services.routing import case_route
from sotong.voice.tests.test_web_intake_flow import form_data

pytestmark = pytest.mark.django_db


def send(department: str, text: str, **extra: Any) -> Case:
    page = Client().get("/voice/", {"department": department})
    assert page.status_code == 200
    response = Client().post("/voice/", form_data(text=text, department=department, **extra))
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(text=text)
    case_route(case=case)
    case.refresh_from_db()
    return case


def test_a_department_without_a_category_gets_the_case_written_to_it(district: Any) -> None:
    assert not Department.objects.get(code="women").service_categories.exists()
    case = send("women", "여성 창업 지원 교육 일정을 알려 주세요.")
    assert case.requested_department.code == "women"
    assert case.department.code == "women"
    routed = case.events.get(kind="routed")
    assert routed.detail["by"] == "resident"


def test_the_case_page_says_the_resident_chose_the_department_and_names_transfers(
    district: Any, junho: Any, haneul: Any
) -> None:
    case = send("women", "여성 창업 지원 교육 일정을 알려 주세요.")
    client = Client()
    client.force_login(haneul)
    page = client.get(f"/admin/voice/cases/{case.number}/").text
    assert "주민이 부서 안내 페이지에서 이 부서를 골라 보냈습니다." in page
    assert "주민이 고른 부서" in page


def test_a_form_without_a_department_is_routed_as_before(district: Any) -> None:
    case = send("", "여성 창업 지원 교육 일정을 알려 주세요.")
    assert case.requested_department is None
    assert case.events.filter(kind__in=["routed", "triaged"]).get().detail["by"] == "model"


def test_a_transfer_out_of_triage_names_both_sides_in_the_history(district: Any, haneul: Any) -> None:
    from sotong.voice.choices import Status
    from sotong.voice.services.handling import case_transfer

    case = send("", "공원 벤치가 부서졌어요.")
    Case.objects.filter(pk=case.pk).update(department=None, status=Status.TRIAGE)
    case.refresh_from_db()
    case_transfer(case=case, to=Department.objects.get(code="parks"), by=haneul, reason="공원 시설물")
    client = Client()
    client.force_login(haneul)
    page = client.get(f"/admin/voice/cases/{case.number}/").text
    assert "통합접수(분류 대기) → 공원녹지과 (공원 시설물)" in page
    assert "None →" not in page


def test_a_place_that_starts_with_its_dong_names_the_dong_once(district: Any, haneul: Any) -> None:
    from sotong.organisation.models import Dong
    from sotong.voice.templatetags.voice_tags import place

    case = send("", "주민센터 앞 보도블록이 깨졌어요.", address_text="당산1동 주민센터 앞")
    Case.objects.filter(pk=case.pk).update(dong=Dong.objects.get(code="dangsan1"))
    case.refresh_from_db()
    assert place(case) == "당산1동 주민센터 앞"
    case.address_text = "당산역 4번 출구"
    assert place(case) == "당산1동 당산역 4번 출구"
    case.address_text = ""
    assert place(case) == "당산1동"
