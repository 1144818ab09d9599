from __future__ import annotations

import asyncio
import io
from email.message import EmailMessage
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from PIL import Image

from sotong.connectors.email.tests.peers import eml
from sotong.connectors.models import Delivery
from sotong.connectors.registry import inbound_handler
from sotong.core.crypto import digest
from sotong.organisation.consumers import department_group
from sotong.organisation.models import Department
from sotong.voice.choices import Channel, Status
from sotong.voice.email_intake import receive_email
from sotong.voice.models import Case, CaseEvent, CaseMessage
from sotong.voice.services.intake import Submission, case_receive

pytestmark = pytest.mark.django_db

ORIGINAL = "<CAF1x9qk3Zt0-minji-20261125091201@mail.example.com>"


async def receive(layer: Any, channel: str) -> Any:
    return await asyncio.wait_for(layer.receive(channel), timeout=5)


def minji_case(number: str = "2026-000001") -> Case:
    """민지's report by e-mail, numbered as the reply file expects."""
    case = receive_email(eml("utf8_quoted_printable.eml"))
    assert case is not None
    Case.objects.filter(pk=case.pk).update(number=number, department=Department.objects.get(code="roads"))
    case.refresh_from_db()
    return case


def test_voice_handles_inbound_email(district: Any) -> None:
    assert inbound_handler("email") is receive_email


def test_an_email_becomes_a_case_with_the_sender_as_contact(district: Any) -> None:
    case = receive_email(eml("utf8_quoted_printable.eml"))
    assert case is not None
    assert case.channel == Channel.EMAIL
    assert case.status == Status.RECEIVED
    assert case.external_id == ORIGINAL
    assert case.title == "당산역 4번 출구 보도블록 파손"
    assert case.text.startswith("안녕하세요. 당산역 4번 출구 앞 보도블록이 깨져서")
    assert case.contact_email == "minji@example.com"
    assert case.contact_name == "김민지"
    assert case.consent_contact is True
    assert case.contact_digest == digest("minji@example.com")
    first = case.messages.get()
    assert (first.direction, first.channel, first.external_id) == (
        CaseMessage.Direction.INBOUND,
        "email",
        ORIGINAL,
    )


def test_the_same_message_delivered_twice_makes_one_case(district: Any) -> None:
    first = receive_email(eml("euc_kr_outlook.eml"))
    again = receive_email(b"Return-Path: <seojun.park@example.co.kr>\r\n" + eml("euc_kr_outlook.eml"))
    assert first is not None and again is not None and first.pk == again.pk
    assert Case.objects.count() == 1
    assert "똠방각하" in first.text


def test_a_message_without_message_id_delivered_twice_makes_one_case(district: Any) -> None:
    raw = b"From: a@example.com\r\nTo: sotong@localhost\r\nSubject: =?utf-8?b?7ZWY7IiY6rWs?=\r\n\r\nsmell\r\n"
    first = receive_email(raw)
    again = receive_email(b"Received: from relay\r\n" + raw)
    assert first is not None and again is not None and first.pk == again.pk
    assert first.external_id.startswith("sha256:")
    assert first.messages.get().external_id == ""  # nothing to thread our answer under


def test_html_mail_is_stored_as_plain_text(district: Any) -> None:
    case = receive_email(eml("html_only_with_script.eml"))
    assert case is not None
    assert "불법 주차가 매일 있습니다" in case.text
    assert "<" not in case.text and "script" not in case.text and "cookie" not in case.text


def test_photos_are_cleaned_and_broken_ones_skipped(district: Any) -> None:
    case = receive_email(eml("multipart_with_jpeg.eml"))
    assert case is not None
    attachment = case.attachments.get()
    assert attachment.content_type == "image/jpeg"
    assert (attachment.width, attachment.height) == (32, 24)
    assert attachment.lat is None


def test_auto_replies_and_bounces_are_not_taken_in(district: Any) -> None:
    assert receive_email(eml("auto_reply.eml")) is None
    assert receive_email(eml("bounce.eml")) is None
    assert not Case.objects.exists()


