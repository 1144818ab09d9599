"""Telling residents: every message to a resident leaves through the outbox of the channel they used
(and, for the homepage and Open311, the contact they left), in the language they wrote in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from sotong.connectors.outbox import delivery_enqueue
from sotong.voice.choices import Channel
from sotong.voice.models import Case, CaseMessage

LANGUAGE_CODES = {"ko": "ko", "en": "en", "zh": "zh-hans"}


def resident_language(case: Case) -> str:
    """The Django language code of the language the resident wrote in."""
    return LANGUAGE_CODES.get(case.language, "ko")


def tracking_url(case: Case) -> str:
    with translation.override(resident_language(case)):
        path = reverse("voice:track", kwargs={"number": case.number}) + f"?t={case.token}"
    return f"{settings.SITE_URL}{path}"


def _when(value: Any) -> str:
    return formats.date_format(value.astimezone(), "Y-m-d H:i") if value else "-"


def compose(case: Case, message: CaseMessage) -> tuple[str, str]:
    """(subject, text) for the resident, in their language."""
    with translation.override(resident_language(case)):
        district = _("영등포구")
        department = case.department.name if case.department else _("통합접수(소통홍보과)")
        if message.purpose == CaseMessage.Purpose.ACKNOWLEDGEMENT:
            subject = _("[%(district)s] 민원 접수 안내 %(number)s") % {
                "district": district,
                "number": case.number,
            }
            text = _(
                "민원이 접수되었습니다.\n접수 번호: %(number)s\n담당: %(department)s\n처리 기한: %(deadline)s\n"
                "진행 상황: %(url)s"
            ) % {
                "number": case.number,
                "department": department,
                "deadline": _when(case.deadline),
                "url": tracking_url(case),
            }
        elif message.purpose == CaseMessage.Purpose.ANSWER:
            subject = _("[%(district)s] 민원 답변 %(number)s") % {"district": district, "number": case.number}
            text = _("%(department)s의 답변입니다.\n\n%(body)s\n\n자세히 보기: %(url)s") % {
                "department": department,
                "body": message.body,
                "url": tracking_url(case),
            }
        elif message.purpose == CaseMessage.Purpose.INTERIM:
            subject = _("[%(district)s] 처리 기한 연장 안내 %(number)s") % {
                "district": district,
                "number": case.number,
            }
            text = _("%(body)s\n\n새 처리 기한: %(deadline)s\n진행 상황: %(url)s") % {
                "body": message.body,
                "deadline": _when(case.deadline),
                "url": tracking_url(case),
            }
        else:
            subject = _("[%(district)s] 민원 진행 안내 %(number)s") % {
                "district": district,
                "number": case.number,
            }
            text = _("%(body)s\n\n진행 상황: %(url)s") % {"body": message.body, "url": tracking_url(case)}
    return subject, text


def outbox_subject(message: CaseMessage) -> str:
    """How the outbox names the deliveries of a message to the resident."""
    return f"voice.casemessage:{message.pk}"


def notify_resident(*, case: Case, message: CaseMessage) -> list[str]:
    """Queue the message on every way back to this resident; returns the channels used."""
    subject, text = compose(case, message)
    subject_ref = outbox_subject(message)
    used = []

    def queue(channel: str, recipient: str, payload: dict[str, Any]) -> None:
        delivery_enqueue(
            channel=channel,
            idempotency_key=f"voice:{message.pk}:{channel}",
            recipient=recipient,
            payload=payload,
            subject=subject_ref,
        )
        used.append(channel)

    if case.channel == Channel.KAKAO and case.channel_user:
        queue("kakao", case.channel_user, {"text": text, "case": case.number})
    if case.contact_email:
        first = case.messages.filter(direction=CaseMessage.Direction.INBOUND).exclude(external_id="").first()
        queue(
            "email",
            case.contact_email,
            {
                "subject": subject,
                "text": text,
                "case": case.number,
                "in_reply_to": first.external_id if first and case.channel == Channel.EMAIL else "",
            },
        )
    if case.contact_phone and case.channel in {
        Channel.SMS,
        Channel.WEB,
        Channel.OPEN311,
        Channel.MAYOR_LETTER,
    }:
        queue("sms", case.contact_phone, {"text": text, "case": case.number, "purpose": message.purpose})
    return used
