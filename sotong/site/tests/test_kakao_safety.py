"""The KakaoTalk conversation answers '가까운 대피소' and '지금 발령된 특보' from the safety module."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sotong.organisation.models import Dong
from sotong.safety.choices import FacilityKind, Hazard, Setting
from sotong.safety.models import Alert, Facility

from .test_kakao_conversation import labels, say, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelters(district: Any) -> dict[str, Facility]:
    dong = Dong.objects.get(code="singil1")
    lat, lon = float(dong.lat), float(dong.lon)
    return {
        "bunker": Facility.objects.create(
            kind=FacilityKind.CIVIL_DEFENCE,
            name_ko="신길역 지하 대피시설",
            lat=lat + 0.0005,
            lon=lon,
            setting=Setting.UNDERGROUND,
            always_open=True,
            capacity=2000,
        ),
        "gym": Facility.objects.create(
            kind=FacilityKind.TEMPORARY_HOUSING,
            name_ko="신길초등학교 체육관",
            name_en="Singil Elementary School gym",
            address="서울특별시 영등포구 신길로 1",
            lat=lat + 0.004,
            lon=lon + 0.004,
            setting=Setting.INDOOR,
            always_open=True,
            capacity=300,
            step_free=True,
        ),
        "cooling": Facility.objects.create(
            kind=FacilityKind.HEAT_SHELTER,
            name_ko="신길1동 경로당 무더위쉼터",
            lat=lat - 0.002,
            lon=lon,
            setting=Setting.INDOOR,
            always_open=True,
            capacity=20,
        ),
    }


def test_nearest_shelters_for_a_flood_are_never_underground_and_link_to_the_map(
    kakao: None, user: str, shelters: dict[str, Facility]
) -> None:
    client = Client()
    assert "가까운 대피소" in labels(say(client, "안녕하세요", user))

    body = say(client, "가까운 대피소", user)
    assert "어떤 상황인가요" in texts(body)[-1]
    assert "호우·침수" in labels(body)

    body = say(client, "호우·침수", user)
    assert "동 이름을 알려 주세요" in texts(body)[-1]

    answer = texts(say(client, "신길1동이에요", user))[-1]
    assert "신길초등학교 체육관" in answer
    assert "300명" in answer and "계단 없음" in answer and "북동쪽" in answer
    assert "신길역 지하 대피시설" not in answer
    assert "/safety/?dong=singil1&hazard=flood" in answer


def test_the_alert_in_force_chooses_the_hazard_and_an_unknown_dong_is_asked_again(
    kakao: None, user: str, shelters: dict[str, Facility]
) -> None:
    Alert.objects.create(
        identifier="heat-1",
        sender="sotong@ydp.go.kr",
        sent=timezone.now(),
        event="폭염경보",
        hazard=Hazard.HEAT,
        severity=Alert.Severity.SEVERE,
        headline_ko="영등포구 폭염경보",
        instruction_ko="낮 시간 야외 활동을 피하고 무더위쉼터를 이용하세요.",
        expires=timezone.now() + timedelta(hours=6),
        state=Alert.State.PUBLISHED,
        origin="local",
    )
    client = Client()
    body = say(client, "대피소", user)
    assert "폭염 때 갈 수 있는" in texts(body)[-1]

    assert "동 이름을 찾지 못했습니다" in texts(say(client, "강남역 근처", user))[-1]
    answer = texts(say(client, "신길1동", user))[-1]
    assert "신길1동 경로당 무더위쉼터" in answer
    assert "체육관" not in answer


def test_alerts_in_force_are_listed_with_their_instructions_and_none_is_said_plainly(
    kakao: None, user: str, district: Any
) -> None:
    client = Client()
    assert "발령된 특보나 경보가 없습니다" in texts(say(client, "지금 발령된 특보", user))[-1]

    alert = Alert.objects.create(
        identifier="rain-1",
        sender="sotong@ydp.go.kr",
        sent=timezone.now(),
        event="호우경보",
        hazard=Hazard.FLOOD,
        severity=Alert.Severity.SEVERE,
        headline_ko="영등포구 호우경보",
        area_desc="신길1동, 대림2동",
        instruction_ko="지하 공간에 들어가지 말고 높은 곳으로 피하세요.",
        state=Alert.State.PUBLISHED,
        origin="local",
    )
    Alert.objects.create(
        identifier="old-1",
        sender="sotong@ydp.go.kr",
        sent=timezone.now() - timedelta(days=2),
        event="한파주의보",
        headline_ko="지난 한파주의보",
        expires=timezone.now() - timedelta(days=1),
        state=Alert.State.PUBLISHED,
        origin="local",
    )
    answer = texts(say(client, "특보", user))[-1]
    assert "[심각] 영등포구 호우경보" in answer
    assert "신길1동, 대림2동" in answer and "지하 공간에 들어가지 말고" in answer
    assert f"/safety/alerts/{alert.pk}/" in answer
    assert "지난 한파주의보" not in answer


def test_the_safety_answers_follow_the_residents_language(
    kakao: None, user: str, shelters: dict[str, Facility]
) -> None:
    client = Client()
    say(client, "hello, where is the nearest shelter?", user)
    body = say(client, "nearest shelter", user)
    assert "What is happening" in texts(body)[-1]
    assert "Heavy rain an…" in labels(body)
    say(client, "flood", user)
    answer = texts(say(client, "Singil 1-dong", user))[-1]
    assert "Singil Elementary School gym" in answer
