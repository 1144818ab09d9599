"""Answers to a case that came by e-mail leave through the outbox to a real SMTP peer on loopback."""

from __future__ import annotations

import email
import email.policy
from typing import Any

import pytest

from sotong.connectors.email.tests.peers import Collector, eml, free_port, smtp_peer, smtp_settings
from sotong.connectors.models import Delivery
from sotong.connectors.outbox import delivery_send
from sotong.voice.email_intake import receive_email
from sotong.voice.models import Case, CaseMessage, ServiceCategory
from sotong.voice.services.handling import case_reply
from sotong.voice.services.routing import case_route

pytestmark = pytest.mark.django_db

ORIGINAL = "<000001db3e4f$8a2b1c40$9e8154c0$@example.co.kr>"


def answered(junho: Any) -> tuple[Case, Delivery]:
    """서준's streetlight report by e-mail, routed to roads and answered by 준호."""
    case = receive_email(eml("euc_kr_outlook.eml"))
    assert case is not None
    Case.objects.filter(pk=case.pk).update(category=ServiceCategory.objects.get(code="streetlight"))
    case = case_route(case=case)
    case_reply(case=case, body="오늘 밤까지 가로등을 교체하겠습니다.", by=junho)
    answer = case.messages.get(purpose=CaseMessage.Purpose.ANSWER)
    return case, Delivery.objects.get(channel="email", subject=f"voice.casemessage:{answer.pk}")


def test_the_acknowledgement_and_the_answer_reach_the_resident_in_one_thread(
    district: Any, junho: Any
) -> None:
    case, delivery = answered(junho)
    ack = case.messages.get(purpose=CaseMessage.Purpose.ACKNOWLEDGEMENT)
    ack_delivery = Delivery.objects.get(channel="email", subject=f"voice.casemessage:{ack.pk}")
    collector = Collector()
    with smtp_peer(collector) as peer, smtp_settings(peer.port):
        assert delivery_send(delivery_id=ack_delivery.pk).status == Delivery.Status.SENT
        assert delivery_send(delivery_id=delivery.pk).status == Delivery.Status.SENT
    ack_mail, answer_mail = (
        email.message_from_bytes(e.original_content, policy=email.policy.default) for e in collector.envelopes
    )
    assert [e.rcpt_tos for e in collector.envelopes] == [["seojun.park@example.co.kr"]] * 2
    assert ack_mail["Subject"] == f"[영등포구] 민원 접수 안내 {case.number}"
    assert answer_mail["Subject"] == f"[영등포구] 민원 답변 {case.number}"
    assert ack_mail["In-Reply-To"] == answer_mail["In-Reply-To"] == ORIGINAL
    assert "오늘 밤까지 가로등을 교체하겠습니다." in answer_mail.get_content()
    assert ack_mail["Message-ID"] != answer_mail["Message-ID"]


def test_a_mailbox_that_does_not_exist_fails_the_delivery_for_good(district: Any, junho: Any) -> None:
    _, delivery = answered(junho)
    collector = Collector(refuse={"seojun.park@example.co.kr": "550 5.1.1 user unknown"})
    with smtp_peer(collector) as peer, smtp_settings(peer.port):
        delivery = delivery_send(delivery_id=delivery.pk)
    assert delivery.status == Delivery.Status.FAILED
    assert "550" in delivery.last_error
    assert delivery.next_attempt_at is None


def test_an_unreachable_mail_server_makes_the_delivery_wait_and_retry(district: Any, junho: Any) -> None:
    _, delivery = answered(junho)
    with smtp_settings(free_port()):
        delivery = delivery_send(delivery_id=delivery.pk)
    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.attempts == 1 and delivery.next_attempt_at is not None

    collector = Collector()
    with smtp_peer(collector) as peer, smtp_settings(peer.port):
        delivery = delivery_send(delivery_id=delivery.pk)
    assert delivery.status == Delivery.Status.SENT
    assert len(collector.envelopes) == 1
