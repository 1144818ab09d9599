"""The KakaoTalk conversation, driven as Kakao i Open Builder drives it: POSTed skill requests built from the
documented SkillPayload, answers checked against the documented SkillResponse."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from typing import Any

import httpx
import pytest
from django.test import Client

from sotong.connectors.kakao.inbound import SECRET_HEADER
from sotong.connectors.kakao.tests.payloads import CALLBACK_URL, SECRET, kakao_settings, skill_payload
from sotong.connectors.models import Delivery
from sotong.connectors.outbox import delivery_enqueue, delivery_send
from sotong.core.ratelimit import Limit
from sotong.organisation.models import Dong
from sotong.voice.choices import Status
from sotong.voice.models import Case, CaseMessage, ServiceCategory
from sotong.voice.services.handling import case_reply
from sotong.voice.services.routing import case_route

pytestmark = pytest.mark.django_db

REPORT = "당산역 4번 출구 앞 보도블록이 깨져서 걸려 넘어질 뻔했어요. 고쳐 주세요."


def assert_documented(body: dict[str, Any]) -> None:
    """The SkillResponse rules: version 2.0, 1–3 outputs, SimpleText ≤ 1000, ≤ 10 quick replies."""
    assert set(body) == {"version", "template"}
    assert body["version"] == "2.0"
    assert set(body["template"]) <= {"outputs", "quickReplies"}
    outputs = body["template"]["outputs"]
    assert 1 <= len(outputs) <= 3
    for output in outputs:
        assert list(output) == ["simpleText"]
        assert list(output["simpleText"]) == ["text"]
        assert 0 < len(output["simpleText"]["text"]) <= 1000
    replies = body["template"].get("quickReplies", [])
    assert len(replies) <= 10
    for reply in replies:
        assert set(reply) == {"label", "action", "messageText"}
        assert reply["action"] == "message"
        assert 0 < len(reply["label"]) <= 14
        assert reply["messageText"]


def post(
    client: Client, utterance: str, user: str, *, headers: dict[str, str] | None = None, **kw: Any
) -> Any:
    return client.post(
        "/kakao/skill/",
        data=json.dumps(skill_payload(utterance, user_key=user, **kw)),
        content_type="application/json",
        headers={SECRET_HEADER: SECRET} if headers is None else headers,
    )


def say(client: Client, utterance: str, user: str, **kw: Any) -> dict[str, Any]:
    response = post(client, utterance, user, **kw)
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    if "useCallback" not in body:
        assert_documented(body)
    return body


def texts(body: dict[str, Any]) -> list[str]:
    return [output["simpleText"]["text"] for output in body["template"]["outputs"]]


def labels(body: dict[str, Any]) -> list[str]:
    return [reply["label"] for reply in body["template"].get("quickReplies", [])]


def submit(client: Client, user: str, text: str = REPORT, place: str = "건너뛰기") -> Case:
    say(client, text, user)
    say(client, place, user)
    say(client, "보내기", user)
    return Case.objects.get(channel="kakao", channel_user=user)


def route_and_answer(case: Case, officer: Any, body: str) -> None:
    case.category = ServiceCategory.objects.get(code="road_damage")
    case.save(update_fields=["category"])
    case_route(case=case)
    case.refresh_from_db()
    case_reply(case=case, body=body, by=officer)


def test_a_request_without_the_secret_or_from_another_bot_is_refused_and_stores_nothing(
    kakao: None, user: str
) -> None:
    client = Client()
    assert post(client, REPORT, user, headers={}).status_code == 403
    assert post(client, REPORT, user, headers={SECRET_HEADER: "guess"}).status_code == 403
    assert post(client, REPORT, user, bot_id="5a548e36aea1a43fa851ecd9").status_code == 403
    for utterance in ("건너뛰기", "보내기"):
        assert post(client, utterance, user, headers={}).status_code == 403

    # Nothing was kept: the resident's own "보내기" finds no draft, and no case exists.
    body = say(client, "보내기", user)
    assert "이대로 보낼까요" not in texts(body)[-1]
    assert Case.objects.count() == 0
    assert Delivery.objects.count() == 0


def test_the_skill_is_off_until_switched_on(settings: Any, user: str) -> None:
    settings.KAKAO_ENABLED = False
    assert post(Client(), "민원 접수", user).status_code == 404


def test_only_post_is_accepted(kakao: None) -> None:
    assert Client().get("/kakao/skill/").status_code == 405


def test_a_body_that_is_not_a_skill_request_is_a_bad_request(kakao: None) -> None:
    response = Client().post(
        "/kakao/skill/", data="{}", content_type="application/json", headers={SECRET_HEADER: SECRET}
    )
    assert response.status_code == 400


def test_a_resident_sends_a_case_step_by_step_and_a_retry_makes_no_second_case(
    kakao: None, user: str
) -> None:
    client = Client()
    asked = say(client, "민원 접수", user)
    assert "무슨 일이 있었는지" in texts(asked)[-1]
    assert labels(asked) == ["취소"]

    where = say(client, REPORT, user)
    assert "어디에서" in texts(where)[-1]
    assert labels(where) == ["건너뛰기", "취소"]

    summary = say(client, "당산2동 당산역 4번 출구 앞", user)
    assert "이대로 보낼까요" in texts(summary)[-1]
    assert REPORT in texts(summary)[-1]
    assert "당산2동 당산역 4번 출구 앞" in texts(summary)[-1]
    assert labels(summary) == ["보내기", "취소"]

    receipt = say(client, "보내기", user)
    case = Case.objects.get()
    assert f"접수 번호: {case.number}" in texts(receipt)[-1]
    assert "이 대화방" in texts(receipt)[-1]
    assert labels(receipt) == [case.number, "처음으로"]
    assert receipt["template"]["quickReplies"][0]["messageText"] == f"민원 확인 {case.number}"
    assert case.channel == "kakao"
    assert case.channel_user == user
    assert case.text == REPORT
    assert case.dong == Dong.objects.get(code="dangsan2")
    assert case.address_text == "당산2동 당산역 4번 출구 앞"
    assert case.status == Status.RECEIVED
    assert len(case.external_id) == 64 and user not in case.external_id
    assert case.messages.get().direction == CaseMessage.Direction.INBOUND

    # Kakao retries the final request (or the resident taps "보내기" again): the same case comes back.
    again = say(client, "보내기", user)
    assert f"접수 번호: {case.number}" in texts(again)[-1]
    assert Case.objects.count() == 1


def test_a_free_text_message_is_the_case(kakao: None, user: str) -> None:
    client = Client()
    where = say(client, "여의동 주민센터 앞 가로등이 꺼져서 밤에 너무 어두워요", user)
    assert "어디에서" in texts(where)[-1]
    say(client, "건너뛰기", user)
    say(client, "보내기", user)
    case = Case.objects.get()
    assert case.text == "여의동 주민센터 앞 가로등이 꺼져서 밤에 너무 어두워요"
    assert case.address_text == ""
    assert case.dong is None


def test_a_cancelled_draft_is_not_sent(kakao: None, user: str) -> None:
    client = Client()
    say(client, REPORT, user)
    cancelled = say(client, "취소", user)
    assert "취소했습니다" in texts(cancelled)[-1]
    assert labels(cancelled) == [
        "민원 접수",
        "민원 확인",
        "가까운 대피소",
        "지금 발령된 특보",
        "소통TV",
        "주민 제안",
    ]
    say(client, "보내기", user)
    assert Case.objects.count() == 0


def test_a_life_risk_is_met_first_with_119_and_112(kakao: None, user: str) -> None:
    client = Client()
    first = say(client, "우리 건물 지하에서 가스 냄새가 심하게 나요", user)
    assert texts(first)[0].startswith("생명이 위험하거나")
    assert "119" in texts(first)[0] and "112" in texts(first)[0]
    say(client, "건너뛰기", user)
    receipt = say(client, "보내기", user)
    case = Case.objects.get()
    assert case.life_risk
    assert texts(receipt)[0].startswith("생명이 위험하거나")
    assert case.number in texts(receipt)[0]


@pytest.mark.parametrize("word", ["처음으로", "도움말"])
def test_the_menu_offers_quick_replies(kakao: None, user: str, word: str) -> None:
    body = say(Client(), word, user)
    assert "소통 창구" in texts(body)[-1]
    assert "119" in texts(body)[-1]
    assert body["template"]["quickReplies"] == [
        {"label": "민원 접수", "action": "message", "messageText": "민원 접수"},
        {"label": "민원 확인", "action": "message", "messageText": "민원 확인"},
        {"label": "가까운 대피소", "action": "message", "messageText": "가까운 대피소"},
        {"label": "지금 발령된 특보", "action": "message", "messageText": "지금 발령된 특보"},
        {"label": "소통TV", "action": "message", "messageText": "소통TV"},
        {"label": "주민 제안", "action": "message", "messageText": "주민 제안"},
    ]


def test_a_resident_sees_the_status_department_deadline_and_latest_answer(
    kakao: None, user: str, junho: Any
) -> None:
    client = Client()
    case = submit(client, user)
    route_and_answer(case, junho, "내일 오전에 보수하겠습니다.")
    case.refresh_from_db()

    body = say(client, f"민원 확인 {case.number}", user)
    text = texts(body)[-1]
    assert f"접수 번호: {case.number}" in text
    assert "상태: 답변 완료" in text
    assert "담당: 도로과" in text
    assert f"처리 기한: {case.deadline.astimezone().strftime('%Y-%m-%d %H:%M')}" in text
    assert "내일 오전에 보수하겠습니다." in text
    assert f"/voice/track/{case.number}/?t={case.token}" in text

    # The bare number works too, and "민원 확인" alone lists the resident's own cases.
    assert f"접수 번호: {case.number}" in texts(say(client, case.number, user))[-1]
    listed = say(client, "민원 확인", user)
    assert case.number in texts(listed)[-1]
    assert labels(listed)[0] == case.number


def test_another_residents_case_number_is_not_found(kakao: None, user: str, junho: Any) -> None:
    client = Client()
    case = submit(client, user)
    route_and_answer(case, junho, "내일 오전에 보수하겠습니다.")
    stranger = secrets.token_hex(35)

    body = say(client, f"민원 확인 {case.number}", stranger)
    text = texts(body)[-1]
    assert "찾을 수 없습니다" in text
    assert "도로과" not in text
    assert "보수하겠습니다" not in text
    assert case.token not in json.dumps(body)
    assert "없습니다" in texts(say(client, "민원 확인", stranger))[-1]


def test_an_answer_waits_for_the_next_visit_and_is_then_marked_sent(
    kakao: None, user: str, junho: Any
) -> None:
    client = Client()
    case = submit(client, user)
    route_and_answer(case, junho, "내일 오전에 보수하겠습니다.")
    ack = case.messages.get(purpose=CaseMessage.Purpose.ACKNOWLEDGEMENT)
    answer = case.messages.get(purpose=CaseMessage.Purpose.ANSWER)
    deliveries = [
        Delivery.objects.get(channel="kakao", subject=f"voice.casemessage:{message.pk}")
        for message in (ack, answer)
    ]
    for delivery in deliveries:
        assert delivery_send(delivery_id=delivery.pk).status == Delivery.Status.HELD

    visit = say(client, "처음으로", user)
    shown = texts(visit)
    assert len(shown) == 3
    assert case.number in shown[0] and "담당: 도로과" in shown[0]
    assert "내일 오전에 보수하겠습니다." in shown[1]
    assert "소통 창구" in shown[2]
    for delivery in deliveries:
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.SENT
        assert delivery.sent_at is not None

    # Handed over once: the next visit shows only the reply.
    assert len(texts(say(client, "처음으로", user))) == 1


def test_more_waiting_answers_than_fit_come_over_several_turns(kakao: None, user: str) -> None:
    client = Client()
    for n in range(3):
        delivery = delivery_enqueue(
            channel="kakao",
            idempotency_key=f"test:{user}:{n}",
            recipient=user,
            payload={"text": f"안내 {n + 1}번입니다.", "case": "2026-000001"},
        )
        delivery_send(delivery_id=delivery.pk)

    first = say(client, "처음으로", user)
    assert texts(first)[:2] == ["안내 1번입니다.", "안내 2번입니다."]
    assert labels(first)[0] == "남은 안내 보기"
    second = say(client, "남은 안내 보기", user)
    assert texts(second)[0] == "안내 3번입니다."
    assert "남은 안내 보기" not in labels(second)
    assert Delivery.objects.filter(recipient_digest__gt="", status=Delivery.Status.HELD).count() == 0


def test_another_residents_waiting_answer_is_not_shown(kakao: None, user: str) -> None:
    delivery = delivery_enqueue(
        channel="kakao", idempotency_key=f"test:{user}", recipient=user, payload={"text": "당신만의 답변"}
    )
    delivery_send(delivery_id=delivery.pk)
    body = say(Client(), "처음으로", secrets.token_hex(35))
    assert "당신만의 답변" not in json.dumps(body, ensure_ascii=False)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.HELD


def test_an_english_speaker_is_answered_in_english(kakao: None, user: str) -> None:
    client = Client()
    say(client, "The streetlight outside Yeouido station has been off for three nights", user)
    summary = say(client, "skip", user)
    assert labels(summary)[0] == "Send"
    say(client, summary["template"]["quickReplies"][0]["messageText"], user)
    case = Case.objects.get()
    assert case.language == "en"

    status = texts(say(client, case.number, user))[-1]
    assert "Received" in status
    assert "Central intake (Communications & PR Division)" in status
    assert f"/en/voice/track/{case.number}/" in status


def test_a_chinese_speaker_is_answered_in_chinese(kakao: None, user: str) -> None:
    client = Client()
    say(client, "汝矣岛站门口的路灯坏了三天了", user)
    summary = say(client, "跳过", user)
    assert labels(summary)[0] == "提交"
    say(client, "提交", user)
    case = Case.objects.get()
    assert case.language == "zh"
    assert "已受理" in texts(say(client, f"查询 {case.number}", user))[-1]


def test_with_the_callback_the_acknowledgement_follows_through_it(
    settings: Any, user: str, junho: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    kakao_settings(settings, callback=True)
    sent: list[httpx.Request] = []

    def kakao_callback_endpoint(transport: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        request.read()
        sent.append(request)
        return httpx.Response(
            200, json={"taskId": "task-1", "status": "SUCCESS", "message": "", "timestamp": 1}
        )

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", kakao_callback_endpoint)
    client = Client()
    say(client, REPORT, user, callback_url=CALLBACK_URL)
    say(client, "건너뛰기", user, callback_url=CALLBACK_URL)
    pending = say(client, "보내기", user, callback_url=CALLBACK_URL)
    case = Case.objects.get()
    assert pending["version"] == "2.0"
    assert pending["useCallback"] is True
    assert "template" not in pending
    assert case.number in pending["data"]["text"]

    case.category = ServiceCategory.objects.get(code="road_damage")
    case.save(update_fields=["category"])
    case_route(case=case)  # the task the commit enqueued
    ack = case.messages.get(purpose=CaseMessage.Purpose.ACKNOWLEDGEMENT)
    delivery = Delivery.objects.get(channel="kakao", subject=f"voice.casemessage:{ack.pk}")
    assert delivery_send(delivery_id=delivery.pk).status == Delivery.Status.SENT

    [request] = sent
    assert str(request.url) == CALLBACK_URL
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {
        "version": "2.0",
        "template": {"outputs": [{"simpleText": {"text": delivery.payload["text"]}}]},
    }


def test_a_foreign_callback_url_in_a_request_is_never_used(settings: Any, user: str) -> None:
    kakao_settings(settings, callback=True)
    client = Client()
    say(client, REPORT, user, callback_url="https://evil.example/callback")
    say(client, "건너뛰기", user, callback_url="https://evil.example/callback")
    receipt = say(client, "보내기", user, callback_url="https://evil.example/callback")
    assert "useCallback" not in receipt  # answered at once instead
    assert Case.objects.get().number in texts(receipt)[-1]


def test_the_external_id_is_a_digest_of_the_user_and_conversation(kakao: None, user: str) -> None:
    client = Client()
    first = submit(client, user)
    say(client, "민원 접수", user)
    say(client, "공원 벤치가 부서졌어요", user)
    say(client, "건너뛰기", user)
    say(client, "보내기", user)
    second = Case.objects.exclude(pk=first.pk).get()
    assert first.external_id != second.external_id
    assert all(len(c.external_id) == len(hashlib.sha256().hexdigest()) for c in (first, second))


def test_a_flood_of_messages_is_slowed_down(kakao: None, user: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # An hour-long window, so the test never straddles two windows.
    monkeypatch.setattr(
        "sotong.site.conversation.TURN_LIMIT", Limit("site.kakao.test", count=3, seconds=3600)
    )
    client = Client()
    for _ in range(3):
        say(client, "처음으로", user)
    body = say(client, "처음으로", user)
    assert "잠시 후" in texts(body)[0]
    assert len(texts(body)) == 1


def test_the_answer_comes_well_within_the_5_second_skill_timeout(kakao: None, user: str) -> None:
    client = Client()
    say(client, REPORT, user)
    say(client, "건너뛰기", user)
    started = time.monotonic()
    say(client, "보내기", user)
    assert time.monotonic() - started < 2.0
