"""The public list of answered cases (/voice/answered/): only where the resident allowed publication,
personal data masked in the message and in the answer, locations rounded, one entry per problem."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sotong.core.masking import mask_name, mask_phone, mask_text
from sotong.organisation.models import Dong
from sotong.voice.models import Case
from sotong.voice.services import handling
from sotong.voice.tests.test_inbox_pages import roads_case
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]

PRIVATE = "연락 주세요 010-9876-5432, minji.kim@example.kr, 차량 12가 3456, 주민번호 900101-2345678"


def answered(
    officer: Any, *, publish: bool, text: str, answer: str = "오늘 고쳤습니다.", **extra: Any
) -> Case:
    """A roads case from 김민지, answered by ``officer``."""
    case = roads_case(text, consent_publish=publish, contact_name="김민지", **extra)
    handling.case_reply(case=case, body=answer, by=officer)
    case.refresh_from_db()
    return case


def test_only_cases_the_resident_allowed_are_listed_with_personal_data_masked(junho: Any) -> None:
    answered(
        junho,
        publish=True,
        text=f"보도블록이 깨졌어요. {PRIVATE}",
        answer="010-1111-2222로 연락드렸습니다.",
    )
    answered(junho, publish=False, text="우리 집 앞 보도가 꺼졌어요. 비공개로 해 주세요.")

    page = Client().get("/voice/answered/").text
    assert "보도블록이 깨졌어요." in page
    assert "비공개로 해 주세요" not in page
    for secret in (
        "9876-5432",
        "010-9876",
        "minji.kim",
        "12가 3456",
        "900101",
        "2345678",
        "1111-2222",
        "김민지",
    ):
        assert secret not in page, secret
    assert "010-****-5432" in page and "m****@example.kr" in page and "**가 ****" in page
    assert "******-*******" in page
    assert "010-****-2222로 연락드렸습니다." in page


def test_the_residents_own_name_is_masked_where_they_or_the_officer_wrote_it(junho: Any) -> None:
    case = answered(
        junho,
        publish=True,
        text="저는 당산동 주민 김민지입니다. 보도블록이 깨졌어요.",
        answer="김민지 님, 말씀하신 보도블록을 교체했습니다.",
    )
    page = Client().get("/voice/answered/").text
    assert "김민지" not in page
    assert "주민 김*지입니다." in page and "김*지 님, 말씀하신" in page

    # The same in Open311, which lists every channel's requests.
    request = Client().get(f"/open311/v2/requests/{case.number}.json").json()[0]
    assert "김민지" not in request["description"] + request["status_notes"]
    assert "김*지" in request["description"] and "김*지" in request["status_notes"]
    updates = Client().get(
        "/open311/v2/servicerequestupdates.json",
        {
            "start_date": (timezone.now() - timedelta(days=1)).isoformat(timespec="seconds"),
            "end_date": (timezone.now() + timedelta(days=1)).isoformat(timespec="seconds"),
        },
    )
    assert updates.status_code == 200, updates.content[:500]
    assert "김민지" not in updates.text
    assert any("김*지 님" in update["description"] for update in updates.json()), updates.text


def test_published_locations_are_rounded_to_about_100_metres(junho: Any) -> None:
    answered(
        junho,
        publish=True,
        text="보도블록이 깨졌어요.",
        lat=Decimal("37.524567"),
        lon=Decimal("126.899123"),
    )
    page = Client().get("/voice/answered/").text
    assert re.search(r'data-lat="37\.525" data-lon="126\.899"', page), page
    assert "37.524567" not in page and "126.899123" not in page


def test_the_list_filters_by_department_and_dong(junho: Any) -> None:
    dangsan = Dong.objects.get(code="dangsan1")
    answered(junho, publish=True, text="당산동 보도가 깨졌어요.", dong=dangsan)
    answered(junho, publish=True, text="여의도 보도가 깨졌어요.", dong=Dong.objects.get(code="yeoui"))

    by_dong = Client().get("/voice/answered/", {"dong": "dangsan1"}).text
    assert "당산동 보도가 깨졌어요." in by_dong and "여의도 보도가 깨졌어요." not in by_dong
    other_department = Client().get("/voice/answered/", {"department": "parking"}).text
    assert "보도가 깨졌어요." not in other_department
    assert "아직 공개된 답변이 없습니다." in other_department


def test_a_merged_duplicate_is_not_listed_twice(junho: Any) -> None:
    primary = answered(junho, publish=True, text="당산역 4번 출구 보도블록이 깨졌어요.")
    duplicate = roads_case("당산역 4번 출구 앞 보도블록 파손 신고합니다.", consent_publish=True)
    handling.case_merge(duplicate=duplicate, primary=primary, by=junho)

    page = Client().get("/voice/answered/").text
    assert page.count('class="answer"') == 1
    assert "당산역 4번 출구 보도블록이 깨졌어요." in page


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("전화 010-1234-5678", "전화 010-****-5678"),
        ("전화 01012345678", "전화 010-****-5678"),
        ("구청 02-2670-3114", "구청 02-****-3114"),
        ("메일 abc.def@example.co.kr", "메일 a****@example.co.kr"),
        ("주민번호 900101-1234567", "주민번호 ******-*******"),
        ("차량 123가 4567 불법주차", "차량 **가 **** 불법주차"),
        ("번호 없음", "번호 없음"),
    ],
)
def test_masking_hides_what_identifies_a_person(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_a_given_name_is_masked_wherever_it_appears() -> None:
    assert mask_text("김민지입니다. 김민지 올림", names=["김민지 "]) == "김*지입니다. 김*지 올림"
    assert mask_text("김 씨 댁", names=["김", ""]) == "김 씨 댁"  # one letter names nobody


def test_names_and_phones_are_masked_like_the_district_prints_them() -> None:
    assert mask_name("김민수") == "김*수"
    assert mask_name("남궁민수") == "남**수"
    assert mask_name("이산") == "이*"
    assert mask_phone("010-1234-5678") == "010-****-5678"
