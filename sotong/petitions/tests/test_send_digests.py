from __future__ import annotations

from typing import Any

import pytest

from sotong.connectors.models import Delivery
from sotong.petitions.services.notify import send_digests
from sotong.petitions.services.stages import proposal_answer
from sotong.petitions.services.supports import support_add

pytestmark = pytest.mark.django_db


def test_supporters_hear_of_a_stage_change_once_on_their_channel(
    make_proposal: Any, who: Any, junho: Any
) -> None:
    proposal = make_proposal()
    support_add(proposal=proposal, identity=who("가"), channel="email", contact="ga@example.kr")
    support_add(proposal=proposal, identity=who("나"), channel="sms", contact="010-2222-3333")
    support_add(proposal=proposal, identity=who("다"))  # no notification chosen
    assert send_digests() == 2, "the third support moved the stage: both who asked hear of it"
    email = Delivery.objects.get(channel="email")
    assert email.recipient == "ga@example.kr"
    assert "부서 검토" in email.payload["text"]
    sms = Delivery.objects.get(channel="sms")
    assert sms.recipient == "01022223333"
    assert send_digests() == 0
    assert Delivery.objects.count() == 2


def test_one_message_tells_a_person_every_change_since_the_last(
    make_proposal: Any, who: Any, junho: Any
) -> None:
    first = make_proposal()
    second = make_proposal(title="여의도 한강공원 가는 길에 자전거 도로를 넓혀 주세요", topic="parks")
    for proposal in (first, second):
        support_add(proposal=proposal, identity=who("가"), channel="email", contact="ga@example.kr")
    for proposal in (first, second):
        for name in "나다":
            support_add(proposal=proposal, identity=who(name))
    assert send_digests() == 1
    text = Delivery.objects.get().payload["text"]
    assert first.title in text and second.title in text


def test_the_answer_reaches_supporters_in_the_next_digest(
    make_proposal: Any, who: Any, mayors_office: Any
) -> None:
    proposal = make_proposal()
    support_add(proposal=proposal, identity=who("가"), channel="email", contact="ga@example.kr")
    for name in "나다":
        support_add(proposal=proposal, identity=who(name))
    send_digests()
    proposal_answer(
        proposal=proposal,
        text="신호등 설치를 결정했습니다. 경찰서 교통안전시설심의를 거쳐 6월에 설치합니다.",
        outcome_text="교통안전시설심의 통과",
        outcome_url="https://www.ydp.go.kr/",
        by=mayors_office,
    )
    assert send_digests() == 1
    assert "답변 완료" in Delivery.objects.order_by("-pk").first().payload["text"]  # type: ignore[union-attr]
