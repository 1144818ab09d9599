"""Urgency: the rules flag what is happening now, in Korean, English and Chinese, and stay quiet on
messages that only share a word with an emergency (a gas bill is not a gas leak)."""

from __future__ import annotations

import pytest

from sotong.voice import routing
from sotong.voice.routing import urgent
from sotong.voice.routing.model import RoutingModel
from sotong.voice.tests.test_routing_model import trained_model

LIFE_AT_RISK = [
    # gas
    ("빌라 계단에서 가스 냄새가 너무 심하게 나요", "가스 냄새·누출"),
    ("The whole corridor smells of gas, we think there is a leak.", "가스 냄새·누출"),
    ("厨房里燃气味很重，好像漏气了", "가스 냄새·누출"),
    # flooding
    ("반지하 방에 물이 차올라서 무릎까지 왔어요", "침수"),
    ("Water is coming in under our door and the basement is flooding.", "침수"),
    ("半地下的房子进水了，水还在涨", "침수"),
    # collapse
    ("옆 건물 담장이 무너져 내렸어요", "붕괴 위험"),
    ("The old retaining wall on our street just collapsed onto the road.", "붕괴 위험"),
    ("工地旁边的围墙倒塌了", "붕괴 위험"),
    # a person collapsed
    ("버스정류장에 할아버지 한 분이 쓰러져 계세요", "사람이 쓰러짐"),
    ("A man collapsed outside the station and he is unconscious.", "사람이 쓰러짐"),
    ("地铁站门口有个老人晕倒了", "사람이 쓰러짐"),
    # fire
    ("앞 건물 3층에서 불이 났어요", "화재"),
    ("The restaurant next door is on fire!", "화재"),
    ("楼下的商店着火了", "화재"),
    # child abuse sounds
    ("옆집에서 아이 비명이랑 때리는 소리가 계속 들려요", "폭력·학대 의심"),
    ("I can hear a child screaming and someone hitting the kid next door.", "폭력·학대 의심"),
    ("隔壁一直有孩子哭喊和打孩子的声音", "폭력·학대 의심"),
    # an isolated elderly neighbour not seen for days
    ("혼자 사시는 옆집 할머니가 나흘째 안 보이시고 전화도 안 받으세요", "고립 주민 안부"),
    ("My elderly neighbour who lives alone hasn't been seen for five days.", "고립 주민 안부"),
    ("楼下独居的老人好几天没出门了，敲门也没人应", "고립 주민 안부"),
    # more of what the departments see
    ("집 앞 맨홀 뚜껑이 없어져서 구멍이 그대로 뚫려 있어요", "맨홀 위험"),
    ("사거리 도로 한가운데가 푹 꺼져서 싱크홀이 생겼어요", "도로 함몰"),
    ("전봇대 전선이 끊어져서 인도에 늘어져 있어요", "전선·감전 위험"),
    ("상가 3층 간판이 바람에 덜렁거리며 떨어지려고 해요", "낙하·전도 위험"),
    ("친구가 죽고 싶다는 문자를 보내고 연락이 끊겼어요", "자살·자해 위험"),
]


@pytest.mark.parametrize(("text", "reason"), LIFE_AT_RISK)
def test_it_flags_a_life_at_risk(text: str, reason: str) -> None:
    result = urgent.detect(text)
    assert result.urgent and result.life_risk
    assert reason in result.reasons


CALM = [
    "가스 요금 문의드립니다",
    "도시가스 요금이 지난달보다 너무 많이 나왔어요",
    "가스 새로 연결하려면 어디에 신청하나요?",
    "가스 누출 경보기 설치 지원 사업이 있나요?",
    "배기가스 냄새 나는 관광버스 공회전 단속해 주세요",
    "How do I pay my gas bill?",
    "燃气费怎么交？",
    "작년 여름 침수 피해 보상은 어디서 신청해요?",
    "반지하 침수 대비 물막이판 설치 신청은 어떻게 하나요?",
    "긴급복지 생계지원 신청 자격이 궁금해요",
    "재산세 고지서를 재발급해요?",
    "공유 킥보드가 인도에 쓰러져 있어요",
    "옆집 개를 방치하는 것 같아요 동물학대 신고합니다",
    "고깃집 연기가 창문으로 들어와요",
    "People smoke at the bus stop every morning.",
    "화물차 밤샘주차 단속해 주세요",
    "체육센터 사물함이 안 잠겨요",
    "구립도서관 희망도서 신청은 어떻게 하나요?",
    "병원이 폐업했는데 연락이 안 돼요",
    "고독사 예방 사업이 있나요?",
]


@pytest.mark.parametrize("text", CALM)
def test_it_stays_quiet_on_a_calm_message_that_shares_a_word_with_an_emergency(text: str) -> None:
    result = urgent.detect(text)
    assert not result.life_risk
    assert not result.urgent, result.reasons


def test_life_risk_never_fires_on_a_billing_question() -> None:
    for text in (
        "가스 요금 문의",
        "가스요금 고지서가 안 왔어요",
        "전기 요금이랑 가스 요금 할인 받을 수 있나요?",
    ):
        assert not urgent.detect(text).life_risk


def test_ice_and_a_plea_for_speed_are_urgent_without_a_life_at_risk() -> None:
    ice = urgent.detect("언덕길이 빙판이라 차가 못 올라가요")
    assert ice.urgent and not ice.life_risk
    plea = urgent.detect("[긴급] 버스정류장 유리가 깨졌어요")
    assert plea.urgent and not plea.life_risk


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> RoutingModel:
    model = trained_model()
    monkeypatch.setattr(routing, "_model", model)
    monkeypatch.setattr(routing, "_model_mtime", None)
    return model


def test_route_text_reports_the_rules_reasons_and_life_risk(model: RoutingModel) -> None:
    result = routing.route_text("지금 집 앞 골목에서 가스 냄새가 진동해요")
    assert result.urgent and result.life_risk
    assert result.urgent_reasons == ("가스 냄새·누출",)
    assert result.prediction.department == "safety"


def test_route_text_keeps_a_gas_bill_calm_and_routes_it_to_the_economy_division(model: RoutingModel) -> None:
    result = routing.route_text("도시가스 요금 문의는 어디에 하나요?")
    assert not result.urgent and not result.life_risk
    assert result.prediction.department == "economy"


def test_the_urgency_model_scores_an_emergency_above_a_question(model: RoutingModel) -> None:
    emergency = model.predict("반지하 집으로 빗물이 들이쳐서 방바닥이 잠기고 있어요 도와주세요")
    question = model.predict("구청 주차장 주말에도 무료인가요?")
    assert emergency.urgent_score > question.urgent_score
    assert question.urgent_score < routing.URGENT_MODEL_THRESHOLD
