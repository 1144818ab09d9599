"""The "sms" channel: a message to a resident's mobile phone, as AlimTalk when the district has an approved
template for its purpose (with SMS as NHN's fallback), otherwise as SMS or, past 90 bytes, LMS.

Messages are transactional replies to the resident's own request (정보성), never advertising, so they carry
no "(광고)" mark and no 080 opt-out line. They leave only from the registered sender number.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation

from sotong.connectors.base import DeliveryError
from sotong.connectors.registry import register_adapter
from sotong.connectors.sms import nhn, rules, templates

if TYPE_CHECKING:
    from sotong.connectors.models import Delivery

logger = logging.getLogger(__name__)

TITLES = {
    "ack": "민원 접수 안내",
    "answer": "민원 답변 안내",
    "interim": "처리 기한 연장 안내",
    "status": "민원 진행 안내",
    "safety_alert": "재난 특보 알림",
    "safety_confirm": "재난 알림 신청 확인",
}


def grouping_key(delivery: Delivery) -> str:
    """Our name for the delivery at NHN: finds an earlier try, and is the AlimTalk idempotency key."""
    return "sotong-" + hashlib.sha256(delivery.idempotency_key.encode()).hexdigest()[:40]


def lms_title(purpose: str) -> str:
    with translation.override("ko"):
        district = str(settings.SOTONG_DISTRICT_NAME)
    return rules.fit_title(f"[{district}] {TITLES.get(purpose, '민원 안내')}")


class SmsAdapter:
    channel = "sms"

    def is_enabled(self) -> bool:
        return bool(
            settings.SMS_ENABLED
            and settings.NHN_SMS_APP_KEY
            and settings.NHN_SMS_SECRET_KEY
            and settings.NHN_SMS_SEND_NO
        )

    def send(self, delivery: Delivery) -> str:
        number = rules.normalise_mobile(delivery.recipient or "")
        if number is None:
            raise DeliveryError(
                f"{rules.mask_phone(delivery.recipient or '')} is not a Korean mobile number (01X, 10-11 digits)",
                permanent=True,
            )
        payload = delivery.payload if isinstance(delivery.payload, dict) else {}
        text = str(payload.get("text") or "").strip()
        if not text:
            raise DeliveryError("the message has no text", permanent=True)
        purpose = str(payload.get("purpose") or "message")
        sender_grouping_key = str(payload.get("case") or "sotong")[:100]
        key = grouping_key(delivery)
        # attempts counts this try: above one, an earlier try may have reached NHN with its answer lost.
        earlier_try = delivery.attempts > 1
        sms = nhn.SmsAccount(
            base_url=settings.SMS_API_BASE,
            app_key=settings.NHN_SMS_APP_KEY,
            secret_key=settings.NHN_SMS_SECRET_KEY,
            send_no=settings.NHN_SMS_SEND_NO,
        )
        body, long = rules.fit(text)
        title = lms_title(purpose) if long else None

        template = templates.template_for(purpose)
        if template:
            alimtalk = nhn.AlimTalkAccount(
                base_url=settings.ALIMTALK_API_BASE,
                app_key=settings.NHN_ALIMTALK_APP_KEY,
                secret_key=settings.NHN_ALIMTALK_SECRET_KEY,
                sender_key=settings.NHN_ALIMTALK_SENDER_KEY,
            )
            if earlier_try and (
                found := nhn.find_alimtalk(alimtalk, recipient_grouping_key=key, since=delivery.created_at)
            ):
                return found
            try:
                return nhn.send_alimtalk(
                    alimtalk,
                    template_code=template,
                    recipient=number,
                    parameters={
                        templates.TEXT_PARAMETER: rules.truncate(text, templates.TEXT_MAX_CHARS, length=len)
                    },
                    resend=nhn.Resend(send_no=sms.send_no, body=body, title=title),
                    idempotency_key=key,
                    sender_grouping_key=sender_grouping_key,
                    recipient_grouping_key=key,
                )
            except nhn.AlimTalkUnusable as exc:
                logger.warning("delivery %s goes as SMS: %s", delivery.pk, exc)

        if earlier_try and (
            found := nhn.find_sms(sms, long=long, recipient_grouping_key=key, since=delivery.created_at)
        ):
            return found
        return nhn.send_sms(
            sms,
            recipient=number,
            body=body,
            title=title,
            sender_grouping_key=sender_grouping_key,
            recipient_grouping_key=key,
        )


register_adapter(SmsAdapter())