def test_a_reply_joins_its_case_without_the_quoted_history(
    district: Any, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = minji_case()
    # As the web server (embedded) or any process (Redis): events go straight to the channel layer.
    monkeypatch.setenv("SOTONG_PROCESS", "web")
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(department_group("roads"), channel)

    with django_capture_on_commit_callbacks(execute=True):
        replied = receive_email(eml("reply_to_case.eml"))

    assert replied is not None and replied.pk == case.pk
    assert Case.objects.count() == 1
    reply = case.messages.last()
    assert reply is not None
    assert reply.direction == CaseMessage.Direction.INBOUND
    assert reply.external_id == "<reply-2026-000001-a@mail.example.com>"
    assert reply.body == "감사합니다. 그런데 오늘 아침에 보니 아직 그대로입니다.\n사진을 다시 보내 드릴까요?"
    assert CaseEvent.objects.filter(case=case, kind="resident_replied").exists()
    event = async_to_sync(receive)(layer, channel)
    assert event["event"] == {"type": "case.changed", "case": "2026-000001", "status": case.status}
    async_to_sync(layer.group_discard)(department_group("roads"), channel)


def test_a_reply_delivered_twice_is_stored_once(district: Any) -> None:
    case = minji_case()
    receive_email(eml("reply_to_case.eml"))
    receive_email(eml("reply_to_case.eml"))
    assert case.messages.filter(direction=CaseMessage.Direction.INBOUND).count() == 2


def test_someone_else_naming_the_case_makes_a_new_case(district: Any) -> None:
    case = minji_case()
    forged = eml("reply_to_case.eml").replace(b"<minji@example.com>", b"<someone@example.com>")
    other = receive_email(forged)
    assert other is not None and other.pk != case.pk
    assert case.messages.count() == 1
    assert other.contact_email == "someone@example.com"


def test_a_reply_found_by_its_thread_alone(district: Any) -> None:
    """No tag and no number: In-Reply-To names the answer we sent (our Message-ID on the delivery)."""
    case = minji_case(number="2026-000007")
    answer = CaseMessage.objects.create(case=case, direction=CaseMessage.Direction.OUTBOUND, body="답변")
    Delivery.objects.create(
        channel="email",
        idempotency_key=f"voice:{answer.pk}:email",
        external_id="<0123456789abcdef0123456789abcdef@localhost>",
        subject=f"voice.casemessage:{answer.pk}",
        status=Delivery.Status.SENT,
    )
    raw = (
        eml("reply_to_case.eml")
        .replace(b"sotong+2026-000001@localhost", b"sotong@localhost")
        .replace(b"References: <CAF1x9qk3Zt0-minji-20261125091201@mail.example.com>\r\n", b"References:")
    )
    raw = raw.replace(b"Subject: =?UTF-8?B?", b"Subject: thanks\r\nX-Old-Subject: =?UTF-8?B?")
    replied = receive_email(raw)
    assert replied is not None and replied.pk == case.pk


def test_a_homepage_case_with_a_phone_and_an_email_takes_the_email_reply(district: Any) -> None:
    case, _ = case_receive(
        submission=Submission(
            channel=Channel.WEB,
            external_id="web-1",
            text="가로등이 꺼졌어요",
            contact_phone="010-1234-5678",
            contact_email="minji@example.com",
            consent_contact=True,
        )
    )
    Case.objects.filter(pk=case.pk).update(number="2026-000001")
    replied = receive_email(eml("reply_to_case.eml"))
    assert replied is not None and replied.pk == case.pk


def test_a_photo_sent_in_a_reply_is_added_to_the_case(district: Any) -> None:
    case = minji_case()
    reply = EmailMessage()
    reply["From"] = "minji@example.com"
    reply["To"] = "sotong+2026-000001@localhost"
    reply["Subject"] = "Re: 사진 보냅니다"
    reply["Message-ID"] = "<reply-photo@mail.example.com>"
    reply.set_content("요청하신 사진입니다.")
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 90, 90)).save(picture, "JPEG")
    reply.add_attachment(picture.getvalue(), maintype="image", subtype="jpeg", filename="after.jpg")
    assert receive_email(reply.as_bytes()) == case
    assert case.attachments.count() == 1
    assert case.messages.last().body == "요청하신 사진입니다."  # type: ignore[union-attr]
