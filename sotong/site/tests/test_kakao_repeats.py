"""Kakao sends a turn again when the skill was slow: a repeated turn is answered as the first time, never
taken as the answer to the next question; and a case's status does not repeat what it already says."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sotong.connectors.models import Delivery
from sotong.connectors.outbox import delivery_send
from sotong.voice.models import Case, CaseMessage

from .test_kakao_conversation import REPORT, labels, route_and_answer, say, submit, texts

pytestmark = pytest.mark.django_db


def test_a_repeated_description_is_not_taken_as_the_place(kakao: None, user: str) -> None:
    client = Client()
    first = say(client, REPORT, user)
    again = say(client, REPORT, user)
    assert again == first
    assert "어디에서" in texts(again)[-1]

    summary = say(client, "당산역 4번 출구", user)
    assert "장소: 당산역 4번 출구" in texts(summary)[-1]
    say(client, "보내기", user)
    case = Case.objects.get()
    assert case.text == REPORT
    assert case.address_text == "당산역 4번 출구"


def test_a_repeated_place_and_a_repeated_send_make_one_case(kakao: None, user: str) -> None:
    client = Client()
    say(client, REPORT, user)
    first = say(client, "당산2동", user)
    assert say(client, "당산2동", user) == first
    receipt = say(client, "보내기", user)
    assert say(client, "보내기", user) == receipt
    assert Case.objects.count() == 1
    assert Case.objects.get().address_text == "당산2동"


def test_a_repeated_last_answer_of_the_shelter_search_makes_no_case(kakao: None, user: str) -> None:
    client = Client()
    say(client, "가까운 대피소", user)
    say(client, "지진", user)
    found = say(client, "신길1동", user)
    assert "신길1동" in texts(found)[-1]
    assert say(client, "신길1동", user) == found
    assert Case.objects.count() == 0


def test_the_same_words_later_are_read_afresh(
    kakao: None, user: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client()
    say(client, REPORT, user)
    monkeypatch.setattr("sotong.site.conversation.REPEAT_WINDOW", -1)
    # Past the window the same words are the answer to the question asked: the place.
    summary = say(client, REPORT, user)
    assert "이대로 보낼까요" in texts(summary)[-1]


def test_a_repeated_menu_is_simply_the_menu(kakao: None, user: str) -> None:
    client = Client()
    assert "소통 창구" in texts(say(client, "처음으로", user))[-1]
    assert "소통 창구" in texts(say(client, "처음으로", user))[-1]


def test_checking_a_case_shows_its_status_once_not_its_receipt_again(
    kakao: None, user: str, junho: Any
) -> None:
    client = Client()
    case = submit(client, user)
    route_and_answer(case, junho, "내일 오전에 보수하겠습니다.")
    waiting = Delivery.objects.filter(channel="kakao", subject__startswith="voice.casemessage:")
    for delivery in waiting:
        assert delivery_send(delivery_id=delivery.pk).status == Delivery.Status.HELD
    assert {m.purpose for m in case.messages.filter(direction="out")} == {
        CaseMessage.Purpose.ACKNOWLEDGEMENT,
        CaseMessage.Purpose.ANSWER,
    }

    body = say(client, f"민원 확인 {case.number}", user)
    shown = texts(body)
    assert len(shown) == 1
    assert f"접수 번호: {case.number}" in shown[0]
    assert "내일 오전에 보수하겠습니다." in shown[0]
    assert "남은 안내 보기" not in labels(body)
    assert set(waiting.values_list("status", flat=True)) == {Delivery.Status.SENT}
