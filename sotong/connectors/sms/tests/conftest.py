"""The NHN Cloud edge for the SMS tests: settings of a district that registered its sender number, and an
httpx.MockTransport in place of the network that records every request and answers as NHN documents."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from sotong.connectors.sms import nhn

SMS_REQUEST_ID = "20250701100630ReZQ6KZzAH0"
ALIMTALK_REQUEST_ID = "20250701100631AbCdEfGhIj1"


def key_for(idempotency_key: str) -> str:
    """Sotong's name for a delivery at NHN (recipientGroupingKey, X-NC-API-IDEMPOTENCY-KEY)."""
    return "sotong-" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]


def sms_answer(
    request_id: str = SMS_REQUEST_ID, *, result_code: int = 0, message: str = "SUCCESS"
) -> dict[str, Any]:
    return {
        "header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
        "body": {
            "data": {
                "requestId": request_id,
                "statusCode": "2",
                "senderGroupingKey": "2025-000123",
                "sendResultList": [
                    {
                        "recipientNo": "01012345678",
                        "resultCode": result_code,
                        "resultMessage": message,
                        "recipientSeq": 1,
                        "recipientGroupingKey": "",
                    }
                ],
            }
        },
    }


def refused(code: int, message: str) -> dict[str, Any]:
    return {"header": {"isSuccessful": False, "resultCode": code, "resultMessage": message}}


def alimtalk_answer(request_id: str = ALIMTALK_REQUEST_ID, *, result_code: int = 0) -> dict[str, Any]:
    return {
        "header": {"resultCode": 0, "resultMessage": "SUCCESS", "isSuccessful": True},
        "message": {
            "requestId": request_id,
            "senderGroupingKey": "2025-000123",
            "sendResults": [
                {
                    "recipientSeq": 1,
                    "recipientNo": "01012345678",
                    "resultCode": result_code,
                    "resultMessage": "SUCCESS" if result_code == 0 else "FAIL",
                    "recipientGroupingKey": "",
                }
            ],
        },
    }


@dataclass
class Edge:
    """What left for NHN, and how NHN answers (a function of the request)."""

    answer: Callable[[httpx.Request], httpx.Response] = field(
        default=lambda request: httpx.Response(200, json=sms_answer())
    )
    requests: list[httpx.Request] = field(default_factory=list)

    def answers(self, *responses: httpx.Response | Exception) -> None:
        """Answer the next requests in this order."""
        queue = list(responses)

        def next_answer(request: httpx.Request) -> httpx.Response:
            item = queue.pop(0)
            if isinstance(item, Exception):
                raise item
            return item

        self.answer = next_answer


@pytest.fixture
def edge(monkeypatch: pytest.MonkeyPatch) -> Edge:
    edge = Edge()

    def handle(request: httpx.Request) -> httpx.Response:
        request.read()
        edge.requests.append(request)
        return edge.answer(request)

    monkeypatch.setattr(nhn, "transport", httpx.MockTransport(handle))
    return edge


@pytest.fixture
def sms_on(settings: Any) -> Any:
    settings.SMS_ENABLED = True
    settings.SMS_PROVIDER = "nhn"
    settings.NHN_SMS_APP_KEY = "sms-app-key"
    settings.NHN_SMS_SECRET_KEY = "sms-secret-key"
    settings.NHN_SMS_SEND_NO = "0226703114"
    settings.SMS_API_BASE = "https://api-sms.cloud.toast.com"
    settings.ALIMTALK_ENABLED = False
    settings.NHN_ALIMTALK_APP_KEY = ""
    settings.NHN_ALIMTALK_SECRET_KEY = ""
    settings.NHN_ALIMTALK_SENDER_KEY = ""
    settings.ALIMTALK_TEMPLATES = {}
    settings.ALIMTALK_API_BASE = "https://api-alimtalk.cloud.toast.com"
    return settings


@pytest.fixture
def alimtalk_on(sms_on: Any) -> Any:
    sms_on.ALIMTALK_ENABLED = True
    sms_on.NHN_ALIMTALK_APP_KEY = "alimtalk-app-key"
    sms_on.NHN_ALIMTALK_SECRET_KEY = "alimtalk-secret-key"
    sms_on.NHN_ALIMTALK_SENDER_KEY = "kakao-sender-key-0123456789abcdef01234567"
    sms_on.ALIMTALK_TEMPLATES = {"answer": "SOTONG_ANSWER"}
    return sms_on
