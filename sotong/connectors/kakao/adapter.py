"""Outbound KakaoTalk: a skill cannot push a message, so a delivery either goes through a fresh callback URL
or waits (Held) until the resident next writes to the chatbot, where the skill view hands it over.

A callback URL works once and for one minute. Whatever goes wrong with it (expired, refused, a network
error) leaves nothing to retry, so the delivery is held rather than retried: the resident sees it on the
next visit, possibly a second time if Kakao did show it, which beats losing it.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from sotong.connectors.base import DeliveryError, Held
from sotong.connectors.kakao.callbacks import Callback, callback_claim, callback_url_allowed
from sotong.connectors.kakao.responses import simple_text, skill_response
from sotong.connectors.models import Delivery
from sotong.connectors.registry import register_adapter

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5.0
HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def callback_body(payload: dict[str, Any]) -> dict[str, Any]:
    """The callback request has the skill response's format (AI 챗봇 콜백 개발 가이드 > CallbackRequest)."""
    return skill_response([simple_text(str(payload.get("text") or ""), keep_link=True)])


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or "?"
    except ValueError:
        return "?"


def _callback_for(delivery: Delivery) -> Callback | None:
    url = delivery.payload.get("callback_url")
    if url:
        try:
            issued_at = float(delivery.payload.get("callback_issued_at") or 0)
        except (TypeError, ValueError):
            issued_at = 0.0
        return Callback(url=str(url), issued_at=issued_at)
    return callback_claim(user_key=delivery.recipient)


class KakaoAdapter:
    channel = "kakao"

    def is_enabled(self) -> bool:
        return bool(settings.KAKAO_ENABLED)

    def send(self, delivery: Delivery) -> str:
        if not str(delivery.payload.get("text") or "").strip():
            raise DeliveryError("the delivery has no text", permanent=True)
        if not settings.KAKAO_CALLBACK_ENABLED:
            raise Held("no callback: waits for the resident's next message")
        callback = _callback_for(delivery)
        if callback is None:
            raise Held("no callback URL: waits for the resident's next message")
        if not callback_url_allowed(callback.url):
            raise DeliveryError(
                f"refused callback to {_host(callback.url)!r}: not Kakao's callback host", permanent=True
            )
        if not callback.is_valid(time.time()):
            raise Held("the callback URL expired: waits for the resident's next message")
        try:
            with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False) as client:
                response = client.post(callback.url, json=callback_body(delivery.payload), headers=HEADERS)
        except httpx.HTTPError as exc:
            logger.warning("kakao callback for delivery %s failed: %s", delivery.pk, exc)
            raise Held("the callback failed: waits for the resident's next message") from exc
        try:
            result = response.json()
        except ValueError:
            result = {}
        # CallbackResponse: {"taskId", "status": "SUCCESS" | "FAIL" | "ERROR", "message", "timestamp"}
        if response.status_code != 200 or not isinstance(result, dict) or result.get("status") != "SUCCESS":
            message = result.get("message", "") if isinstance(result, dict) else ""
            logger.warning(
                "kakao refused the callback for delivery %s: HTTP %s %s",
                delivery.pk,
                response.status_code,
                message,
            )
            raise Held("Kakao refused the callback: waits for the resident's next message")
        return str(result.get("taskId") or "")


register_adapter(KakaoAdapter())
