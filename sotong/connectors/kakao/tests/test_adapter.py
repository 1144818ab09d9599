"""The Kakao adapter through the real outbox (delivery_send). Only the network edge is replaced: httpx's
transport, below the real client with its timeout, headers and redirect settings."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import httpx
import pytest

from sotong.connectors.kakao.callbacks import callback_claim, callback_remember
from sotong.connectors.kakao.tests.payloads import CALLBACK_URL, kakao_settings
from sotong.connectors.models import Delivery
from sotong.connectors.outbox import delivery_enqueue, delivery_send
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]

TEXT = "도로과의 답변입니다.\n\n내일 오전에 보수하겠습니다.\n\n자세히 보기: https://sotong.example/voice/track/2026-000123/?t=x"


class KakaoPeer:
    """Stands in for Kakao's callback endpoint at the transport: records requests, answers as documented."""

    def __init__(
        self, monkeypatch: pytest.MonkeyPatch, answer: httpx.Response | Exception | None = None
    ) -> None:
        self.requests: list[httpx.Request] = []
        self.answer = answer
        peer = self

        def handle_request(transport: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
            request.read()
            peer.requests.append(request)
            if isinstance(peer.answer, Exception):
                raise peer.answer
            if peer.answer is not None:
                return peer.answer
            return httpx.Response(
                200,
                json={
                    "taskId": "8f1d2c3b-task",
                    "status": "SUCCESS",
                    "message": "",
                    "timestamp": 1767225600000,
                },
            )

        monkeypatch.setattr(httpx.HTTPTransport, "handle_request", handle_request)


def kakao_delivery(*, user_key: str | None = None, **payload: Any) -> Delivery:
    return delivery_enqueue(
        channel="kakao",
        idempotency_key=f"test:{secrets.token_hex(8)}",
        recipient=user_key or secrets.token_hex(35),
        payload={"text": TEXT, "case": "2026-000123", **payload},
        subject="voice.casemessage:1",
    )


def test_it_posts_the_documented_response_to_the_callback_url(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    kakao_settings(settings, callback=True)
    peer = KakaoPeer(monkeypatch)
    delivery = kakao_delivery(callback_url=CALLBACK_URL, callback_issued_at=time.time())

    delivery = delivery_send(delivery_id=delivery.pk)

    assert delivery.status == Delivery.Status.SENT
    assert delivery.external_id == "8f1d2c3b-task"
    [request] = peer.requests
    assert request.method == "POST"
    assert str(request.url) == CALLBACK_URL
    assert request.headers["content-type"] == "application/json"
    assert request.headers["accept"] == "application/json"
    assert "authorization" not in request.headers
    assert request.extensions["timeout"] == {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}
    assert json.loads(request.content) == {
        "version": "2.0",
        "template": {"outputs": [{"simpleText": {"text": TEXT}}]},
    }


def test_it_uses_the_callback_the_skill_view_remembered_once(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    kakao_settings(settings, callback=True)
    peer = KakaoPeer(monkeypatch)
    user_key = secrets.token_hex(35)
    callback_remember(user_key=user_key, url=CALLBACK_URL)

    first = delivery_send(delivery_id=kakao_delivery(user_key=user_key).pk)
    second = delivery_send(delivery_id=kakao_delivery(user_key=user_key).pk)

    assert first.status == Delivery.Status.SENT
    assert second.status == Delivery.Status.HELD
    assert [str(r.url) for r in peer.requests] == [CALLBACK_URL]


def test_a_long_answer_is_cut_to_1000_characters_keeping_its_link(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    kakao_settings(settings, callback=True)
    peer = KakaoPeer(monkeypatch)
    text = "답변 " * 700 + "\n\n자세히 보기: https://sotong.example/voice/track/2026-000123/?t=x"
    delivery_send(
        delivery_id=kakao_delivery(text=text, callback_url=CALLBACK_URL, callback_issued_at=time.time()).pk
    )
    sent = json.loads(peer.requests[0].content)["template"]["outputs"][0]["simpleText"]["text"]
    assert len(sent) <= 1000
    assert sent.endswith("https://sotong.example/voice/track/2026-000123/?t=x")


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/v1/bots/b/callback/t",
        "http://bot-api.kakao.com/v1/bots/b/callback/t",
        "https://169.254.169.254/latest/meta-data/",
        "https://bot-api.kakao.com@evil.example/callback",
    ],
)
def test_a_non_kakao_callback_host_is_refused_for_good(
    settings: Any, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    kakao_settings(settings, callback=True)
    peer = KakaoPeer(monkeypatch)
    delivery = delivery_send(delivery_id=kakao_delivery(callback_url=url, callback_issued_at=time.time()).pk)
    assert delivery.status == Delivery.Status.FAILED
    assert "not Kakao's callback host" in delivery.last_error
    assert delivery.next_attempt_at is None
    assert peer.requests == []


def test_an_expired_callback_leaves_the_message_for_the_next_visit(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    kakao_settings(settings, callback=True)
    peer = KakaoPeer(monkeypatch)
    delivery = kakao_delivery(callback_url=CALLBACK_URL, callback_issued_at=time.time() - 61)
    assert delivery_send(delivery_id=delivery.pk).status == Delivery.Status.HELD
    assert peer.requests == []


def test_without_the_callback_switch_every_message_waits_for_the_next_visit(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    kakao_settings(settings, callback=False)
    peer = KakaoPeer(monkeypatch)
    user_key = secrets.token_hex(35)
    callback_remember(user_key=user_key, url=CALLBACK_URL)
    delivery = kakao_delivery(user_key=user_key, callback_url=CALLBACK_URL, callback_issued_at=time.time())
    assert delivery_send(delivery_id=delivery.pk).status == Delivery.Status.HELD
    assert peer.requests == []
    assert callback_claim(user_key=user_key) is not None  # left for a delivery that may use it


def test_without_a_callback_url_the_message_waits(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    kakao_settings(settings, callback=True)
    peer = KakaoPeer(monkeypatch)
    assert delivery_send(delivery_id=kakao_delivery().pk).status == Delivery.Status.HELD
    assert peer.requests == []


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(
            200,
            json={
                "taskId": "t",
                "status": "FAIL",
                "message": "Invalid callback token. Check your callback token.",
                "timestamp": 1,
            },
        ),
        httpx.Response(500, text="Internal server error occured. Please contact technical support. 501"),
        httpx.Response(302, headers={"Location": "https://evil.example/"}),
        httpx.ConnectTimeout("timed out"),
    ],
)
def test_a_failed_callback_leaves_the_message_for_the_next_visit(
    settings: Any, monkeypatch: pytest.MonkeyPatch, answer: httpx.Response | Exception
) -> None:
    kakao_settings(settings, callback=True)
    peer = KakaoPeer(monkeypatch, answer)
    delivery = delivery_send(
        delivery_id=kakao_delivery(callback_url=CALLBACK_URL, callback_issued_at=time.time()).pk
    )
    assert delivery.status == Delivery.Status.HELD
    assert len(peer.requests) == 1  # a one-time URL is never tried twice, and redirects are not followed


def test_a_switched_off_channel_fails_for_good(settings: Any) -> None:
    settings.KAKAO_ENABLED = False
    delivery = delivery_send(delivery_id=kakao_delivery().pk)
    assert delivery.status == Delivery.Status.FAILED
    assert "not enabled" in delivery.last_error
