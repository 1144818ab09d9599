"""A message to 민지's phone through the outbox: the exact SMS, LMS and AlimTalk requests NHN Cloud documents,
and what each answer makes of the delivery. Only the network is replaced (httpx.MockTransport)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import httpx
import pytest

from sotong.connectors.models import Delivery
from sotong.connectors.outbox import delivery_enqueue, delivery_send
from sotong.connectors.sms.rules import LMS_MAX_BYTES, byte_len
from sotong.connectors.sms.tests.conftest import (
    ALIMTALK_REQUEST_ID,
    SMS_REQUEST_ID,
    Edge,
    alimtalk_answer,
    key_for,
    refused,
    sms_answer,
)
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]

MINJI = "01012345678"
TRACK = "http://127.0.0.1:8000/ko/voice/track/2025-000123/?t=Zx81kQ"
SHORT = "[영등포구] 민원 2025-000123 답변이 등록되었습니다."
ACK = (
    "민원이 접수되었습니다.\n접수 번호: 2025-000123\n담당: 도로과\n처리 기한: 2025-07-10 18:00\n"
    f"진행 상황: {TRACK}"
)
ANSWER = (
    "도로과의 답변입니다.\n\n말씀하신 영등포로 보도블록은 7월 3일에 교체를 마쳤습니다. 불편을 드려 죄송합니다.\n\n"
    f"자세히 보기: {TRACK}"
)
SMS_URL = "https://api-sms.cloud.toast.com/sms/v3.0/appKeys/sms-app-key/sender/sms"
LMS_URL = "https://api-sms.cloud.toast.com/sms/v3.0/appKeys/sms-app-key/sender/mms"
ALIMTALK_URL = "https://api-alimtalk.cloud.toast.com/alimtalk/v2.3/appkeys/alimtalk-app-key/messages"


def queue(
    text: str, *, purpose: str = "answer", recipient: str = MINJI, key: str = "voice:41:sms"
) -> Delivery:
    return delivery_enqueue(
        channel="sms",
        idempotency_key=key,
        recipient=recipient,
        payload={"text": text, "case": "2025-000123", "purpose": purpose},
        subject="voice.casemessage:41",
    )


def sent_json(request: httpx.Request) -> Any:
    return json.loads(request.content.decode("utf-8"))


def test_a_short_korean_message_goes_to_the_sms_endpoint(sms_on: Any, edge: Edge) -> None:
    delivery = delivery_send(delivery_id=queue(SHORT).pk)

    assert delivery.status == Delivery.Status.SENT
    assert delivery.external_id == SMS_REQUEST_ID
    assert delivery.sent_at is not None
    (request,) = edge.requests
    assert request.method == "POST"
    assert str(request.url) == SMS_URL
    assert request.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert request.headers["X-Secret-Key"] == "sms-secret-key"
    assert sent_json(request) == {
        "body": SHORT,
        "sendNo": "0226703114",
        "senderGroupingKey": "2025-000123",
        "recipientList": [{"recipientNo": MINJI, "recipientGroupingKey": key_for("voice:41:sms")}],
        "userId": "sotong",
    }
    # UTF-8 on the wire, as the Content-Type says; a transactional reply carries no advertising mark.
    assert "답변이 등록되었습니다".encode() in request.content
    assert "(광고)" not in request.content.decode()


def test_a_long_message_goes_to_the_mms_endpoint_as_an_lms_with_a_title(sms_on: Any, edge: Edge) -> None:
    delivery = delivery_send(delivery_id=queue(ACK, purpose="ack").pk)

    assert delivery.status == Delivery.Status.SENT
    (request,) = edge.requests
    assert request.method == "POST"
    assert str(request.url) == LMS_URL
    assert request.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert request.headers["X-Secret-Key"] == "sms-secret-key"
    assert sent_json(request) == {
        "title": "[영등포구] 민원 접수 안내",
        "body": ACK,
        "sendNo": "0226703114",
        "senderGroupingKey": "2025-000123",
        "recipientList": [{"recipientNo": MINJI, "recipientGroupingKey": key_for("voice:41:sms")}],
        "userId": "sotong",
    }


def test_an_lms_past_2000_bytes_is_cut_with_an_ellipsis_and_keeps_the_tracking_link(
    sms_on: Any, edge: Edge
) -> None:
    text = (
        "도로과의 답변입니다.\n\n" + "보도블록 교체 공사를 마쳤습니다. " * 120 + f"\n\n자세히 보기: {TRACK}"
    )

    delivery_send(delivery_id=queue(text).pk)

    body = sent_json(edge.requests[0])["body"]
    assert byte_len(body) <= LMS_MAX_BYTES
    assert body.startswith("도로과의 답변입니다.")
    assert body.endswith(f"…\n자세히 보기: {TRACK}")


def test_an_emoji_the_handset_cannot_show_becomes_a_question_mark(sms_on: Any, edge: Edge) -> None:
    delivery_send(delivery_id=queue("고쳤습니다 👍 감사합니다").pk)

    assert sent_json(edge.requests[0])["body"] == "고쳤습니다 ? 감사합니다"


def test_the_api_base_can_point_elsewhere(sms_on: Any, edge: Edge) -> None:
    sms_on.SMS_API_BASE = "https://sms.gateway.example"

    delivery_send(delivery_id=queue(SHORT).pk)

    assert str(edge.requests[0].url) == "https://sms.gateway.example/sms/v3.0/appKeys/sms-app-key/sender/sms"


def test_an_alimtalk_carries_the_template_code_the_text_and_an_sms_fallback(
    alimtalk_on: Any, edge: Edge
) -> None:
    edge.answers(httpx.Response(200, json=alimtalk_answer()))

    delivery = delivery_send(delivery_id=queue(ANSWER, purpose="answer").pk)

    assert delivery.status == Delivery.Status.SENT
    assert delivery.external_id == ALIMTALK_REQUEST_ID
    (request,) = edge.requests
    assert request.method == "POST"
    assert str(request.url) == ALIMTALK_URL
    assert request.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert request.headers["X-Secret-Key"] == "alimtalk-secret-key"
    assert request.headers["X-NC-API-IDEMPOTENCY-KEY"] == key_for("voice:41:sms")
    assert sent_json(request) == {
        "senderKey": "kakao-sender-key-0123456789abcdef01234567",
        "templateCode": "SOTONG_ANSWER",
        "senderGroupingKey": "2025-000123",
        "recipientList": [
            {
                "recipientNo": MINJI,
                "templateParameter": {"text": ANSWER},
                "resendParameter": {
                    "isResend": True,
                    "resendType": "LMS",
                    "resendTitle": "[영등포구] 민원 답변 안내",
                    "resendContent": ANSWER,
                    "resendSendNo": "0226703114",
                },
                "recipientGroupingKey": key_for("voice:41:sms"),
            }
        ],
    }


def test_a_short_alimtalk_falls_back_to_an_sms_without_a_title(alimtalk_on: Any, edge: Edge) -> None:
    edge.answers(httpx.Response(200, json=alimtalk_answer()))

    delivery_send(delivery_id=queue(SHORT, purpose="answer").pk)

    fallback = sent_json(edge.requests[0])["recipientList"][0]["resendParameter"]
    assert fallback == {
        "isResend": True,
        "resendType": "SMS",
        "resendContent": SHORT,
        "resendSendNo": "0226703114",
    }


def test_a_purpose_without_an_approved_template_goes_as_sms(alimtalk_on: Any, edge: Edge) -> None:
    delivery = delivery_send(delivery_id=queue(ACK, purpose="ack").pk)

    assert delivery.external_id == SMS_REQUEST_ID
    assert [str(request.url) for request in edge.requests] == [LMS_URL]


def test_when_alimtalk_cannot_carry_the_template_the_message_goes_as_sms_at_once(
    alimtalk_on: Any, edge: Edge
) -> None:
    edge.answers(
        httpx.Response(200, json=refused(-3005, "Please check template status.")),
        httpx.Response(200, json=sms_answer()),
    )

    delivery = delivery_send(delivery_id=queue(ANSWER).pk)

    assert delivery.status == Delivery.Status.SENT
    assert delivery.external_id == SMS_REQUEST_ID
    assert [str(request.url) for request in edge.requests] == [ALIMTALK_URL, LMS_URL]


def test_an_alimtalk_to_an_invalid_number_fails_for_good(alimtalk_on: Any, edge: Edge) -> None:
    edge.answers(httpx.Response(200, json=refused(-5000, "RecipientNo is invalid.")))

    delivery = delivery_send(delivery_id=queue(ANSWER).pk)

    assert delivery.status == Delivery.Status.FAILED
    assert "-5000" in delivery.last_error
    assert len(edge.requests) == 1


@pytest.mark.time_machine(MONDAY_MORNING, tick=False)
def test_a_server_error_is_retried_with_backoff(sms_on: Any, edge: Edge) -> None:
    edge.answers(
        httpx.Response(
            500, json={"header": {"isSuccessful": False, "resultCode": -9999, "resultMessage": "x"}}
        )
    )

    delivery = delivery_send(delivery_id=queue(SHORT).pk)

    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.attempts == 1
    assert "HTTP 500" in delivery.last_error
    assert delivery.next_attempt_at == MONDAY_MORNING + timedelta(minutes=1)
    assert delivery.external_id == ""


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectTimeout("timed out"),
        httpx.ReadTimeout("timed out"),
        httpx.ConnectError("[Errno 111] Connection refused"),
    ],
    ids=["connect-timeout", "read-timeout", "connection-refused"],
)
def test_a_timeout_or_a_connection_error_is_retried(sms_on: Any, edge: Edge, failure: Exception) -> None:
    edge.answers(failure)

    delivery = delivery_send(delivery_id=queue(SHORT).pk)

    assert delivery.status == Delivery.Status.RETRYING
    assert "NHN SMS" in delivery.last_error


def test_a_rate_limit_is_retried(sms_on: Any, edge: Edge) -> None:
    edge.answers(httpx.Response(429, text="Too Many Requests"))

    assert delivery_send(delivery_id=queue(SHORT).pk).status == Delivery.Status.RETRYING


def test_a_refused_request_fails_for_good(sms_on: Any, edge: Edge) -> None:
    edge.answers(httpx.Response(401, json=refused(-1000, "Invalid appKey.")))

    delivery = delivery_send(delivery_id=queue(SHORT).pk)

    assert delivery.status == Delivery.Status.FAILED
    assert "HTTP 401" in delivery.last_error


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (sms_answer(result_code=-2019, message="RecipientNo is invalid."), "recipient number is invalid"),
        (sms_answer(result_code=-6001, message="Recipient Number is refused."), "080"),
        (refused(-2312, "Not regist sendno."), "sender number is not registered"),
        (refused(-2313, "This sendno is blocked."), "sender number is blocked"),
    ],
    ids=["bad-number", "recipient-blocked", "sender-not-registered", "sender-blocked"],
)
def test_a_bad_number_or_a_blocked_or_unregistered_sender_fails_for_good(
    sms_on: Any, edge: Edge, answer: dict[str, Any], reason: str
) -> None:
    edge.answers(httpx.Response(200, json=answer))

    delivery = delivery_send(delivery_id=queue(SHORT).pk)

    assert delivery.status == Delivery.Status.FAILED
    assert delivery.next_attempt_at is None
    assert reason in delivery.last_error
    assert MINJI not in delivery.last_error


def test_another_provider_error_is_retried(sms_on: Any, edge: Edge) -> None:
    edge.answers(
        httpx.Response(200, json=refused(-9999, "System error. Please inquire at support@toast.com."))
    )

    delivery = delivery_send(delivery_id=queue(SHORT).pk)

    assert delivery.status == Delivery.Status.RETRYING
    assert "-9999" in delivery.last_error


@pytest.mark.parametrize("number", ["0226701234", "010-1234", "+1 415 555 0100", "01512345678", ""])
def test_a_number_that_is_not_a_korean_mobile_fails_for_good_without_a_call(
    sms_on: Any, edge: Edge, number: str
) -> None:
    delivery = delivery_send(delivery_id=queue(SHORT, recipient=number).pk)

    assert delivery.status == Delivery.Status.FAILED
    assert "not a Korean mobile number" in delivery.last_error
    assert not number or "".join(ch for ch in number if ch.isdigit()) not in delivery.last_error
    assert edge.requests == []


@pytest.mark.parametrize("number", ["010-1234-5678", "+82 10-1234-5678", "010 1234 5678"])
def test_a_mobile_number_written_with_hyphens_or_the_country_code_is_sent_as_digits(
    sms_on: Any, edge: Edge, number: str
) -> None:
    delivery_send(delivery_id=queue(SHORT, recipient=number).pk)

    assert sent_json(edge.requests[0])["recipientList"][0]["recipientNo"] == MINJI


def test_with_sms_switched_off_the_delivery_fails_saying_so(sms_on: Any, edge: Edge) -> None:
    sms_on.SMS_ENABLED = False

    delivery = delivery_send(delivery_id=queue(SHORT).pk)

    assert delivery.status == Delivery.Status.FAILED
    assert delivery.last_error == "the sms channel is not enabled"
    assert edge.requests == []


def test_without_the_registered_sender_number_sms_is_not_enabled(sms_on: Any, edge: Edge) -> None:
    sms_on.NHN_SMS_SEND_NO = ""

    delivery = delivery_send(delivery_id=queue(SHORT).pk)

    assert delivery.status == Delivery.Status.FAILED
    assert "not enabled" in delivery.last_error
    assert edge.requests == []


def test_a_retry_after_a_lost_answer_finds_the_earlier_request_instead_of_sending_twice(
    sms_on: Any, edge: Edge
) -> None:
    found = {
        "header": {"resultCode": 0, "resultMessage": "SUCCESS", "isSuccessful": True},
        "body": {"pageNum": 1, "pageSize": 15, "totalCount": 1, "data": [{"requestId": SMS_REQUEST_ID}]},
    }
    edge.answers(httpx.ReadTimeout("timed out"), httpx.Response(200, json=found))
    delivery = queue(SHORT)
    assert delivery_send(delivery_id=delivery.pk).status == Delivery.Status.RETRYING

    delivery = delivery_send(delivery_id=delivery.pk)

    assert delivery.status == Delivery.Status.SENT
    assert delivery.external_id == SMS_REQUEST_ID
    first, search = edge.requests
    assert (first.method, search.method) == ("POST", "GET")
    assert search.url.copy_with(query=None) == httpx.URL(SMS_URL)
    assert search.headers["X-Secret-Key"] == "sms-secret-key"
    assert search.url.params["recipientGroupingKey"] == key_for("voice:41:sms")
    assert search.url.params["startCreateDate"] < search.url.params["endCreateDate"]


def test_a_retry_that_finds_no_earlier_request_sends(sms_on: Any, edge: Edge) -> None:
    nothing = {
        "header": {"resultCode": 0, "resultMessage": "SUCCESS", "isSuccessful": True},
        "body": {"data": []},
    }
    edge.answers(
        httpx.Response(503, text="Service Unavailable"),
        httpx.Response(200, json=nothing),
        httpx.Response(200, json=sms_answer("20250701100730SecondTry01")),
    )
    delivery = queue(SHORT)
    delivery_send(delivery_id=delivery.pk)

    delivery = delivery_send(delivery_id=delivery.pk)

    assert delivery.external_id == "20250701100730SecondTry01"
    assert [request.method for request in edge.requests] == ["POST", "GET", "POST"]


def test_an_alimtalk_retry_looks_for_the_earlier_alimtalk(alimtalk_on: Any, edge: Edge) -> None:
    found = {
        "header": {"resultCode": 0, "resultMessage": "SUCCESS", "isSuccessful": True},
        "messageSearchResultResponse": {"messages": [{"requestId": ALIMTALK_REQUEST_ID}], "totalCount": 1},
    }
    edge.answers(httpx.ReadTimeout("timed out"), httpx.Response(200, json=found))
    delivery = queue(ANSWER)
    delivery_send(delivery_id=delivery.pk)

    delivery = delivery_send(delivery_id=delivery.pk)

    assert delivery.external_id == ALIMTALK_REQUEST_ID
    search = edge.requests[1]
    assert search.method == "GET"
    assert search.url.copy_with(query=None) == httpx.URL(ALIMTALK_URL)
    assert search.url.params["recipientGroupingKey"] == key_for("voice:41:sms")


def test_the_full_number_never_reaches_the_log(
    sms_on: Any, edge: Edge, caplog: pytest.LogCaptureFixture
) -> None:
    edge.answers(
        httpx.Response(200, json=sms_answer()),
        httpx.Response(200, json=sms_answer(result_code=-2019, message=f"RecipientNo {MINJI} is invalid.")),
    )
    with caplog.at_level(logging.DEBUG):
        delivery_send(delivery_id=queue(SHORT, key="voice:41:sms").pk)
        failed = delivery_send(delivery_id=queue(SHORT, key="voice:42:sms").pk)

    assert "010-****-5678" in caplog.text
    assert MINJI not in caplog.text
    assert MINJI not in failed.last_error


def test_a_long_safety_alert_goes_as_an_lms_titled_as_an_alert(sms_on: Any, edge: Edge) -> None:
    delivery = delivery_send(delivery_id=queue(ACK, purpose="safety_alert").pk)

    assert delivery.status == Delivery.Status.SENT
    (request,) = edge.requests
    assert sent_json(request)["title"] == "[영등포구] 재난 특보 알림"
