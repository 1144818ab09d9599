"""The outbox's "webpush" channel: one push per delivery, sent as the fan-out sends (`sender.PushSender`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from sotong.connectors.base import DeliveryError
from sotong.connectors.registry import register_adapter
from sotong.connectors.webpush.sender import Push, PushResult, PushSender, new_event_loop, payload_bytes
from sotong.connectors.webpush.vapid import configured_signer

if TYPE_CHECKING:
    from sotong.connectors.models import Delivery


class WebPushAdapter:
    """The outbox's "webpush" channel: one push per delivery. Payload: {"endpoint", "p256dh", "auth",
    "message": {...}, "ttl", "urgency"}."""

    channel = "webpush"

    def is_enabled(self) -> bool:
        return bool(settings.WEBPUSH_ENABLED and settings.WEBPUSH_VAPID_PRIVATE_KEY)

    def send(self, delivery: Delivery) -> str:
        payload = delivery.payload if isinstance(delivery.payload, dict) else {}
        push = Push(
            key=delivery.pk,
            endpoint=str(payload.get("endpoint") or ""),
            p256dh=str(payload.get("p256dh") or ""),
            auth=str(payload.get("auth") or ""),
            data=payload_bytes(payload.get("message") or {}),
            ttl=int(payload.get("ttl") or settings.WEBPUSH_TTL),
            urgency=str(payload.get("urgency") or "normal"),
        )

        async def one() -> PushResult:
            async with PushSender(configured_signer(), concurrency=1, max_attempts=1) as sender:
                return await sender.send(push)

        loop = new_event_loop()
        try:
            result = loop.run_until_complete(one())
        finally:
            loop.close()
        if result.outcome != "delivered":
            raise DeliveryError(result.detail, permanent=result.permanent)
        return ""


register_adapter(WebPushAdapter())
